"""The dbt project's own files, and the one fingerprint of them that says "the project
changed": read by the build state (rebuild every model) and by the manifest check (parse
again), so both agree on what a change is."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipelines.settings import DBT_PROJECT_DIR

# what dbt writes into a project folder when run by hand: not inputs
NOT_INPUTS = {"target", "logs", "dbt_packages", ".user.yml"}
PARSED_FROM = "socialwh_project.sha256"  # beside a manifest: the files it was parsed from


def project_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """sha256 of every file of the project (models, macros, seeds, yml, profiles): a few
    ms, so that a touched but unchanged file changes nothing."""
    digest = hashlib.sha256()
    for f in sorted(project_dir.rglob("*")):
        rel = f.relative_to(project_dir)
        if f.is_file() and not NOT_INPUTS & set(rel.parts):
            digest.update(rel.as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


def record_parse(target: Path, fingerprint: str) -> None:
    """Say which project files the manifest in dbt's `target` folder was made from (by a
    parse or a build that started with that fingerprint)."""
    (target / PARSED_FROM).write_text(fingerprint + "\n")


def parsed_from_current_files(target: Path) -> bool:
    """Whether the manifest in `target` was made from the project's files as they are."""
    recorded = target / PARSED_FROM
    return recorded.exists() and recorded.read_text().strip() == project_fingerprint()
