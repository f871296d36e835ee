"""Each mart rule of data_checks/suites.py, violated alone on otherwise good rows: the
matching rule fails (naming the row), every other rule passes."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from data_checks import run_rules
from data_checks.runner import run_suite
from data_checks.suites import FCT_ACCOUNT_DAILY, FCT_CAMPAIGN_DAILY, FCT_POST_PERFORMANCE

GOOD_POST = dict(
    impressions=1000,
    reach=800,
    clicks=20,
    link_clicks=10,
    frequency=1.25,
    reactions=30,
    comments=5,
    shares=2,
    saves=1,
    engagements=58,
    engagement_rate=0.058,
    ctr=0.02,
    conversion_rate=0.1,
    published_at="2026-03-01 10:00:00-05",
    metrics_as_of="2026-03-05",
)
GOOD_AD = dict(
    spend=10.0,
    impressions=2000,
    reach=1500,
    clicks=30,
    link_clicks=20,
    cpm=5.0,
    ctr=0.015,
    date="2026-03-01",
    date_end="2026-03-01",
)
GOOD_DAY = dict(impressions=500, reach=300, new_followers=2, followers=pd.NA)


def warehouse(
    posts: list[dict], ads: list[dict], days: list[dict], path: str = ":memory:"
) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path)
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.dim_client AS SELECT 'c' AS client, 'America/Toronto' AS timezone"
    )
    for table, rows, key in (
        ("fct_post_performance", posts, "post_key"),
        ("fct_campaign_daily", ads, "ad_key"),
        ("fct_account_daily", days, None),
    ):
        frame = pd.DataFrame(rows)
        frame.insert(0, "client", "c")
        if key:
            frame.insert(0, key, [f"c/{i}" for i in range(len(rows))])
        else:
            frame.insert(0, "platform", "facebook")
            frame.insert(0, "date", [f"2026-03-{i + 1:02d}" for i in range(len(rows))])
        con.register("frame", frame)
        con.execute(f"CREATE TABLE marts.{table} AS SELECT * FROM frame")
        con.unregister("frame")
    for col, typ in (("published_at", "TIMESTAMPTZ"), ("metrics_as_of", "DATE")):
        con.execute(f"ALTER TABLE marts.fct_post_performance ALTER {col} TYPE {typ}")
    for col in ("date", "date_end"):
        con.execute(f"ALTER TABLE marts.fct_campaign_daily ALTER {col} TYPE DATE")
    con.execute("ALTER TABLE marts.fct_account_daily ALTER date TYPE DATE")
    return con


POST_CASES = [
    ({"reach": 1200}, {"reach_le_impressions"}),
    ({"clicks": 1001, "ctr": 0.9}, {"clicks_le_impressions"}),
    ({"link_clicks": 25}, {"link_clicks_le_clicks"}),
    ({"saves": -1}, {"saves_not_negative"}),
    ({"comments": -3}, {"comments_not_negative"}),
    ({"ctr": 4.5}, {"ctr_is_a_fraction"}),
    ({"engagement_rate": 1.2}, {"engagement_rate_is_a_fraction"}),
    ({"conversion_rate": 2.0}, {"conversion_rate_is_a_fraction"}),
    ({"frequency": 0.8}, {"frequency_at_least_one"}),
    ({"published_at": "2026-03-06 09:00:00-05"}, {"published_before_export"}),
]
AD_CASES = [
    ({"spend": -5.0}, {"spend_not_negative"}),
    ({"reach": 2500}, {"reach_le_impressions"}),
    ({"clicks": 2100, "link_clicks": 20}, {"clicks_le_impressions"}),
    ({"link_clicks": 31}, {"link_clicks_le_clicks"}),
    ({"ctr": 1.5}, {"ctr_is_a_fraction"}),
    ({"date_end": "2026-02-27"}, {"reporting_window_in_order"}),
]


def failing(results) -> set[str]:
    return {r.name for r in results if not r.passed}


def test_good_rows_pass_every_rule() -> None:
    con = warehouse([GOOD_POST] * 10, [GOOD_AD] * 5, [GOOD_DAY] * 5)
    for suite in (FCT_POST_PERFORMANCE, FCT_CAMPAIGN_DAILY, FCT_ACCOUNT_DAILY):
        assert failing(run_suite(con, suite)) == set()


@pytest.mark.parametrize(
    ("change", "expected"), POST_CASES, ids=[next(iter(e)) for _, e in POST_CASES]
)
def test_post_rule_violated_alone(change: dict, expected: set[str]) -> None:
    con = warehouse([GOOD_POST] * 9 + [GOOD_POST | change], [GOOD_AD], [GOOD_DAY])
    results = run_suite(con, FCT_POST_PERFORMANCE)
    assert failing(results) == expected
    bad = next(r for r in results if not r.passed)
    assert bad.failing_rows == 1 and bad.sample_keys == ["c/9"]


@pytest.mark.parametrize(("change", "expected"), AD_CASES, ids=[next(iter(e)) for _, e in AD_CASES])
def test_campaign_rule_violated_alone(change: dict, expected: set[str]) -> None:
    con = warehouse([GOOD_POST], [GOOD_AD] * 4 + [GOOD_AD | change], [GOOD_DAY])
    results = run_suite(con, FCT_CAMPAIGN_DAILY)
    assert failing(results) == expected


def test_reach_tolerance_allows_a_few_posts_only() -> None:
    """Meta's known overcount: 1 post in 100 slightly above passes, 3 in 100 do not."""
    over = GOOD_POST | {"reach": 1010}
    few = warehouse([GOOD_POST] * 99 + [over], [GOOD_AD], [GOOD_DAY])
    assert "reach_le_impressions" not in failing(run_suite(few, FCT_POST_PERFORMANCE))
    many = warehouse([GOOD_POST] * 97 + [over] * 3, [GOOD_AD], [GOOD_DAY])
    assert "reach_le_impressions" in failing(run_suite(many, FCT_POST_PERFORMANCE))


