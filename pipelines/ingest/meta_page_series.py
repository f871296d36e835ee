"""Meta Business Suite page-level daily series (CSV): one metric per block of a file.

Layouts seen in real exports (FORMATS.md, "Seen in real exports"), all read the same way:
every line of the file as up to MAX_COLUMNS text fields (DuckDB, no header), then, in SQL,
a `Date` line starts a block, the lone field just above it is the block's title, and the
lines below it are the block's days. So a file that holds a Facebook block then an
Instagram block is two series; a title may be absent (2022, 2023 layouts); the value
columns may be `Primary`, the metric itself (`Facebook reach`, `Couverture de la Page
Facebook`) or several series (`Total Viewers, New Viewers…`, `Followers, Difference in
followers from previous day`).

What a block measures and for which platform is read from its title and header words
(a handful of distinct texts per batch, classified in Python). The platform comes from
the title, else the column header, else the file's folder (`…/instagram/…`), else the
other blocks of the same file (Meta names Instagram and leaves Facebook unnamed when it
exports both), else the only Meta platform the client's other exports name; a series
whose platform is still unknown is kept out, its rows in ops.rejected_rows with that
reason. Dates without a year (`August 18`) take it from the export's date range: the
newest ISO date of the page series already loaded from the same folder, else the file's
own date; a series that crosses a new year steps back a year at the wrap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from pipelines.bulk_insert import insert_rows
from pipelines.ingest.csv_source import CsvSource
from pipelines.ingest.errors import UnreadableFile
from pipelines.ingest.headers import normalize
from pipelines.ingest.page_series_blocks import (
    FRENCH_MONTHS,
    SIGNED_METRICS,
    classify_blocks,
    metric_of,
)
from pipelines.ingest.parsers import PARSER_MACROS
from pipelines.ingest.tabular import (
    LINEAGE_COLUMNS,
    LoadCounts,
    nothing_loaded,
)

NAME = "meta_page_series"
TABLE = "meta_page_daily"
LABEL = "Meta Business Suite page-level daily series"
MAX_COLUMNS = 12  # a date and at most 11 series side by side (Meta writes 1 to 3)

DDL = f"""CREATE TABLE IF NOT EXISTS raw.{TABLE} ({LINEAGE_COLUMNS},
    platform VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,      -- reach, views, viewers, follows, followers, visits...
    series VARCHAR NOT NULL,      -- primary, total, new, returning...
    date DATE NOT NULL,
    value BIGINT,
    date_text VARCHAR,
    year_inferred BOOLEAN NOT NULL
);
ALTER TABLE raw.{TABLE} ADD COLUMN IF NOT EXISTS platform_source VARCHAR;
ALTER TABLE raw.{TABLE} ADD COLUMN IF NOT EXISTS block INTEGER;
ALTER TABLE raw.{TABLE} ADD COLUMN IF NOT EXISTS title VARCHAR"""


def matches(src: CsvSource) -> bool:
    """A `Date` column followed by series columns: a title above, or headers that name
    a metric (`Facebook reach`, `Total Viewers`, `Followers`)."""
    if len(src.headers) < 2 or normalize(src.headers[0]) != "date":
        return False
    if src.title is not None:
        return True
    values = [h for h in src.headers[1:] if h.strip()]
    return bool(values) and all(metric_of(h) for h in values)


def layout(src: CsvSource) -> tuple:
    """Series files one read_csv can read together (their headers may differ)."""
    return (src.encoding, src.delimiter, 1 if src.skip and _has_sep_line(src) else 0)


def _has_sep_line(src: CsvSource) -> bool:
    return src.skip - (1 if src.title is not None else 0) == 1


def stage(con: duckdb.DuckDBPyConnection, sources: list[CsvSource]) -> None:
    """Temp tables for the files (one layout, see `layout`): sw_blocks, one row per value
    column of each block (sw_file_id, block, title, col, header), and sw_file, one row per
    value cell (sw_file_id, sw_row = the data row's number in its file, block, col,
    date_text, value_text)."""
    first = sources[0]
    cols = {f"c{i}": "VARCHAR" for i in range(1, MAX_COLUMNS + 1)}
    ids = ", ".join(f"({i + 1}, ?)" for i in range(len(sources)))
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE sw_lines AS
        WITH ids(sw_file_id, sw_filename) AS (VALUES {ids}),
        read AS (
            SELECT row_number() OVER () AS n, filename AS sw_filename, *
            FROM read_csv(?, auto_detect = false, header = false, columns = ?,
                          null_padding = true, parallel = false, encoding = ?, skip = ?,
                          delim = ?, quote = '"', escape = '"', filename = true))
        SELECT sw_file_id, n - min(n) OVER (PARTITION BY sw_filename) + 1 AS line,
               trim(c1) AS c1, * EXCLUDE (n, sw_filename, c1, filename)
        FROM read JOIN ids USING (sw_filename)""",
        [
            *(str(s.path) for s in sources),
            [str(s.path) for s in sources],
            cols,
            first.encoding,
            layout(first)[2],
            first.delimiter,
        ],  # fmt: skip
    )
    values = ", ".join(f"c{i}" for i in range(2, MAX_COLUMNS + 1))
    filled = " + ".join(
        f"(nullif(trim(c{i}), '') IS NOT NULL)::INT" for i in range(2, MAX_COLUMNS + 1)
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE sw_marked AS
        SELECT *,
            lower(strip_accents(coalesce(c1, ''))) = 'date' AS is_header,
            nullif(c1, '') IS NOT NULL AND ({filled}) = 0 AS lone,
            nullif(c1, '') IS NULL AND ({filled}) = 0 AS blank
        FROM sw_lines"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE sw_marked AS
        SELECT *,
            sum(is_header::INT) OVER (PARTITION BY sw_file_id ORDER BY line) AS block,
            lone AND coalesce(lead(is_header) OVER (PARTITION BY sw_file_id ORDER BY line),
                              false) AS is_title
        FROM sw_marked"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE sw_blocks AS
        WITH headers AS (
            SELECT h.sw_file_id, h.block, t.c1 AS title, h.* EXCLUDE (sw_file_id, block, c1)
            FROM sw_marked h LEFT JOIN sw_marked t
              ON t.sw_file_id = h.sw_file_id AND t.line = h.line - 1 AND t.is_title
            WHERE h.is_header)
        SELECT sw_file_id, block, title, CAST(substr(col, 2) AS INTEGER) AS col,
               trim(header) AS header
        FROM headers UNPIVOT (header FOR col IN ({values}))
        WHERE nullif(trim(header), '') IS NOT NULL"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE sw_file AS
        WITH rows AS (
            SELECT *, row_number() OVER (PARTITION BY sw_file_id ORDER BY line) AS sw_row
            FROM sw_marked WHERE block > 0 AND NOT is_header AND NOT is_title AND NOT blank)
        SELECT r.sw_file_id, r.sw_row, r.block, CAST(substr(r.col, 2) AS INTEGER) AS col,
               r.c1 AS date_text, r.value_text
        FROM rows UNPIVOT INCLUDE NULLS (value_text FOR col IN ({values})) r
        SEMI JOIN sw_blocks b ON b.sw_file_id = r.sw_file_id AND b.block = r.block
            AND b.col = CAST(substr(r.col, 2) AS INTEGER)"""
    )
    con.execute("DROP TABLE sw_lines")
    con.execute("DROP TABLE sw_marked")


def yearless_files(con: duckdb.DuckDBPyConnection) -> set[int]:
    """sw_file_ids of the staged files (sw_file) some of whose dates lack a year."""
    return {
        file_id
        for (file_id,) in con.execute(
            "SELECT DISTINCT sw_file_id FROM sw_file WHERE TRY_CAST(date_text AS TIMESTAMP) "
            "IS NULL AND nullif(date_text, '') IS NOT NULL"
        ).fetchall()
    }


def reference_ends(
    con: duckdb.DuckDBPyConnection, folders: set[tuple[str, str]]
) -> dict[tuple[str, str], date]:
    """Per (client, folder), the newest ISO-dated page series day already loaded from that
    folder (folders with none are absent). One query for all the night's yearless files."""
    if not folders:
        return {}
    clients, paths = zip(*sorted(folders), strict=True)
    rows = con.execute(
        "WITH wanted AS (SELECT unnest(?) AS client, unnest(?) AS folder) "
        "SELECT w.client, w.folder, max(r.date) "
        f"FROM raw.{TABLE} r JOIN wanted w ON r.client = w.client "
        "AND regexp_replace(r.source_path, '/[^/]*$', '') = w.folder "
        "WHERE NOT r.year_inferred GROUP BY ALL",
        [list(clients), list(paths)],
    ).fetchall()
    return {(client, folder): end for client, folder, end in rows}


@dataclass(frozen=True)
class SeriesFile:
    """What load_staged needs of each staged file beyond its rows."""

    path: str  # relative to landing/: its folders may name the platform
    client: str
    end_date: date  # the day that dates its last yearless row


def load_staged(
    con: duckdb.DuckDBPyConnection, files: dict[int, SeriesFile]
) -> dict[int, LoadCounts | UnreadableFile]:
    """Unpivoted cells of the staged files (sw_file; lineage in sw_files) into
    raw.meta_page_daily; cells whose date or value do not parse, or whose platform is
    unknown, go to ops.rejected_rows. A file none of whose cells load is left out whole
    and comes back as an UnreadableFile, the others as their counts."""
    con.execute(PARSER_MACROS)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE sw_series (sw_file_id INTEGER, block INTEGER, "
        "col INTEGER, platform VARCHAR, platform_source VARCHAR, metric VARCHAR, "
        "series VARCHAR, end_date DATE)"
    )
    insert_rows(
        con,
        "sw_series",
        [[*row, files[row[0]].end_date] for row in classify_blocks(con, files, TABLE)],
    )
    months = " ".join(f"WHEN {_lit(fr)} THEN {_lit(en)}" for fr, en in FRENCH_MONTHS.items())
    signed = ", ".join(_lit(m) for m in SIGNED_METRICS)
    # Windows run per file, block and column: each series counts its own year wraps.
    by_series = "PARTITION BY sw_file_id, block, col ORDER BY sw_row"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE sw_long AS
        WITH parsed AS (
            SELECT *,
                CAST(TRY_CAST(date_text AS TIMESTAMP) AS DATE) AS iso_date,
                -- 'August 19' / '19 août': month and day, in a leap year so Feb 29 parses
                coalesce(
                    try_strptime(date_text || ' 2000', '%B %d %Y'),
                    try_strptime(
                        regexp_extract(lower(strip_accents(date_text)), '^([0-9]+)', 1)
                        || ' ' || CASE regexp_extract(lower(strip_accents(date_text)),
                                                      '([a-z]+)', 1) {months} END || ' 2000',
                        '%d %B %Y')) AS month_day,
                sw_count(value_text) AS value
            FROM sw_file
        ),
        wraps AS (
            SELECT *,
                CASE WHEN month(month_day) < lag(month(month_day)) OVER ({by_series})
                     THEN 1 ELSE 0 END AS wrap,
                last_value(month_day IGNORE NULLS) OVER ({by_series}
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_md
            FROM parsed
        ),
        dated AS (
            SELECT *,
                coalesce(sum(wrap) OVER ({by_series}
                    ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0) AS wraps_after
            FROM wraps JOIN sw_series USING (sw_file_id, block, col)
        )
        SELECT d.sw_file_id, d.sw_row, d.block, d.date_text, d.value_text, d.platform,
            d.platform_source, d.metric, d.series, d.value, b.title, b.header,
            iso_date IS NULL AND month_day IS NOT NULL AS year_inferred,
            coalesce(iso_date, make_date(
                CAST(year(end_date) - wraps_after
                    - CASE WHEN strftime(last_md, '%m%d') > strftime(end_date, '%m%d') THEN 1
                           ELSE 0 END AS BIGINT),
                month(month_day), day(month_day))) AS date,
            concat_ws('; ',
                CASE WHEN iso_date IS NULL AND month_day IS NULL
                     THEN 'Date is not a date: ' || coalesce(date_text, '') END,
                CASE WHEN NOT sw_blank(value_text) AND value IS NULL
                     THEN b.header || ' is not a count: ' || value_text END,
                CASE WHEN value < 0 AND d.metric NOT IN ({signed})
                     THEN b.header || ' is negative' END,
                CASE WHEN d.platform IS NULL THEN 'the series '''
                     || coalesce(b.title, b.header) || ''' does not say whether it is '
                     || 'Facebook or Instagram, nor does its folder or any other export of '
                     || 'this client: put the file in a facebook/ or instagram/ folder of '
                     || 'the client' END) AS problem
        FROM dated d JOIN sw_blocks b USING (sw_file_id, block, col)
    """
    )
    counts = con.execute(
        "SELECT sw_file_id, count(sw_row) FILTER (WHERE problem = ''), "
        "count(sw_row) FILTER (WHERE problem <> ''), mode(problem) FILTER (WHERE problem <> '') "
        "FROM sw_files LEFT JOIN sw_long USING (sw_file_id) GROUP BY sw_file_id"
    ).fetchall()
    empty = {file_id: nothing_loaded(rejected, top) for file_id, loaded, rejected, top in counts
             if loaded == 0}  # fmt: skip
    if empty:
        con.execute(f"DELETE FROM sw_long WHERE sw_file_id IN ({', '.join(map(str, empty))})")
    con.execute(
        f"INSERT INTO raw.{TABLE} (client, source_path, source_sha256, source_row_number, "
        "loaded_at, snapshot_date, platform, metric, series, date, value, date_text, "
        "year_inferred, platform_source, block, title) "
        "SELECT f.sw_client, f.sw_path, f.sw_sha256, sw_row, f.sw_loaded_at, "
        "f.sw_snapshot_date, platform, metric, series, date, value, date_text, year_inferred, "
        "platform_source, block, title FROM sw_long JOIN sw_files f USING (sw_file_id) "
        "WHERE problem = '' ORDER BY sw_file_id, sw_row, block, series"
    )
    con.execute(
        "INSERT INTO ops.rejected_rows (path, row_number, reason, raw_record, client, kind, "
        "rejected_at) SELECT f.sw_path, sw_row, problem, to_json({'title': title, "
        "'Date': date_text, 'series': header, 'value': value_text})::VARCHAR, f.sw_client, ?, "
        "f.sw_loaded_at FROM sw_long JOIN sw_files f USING (sw_file_id) WHERE problem <> '' "
        "ORDER BY sw_file_id, sw_row",
        [NAME],
    )
    con.execute("DROP TABLE sw_long")
    con.execute("DROP TABLE sw_series")
    return {
        file_id: empty.get(file_id) or LoadCounts(loaded, rejected)
        for file_id, loaded, rejected, _ in counts
    }


def last_days(con: duckdb.DuckDBPyConnection) -> dict[int, date]:
    """Per staged file, its newest ISO date: the end of the export's date range."""
    return dict(
        con.execute(
            "SELECT sw_file_id, max(CAST(TRY_CAST(date_text AS TIMESTAMP) AS DATE)) "
            "FROM sw_file GROUP BY 1 HAVING max(TRY_CAST(date_text AS TIMESTAMP)) IS NOT NULL"
        ).fetchall()
    )


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
