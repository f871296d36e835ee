"""A full disk, recognised and said as such: whatever library hit it (DuckDB, SQLite in the
Dagster instance, dbt writing its manifest) words it its own way."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

# What the libraries under a run say when a write finds no space.
MARKERS = (
    "no space left on device",
    "database or disk is full",
    "disk i/o error",  # SQLite, when the journal cannot grow
    "could not write",
    "out of disk space",
)
LOW_FREE_BYTES = 64 * 2**20


def free_bytes(folder: Path) -> int | None:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def _says_full(text: str) -> bool:
    text = text.lower()
    return any(m in text for m in MARKERS)


def is_disk_full(error: BaseException | str, data_dir: Path) -> bool:
    """True when the error (or any error in its chain) is a full disk, or names a failed
    write while the data dir's disk has almost no space left."""
    texts: list[str] = []
    if isinstance(error, str):
        texts.append(error)
    else:
        seen: BaseException | None = error
        while seen is not None:
            if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
                return True
            texts.append(f"{type(seen).__name__}: {seen}")
            seen = seen.__cause__ or seen.__context__
    said = any(_says_full(t) for t in texts)
    free = free_bytes(data_dir)
    return said and (free is None or free < LOW_FREE_BYTES or "no space" in " ".join(texts))


def advice(data_dir: Path) -> str:
    free = free_bytes(data_dir)
    left = f" ({free / 2**20:.0f} MB free)" if free is not None else ""
    return (
        f"the disk holding {data_dir} is full{left}: free space there (`df -h {data_dir}`); "
        "nothing half-written was published, and the next run (`socialwh run`, or tonight's "
        "schedule) picks up on its own: nothing needs cleaning up."
    )