def test_account_rules() -> None:
    con = warehouse([GOOD_POST], [GOOD_AD], [GOOD_DAY] * 4 + [GOOD_DAY | {"new_followers": -2}])
    assert failing(run_suite(con, FCT_ACCOUNT_DAILY)) == {"new_followers_not_negative"}


def test_reconciliation_follows_the_newest_restatement_even_when_it_reports_nothing() -> None:
    """The loaded side of reconciliation is each post's newest snapshot (the newest load of
    its newest export day, lower or not), also when that one leaves impressions blank, and
    each ad window's newest export (a file replaced under its own name is a newer export):
    the marts, built that way, reconcile; the lowered total is a warning."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA marts")
    lineage = "client VARCHAR, snapshot_date DATE, loaded_at TIMESTAMP, source_row_number INT"
    for table in ("facebook_posts", "instagram_posts", "linkedin_posts"):
        con.execute(f"CREATE TABLE raw.{table} ({lineage}, post_id VARCHAR, impressions BIGINT)")
    con.execute(
        "INSERT INTO raw.facebook_posts VALUES "
        "('c', '2026-03-01', '2026-03-01 08:00', 1, 'p1', 100), "
        "('c', '2026-03-02', '2026-03-02 08:00', 1, 'p1', NULL), "  # newest: not reported
        "('c', '2026-03-01', '2026-03-01 08:00', 2, 'p2', 50), "
        "('c', '2026-03-02', '2026-03-02 08:00', 2, 'p2', 70), "
        "('c', '2026-03-02', '2026-03-02 09:00', 2, 'p2', 60)"  # same day, newer load: wins
    )
    con.execute(
        f"CREATE TABLE raw.meta_ads ({lineage}, source_path VARCHAR, source_sha256 VARCHAR, "
        "ad_id VARCHAR, campaign_name VARCHAR, "
        "adset_name VARCHAR, ad_name VARCHAR, reporting_start DATE, reporting_end DATE, "
        "amount_spent DOUBLE, impressions BIGINT)"
    )
    con.execute(
        "INSERT INTO raw.meta_ads VALUES "
        "('c', '2026-03-01', '2026-03-01 08:00', 1, 'c/a.csv', 'h1', 'a1', 'k', 's', 'n', "
        "'2026-02-28', '2026-02-28', 5.0, 500), "
        "('c', '2026-03-02', '2026-03-02 08:00', 1, 'c/b.csv', 'h2', 'a1', 'k', 's', 'n', "
        "'2026-02-28', '2026-02-28', 6.0, NULL), "
        # b.csv downloaded again and replaced under its name: a newer export, not more rows
        "('c', '2026-03-02', '2026-03-02 09:00', 1, 'c/b.csv', 'h3', 'a1', 'k', 's', 'n', "
        "'2026-02-28', '2026-02-28', 6.0, NULL)"
    )
    con.execute(
        f"CREATE TABLE raw.conversions ({lineage}, source_path VARCHAR, conversion_key VARCHAR, "
        "conversion_type VARCHAR, occurred_at TIMESTAMPTZ)"
    )
    con.execute("CREATE TABLE raw.clients (client VARCHAR, timezone VARCHAR)")
    con.execute(
        "CREATE TABLE marts.fct_post_performance AS SELECT * FROM (VALUES "
        "('c/facebook/p1', NULL::BIGINT), ('c/facebook/p2', 60)) t(post_key, impressions)"
    )
    con.execute(
        "CREATE TABLE marts.fct_campaign_daily AS SELECT 'c' AS client, 'a1' AS ad_key, "
        "DATE '2026-02-28' AS date, DATE '2026-02-28' AS date_end, 6.0 AS spend, "
        "NULL::BIGINT AS impressions"
    )
    con.execute("CREATE TABLE marts.fct_conversions (conversion_id VARCHAR)")
    con.execute(
        f"CREATE TABLE raw.meta_page_daily ({lineage}, source_path VARCHAR, platform VARCHAR, "
        "metric VARCHAR, series VARCHAR, date DATE, value BIGINT)"
    )
    con.execute(
        "CREATE TABLE marts.fct_account_daily (client VARCHAR, platform VARCHAR, date DATE, "
        "reach BIGINT, impressions BIGINT, new_followers BIGINT)"
    )
    results = {r.name: r for r in run_rules.reconciliation(con)}
    assert {n: (r.passed, r.sample_keys) for n, r in results.items()} == {
        "reconciles_with_loaded_posts": (True, []),
        "reconciles_with_loaded_ads": (True, []),
        "reconciles_with_loaded_page_series": (True, []),
        "reconciles_with_loaded_conversions": (True, []),
        "restated_downward": (False, ["c/facebook/p2 on 2026-03-02: 70 -> 60"]),
    }
    assert not results["restated_downward"].blocking
    # and a drifted mart is named
    con.execute("UPDATE marts.fct_post_performance SET impressions = 70 WHERE post_key LIKE '%p2'")
    posts = run_rules.reconciliation(con)[0]
    assert (posts.passed, posts.sample_keys) == (False, ["c/facebook/p2"])


def test_a_scoped_night_reconciles_the_posts_and_ad_windows_it_loaded() -> None:
    """With the build before's watermark (dbt_scope.checked_since), the reconciliation
    reads the posts and ad windows with rows loaded after it: a wrong number there is
    found, an older post (reconciled by an earlier night, its rows unchanged) is not read
    again; a night that loaded most rows is reconciled whole."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA marts")
    lineage = (
        "client VARCHAR, snapshot_date DATE, loaded_at TIMESTAMPTZ, source_row_number INT, "
        "source_path VARCHAR"
    )
    for table in ("facebook_posts", "instagram_posts", "linkedin_posts"):
        con.execute(f"CREATE TABLE raw.{table} ({lineage}, post_id VARCHAR, impressions BIGINT)")
    # p1..p9 loaded on the 1st, p10 the night after the watermark
    con.execute(
        "INSERT INTO raw.facebook_posts SELECT 'c', DATE '2026-03-01', "
        "TIMESTAMPTZ '2026-03-01 08:00+00', 1, 'c/f.csv', 'p' || i, 100 * i FROM range(1, 10) t(i)"
    )
    con.execute(
        "INSERT INTO raw.facebook_posts VALUES ('c', '2026-03-02', '2026-03-02 08:00+00', 1, "
        "'c/g.csv', 'p10', 1000)"
    )
    con.execute(
        f"CREATE TABLE raw.meta_ads ({lineage}, source_sha256 VARCHAR, ad_id VARCHAR, "
        "campaign_name VARCHAR, adset_name VARCHAR, ad_name VARCHAR, reporting_start DATE, "
        "reporting_end DATE, amount_spent DOUBLE, impressions BIGINT)"
    )
    con.execute(
        "INSERT INTO raw.meta_ads VALUES "
        "('c', '2026-03-01', '2026-03-01 08:00+00', 1, 'c/a.csv', 'h1', 'a1', 'k', 's', 'n', "
        "'2026-02-28', '2026-02-28', 5.0, 500), "
        "('c', '2026-03-02', '2026-03-02 08:00+00', 1, 'c/b.csv', 'h2', 'a1', 'k', 's', 'n', "
        "'2026-03-01', '2026-03-01', 6.0, 600)"
    )
    con.execute(
        f"CREATE TABLE raw.conversions ({lineage}, conversion_key VARCHAR, "
        "conversion_type VARCHAR, occurred_at TIMESTAMPTZ)"
    )
    con.execute("CREATE TABLE raw.clients (client VARCHAR, timezone VARCHAR)")
    con.execute(
        f"CREATE TABLE raw.meta_page_daily ({lineage}, platform VARCHAR, metric VARCHAR, "
        "series VARCHAR, date DATE, value BIGINT)"
    )
    con.execute(
        "CREATE TABLE marts.fct_post_performance AS SELECT 'c/facebook/' || post_id AS "
        "post_key, client, 'facebook' AS platform, post_id, impressions FROM raw.facebook_posts"
    )
    con.execute(
        "CREATE TABLE marts.fct_campaign_daily AS SELECT client, ad_id AS ad_key, "
        "reporting_start AS date, reporting_end AS date_end, amount_spent AS spend, "
        "impressions FROM raw.meta_ads"
    )
    con.execute("CREATE TABLE marts.fct_conversions (client VARCHAR, conversion_id VARCHAR)")
    con.execute(
        "CREATE TABLE marts.fct_account_daily (client VARCHAR, platform VARCHAR, date DATE, "
        "reach BIGINT, impressions BIGINT, new_followers BIGINT)"
    )
    # an older post and an older ad window drift (a hand edit), and the night's post too
    con.execute(
        "UPDATE marts.fct_post_performance SET impressions = -1 WHERE post_id IN ('p1', 'p10')"
    )
    con.execute("UPDATE marts.fct_campaign_daily SET spend = 1 WHERE date = '2026-02-28'")

    def reconciled(since: str | None) -> dict:
        return {
            r.name: (sorted(r.sample_keys), r.checked_rows)
            for r in run_rules.reconciliation(con, ["c"], since)[:2]
        }

    night = "2026-03-01 12:00+00"
    assert reconciled(night) == {
        "reconciles_with_loaded_posts": (["c/facebook/p10"], 1),
        "reconciles_with_loaded_ads": ([], 1),
    }
    assert reconciled(None) == {
        "reconciles_with_loaded_posts": (["c/facebook/p1", "c/facebook/p10"], 10),
        "reconciles_with_loaded_ads": (
            ["c/a1/2026-02-28 (file landing/c/a.csv: spend 5.0, mart 1.0)"],
            2,
        ),
    }
    # most rows loaded since the watermark: picking them out would cost more, all are read
    assert reconciled("2026-02-28 00:00+00") == reconciled(None)
