"""Run-level rules: freshness, volume against the published warehouse, reconciliation of
the marts with the loaded files. Each is one SQL query in DuckDB (they compare whole
tables, which GX's row expectations do not express), kept here beside the GX suites so
that data_checks/ stays the one home of every rule."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from data_checks.freshness import FRESHNESS_HOURS, newest_exports
from data_checks.results import RuleResult
from pipelines.warehouse_file import open_error

VOLUME_JUMP_FACTOR = float(os.environ.get("SOCIALWH_VOLUME_FACTOR", "10"))
MARTS = (
    "dim_client",
    "dim_post",
    "fct_post_performance",
    "fct_post_daily",
    "fct_content_performance",
    "fct_account_daily",
    "fct_campaign_daily",
    "fct_conversions",
    "fct_post_benchmarks",
)

# Raw post tables and how their newest restatement per post reads (see dbt's
# latest_restatement macro: the newest load of the newest export day, the largest total
# between files of one load). arg_max
# over the ordering keys, not a window: a window sorts every raw snapshot (1.8 s vs 0.2 s
# for a third of L's posts); arg_max_null, as arg_max skips rows whose impressions are
# unknown (the newest restatement may not report them).
_LATEST_POSTS = """
    SELECT client, post_id, arg_max_null(impressions, (snapshot_date, loaded_at,
        coalesce(impressions, -9223372036854775808), source_row_number)) AS impressions
    FROM raw.{table} WHERE {scope} GROUP BY client, post_id"""

# Conversions still stated by the newest export of their scope (see dbt's
# stg_conversions__conversions), written again independently of the model.
_CURRENT_CONVERSIONS = """
    WITH located AS (
        SELECT r.client, r.conversion_key, r.conversion_type, r.loaded_at,
            r.source_path, timezone(coalesce(c.timezone, 'America/Toronto'),
            r.occurred_at)::DATE AS day
        FROM raw.conversions r LEFT JOIN raw.clients c USING (client) WHERE {scope}),
    scopes AS (
        SELECT client, conversion_type, loaded_at, min(day) AS first_day, max(day) AS last_day
        FROM located GROUP BY client, source_path, loaded_at, conversion_type)
    SELECT DISTINCT l.client || '/' || l.conversion_key AS key
    FROM located l ANTI JOIN scopes s
        ON s.client = l.client AND s.conversion_type IS NOT DISTINCT FROM l.conversion_type
        AND s.loaded_at > l.loaded_at AND l.day BETWEEN s.first_day AND s.last_day"""


@dataclass(frozen=True)
class RunRule:
    name: str
    asset: str  # schema.table the check attaches to
    blocking: bool
    why: str


FRESHNESS = RunRule(
    "client_data_fresh",
    "marts.dim_client",
    False,
    f"Each client's newest export should be at most {FRESHNESS_HOURS} hours old at run time; "
    "older means someone forgot to drop the day's files (the warehouse is still right, "
    "only behind).",
)
RECONCILED_POSTS = RunRule(
    "reconciles_with_loaded_posts",
    "marts.fct_post_performance",
    True,
    "Impressions in the marts must equal those of each post's newest loaded export (rows "
    "kept out at load are not in raw): a difference means an incremental model drifted.",
)
RECONCILED_SPEND = RunRule(
    "reconciles_with_loaded_ads",
    "marts.fct_campaign_daily",
    True,
    "Spend, impressions, clicks and results of each ad and window in the marts must add up "
    "to every row of the newest loaded Ads export of that window (distinct ads sharing a "
    "name and audience segments included; only older exports of the window are left "
    "out): a difference means money went missing or was counted twice.",
)
RECONCILED_PAGE_SERIES = RunRule(
    "reconciles_with_loaded_page_series",
    "marts.fct_account_daily",
    True,
    "Each day's reach, impressions and new followers in fct_account_daily must equal the "
    "newest loaded page series of that day (older exports of the same day are left out): "
    "a difference means a series was dropped or filed under the wrong platform.",
)
RECONCILED_CONVERSIONS = RunRule(
    "reconciles_with_loaded_conversions",
    "marts.fct_conversions",
    True,
    "Every conversion of the newest export of its scope (client, type, days covered) "
    "appears once in the marts; rows a later export replaced do not.",
)
RESTATED_DOWNWARD = RunRule(
    "restated_downward",
    "marts.fct_post_performance",
    False,
    "A newer export lowered a post's lifetime impressions for a day already loaded (Meta "
    "removes invalid views): the marts follow the newer number, and the reports made "
    "before show more than is now counted.",
)


# Marts whose rows may rightly go: summaries (a post whose type is restated moves to
# another content-type row) and conversions (a re-export replaces its scope, a cancelled
# booking leaves). Fewer rows is worth a look, not a stop; their loss is checked row by
# row against the loaded files instead (reconciles_with_loaded_conversions).
AGGREGATED_MARTS = ("fct_content_performance", "fct_conversions")


def volume_rules() -> list[tuple[RunRule, RunRule]]:
    return [
        (
            RunRule(
                "volume_no_drop",
                f"marts.{t}",
                t not in AGGREGATED_MARTS,
                "A mart never loses rows from one night to the next (raw data accumulates): "
                "fewer rows than the published warehouse means data went missing. When the drop "
                "is expected (an export removed from landing/ on purpose, a rebuild), accept it "
                f"once: socialwh run --accept-drop marts.{t}",
            ),
            RunRule(
                "volume_no_jump",
                f"marts.{t}",
                False,
                f"More than {VOLUME_JUMP_FACTOR:g}x the published rows in one night is worth "
                "a look (a client's history dropped at once, or duplicated exports).",
            ),
        )
        for t in MARTS
    ]


def _result(rule: RunRule, failing: int, checked: int, sample: list[str]) -> RuleResult:
    return RuleResult(
        rule.name, rule.asset, failing == 0, failing, checked, rule.blocking, rule.why, sample[:20]
    )


def in_scope(clients: list[str] | None, column: str = "client") -> str:
    """A predicate on `column`: the clients a night recomputed (dbt_scope.checked_clients:
    the other clients' rows are the ones an earlier night checked), or every row."""
    if clients is None:
        return "true"
    if not clients:
        return "false"
    quoted = ", ".join("'" + c.replace("'", "''") + "'" for c in clients)
    return f"{column} IN ({quoted})"


def freshness(con: duckdb.DuckDBPyConnection) -> RuleResult:
    clients = newest_exports(con)
    stale = [(client, newest) for client, newest, _, is_stale in clients if is_stale]
    return _result(FRESHNESS, len(stale), len(clients), [f"{c} (newest {d})" for c, d in stale])


def loaded_keys(key: str, keys_of: str, loaded_since: str | None) -> str:
    """A predicate on `key` (columns, as SQL): the values `keys_of` (a SELECT of them, with
    its FROM, and no WHERE) gives of the rows loaded after `loaded_since`; true for None."""
    if loaded_since is None:
        return "true"
    since = loaded_since.replace("'", "''")
    return (
        f"({key}) IN (SELECT DISTINCT * FROM ({keys_of} "
        f"WHERE loaded_at > CAST('{since}' AS TIMESTAMPTZ)))"
    )


POSTS_TABLES = (
    ("facebook", "facebook_posts"),
    ("instagram", "instagram_posts"),
    ("linkedin", "linkedin_posts"),
)


# Above this share of the raw post and ad rows loaded since the build before, the
# reconciliation reads the touched clients' rows whole: picking the keys loaded since
# costs more than it saves (at L, every row loaded since: 2.7 s against 1.3 s whole).
SCOPED_UP_TO = 0.25


def _few_loaded_since(con: duckdb.DuckDBPyConnection, loaded_since: str) -> bool:
    since = loaded_since.replace("'", "''")
    loaded, stored = con.execute(
        "SELECT sum(n_since), sum(n) FROM ("
        + " UNION ALL ".join(
            f"SELECT count(*) FILTER (WHERE loaded_at > CAST('{since}' AS TIMESTAMPTZ)) AS "
            f"n_since, count(*) AS n FROM raw.{t}"
            for t in (*(t for _, t in POSTS_TABLES), "meta_ads")
        )
        + ")"
    ).fetchone()
    return not stored or loaded <= SCOPED_UP_TO * stored


# How the reconciliation keys an ad (as fct_campaign_daily does): its id, or its names.
AD_KEY = (
    "coalesce(ad_id, 'name:' || coalesce(campaign_name, '') || '|' || coalesce(adset_name, '') "
    "|| '|' || coalesce(ad_name, ''))"
)


def reconciliation(
    con: duckdb.DuckDBPyConnection,
    clients: list[str] | None = None,
    loaded_since: str | None = None,
) -> list[RuleResult]:
    """The marts against the loaded rows, for `clients` (None: every client). With
    `loaded_since` (the watermark of the build before, dbt_scope.checked_since), only the
    posts, ad reporting windows and page-level days with a raw row loaded after it: the
    others' loaded rows are the ones an earlier night reconciled, and what the marts show
    of them (impressions, spend, the page series) is made from those rows alone. The
    conversions are reconciled by client: a new export replaces a whole scope of them."""
    if loaded_since is not None and not _few_loaded_since(con, loaded_since):
        loaded_since = None
    scope = in_scope(clients)
    latest = " UNION ALL ".join(
        f"SELECT '{p}' AS platform, * FROM ("
        + _LATEST_POSTS.format(
            table=t,
            scope=f"{scope} AND "
            + loaded_keys("client, post_id", f"SELECT client, post_id FROM raw.{t}", loaded_since),
        )
        + ")"
        for p, t in POSTS_TABLES
    )
    posts_loaded = loaded_keys(
        "client, platform, post_id",
        "SELECT client, platform, post_id FROM ("
        + " UNION ALL ".join(
            f"SELECT client, '{p}' AS platform, post_id, loaded_at FROM raw.{t}"
            for p, t in POSTS_TABLES
        )
        + ")",
        loaded_since,
    )
    windows_loaded = loaded_keys(
        "client, ad_key, date, date_end",
        f"SELECT client, {AD_KEY}, reporting_start, reporting_end FROM raw.meta_ads",
        loaded_since,
    )
    posts = con.execute(f"""
        WITH loaded AS ({latest})
        SELECT coalesce(l.client || '/' || l.platform || '/' || l.post_id, m.post_key)
        FROM loaded l FULL JOIN (
            SELECT * FROM marts.fct_post_performance WHERE {scope} AND ({posts_loaded})) m
            ON m.post_key = l.client || '/' || l.platform || '/' || l.post_id
        WHERE m.impressions IS DISTINCT FROM l.impressions
    """).fetchall()
    n_posts = con.execute(
        f"SELECT count(*) FROM marts.fct_post_performance WHERE {scope} AND ({posts_loaded})"
    ).fetchone()[0]
    windows = "client, ad_key, reporting_start, reporting_end"
    ads = con.execute(f"""
        WITH all_keyed AS (SELECT *, {AD_KEY} AS ad_key FROM raw.meta_ads WHERE {scope}),
        keyed AS (
            SELECT * FROM all_keyed
            WHERE {loaded_keys(windows, f"SELECT {windows} FROM all_keyed", loaded_since)}),
        -- an export is one load of one file (its content hash): a file re-downloaded
        -- under the same name is a newer export, not more rows of the same one
        newest AS (
            SELECT client, ad_key, reporting_start, reporting_end,
                arg_max(source_sha256, (snapshot_date, loaded_at, source_path)) AS newest_sha
            FROM keyed GROUP BY client, ad_key, reporting_start, reporting_end),
        loaded AS (
            SELECT client, ad_key, reporting_start, reporting_end, source_path,
                sum(amount_spent) AS spend, sum(impressions) AS impressions
            FROM keyed k SEMI JOIN newest n
                ON k.client = n.client AND k.ad_key = n.ad_key
                AND k.reporting_start = n.reporting_start AND k.reporting_end = n.reporting_end
                AND k.source_sha256 = n.newest_sha
            GROUP BY ALL)
        SELECT l.client || '/' || coalesce(l.ad_key, m.ad_key) || '/'
            || coalesce(l.reporting_start, m.date) || ' (file landing/'
            || coalesce(l.source_path, '?') || ': spend ' || coalesce(l.spend::VARCHAR, 'none')
            || ', mart ' || coalesce(m.spend::VARCHAR, 'none') || ')'
        FROM loaded l FULL JOIN (SELECT * FROM marts.fct_campaign_daily WHERE {scope}
            AND {windows_loaded}) m
            ON m.client = l.client AND m.ad_key = l.ad_key AND m.date = l.reporting_start
            AND m.date_end = l.reporting_end
        WHERE round(m.spend, 6) IS DISTINCT FROM round(l.spend, 6)
           OR m.impressions IS DISTINCT FROM l.impressions
    """).fetchall()
    (n_ads,) = con.execute(
        f"SELECT count(*) FROM marts.fct_campaign_daily WHERE {scope} AND {windows_loaded}"
    ).fetchone()
    conversions = con.execute(f"""
        SELECT coalesce(l.key, m.conversion_id)
        FROM ({_CURRENT_CONVERSIONS.format(scope=in_scope(clients, "r.client"))}) l
        FULL JOIN (SELECT * FROM marts.fct_conversions WHERE {scope}) m
            ON m.conversion_id = l.key
        WHERE m.conversion_id IS NULL OR l.key IS NULL
    """).fetchall()
    n_conv = con.execute(f"SELECT count(*) FROM marts.fct_conversions WHERE {scope}").fetchone()[0]
    return [
        _result(RECONCILED_POSTS, len(posts), n_posts, [str(k) for (k,) in posts]),
        _result(RECONCILED_SPEND, len(ads), n_ads, [str(k) for (k,) in ads]),
        page_series(con, clients, loaded_since),
        _result(RECONCILED_CONVERSIONS, len(conversions), n_conv, [str(k) for (k,) in conversions]),
        restatements(con),
    ]


# The page series that fct_account_daily shows as a column, where Meta exported them.
_ACCOUNT_COLUMNS = (
    ("reach", "metric = 'reach' AND series IN ('primary', 'total')"),
    ("impressions", "metric = 'views' AND series IN ('primary', 'total')"),
    ("new_followers", "metric = 'follows' AND series IN ('primary', 'total')"),
)


def restatements(con: duckdb.DuckDBPyConnection) -> RuleResult:
    """Posts whose newest load states fewer lifetime impressions for a day than an earlier
    load did. Only the days the newest load of each table touched are compared: an old
    restatement is not warned about every night."""
    lowered, checked = [], 0
    for platform, table in (
        ("facebook", "facebook_posts"),
        ("instagram", "instagram_posts"),
        ("linkedin", "linkedin_posts"),
    ):
        rows = con.execute(f"""
            WITH newest AS (SELECT max(loaded_at) AS newest_at FROM raw.{table}),
            night AS (
                SELECT client, post_id, snapshot_date, max(impressions) AS impressions
                FROM raw.{table} WHERE loaded_at = (SELECT newest_at FROM newest) GROUP BY ALL),
            earlier AS (
                SELECT client, post_id, snapshot_date, max(impressions) AS impressions
                FROM raw.{table} r SEMI JOIN night n USING (client, post_id, snapshot_date)
                WHERE r.loaded_at < (SELECT newest_at FROM newest) GROUP BY ALL)
            SELECT (SELECT count(*) FROM night),
                list(n.client || '/{platform}/' || n.post_id || ' on ' || n.snapshot_date
                     || ': ' || e.impressions || ' -> ' || n.impressions ORDER BY n.post_id)
                FILTER (WHERE n.impressions < e.impressions)
            FROM night n LEFT JOIN earlier e USING (client, post_id, snapshot_date)
        """).fetchone()
        checked += rows[0]
        lowered += rows[1] or []
    return _result(RESTATED_DOWNWARD, len(lowered), checked, lowered)


def page_series(
    con: duckdb.DuckDBPyConnection,
    clients: list[str] | None = None,
    loaded_since: str | None = None,
) -> RuleResult:
    """Each (client, platform, day) of a series shown in fct_account_daily against the
    newest loaded value of that series; a difference names the file it came from. With
    `loaded_since`, the days with a series row loaded after it (reconciliation)."""
    days = loaded_keys(
        "client, platform, date",
        "SELECT client, platform, date FROM raw.meta_page_daily",
        loaded_since,
    )
    scope = f"{in_scope(clients)} AND {days}"
    loaded = " UNION ALL ".join(
        f"SELECT client, platform, date, '{column}' AS column_name, "
        "arg_max_null(value, (snapshot_date, loaded_at, source_row_number)) AS value, "
        "arg_max(source_path, (snapshot_date, loaded_at, source_row_number)) AS source_path "
        f"FROM raw.meta_page_daily WHERE {where} AND {scope} GROUP BY ALL"
        for column, where in _ACCOUNT_COLUMNS
    )
    mart = " UNION ALL ".join(
        f"SELECT client, platform, date, '{column}' AS column_name, {column} AS value "
        f"FROM marts.fct_account_daily WHERE platform <> 'linkedin' AND {scope}"
        for column, _ in _ACCOUNT_COLUMNS
    )
    rows = con.execute(f"""
        WITH loaded AS ({loaded}), mart AS ({mart})
        SELECT l.client || '/' || l.platform || '/' || l.date || ' ' || l.column_name
            || ' (file landing/' || l.source_path || ': ' || coalesce(l.value::VARCHAR, 'none')
            || ', mart ' || coalesce(m.value::VARCHAR, 'none') || ')'
        FROM loaded l LEFT JOIN mart m USING (client, platform, date, column_name)
        WHERE m.value IS DISTINCT FROM l.value
        ORDER BY 1
    """).fetchall()
    (n_days,) = con.execute(
        f"SELECT count(*) FROM marts.fct_account_daily WHERE {scope}"
    ).fetchone()
    return _result(RECONCILED_PAGE_SERIES, len(rows), n_days, [k for (k,) in rows])


def volume(
    con: duckdb.DuckDBPyConnection, published: Path, accepted: frozenset[str] = frozenset()
) -> list[RuleResult]:
    """Row counts of each mart against the published warehouse (none yet: nothing to compare).
    A drop in a table of `accepted` (the operator's `--accept-drop`) passes, said so."""
    out = []
    unreadable = open_error(published)
    # a file cut short or overwritten is compared with nothing: this run replaces it
    compare = published.exists() and unreadable is None
    if compare:
        con.execute("ATTACH ? AS previous (READ_ONLY)", [str(published)])
    try:
        for drop, jump in volume_rules():
            table = drop.asset
            now = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            before = None
            if compare:
                schema, name = table.split(".")
                exists = con.execute(
                    "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'previous' "
                    "AND schema_name = ? AND table_name = ?",
                    [schema, name],
                ).fetchone()[0]
                if exists:
                    before = con.execute(f"SELECT count(*) FROM previous.{table}").fetchone()[0]
            dropped = before is not None and now < before
            jumped = before is not None and before > 0 and now > VOLUME_JUMP_FACTOR * before
            detail = [f"{table}: {before} published, {now} now"] if before is not None else []
            if unreadable:
                detail = [f"the published warehouse cannot be opened ({unreadable}): replaced"]
            if dropped and table in accepted:
                dropped = False
                detail = [f"{detail[0]} (drop accepted with --accept-drop)"]
            out.append(_result(drop, int(dropped) * (before - now if dropped else 0), now, detail))
            out.append(_result(jump, int(jumped) * (now - before if jumped else 0), now, detail))
    finally:
        if compare:
            con.execute("DETACH previous")
    return out
