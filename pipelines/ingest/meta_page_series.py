"""Meta Business Suite page-level daily series (CSV): one metric per file.

Shapes seen in real exports: UTF-16 with a `sep=,` line, the metric's title
("Facebook follows") and `"Date","Primary"` rows with ISO dates; or UTF-8 with columns
such as `Total Viewers, New Viewers, Returning Viewers` and dates like `August 19` with
no year. The year of such dates comes from the export's date range: the newest ISO date
of the page series already loaded from the same folder, else the file's own date; a
series that crosses a new year steps back a year at the wrap.
"""

from __future__ import annotations

import re
from datetime import date

import duckdb

from pipelines.ingest.csv_source import CsvSource
from pipelines.ingest.errors import UnreadableFile
from pipelines.ingest.headers import normalize
from pipelines.ingest.tabular import (
    LINEAGE_COLUMNS,
    PARSER_MACROS,
    LoadCounts,
    nothing_loaded,
    quote_ident,
)

NAME = "meta_page_series"
TABLE = "meta_page_daily"
LABEL = "Meta Business Suite page-level daily series"

DDL = f"""CREATE TABLE IF NOT EXISTS raw.{TABLE} ({LINEAGE_COLUMNS},
    platform VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,      -- follows, views, viewers, visits, interactions, link_clicks...
    series VARCHAR NOT NULL,      -- primary, total, new, returning...
    date DATE NOT NULL,
    value BIGINT,
    date_text VARCHAR,
    year_inferred BOOLEAN NOT NULL
)"""

METRICS = {
    "follows": "follows",
    "followers": "follows",
    "abonnements": "follows",
    "views": "views",
    "vues": "views",
    "viewers": "viewers",
    "spectateurs": "viewers",
    "visits": "visits",
    "visites": "visits",
    "interactions": "interactions",
    "link clicks": "link_clicks",
    "clics sur un lien": "link_clicks",
    "clics sur le lien": "link_clicks",
    "reach": "reach",
    "couverture": "reach",
}
SERIES_WORDS = {
    "primary": "primary",
    "principal": "primary",
    "total": "total",
    "new": "new",
    "nouveaux": "new",
    "returning": "returning",
    "recurrents": "returning",
}
FRENCH_MONTHS = {
    "janvier": "January",
    "fevrier": "February",
    "mars": "March",
    "avril": "April",
    "mai": "May",
    "juin": "June",
    "juillet": "July",
    "aout": "August",
    "septembre": "September",
    "octobre": "October",
    "novembre": "November",
    "decembre": "December",
}


def matches(src: CsvSource) -> bool:
    """A `Date` column followed only by series columns (a title or known series names)."""
    if len(src.headers) < 2 or normalize(src.headers[0]) != "date":
        return False
    if src.title is not None:
        return True
    return all(_series_and_metric(h)[1] in METRICS.values() for h in src.headers[1:])


def _series_and_metric(header: str) -> tuple[str, str]:
    """'Total Viewers' -> ('total', 'viewers'); 'Primary' -> ('primary', '')."""
    words = normalize(header).split()
    if len(words) >= 2 and words[0] in SERIES_WORDS:
        rest = " ".join(words[1:])
        return SERIES_WORDS[words[0]], METRICS.get(rest, rest.replace(" ", "_"))
    norm = normalize(header)
    return SERIES_WORDS.get(norm, norm.replace(" ", "_")), ""


def platform_and_metric(src: CsvSource) -> tuple[str, str]:
    if src.title:
        title = normalize(src.title)
        platform = "facebook"  # Meta Business Suite's page insights, unless the title says
        for name in ("facebook", "instagram"):
            if title.startswith(name + " "):
                platform, title = name, title[len(name) + 1 :]
        return platform, METRICS.get(title, re.sub(r"[^a-z0-9]+", "_", title).strip("_"))
    return "facebook", _series_and_metric(src.headers[1])[1]


def yearless_files(con: duckdb.DuckDBPyConnection) -> set[int]:
    """sw_file_ids of the staged files (sw_file) some of whose dates lack a year."""
    date_col = quote_ident(_staged_columns(con)[0])
    return {
        file_id
        for (file_id,) in con.execute(
            f"SELECT DISTINCT sw_file_id FROM sw_file WHERE TRY_CAST({date_col} AS TIMESTAMP) "
            f"IS NULL AND {date_col} IS NOT NULL"
        ).fetchall()
    }


def _staged_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The staged files' own columns: their date column, then one per series."""
    names = [d[0] for d in con.execute("SELECT * FROM sw_file LIMIT 0").description]
    return [n for n in names if n not in ("sw_row", "sw_file_id")]


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


