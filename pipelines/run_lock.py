"""One nightly run at a time per data dir, whoever starts it (cron, the schedule, the sensor).

The lock is an OS file lock (`flock`) on build/run.lock. The kernel releases it when
the process holding it ends, however it ends (`kill -9`, a crash, a reboot), so a dead
run never leaves a stale lock behind and nobody has to clean up by hand. The file
itself only says who holds the lock, for the messages of whoever waits.

The Dagster run queue already serialises the runs it launches (max_concurrent_runs: 1);
this lock also covers `socialwh run` from cron, which runs in process, outside the queue.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime

from pipelines.settings import Paths

_held: dict[str, int] = {}  # lock path -> open file descriptor, for this process


class RunInProgress(Exception):
    def __init__(self, holder: str):
        super().__init__(f"another socialwh run holds the data dir ({holder})")
        self.holder = holder


def _lock_path(p: Paths) -> str:
    return str(p.build_dir / "run.lock")


def holds(p: Paths) -> bool:
    return _lock_path(p) in _held


def held_by(p: Paths) -> str | None:
    """Who holds the lock now, or None; takes nothing."""
    path = _lock_path(p)
    if path in _held or not os.path.exists(path):
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return None
    except BlockingIOError:
        return os.pread(fd, 200, 0).decode(errors="replace").strip() or "unknown run"
    finally:
        os.close(fd)


def try_acquire(p: Paths, run_id: str) -> None:
    """Take the lock for this process (re-entrant), or raise RunInProgress."""
    path = _lock_path(p)
    if path in _held:
        return
    p.build_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "unknown run"
        os.close(fd)
        raise RunInProgress(holder) from None
    os.ftruncate(fd, 0)
    os.pwrite(
        fd, f"run {run_id[:8]}, pid {os.getpid()}, since {datetime.now(UTC):%H:%M} UTC".encode(), 0
    )
    _held[path] = fd


def acquire(
    p: Paths,
    run_id: str,
    timeout_s: float,
    on_wait: Callable[[str], None],
    poll_s: float = 5.0,
) -> None:
    """Wait (up to timeout_s) for another run to finish, telling on_wait who holds the lock."""
    deadline = time.monotonic() + timeout_s
    told = None
    while True:
        try:
            try_acquire(p, run_id)
            return
        except RunInProgress as busy:
            if time.monotonic() >= deadline:
                raise
            if busy.holder != told:
                on_wait(f"{str(busy).capitalize()}; this run starts when that one ends.")
                told = busy.holder
            time.sleep(poll_s)


def release(p: Paths) -> None:
    fd = _held.pop(_lock_path(p), None)
    if fd is not None:
        os.close(fd)  # closing the descriptor releases the flock
