"""The dbt project as Dagster sees it; its manifest lives under the data dir's build folder.

Nothing happens at import: the code location prepares the manifest when it loads its
definitions (pipelines.definitions), for the data dir it serves.
"""

from __future__ import annotations

import errno
import importlib.metadata
import os
from functools import cached_property
from pathlib import Path

from packaging import version

from pipelines import dbt_warm, disk
from pipelines.dbt_files import (
    manifest_cut_short,
    parsed_from_current_files,
    project_fingerprint,
    ready_parse_cache,
    record_parse,
)
from pipelines.dbt_light import dagster_dbt
from pipelines.settings import DBT_PROJECT_DIR, Paths


def dbt_project(p: Paths) -> dagster_dbt.DbtProject:
    return dagster_dbt.DbtProject(
        project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=p.dbt_target
    )


def dbt_executable() -> str:
    """The script of a warm dbt when the run started one (pipelines.dbt_warm), else the dbt
    installed beside this Python, found without PATH (a virtualenv used without activation
    has it there)."""
    warm = os.environ.get(dbt_warm.ENV)
    if warm and (Path(warm) / dbt_warm.SCRIPT).exists():
        return str(Path(warm) / dbt_warm.SCRIPT)
    return dbt_warm.installed_dbt()


class SocialwhDbtCli(dagster_dbt.DbtCliResource):
    """dagster-dbt opens dbt's adapter in this process before starting dbt, only to fetch
    row counts and column metadata on request; the dbt step reads counts itself, so that
    second dbt start-up (1.5 s a run) is skipped (and dbt-core's modules stay unimported:
    pipelines.dbt_light). It also starts `dbt --version` once per process to learn the
    version (2.9 s a night): the dbt we run is the dbt-core package installed beside us,
    whose version the package metadata gives at once."""

    def _initialize_dbt_core_adapter(self, args):  # dagster-dbt's hook
        return None

    @cached_property
    def _cli_version(self) -> version.Version:  # dagster-dbt's hook
        return version.parse(importlib.metadata.version("dbt-core"))


def dbt_resource(project: dagster_dbt.DbtProject) -> SocialwhDbtCli:
    return SocialwhDbtCli(project_dir=project, dbt_executable=dbt_executable())


def manifest_is_stale(project: dagster_dbt.DbtProject) -> bool:
    """True when the manifest is missing, cut short, or made from other project files
    (the same fingerprint as the build state's "project changed")."""
    manifest = project.manifest_path
    if not manifest.exists() or manifest_cut_short(manifest):
        return True
    return not parsed_from_current_files(manifest.parent)


def prepared_project(p: Paths) -> dagster_dbt.DbtProject:
    """The project with a manifest that matches its files: runs, tests and the UI never
    load a stale one (`dbt parse` when needed)."""
    project = dbt_project(p)
    if manifest_is_stale(project):
        p.build_dir.mkdir(parents=True, exist_ok=True)
        files = project_fingerprint()  # before the parse: an edit during it parses again
        ready_parse_cache(project.target_path)
        dbt_resource(project).cli(["parse", "--quiet"], target_path=project.target_path).wait()
        _check_written(project.manifest_path, p)
        record_parse(project.manifest_path.parent, files)
    return project


def _check_written(manifest: Path, p: Paths) -> None:
    """dbt says its parse succeeded even when the disk filled while it wrote the manifest:
    a manifest cut short is said here (as a full disk when there is no room left), never
    recorded as parsed nor handed to Dagster to fail on as bad JSON."""
    if not manifest.exists() or manifest_cut_short(manifest):
        said = f"dbt parse left {manifest} missing or cut short"
        free = disk.free_bytes(manifest.parent)
        if free is not None and free < disk.LOW_FREE_BYTES:
            raise OSError(errno.ENOSPC, f"{said}: no space left on device")
        raise RuntimeError(f"{said}; run `socialwh run` again (it parses the project anew)")
