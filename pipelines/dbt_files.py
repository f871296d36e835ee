"""The dbt project's own files, and the one fingerprint of them that says "the project
changed": read by the build state (rebuild every model) and by the manifest check (parse
again), so both agree on what a change is."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from pipelines.settings import DBT_PROJECT_DIR

# what the tools write into the project folder, not inputs: dbt's when run by hand, and
# Spark's metastore log (the dbt-spark session's Derby writes derby.log where dbt runs:
# counted, every Spark build made the next night parse the project again)
NOT_INPUTS = {"target", "logs", "dbt_packages", ".user.yml", "derby.log"}
PARSED_FROM = "socialwh_project.sha256"  # beside a manifest: the files it was parsed from
PARTIAL_PARSE = "partial_parse.msgpack"  # dbt's parse cache, in its target folder


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
    parse or a build that started with that fingerprint), and from which folder."""
    (target / PARSED_FROM).write_text(f"{fingerprint}\n{DBT_PROJECT_DIR}\n")


def _recorded(target: Path) -> list[str]:
    recorded = target / PARSED_FROM
    return recorded.read_text().split("\n")[:2] if recorded.exists() else []


def parsed_from_current_files(target: Path) -> bool:
    """Whether the manifest in `target` was made from the project's files as they are,
    where they are."""
    return _recorded(target) == [project_fingerprint(), str(DBT_PROJECT_DIR)]


def ready_parse_cache(target: Path) -> None:
    """The parse cache a dbt run into `target` starts from.

    dbt's partial-parse cache keeps the absolute paths of the project it was made in
    (seeds are read from them) and dbt reuses it after the code moved to another folder (a
    new checkout serving the same data dir): every seed then fails with "No files found".
    A cache made elsewhere, or whose folder is not recorded, is dropped: one full parse.

    A target without a cache is given the one of a dbt run by hand in the project folder
    (dagster-dbt would copy it itself, keeping its mode: readable by all, in the private
    data dir); copied here, it gets this process's private mode and dagster-dbt copies
    nothing."""
    ours = target / PARTIAL_PARSE
    recorded = _recorded(target)
    if len(recorded) < 2 or recorded[1] != str(DBT_PROJECT_DIR):
        ours.unlink(missing_ok=True)
    by_hand = Path(os.environ.get("DBT_TARGET_PATH") or "target")  # where dagster-dbt looks
    by_hand = (by_hand if by_hand.is_absolute() else DBT_PROJECT_DIR / by_hand) / PARTIAL_PARSE
    if by_hand.exists() and not ours.exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(by_hand, ours)


def manifest_cut_short(manifest: Path) -> bool:
    """dbt writes manifest.json in place: a full disk (or a kill) mid-write leaves a
    truncated file that would crash every run and the UI at load. The file is parsed
    whole (orjson, a few ms for the project's 1.2 MB): a cut can fall right after any
    `}` inside it, which a look at its last byte took for a whole manifest."""
    import orjson  # dagster-dbt's own JSON reader, which would fail on it next

    try:
        orjson.loads(manifest.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return True
    return False
