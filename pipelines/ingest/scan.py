"""Stage 1, scan: list landing/, keep what is new, wait for what is still being written.

A file recorded before with the same path, size and modification time is not read again
(nor hashed). A file is taken only once complete: untouched for the settle time
(SOCIALWH_SETTLE_SECONDS, 30 s by default, the sensor's too) and open for writing by no
process. A writer that pauses between chunks (a sync client, a script appending a
day at a time) keeps its file open, or touches it within the settle time: either way the
file waits for the next run, whole, instead of being loaded or quarantined half-written.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.ingest.records import LandedFile, modified_us

# Names that browsers and editors use for files still being written, or their own scratch.
IGNORED_SUFFIXES = (".crdownload", ".part", ".partial", ".tmp", ".download", ".reason.txt")
SETTLE_SECONDS = 30
# said of a bad file that landing/ would not let go (ledger.py copies it to quarantine)
COPIED_NOT_MOVED = "copied to quarantine/, not moved"


def landed_files(landing: Path, ordered: bool = True) -> list[tuple[str, os.stat_result]]:
    """Every file under landing/ that may be an export: its path relative to landing/
    (with /) and its stat, sorted by path (folder by folder) unless `ordered` is False."""
    found, _, _ = _listing(landing)
    # "\0" sorts before every character a name can hold: the order of the paths' parts,
    # without a list per path (a third of the listing's time at L)
    return sorted(found, key=lambda f: f[0].replace("/", "\0")) if ordered else found


def _listing(
    landing: Path,
    seen: set[tuple[str, int, int]] | None = None,
    on_new: Callable[[], object] | None = None,
) -> tuple[list[tuple[str, os.stat_result]], set[str], int]:
    """landed_files, unordered, the first-level folders holding files (the client
    folders) and how many files were listed. Given the files `seen` before (already_seen),
    only the others are kept, and `on_new` is called at the first of them: the judge of a
    night says it has work as soon as it meets a new file (pipelines/quiet_night.py), not
    once it has listed all (1.1 s at L).

    os.scandir and strings rather than Path.rglob, is_file and relative_to: at
    212,000 files (two years of 200 clients) those took 6 s a night, and the landing
    sensor lists the folder on every tick. Each folder is read through its descriptor, so
    that each stat resolves a name, not the whole path; the stats are most of what is
    left (0.5 s at L), the judge of a night with nothing new waits on them."""
    found: list[tuple[str, os.stat_result]] = []
    tops: set[str] = set()
    folders = [""]
    listed = 0
    while folders:
        folder = folders.pop()
        prefix = f"{folder}/" if folder else ""
        try:
            fd = os.open(os.path.join(landing, folder), os.O_RDONLY | os.O_DIRECTORY)
        except OSError:  # a folder that cannot be read is skipped
            continue
        before = listed
        try:
            with os.scandir(fd) as entries:
                for entry in entries:
                    name = entry.name
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(prefix + name)
                    elif (
                        entry.is_file()  # a symlink to a file counts, as with is_file()
                        and not name.startswith((".", "~$"))
                        and not name.lower().endswith(IGNORED_SUFFIXES)
                    ):
                        try:
                            st = entry.stat()
                        except OSError:  # gone since it was listed
                            continue
                        listed += 1
                        if seen is None:
                            found.append((prefix + name, st))
                        elif seen_key(prefix + name, st) not in seen:
                            found.append((prefix + name, st))
                            if on_new is not None:
                                on_new()
                                on_new = None
        except OSError:  # the folder went away while read: what it showed is kept
            pass
        finally:
            os.close(fd)
        if folder and listed > before:
            tops.add(folder.split("/", 1)[0])
    return found, tops, listed


def settle_seconds() -> float:
    """How long a file must stay untouched before it is read (SOCIALWH_SETTLE_SECONDS)."""
    try:
        return max(0.0, float(os.environ.get("SOCIALWH_SETTLE_SECONDS", SETTLE_SECONDS)))
    except ValueError:
        return float(SETTLE_SECONDS)


def open_for_writing(candidates: list[Path], under: Path) -> set[Path]:
    """The candidates (files under `under`) some process holds open for writing, read
    from /proc (Linux): each open file descriptor's target and its access mode. Processes
    of other users cannot be read and are skipped (their files still wait out the settle
    time); elsewhere than Linux the set is empty."""
    if not candidates or not os.path.isdir("/proc/self/fd"):
        return set()
    root = os.path.realpath(under) + os.sep
    targets: set[str] = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if not target.startswith(root):
                    continue
                with open(f"/proc/{pid}/fdinfo/{fd}", encoding="ascii") as info:
                    flags = next(int(ln.split()[1], 8) for ln in info if ln.startswith("flags:"))
            except (OSError, StopIteration, ValueError):
                continue
            if flags & 0o3:  # O_WRONLY or O_RDWR
                targets.add(target)
    return {c for c in candidates if targets and os.path.realpath(c) in targets}


def settled(
    files: list[LandedFile], landing: Path, now: float | None = None
) -> tuple[list[LandedFile], list[LandedFile]]:
    """(files safe to read, files that may still be written)."""
    now = time.time() if now is None else now
    wait = settle_seconds()
    recent = {f.rel for f in files if now - f.stat.st_mtime < wait}
    writing = open_for_writing([f.path for f in files if f.rel not in recent], landing)
    moving = recent | {f.rel for f in files if f.path in writing}
    return [f for f in files if f.rel not in moving], [f for f in files if f.rel in moving]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def already_seen(con: duckdb.DuckDBPyConnection) -> set[tuple[str, int, int]]:
    """Files recorded before: loaded, duplicates, and bad files that a read-only landing/
    would not let go (copied to quarantine, left in place)."""
    rows = con.execute(
        "SELECT path, size_bytes, epoch_us(modified_at) FROM ops.file_loads "
        "WHERE status IN ('loaded', 'duplicate') "
        "OR (status = 'quarantined' AND contains(reason, ?))",
        [COPIED_NOT_MOVED],
    ).fetchall()
    return set(rows)  # DuckDB's rows are tuples already


@dataclass
class Scan:
    listed: int  # candidate files in landing/, new or not
    folders: set[str]  # the first-level folders holding files: the client folders
    new: list[LandedFile] = field(default_factory=list)  # settled, not seen before; by path
    moving: list[LandedFile] = field(default_factory=list)  # still being written


def seen_key(rel: str, st: os.stat_result) -> tuple[str, int, int]:
    """How ops.file_loads knows a file: path, size, modification time in microseconds."""
    return rel, st.st_size, modified_us(st)


def scan(con: duckdb.DuckDBPyConnection, landing: Path) -> Scan:
    """What landing/ holds that `con`'s ops.file_loads does not know, settled or not. A
    scan handed over by this process's judge of the night moments ago is taken instead."""
    handed = _handed.pop(os.path.realpath(landing), None)
    if handed is not None and time.time() - handed[0] < HANDOVER_MAX_AGE_S:
        return handed[1]
    return scan_against(already_seen(con), landing)


