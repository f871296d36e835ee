"""An export dropped in the wrong client's folder: its Page ID (Facebook) or Account ID
(Instagram) already belongs to another client's exports loaded on earlier nights, never to
this one's. Loaded, its posts would count for both clients; it is kept out, naming both.
(Within one night's first load there is no history to go by.)"""

from __future__ import annotations

import duckdb

from pipelines.ingest.errors import UnreadableFile


def misfiled(
    con: duckdb.DuckDBPyConnection, table: str, owner_id: str, label: str
) -> dict[int, UnreadableFile]:
    """{sw_file_id: why} for the staged files (sw_parsed, sw_files) whose `owner_id`
    values are known in raw.<table> under other clients only."""
    rows = con.execute(f"""
        WITH staged AS (
            SELECT DISTINCT p.sw_file_id, f.sw_client AS client, p.{owner_id} AS owner
            FROM sw_parsed p JOIN sw_files f USING (sw_file_id)
            WHERE p.{owner_id} IS NOT NULL),
        known AS (
            SELECT DISTINCT client, {owner_id} AS owner FROM raw.{table}
            WHERE {owner_id} IN (SELECT owner FROM staged)
                AND loaded_at < (SELECT min(sw_loaded_at) FROM sw_files))
        SELECT s.sw_file_id, s.client, s.owner, string_agg(DISTINCT k.client, ', ')
        FROM staged s JOIN known k ON k.owner = s.owner AND k.client <> s.client
        WHERE NOT EXISTS (
            SELECT 1 FROM known mine WHERE mine.owner = s.owner AND mine.client = s.client)
        GROUP BY ALL
    """).fetchall()
    out: dict[int, UnreadableFile] = {}
    for file_id, client, owner, owners in rows:
        out.setdefault(
            file_id,
            UnreadableFile(
                f"its {label} {owner} is that of client {owners} (their earlier exports), "
                f"never of {client}: it looks dropped in the wrong client's folder",
                f"Move it to landing/{owners.split(', ')[0]}/ if it is theirs (nothing of it "
                "was loaded); if the page really changed hands, move the other client's "
                "exports of it out of landing/ and rebuild.",
            ),
        )
    return out
