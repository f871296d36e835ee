"""Freshness, defined once: a client's data is fresh while its newest loaded export is at
most FRESHNESS_HOURS old, an export dated D standing for the end of day D in the client's
own time zone. The run-level rule and `socialwh status` both read it (no Great
Expectations import here: status answers in a blink)."""

from __future__ import annotations

import duckdb

FRESHNESS_HOURS = 36


def newest_exports(con: duckdb.DuckDBPyConnection) -> list[tuple[str, object, int, bool]]:
    """(client, newest snapshot day or None, files loaded, stale) for every client of
    marts.dim_client, on a warehouse (build or published) that has ops.file_loads."""
    return con.execute(f"""
        SELECT c.client, max(f.snapshot_date) AS newest, count(f.path) AS files,
            newest IS NULL OR timezone(c.timezone, newest::TIMESTAMP + INTERVAL 1 DAY)
                < now() - INTERVAL {FRESHNESS_HOURS} HOURS AS stale
        FROM marts.dim_client c LEFT JOIN ops.file_loads f
            ON f.client = c.client AND f.status = 'loaded'
        GROUP BY c.client, c.timezone
        ORDER BY c.client
    """).fetchall()
