"""Connections to the build database that wait their turn.

DuckDB lets one process write a database file, or several read it, never both. The
nightly job's steps share one process by default; under the multiprocess executor (or
a step retried beside a reader) they are processes of their own, and a step that opens
the file while another holds it waits instead of failing.
"""

from __future__ import annotations

import time

import duckdb

from pipelines.settings import Paths

WAIT_S = 600  # a check step waits at most for another step's whole check


def busy(exc: BaseException) -> bool:
    """Whether a DuckDB error means another process holds the file."""
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def connect(p: Paths, read_only: bool = False, wait_s: float = WAIT_S) -> duckdb.DuckDBPyConnection:
    deadline, pause = time.monotonic() + wait_s, 0.05
    while True:
        try:
            return duckdb.connect(str(p.build_db), read_only=read_only)
        except duckdb.IOException as exc:
            if not busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 2.0)
