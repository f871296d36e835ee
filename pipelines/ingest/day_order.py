"""Day/month order, decided per file from its own values.

Meta writes dates month first (03/14/2026); the same export opened and saved again by
Excel in a French or British locale writes them day first (14/03/2026). Read with one
fixed order, such a file loses its days over 12 and silently swaps the others. So each
file's order is decided from what it holds, before its cells are parsed:
- a first part over 12 somewhere → day first; a second part over 12 → month first;
- both in one file → the file is kept out (it mixes orders: hand-edited or merged);
- neither: the order that puts no date after the file's snapshot day; month first (Meta's
  own) when both or neither do.
"""

from __future__ import annotations

import duckdb

from pipelines.ingest.errors import UnreadableFile

SLASHED = r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})"

MIXED = UnreadableFile(
    "its dates mix the two orders (a first part over 12 in one cell, a second part over 12 "
    "in another: 14/03/2026 and 03/14/2026), so no day of it can be trusted",
    "Export it again from Meta and drop it in as downloaded, without opening and saving it in "
    "Excel (or save its dates as YYYY-MM-DD).",
)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def decide(con: duckdb.DuckDBPyConnection, columns: list[str]) -> dict[int, UnreadableFile]:
    """Set sw_files.sw_day_first for each staged file from the slashed dates of `columns`
    (source column names in sw_file); return the files whose orders are mixed."""
    if not columns:
        return {}
    cells = " UNION ALL ".join(
        f"SELECT sw_file_id, regexp_extract({_quoted(c)}, '{SLASHED}', "
        "['a', 'b', 'y']) AS p FROM sw_file"
        for c in columns
    )
    rows = con.execute(f"""
        WITH cells AS ({cells}),
        parts AS (
            SELECT sw_file_id, p.a AS a, p.b AS b, p.y AS y,
                TRY_CAST(p.a AS INTEGER) AS first, TRY_CAST(p.b AS INTEGER) AS second
            FROM cells WHERE p.a <> '')
        SELECT sw_file_id,
            bool_or(first > 12) AS day_first_sign,
            bool_or(second > 12) AS month_first_sign,
            bool_or(try_strptime(a || '/' || b || '/' || y, '%m/%d/%Y')::DATE
                    > sw_snapshot_date) AS month_first_future,
            bool_or(try_strptime(a || '/' || b || '/' || y, '%d/%m/%Y')::DATE
                    > sw_snapshot_date) AS day_first_future
        FROM parts JOIN sw_files USING (sw_file_id)
        GROUP BY sw_file_id
    """).fetchall()
    day_first, mixed = [], {}
    for file_id, dmy, mdy, mdy_future, dmy_future in rows:
        if dmy and mdy:
            mixed[file_id] = MIXED
        elif dmy or (not mdy and mdy_future and not dmy_future):
            day_first.append(file_id)
    if day_first:
        ids = ", ".join(str(int(i)) for i in day_first)
        con.execute(f"UPDATE sw_files SET sw_day_first = true WHERE sw_file_id IN ({ids})")
    return mixed