def scan_against(
    seen: set[tuple[str, int, int]], landing: Path, on_new: Callable[[], object] | None = None
) -> Scan:
    """scan, against the files `seen` before (already_seen), read by the caller: a judge
    that must not hold the build database open while it lists landing/. `on_new` is
    called as soon as a new file is met (settled or not)."""
    unseen, folders, listed = _listing(landing, seen, on_new)
    new = [LandedFile(landing / rel, rel, st) for rel, st in unseen]
    # folder by folder, as the loading order and its messages go ("\0" sorts before every
    # character a name can hold); only the new files are sorted, not the whole listing
    new.sort(key=lambda f: f.rel.replace("/", "\0"))
    ready, moving = settled(new, landing)
    return Scan(listed, folders, ready, moving)


# The scan of a night whose judge (pipelines/quiet_night.py, a forked child listing
# landing/ while this process imports Dagster) found new files, kept for the landing step
# of the run it starts in this process: at L, 216,000 files are then listed and compared
# once a night, not twice (2 s of the step). Taken once; a minute old at most. The early
# judge reads ops.file_loads before the run's lock is taken; a run that had to wait for
# the lock drops that judgement and judges again under the lock (pipelines/run.py), so
# what the handed scan calls new is what the landing step would.
_handed: dict[str, tuple[float, Scan]] = {}
HANDOVER_MAX_AGE_S = 60


def hand_over(landing: Path, found: Scan) -> None:
    _handed[os.path.realpath(landing)] = (time.time(), found)