def load_staged(
    con: duckdb.DuckDBPyConnection, series: dict[int, tuple[CsvSource, date]]
) -> dict[int, LoadCounts | UnreadableFile]:
    """Unpivot the staged files (sw_file, one layout; lineage in sw_files) into
    raw.meta_page_daily; rows whose date or value do not parse go to ops.rejected_rows.
    `series`: per sw_file_id, the file's source (its title names the metric) and the day
    that dates its last yearless row. A file none of whose rows parse is left out whole
    and comes back as an UnreadableFile, the others as their counts."""
    con.execute(PARSER_MACROS)
    cols = _staged_columns(con)
    date_col, series_cols = cols[0], cols[1:]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE sw_series (sw_file_id INTEGER PRIMARY KEY, "
        "platform VARCHAR, metric VARCHAR, end_date DATE)"
    )
    con.executemany(
        "INSERT INTO sw_series VALUES (?, ?, ?, ?)",
        [[i, *platform_and_metric(src), end] for i, (src, end) in series.items()],
    )
    series_sql = " ".join(
        f"WHEN {_lit(c)} THEN {_lit(_series_and_metric(c)[0])}" for c in series_cols
    )
    months = " ".join(f"WHEN {_lit(fr)} THEN {_lit(en)}" for fr, en in FRENCH_MONTHS.items())
    # Windows run per file and series: each file's yearless dates count their own wraps.
    by_series = "PARTITION BY sw_file_id, series_col ORDER BY sw_row"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE sw_long AS
        WITH long AS (
            SELECT sw_file_id, sw_row, {quote_ident(date_col)} AS date_text, series_col,
                value_text
            FROM sw_file UNPIVOT INCLUDE NULLS (value_text FOR series_col IN
                ({", ".join(quote_ident(c) for c in series_cols)}))
        ),
        parsed AS (
            SELECT *,
                CAST(TRY_CAST(trim(date_text) AS TIMESTAMP) AS DATE) AS iso_date,
                -- 'August 19' / '19 août': month and day, in a leap year so Feb 29 parses
                coalesce(
                    try_strptime(trim(date_text) || ' 2000', '%B %d %Y'),
                    try_strptime(
                        regexp_extract(lower(strip_accents(trim(date_text))), '^([0-9]+)', 1)
                        || ' ' || CASE regexp_extract(lower(strip_accents(trim(date_text))),
                                                      '([a-z]+)', 1) {months} END || ' 2000',
                        '%d %B %Y')) AS month_day,
                sw_count(value_text) AS value
            FROM long
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
            FROM wraps JOIN sw_series USING (sw_file_id)
        )
        SELECT sw_file_id, sw_row, date_text, value_text,
            CASE series_col {series_sql} END AS series,
            value,
            iso_date IS NULL AND month_day IS NOT NULL AS year_inferred,
            coalesce(iso_date, make_date(
                CAST(year(end_date) - wraps_after
                    - CASE WHEN strftime(last_md, '%m%d') > strftime(end_date, '%m%d') THEN 1
                           ELSE 0 END AS BIGINT),
                month(month_day), day(month_day))) AS date,
            concat_ws('; ',
                CASE WHEN iso_date IS NULL AND month_day IS NULL
                     THEN {_lit(date_col)} || ' is not a date: ' || coalesce(date_text, '') END,
                CASE WHEN NOT sw_blank(value_text) AND value IS NULL
                     THEN series_col || ' is not a count: ' || value_text END,
                CASE WHEN value < 0 THEN series_col || ' is negative' END) AS problem,
            series_col
        FROM dated
    """
    )
    counts = con.execute(
        "SELECT sw_file_id, count(sw_row) FILTER (WHERE problem = ''), "
        "count(sw_row) FILTER (WHERE problem <> ''), mode(problem) FILTER (WHERE problem <> '') "
        "FROM sw_series LEFT JOIN sw_long USING (sw_file_id) GROUP BY sw_file_id"
    ).fetchall()
    empty = {file_id: nothing_loaded(rejected, top) for file_id, loaded, rejected, top in counts
             if loaded == 0}  # fmt: skip
    if empty:
        con.execute(f"DELETE FROM sw_long WHERE sw_file_id IN ({', '.join(map(str, empty))})")
    con.execute(
        f"INSERT INTO raw.{TABLE} SELECT f.sw_client, f.sw_path, f.sw_sha256, sw_row, "
        "f.sw_loaded_at, f.sw_snapshot_date, s.platform, s.metric, series, date, value, "
        "date_text, year_inferred FROM sw_long JOIN sw_files f USING (sw_file_id) "
        "JOIN sw_series s USING (sw_file_id) WHERE problem = '' "
        "ORDER BY sw_file_id, sw_row, series"
    )
    con.execute(
        "INSERT INTO ops.rejected_rows (path, row_number, reason, raw_record, client, kind, "
        "rejected_at) SELECT f.sw_path, sw_row, problem, to_json({'Date': date_text, "
        "'series': series_col, 'value': value_text})::VARCHAR, f.sw_client, ?, f.sw_loaded_at "
        "FROM sw_long JOIN sw_files f USING (sw_file_id) WHERE problem <> '' "
        "ORDER BY sw_file_id, sw_row",
        [NAME],
    )
    con.execute("DROP TABLE sw_long")
    con.execute("DROP TABLE sw_series")
    return {
        file_id: empty.get(file_id) or LoadCounts(loaded, rejected)
        for file_id, loaded, rejected, _ in counts
    }


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
