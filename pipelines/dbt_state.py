"""What a night builds after the dbt project changed, decided by dbt's own state comparison.

The manifest of the last successful whole build is kept (build/dbt_state/<engine>/). A
night whose project differs from it (the quick check: `build_state.project_changed`)
builds in two dbt invocations with the selectors of `dbt_project/selectors.yml`: first
what dbt finds unchanged, incrementally as on any night; then what `state:modified+`
selects (the models whose SQL, config, seed, macros or descriptions changed, and all
downstream of them) with `--full-refresh`, so that the new rules apply to old posts too.
The unchanged set never reads a changed model (everything downstream of one is in the
changed set), so the first invocation needs nothing from the second.

dbt's comparison cannot see two things, and then every model is rebuilt from all raw
data: a change of `dbt_project.yml` (its vars, such as the attribution window, are read
by models whose SQL stays the same; its hooks) and a manifest written by another dbt
version (dbt refuses to read it). No kept manifest (a first build, `rm -rf build`), a
damaged one, or a build of part of the graph (from the UI) also rebuild in full, as before.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipelines.dbt_files import manifest_cut_short
from pipelines.settings import DBT_PROJECT_DIR, Paths

CHANGED, UNCHANGED = "changed_since_last_build", "unchanged_since_last_build"
PROJECT_FILE = "dbt_project.yml"
VERSION_FILE = "dbt_version"
# Unit tests check the models' logic on fixed inputs: they can only change result when
# the project does (then they run, before any model they guard is rebuilt).
NO_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]


@dataclass(frozen=True)
class BuildPlan:
    """The dbt invocations of one build, in order, and what the log says of them."""

    invocations: list[list[str]]
    said: str | None = None

    @property
    def by_state(self) -> bool:
        return len(self.invocations) > 1


def state_dir(p: Paths, engine: str) -> Path:
    return p.build_dir / "dbt_state" / engine


def _dbt_version() -> str:
    return importlib.metadata.version("dbt-core")


def _usable_state(p: Paths, engine: str) -> tuple[Path | None, str]:
    """The kept state folder when dbt can compare the project with it, else why not."""
    kept = state_dir(p, engine)
    if not (kept / "manifest.json").exists():
        return None, "no successful build of the whole project is recorded"
    try:
        version = (kept / VERSION_FILE).read_text().strip()
        project = (kept / PROJECT_FILE).read_bytes()
    except OSError:
        version, project = "", b""
    if manifest_cut_short(kept / "manifest.json") or not version:
        return None, "the kept state of the last build is damaged"
    if version != _dbt_version():
        return None, "dbt was upgraded since the last build (it cannot compare with it)"
    if project != (DBT_PROJECT_DIR / PROJECT_FILE).read_bytes():
        return None, f"{PROJECT_FILE} changed (its vars and hooks are not compared by dbt)"
    return kept, ""


def plan(
    p: Paths, engine: str, *, full_refresh: bool, project_changed: bool, whole: bool
) -> BuildPlan:
    """The dbt build arguments (selection and refresh only) for this night."""
    if full_refresh:
        return BuildPlan([["build", "--full-refresh"]])
    if not project_changed:
        return BuildPlan([["build", *NO_UNIT_TESTS]])
    kept, why_not = _usable_state(p, engine) if whole else (None, "part of the models asked")
    if kept is None:
        return BuildPlan(
            [["build", "--full-refresh"]],
            "The dbt project (models, macros or seeds) changed since the last successful "
            f"build, or no build is recorded ({why_not}): every model is rebuilt from all "
            "raw data (--full-refresh), so that incremental models follow the new rules "
            "everywhere.",
        )
    state = ["--state", str(kept)]
    return BuildPlan(
        [
            ["build", "--selector", UNCHANGED, *state, *NO_UNIT_TESTS],
            ["build", "--full-refresh", "--selector", CHANGED, *state],
        ],
        "The dbt project changed since the last successful build: dbt compares it with "
        "that build's manifest (state:modified+); what it finds changed, and every model "
        "downstream of it, is rebuilt from all raw data (--full-refresh) after the other "
        "models are built as on any night.",
    )


def save(p: Paths, engine: str, target_path: Path) -> None:
    """Keep the manifest of a successful whole build (and what dbt cannot compare) as the
    state the next changed project is compared with; replaced whole, never half written."""
    kept = state_dir(p, engine)
    fresh = kept.with_name(f".{engine}.new")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    shutil.copyfile(target_path / "manifest.json", fresh / "manifest.json")
    shutil.copyfile(DBT_PROJECT_DIR / PROJECT_FILE, fresh / PROJECT_FILE)
    (fresh / VERSION_FILE).write_text(_dbt_version() + "\n")
    old = kept.with_name(f".{engine}.old")
    shutil.rmtree(old, ignore_errors=True)
    if kept.exists():
        os.replace(kept, old)
    os.replace(fresh, kept)
    shutil.rmtree(old, ignore_errors=True)
