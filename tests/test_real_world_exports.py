"""Real exports of other accounts (../shared/fixtures/real-world), loaded as they are by the
nightly job, give the totals their README computed by hand from the bytes."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest

from data_checks import run_rules
from pipelines.demo import real_quirks
from tests.conftest import ROOT, socialwh

REAL_WORLD = ROOT.parent / "shared" / "fixtures" / "real-world"
# client folder -> the repository folder its files come from
FOLDERS = {
    "bubniak": "marko7bub__Bubniak_Thesis",
    "oigetit": "LeonMpofu__Oigetit-Social-Media-Reports",
    "doorly": "alroshdi__Doorly_Dashboard",
    "monfrere": "Steproac__Monfrere-Tactical-Audit",
}


@pytest.fixture
def real_world() -> Path:
    if not REAL_WORLD.is_dir():
        pytest.skip(f"real exports of other accounts not found at {REAL_WORLD} (../shared absent)")
    return REAL_WORLD


@pytest.mark.slow
def test_real_world_exports_load_with_their_hand_computed_totals(
    data_dir: Path, real_world: Path
) -> None:
    for client, folder in FOLDERS.items():
        shutil.copytree(real_world / folder, data_dir / "landing" / client)

    run = socialwh("run", data=data_dir, check=True)
    assert "0 quarantined" in run.stdout, run.stdout[-3000:]

    with duckdb.connect(str(data_dir / "warehouse" / "social.duckdb"), read_only=True) as con:

        def one(sql: str) -> tuple:
            return con.execute(sql).fetchone()

        # Facebook posts, 2023 layout: 44 rows, 3 of them Meta's error rows without a Post ID
        assert one(
            "SELECT count(*), sum(impressions), sum(reach), sum(reactions), sum(comments), "
            "sum(shares), sum(clicks), sum(link_clicks) FROM marts.fct_post_performance "
            "WHERE client = 'bubniak'"
        ) == (41, 1_237_195, 958_872, 22_548, 992, 4_648, 39_560, 2_974)
        assert one(
            "SELECT count(*), bool_and(reason LIKE '%Meta could not compute this post%') "
            "FROM ops.rejected_rows WHERE client = 'bubniak'"
        ) == (3, True)

        # Page series: two blocks per file (Facebook, then Instagram), sep=TAB or sep=,
        def account(client: str, platform: str) -> tuple:
            return one(
                "SELECT count(*), sum(reach), count(reach), sum(impressions), "
                "sum(new_followers), count(new_followers) FROM marts.fct_account_daily "
                f"WHERE client = '{client}' AND platform = '{platform}'"
            )

        assert account("bubniak", "facebook") == (242, 3_897_137, 242, None, 4_795, 242)
        assert account("bubniak", "instagram") == (242, 150_759, 242, None, 1_352, 229)
        # titles without a platform ("Views", "Follows") beside "Facebook reach"
        assert account("oigetit", "facebook") == (105, 10_734, 105, 29_981, 66, 105)
        assert one(
            "SELECT min(date), max(date) FROM marts.fct_account_daily WHERE client = 'oigetit'"
        ) == (date(2025, 1, 1), date(2025, 4, 15))

        # LinkedIn's BIFF .xls as LinkedIn sends it
        assert one(
            "SELECT count(*), sum(impressions), sum(clicks), sum(reactions), sum(shares) "
            "FROM marts.fct_post_performance WHERE client = 'doorly'"
        ) == (3, 269, 7, 3, 1)
        assert one(
            "SELECT count(*), sum(impressions), sum(reach), sum(clicks), sum(new_followers) "
            "FROM marts.fct_account_daily WHERE client = 'doorly'"
        ) == (90, 474, 134, 36, 16)

        # Meta Ads without ID columns (ads sharing a name) and broken down by Day x Gender x Age
        assert one(
            "SELECT round(sum(spend), 2), sum(impressions), sum(results) "
            "FROM marts.fct_campaign_daily WHERE client = 'monfrere' AND date >= '2026-01-01'"
        ) == (33_512.45, 1_274_327, 4_541)
        assert one(
            "SELECT count(*), round(sum(spend), 2), sum(impressions), sum(results), count(reach) "
            "FROM marts.fct_campaign_daily WHERE client = 'monfrere' AND date < '2025-01-01'"
        ) == (433, 5_322.65, 2_406_037, 71_159, 16)  # reach kept where one segment ran
        segments = con.execute(
            "SELECT breakdown, round(sum(spend), 2), sum(impressions), sum(results) "
            "FROM marts.fct_campaign_segments WHERE client = 'monfrere' GROUP BY 1 ORDER BY 1"
        ).fetchall()
        assert segments == [
            ("age", 5_322.65, 2_406_037, 71_159),
            ("gender", 5_322.65, 2_406_037, 71_159),
        ]

        # the day each file stands for, and what told it
        dated = dict(
            con.execute(
                "SELECT path, snapshot_date::VARCHAR || ' ' || snapshot_source "
                "FROM ops.file_loads WHERE status = 'loaded'"
            ).fetchall()
        )
        assert dated["bubniak/Dec-12-2023_Mar-06-2024_1032418178499222.csv"] == (
            "2024-03-06 file name"
        )
        assert dated["bubniak/Reach.csv"] == "2024-03-05 last day of data"
        assert dated["doorly/دورلي-doorly_content_1774355108388.xls"] == "2026-03-24 file name"

    # Conservation: a mart that loses rows is caught, naming the file they came from.
    with duckdb.connect(str(data_dir / "build" / "social.duckdb")) as con:
        checks = {r.name: r for r in run_rules.reconciliation(con)}
        assert all(r.passed for r in checks.values()), checks
        con.execute(
            "DELETE FROM marts.fct_campaign_daily WHERE client = 'monfrere' AND date = '2024-12-31'"
        )
        con.execute(
            "DELETE FROM marts.fct_account_daily WHERE client = 'bubniak' "
            "AND platform = 'instagram' AND date = '2024-03-01'"
        )
        checks = {r.name: r for r in run_rules.reconciliation(con)}
    ads, series = checks["reconciles_with_loaded_ads"], checks["reconciles_with_loaded_page_series"]
    assert not ads.passed and ads.blocking
    assert all("landing/monfrere/Meta Monfrere 2024.csv" in k for k in ads.sample_keys)
    assert not series.passed and series.blocking
    assert series.sample_keys == [
        "bubniak/instagram/2024-03-01 new_followers (file landing/bubniak/Follows.csv: 1, "
        "mart none)",
        "bubniak/instagram/2024-03-01 reach (file landing/bubniak/Reach.csv: 191, mart none)",
    ]


@pytest.mark.slow
def test_demo_quirks_of_real_exports_load_with_their_totals(data_dir: Path) -> None:
    """`demo-data --quirks` writes every quirk of real exports; they all load, nothing
    quarantined, with the totals the generator wrote."""
    totals = real_quirks.write_exports(data_dir / "landing", np.random.default_rng(7))

    run = socialwh("run", data=data_dir, check=True)
    assert "0 quarantined" in run.stdout, run.stdout[-3000:]
    client = real_quirks.SLUG
    with duckdb.connect(str(data_dir / "warehouse" / "social.duckdb"), read_only=True) as con:

        def one(sql: str) -> tuple:
            return con.execute(sql, [client]).fetchone()

        fb = totals["facebook_posts"]
        assert one(
            "SELECT count(*), count(impressions), sum(reach), sum(reactions), sum(clicks) "
            "FROM marts.fct_post_performance WHERE client = ? AND platform = 'facebook'"
        ) == (fb["posts"], 0, fb["reach"], fb["reactions"], fb["clicks"])
        assert (
            "Views is 0 on every row"
            in one("SELECT notes FROM ops.file_loads WHERE client = ? AND kind = 'facebook_posts'")[
                0
            ]
        )
        for (platform, column), expected in totals["account"].items():
            sql = f"sum({column})"
            if column == "followers_last":
                sql = "arg_max(followers, date)"
            assert one(
                f"SELECT {sql} FROM marts.fct_account_daily "
                f"WHERE client = ? AND platform = '{platform}'"
            ) == (expected,), (platform, column)
        no_ids, breakdown = totals["ads_no_ids"], totals["ads_breakdown"]
        assert one(
            "SELECT count(*), round(sum(spend), 2), sum(impressions) FROM marts.fct_campaign_daily "
            "WHERE client = ? AND date <= '2026-01-10'"
        ) == (no_ids["ad_days"], no_ids["spend"], no_ids["impressions"])
        assert one(
            "SELECT count(*), round(sum(spend), 2), sum(impressions), sum(results), count(reach) "
            "FROM marts.fct_campaign_daily WHERE client = ? AND date > '2026-01-10'"
        ) == (breakdown["ad_days"], breakdown["spend"], breakdown["impressions"], 90, 0)
        assert one(
            "SELECT count(DISTINCT breakdown), round(sum(spend) / 2, 2) "
            "FROM marts.fct_campaign_segments WHERE client = ?"
        ) == (2, breakdown["spend"])
        li = totals["linkedin"]
        assert one(
            "SELECT count(*), sum(impressions) FROM marts.fct_post_performance "
            "WHERE client = ? AND platform = 'linkedin'"
        ) == (li["posts"], li["post_impressions"])
        assert one(
            "SELECT sum(impressions), sum(new_followers) FROM marts.fct_account_daily "
            "WHERE client = ? AND platform = 'linkedin'"
        ) == (li["impressions"], li["new_followers"])
