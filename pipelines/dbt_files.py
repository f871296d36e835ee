"""The dbt project's own files, and the one fingerprint of them that says "the project
changed": read by the build state (rebuild every model) and by the manifest check (parse
again), so both agree on what a change is."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipelines.settings import DBT_PROJECT_DIR

# what dbt writes into a project folder when run by hand: not inputs
NOT_INPUTS = {"target", "logs", "dbt_packages", ".user.yml"}


def project_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """sha256 of every file of the project (models, macros, seeds, yml, profiles): a few
    ms, so that a touched but unchanged file changes nothing."""
    digest = hashlib.sha256()
    for f in sorted(project_dir.rglob("*")):
        rel = f.relative_to(project_dir)
        if f.is_file() and not NOT_INPUTS & set(rel.parts):
            digest.update(rel.as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()
