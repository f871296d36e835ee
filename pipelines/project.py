"""The dbt project as Dagster sees it; its manifest lives under the data dir's build folder."""

from __future__ import annotations

from dagster_dbt import DbtProject

from pipelines.settings import DBT_PROJECT_DIR, export_dbt_environment, paths

_paths = paths()
export_dbt_environment(_paths)

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target_path=_paths.dbt_target,
)


def _cut_short(manifest) -> bool:
    """dbt writes manifest.json in place: a full disk (or a kill) mid-write leaves a
    truncated file that would crash every run and the UI at import. A whole manifest is
    a JSON object, so its last byte is `}`; reading the tail costs nothing."""
    try:
        with manifest.open("rb") as fh:
            fh.seek(max(0, manifest.stat().st_size - 64))
            return not fh.read().rstrip().endswith(b"}")
    except OSError:
        return True


def manifest_is_stale() -> bool:
    """True when the manifest is missing, cut short, or older than any file of the dbt
    project."""
    manifest = dbt_project.manifest_path
    if not manifest.exists() or _cut_short(manifest):
        return True
    built = manifest.stat().st_mtime
    return any(
        f.stat().st_mtime > built
        for f in DBT_PROJECT_DIR.rglob("*")
        if f.is_file() and f.suffix in {".sql", ".yml", ".yaml", ".csv"}
    )


def ensure_manifest() -> None:
    """Parse the dbt project when needed: runs, tests and the UI never load a stale manifest."""
    if manifest_is_stale():
        _paths.build_dir.mkdir(parents=True, exist_ok=True)
        dbt_project.preparer.prepare(dbt_project)


dbt_project.prepare_if_dev()
ensure_manifest()
