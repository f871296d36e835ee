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
from pipelines.ingest.headers import normalize
from pipelines.ingest.tabular import LINEAGE_COLUMNS, PARSER_MACROS, LoadCounts, quote_ident

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


def has_yearless_dates(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the staged file's dates lack a year (call after stage_csv)."""
    date_col = quote_ident(_staged_columns(con)[0])
    return bool(
        con.execute(
            f"SELECT count(*) FILTER (WHERE TRY_CAST({date_col} AS TIMESTAMP) IS NULL "
            f"AND {date_col} IS NOT NULL) > 0 FROM sw_file"
        ).fetchone()[0]
    )


def _staged_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The staged file's own columns: its date column, then one per series."""
    names = [d[0] for d in con.execute("SELECT * FROM sw_file LIMIT 0").description]
    return [n for n in names if n not in ("sw_row", "sw_file_id")]


def reference_end(con: duckdb.DuckDBPyConnection, client: str, folder: str) -> date | None:
    """Newest ISO-dated page series day already loaded from the same folder."""
    row = con.execute(
        f"SELECT max(date) FROM raw.{TABLE} WHERE client = ? AND NOT year_inferred "
        "AND regexp_replace(source_path, '/[^/]*$', '') = ?",
        [client, folder],
    ).fetchone()
    return row[0] if row else None


def load(
    con: duckdb.DuckDBPyConnection, src: CsvSource, lineage: dict[str, object], end: date
) -> LoadCounts:
    """Unpivot sw_file into raw.meta_page_daily; rows whose date or value do not parse go
    to ops.rejected_rows. `end` dates the last yearless row."""
    con.execute(PARSER_MACROS)
    cols = _staged_columns(con)
    date_col, series_cols = cols[0], cols[1:]
    platform, metric = platform_and_metric(src)
    series_sql = " ".join(
        f"WHEN {_lit(c)} THEN {_lit(_series_and_metric(c)[0])}" for c in series_cols
    )
    months = " ".join(f"WHEN {_lit(fr)} THEN {_lit(en)}" for fr, en in FRENCH_MONTHS.items())
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE sw_long AS
        WITH long AS (
            SELECT sw_row, {quote_ident(date_col)} AS date_text, series_col, value_text
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
                CASE WHEN month(month_day) < lag(month(month_day)) OVER (
                    PARTITION BY series_col ORDER BY sw_row) THEN 1 ELSE 0 END AS wrap,
                last_value(month_day IGNORE NULLS) OVER (
                    PARTITION BY series_col ORDER BY sw_row
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_md
            FROM parsed
        ),
        dated AS (
            SELECT *,
                coalesce(sum(wrap) OVER (PARTITION BY series_col ORDER BY sw_row
                    ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0) AS wraps_after
            FROM wraps
        )
        SELECT sw_row, date_text, value_text,
            CASE series_col {series_sql} END AS series,
            value,
            iso_date IS NULL AND month_day IS NOT NULL AS year_inferred,
            coalesce(iso_date, make_date(
                CAST(year($end) - wraps_after
                    - CASE WHEN strftime(last_md, '%m%d') > strftime($end, '%m%d') THEN 1
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
    """,
        {"end": end},
    )
    con.execute(
        f"INSERT INTO raw.{TABLE} SELECT $client, $path, $sha256, sw_row, $loaded_at, "
        "$snapshot_date, $platform, $metric, series, date, value, date_text, year_inferred "
        "FROM sw_long WHERE problem = '' ORDER BY sw_row, series",
        lineage | {"platform": platform, "metric": metric},
    )
    con.execute(
        "INSERT INTO ops.rejected_rows (path, row_number, reason, raw_record, client, kind, "
        "rejected_at) SELECT $path, sw_row, problem, to_json({'Date': date_text, "
        "'series': series_col, 'value': value_text})::VARCHAR, $client, $kind, $loaded_at "
        "FROM sw_long WHERE problem <> '' ORDER BY sw_row",
        {k: lineage[k] for k in ("path", "client", "loaded_at")} | {"kind": NAME},
    )
    loaded, rejected = con.execute(
        "SELECT count(*) FILTER (WHERE problem = ''), count(*) FILTER (WHERE problem <> '') "
        "FROM sw_long"
    ).fetchone()
    con.execute("DROP TABLE sw_long")
    return LoadCounts(loaded, rejected)


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
