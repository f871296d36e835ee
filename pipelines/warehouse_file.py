"""Whether the published warehouse can be opened: a file cut short or overwritten by
something else must not stop the run that would replace it, nor `socialwh status`."""

from __future__ import annotations

from pathlib import Path

import duckdb


def open_error(path: Path) -> str | None:
    """None when the file opens read-only as a DuckDB database (or does not exist); else
    what DuckDB said, on one line."""
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()
    except duckdb.Error as exc:
        return " ".join(str(exc).split())[:300]
    return None
