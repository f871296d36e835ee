"""A small hand-made set of exports, and every fact table compared with values worked out
by hand (the definitions of ../shared/DOMAIN.md)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pytest

from tests.conftest import socialwh

pytestmark = pytest.mark.slow
TZ = ZoneInfo("America/Toronto")
FB_HEADER = (
    "Post ID,Page ID,Page name,Title,Publish time,Permalink,Post type,Custom labels,"
    "Date,Views,Views from Boosted posts,Reach,Reactions,Comments,Shares,Total clicks,"
    "Link clicks\n"
)


def exported(path: Path, text: str | bytes, day: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8-sig"))
    stamp = datetime.fromisoformat(f"{day}T23:30:00").replace(tzinfo=TZ).timestamp()
    os.utime(path, (stamp, stamp))


def write_exports(landing: Path) -> None:
    c = landing / "clinique-test"
    exported(
        c / "fb" / "day1.csv",
        FB_HEADER + "101,9,Clinique,Vaccins: ce qu'il faut savoir,03/01/2026 09:00,"
        "https://www.facebook.com/9/posts/101,Photos,Educational,Lifetime,"
        "1000,0,800,30,5,5,10,8\n",
        "2026-03-01",
    )
    exported(
        c / "fb" / "day2.csv",
        FB_HEADER + "101,9,Clinique,Vaccins: ce qu'il faut savoir,03/01/2026 09:00,"
        "https://www.facebook.com/9/posts/101,Photos,Educational,Lifetime,"
        "1500,0,1100,40,6,6,20,15\n"
        "102,9,Clinique,Concours! Gagnez un panier,03/02/2026 12:00,"
        "https://www.facebook.com/reel/102,Videos,,Lifetime,600,0,500,50,20,2,3,1\n",
        "2026-03-02",
    )
    # an earlier restatement of the same day, copied in after the later one: the larger wins
    exported(
        c / "fb" / "day2zz-morning.csv",
        FB_HEADER + "101,9,Clinique,Vaccins: ce qu'il faut savoir,03/01/2026 09:00,"
        "https://www.facebook.com/9/posts/101,Photos,Educational,Lifetime,"
        "1200,0,900,35,5,5,12,9\n",
        "2026-03-02",
    )
    exported(
        c / "ig" / "ig.csv",
        "Post ID,Account ID,Description,Publish time,Permalink,Post type,Date,Views,Reach,"
        "Likes,Shares,Comments,Saves,Profile visits,Link clicks\n"
        "201,8,Conseils sommeil,03/01/2026 18:00,https://www.instagram.com/p/x/,"
        "IG carousel,Lifetime,400,300,20,1,2,7,3,1\n",
        "2026-03-02",
    )
    ads = (
        "Reporting starts,Reporting ends,Campaign name,Ad name,Ad ID,Objective,Reach,"
        "Impressions,Amount spent (CAD),Link clicks,Clicks (all),Results\n"
        "2026-03-01,2026-03-01,Prise de rendez-vous,Vidéo,900,Traffic,1600,2000,10.00,20,25,"
        "20\n"
    )
    exported(c / "ads" / "ads.csv", ads, "2026-03-02")
    exported(
        c / "conv" / "conversions.csv",
        "conversion_id,occurred_at,conversion_type,utm_source,utm_campaign,utm_content\n"
        "c1,2026-03-02T10:00:00-05:00,appointment,facebook,,101\n"
        "c2,2026-03-02T11:00:00-05:00,appointment,facebook,,900\n"
        "c3,2026-03-02T12:00:00-05:00,call,facebook,prise de rendez-vous,\n"
        "c4,2026-03-02T13:00:00-05:00,appointment,instagram,,\n"
        "c5,2026-03-02T14:00:00-05:00,call,,,\n",
        "2026-03-02",
    )
    workbook = c / "li" / "linkedin.xlsx"
    workbook.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(workbook, engine="openpyxl") as xl:
        sheets = {
            "All posts": pd.DataFrame(
                [
                    {
                        "Post title": "Rencontrez notre équipe",
                        "Post link": "https://www.linkedin.com/feed/update/urn:li:activity:7000000001/",
                        "Post type": "Organic",
                        "Created date": "03/01/2026",
                        "Impressions": 200,
                        "Clicks": 10,
                        "Likes": 5,
                        "Comments": 1,
                        "Reposts": 1,
                        "Content Type": "Image",
                    }
                ]
            ),
            "Metrics": pd.DataFrame(
                [
                    {
                        "Date": "03/01/2026",
                        "Impressions (organic)": 150,
                        "Impressions (sponsored)": 0,
                        "Impressions (total)": 150,
                        "Unique impressions (organic)": 100,
                        "Clicks (organic)": 5,
                        "Clicks (total)": 5,
                    }
                ]
            ),
            "New followers": pd.DataFrame(
                [{"Date": "03/01/2026", "Organic followers": 2, "Total followers": 2}]
            ),
        }
        for name, frame in sheets.items():
            frame.to_excel(xl, sheet_name=name, index=False, startrow=1)
    stamp = datetime(2026, 3, 2, 23, 30, tzinfo=TZ).timestamp()
    os.utime(workbook, (stamp, stamp))
    (landing.parent / "clients.csv").write_text(
        "client,name,sector,timezone\nclinique-test,Clinique Test,clinic,America/Toronto\n"
    )


def test_every_fact_table_matches_values_worked_out_by_hand(data_dir: Path) -> None:
    write_exports(data_dir / "landing")
    socialwh("run", data=data_dir, check=True)
    con = duckdb.connect(str(data_dir / "warehouse" / "social.duckdb"), read_only=True)

    def rows(sql: str) -> list[tuple]:
        return con.execute(sql).fetchall()

    perf = {
        r[0]: r[1:]
        for r in rows("""
        SELECT post_id, content_type, theme, impressions, reach, round(frequency, 6),
               engagements, round(engagement_rate, 6), round(ctr, 6), saves, conversions,
               round(conversion_rate, 6)
        FROM marts.fct_post_performance""")
    }
    assert perf == {
        # 40+6+6+20 = 72 engagements; 72/1500; 20/1500; 1 conversion / 20 clicks
        "101": (
            "image",
            "educational",
            1500,
            1100,
            round(1500 / 1100, 6),
            72,
            0.048,
            round(20 / 1500, 6),
            None,
            1,
            0.05,
        ),
        # a reel labelled Videos; "Concours" in the caption
        "102": ("reel", "contest_poll", 600, 500, 1.2, 75, 0.125, 0.005, None, 0, 0.0),
        # clicks = link clicks 1 + profile visits 3; saves count: 20+2+1+7+4 = 34
        "201": ("carousel", "educational", 400, 300, round(4 / 3, 6), 34, 0.085, 0.01, 7, 0, 0.0),
        # LinkedIn: no reach, so no frequency; 5+1+1+10 = 17
        "7000000001": (
            "image",
            "behind_the_scenes",
            200,
            None,
            None,
            17,
            0.085,
            0.05,
            None,
            0,
            0.0,
        ),
    }
    published = dict(rows("SELECT post_id, published_at AT TIME ZONE 'UTC' FROM marts.dim_post"))
    assert published["101"] == datetime(2026, 3, 1, 14, 0)  # 09:00 in Montréal (EST)
    # LinkedIn's Created date is the page's local day, as given: midnight in Montréal
    assert published["7000000001"] == datetime(2026, 3, 1, 5, 0)
    local_days = dict(rows("SELECT post_id, published_date::VARCHAR FROM analytics.posts"))
    assert local_days == {
        "101": "2026-03-01",
        "102": "2026-03-02",
        "201": "2026-03-01",
        "7000000001": "2026-03-01",
    }

    assert rows("""SELECT d.date::VARCHAR, d.days_covered, d.impressions, d.engagements, d.clicks,
                          d.reach_to_date
                   FROM marts.fct_post_daily d JOIN marts.dim_post p USING (post_key)
                   WHERE p.post_id = '101' ORDER BY d.date""") == [
        ("2026-03-01", 1, 1000, 50, 10, 800),  # published and first exported on Mar 1
        ("2026-03-02", 1, 500, 22, 10, 1100),
    ]
    # Instagram 201, published Mar 1, first exported Mar 2: its first increment spans 2 days
    assert rows("""SELECT d.date::VARCHAR, d.days_covered FROM marts.fct_post_daily d
                   JOIN marts.dim_post p USING (post_key) WHERE p.post_id = '201'""") == [
        ("2026-03-02", 2)
    ]

    assert rows("""SELECT spend, currency, impressions, round(frequency, 6), cpm, cpc,
                          round(ctr, 6), results, objective
                   FROM marts.fct_campaign_daily""") == [
        (10.0, "CAD", 2000, 1.25, 5.0, 0.5, 0.0125, 20, "Traffic")
    ]
    # The clinic's own conversions: c2 names the ad (id 900), c3 only the campaign (any
    # case); both booked on Mar 2, the day after the ad's one-day window (within 7 days):
    # 2 conversions for $10.00 = $5.00 each. Meta's 20 results are another count.
    assert rows("""SELECT attributed_conversions, cost_per_attributed_conversion
                   FROM marts.fct_campaign_daily""") == [(2.0, 5.0)]
    assert rows("""SELECT campaign, results, attributed_conversions,
                          cost_per_attributed_conversion
                   FROM analytics.campaigns""") == [("Prise de rendez-vous", 20, 2.0, 5.0)]

    assert rows("""SELECT platform, date::VARCHAR, impressions, reach, new_followers
                   FROM marts.fct_account_daily""") == [("linkedin", "2026-03-01", 150, 100, 2)]

    attributed = {
        r[0]: r[1:]
        for r in rows(
            "SELECT conversion_id, attribution, platform, campaign, post_key IS NOT NULL "
            "FROM marts.fct_conversions"
        )
    }
    assert attributed == {
        "clinique-test/c1": ("post", "facebook", None, True),
        "clinique-test/c2": ("campaign", "facebook", "Prise de rendez-vous", False),
        "clinique-test/c3": ("campaign", "facebook", "Prise de rendez-vous", False),
        "clinique-test/c4": ("platform", "instagram", None, False),
        "clinique-test/c5": ("none", None, None, False),
    }

    assert rows("""SELECT posts, impressions, reach_sum, engagements, clicks, conversions,
                          round(engagement_rate, 6), period_start::VARCHAR
                   FROM marts.fct_content_performance
                   WHERE platform = 'facebook' AND period_grain = 'quarter'
                   ORDER BY theme""") == [
        (1, 600, 500, 75, 3, 0, 0.125, "2026-01-01"),
        (1, 1500, 1100, 72, 20, 1, 0.048, "2026-01-01"),
    ]

    # Too little history for a baseline: every post says so rather than inventing one.
    assert rows("SELECT DISTINCT performance_flag FROM marts.fct_post_benchmarks") == [
        ("no_baseline",)
    ]


def test_a_later_nights_corrections_replace_what_they_restate(data_dir: Path) -> None:
    """Meta lowers a lifetime total (invalid views removed); Ads Manager re-exports a day
    with its final spend; a booking system re-exports a day without a cancelled booking; a
    call log without ids corrects one call's value. The newest load wins each time (on an
    incremental night), and the lowered total is a warning."""
    landing = data_dir / "landing"
    write_exports(landing)
    c = landing / "clinique-test"
    calls = "occurred_at,conversion_type,value,currency\n"
    exported(
        c / "calls" / "calls-03-03.csv",
        calls + "2026-03-03T09:00:00-05:00,call,100,CAD\n2026-03-03T15:00:00-05:00,call,50,CAD\n",
        "2026-03-03",
    )
    socialwh("run", data=data_dir, check=True)

    exported(
        c / "fb" / "day2-reexport.csv",
        FB_HEADER + "101,9,Clinique,Vaccins: ce qu'il faut savoir,03/01/2026 09:00,"
        "https://www.facebook.com/9/posts/101,Photos,Educational,Lifetime,"
        "1400,0,1050,40,6,6,20,15\n",
        "2026-03-02",
    )
    exported(  # Mar 1 re-exported by Ads Manager: the spend it billed in the end
        c / "ads" / "ads-reexport.csv",
        "Reporting starts,Reporting ends,Campaign name,Ad name,Ad ID,Objective,Reach,"
        "Impressions,Amount spent (CAD),Link clicks,Clicks (all),Results\n"
        "2026-03-01,2026-03-01,Prise de rendez-vous,Vidéo,900,Traffic,1700,2100,12.00,22,27,"
        "21\n",
        "2026-03-03",
    )
    exported(  # c4 was cancelled: the re-export of Mar 2 no longer has it
        c / "conv" / "conversions-reexport.csv",
        "conversion_id,occurred_at,conversion_type,utm_source,utm_campaign,utm_content\n"
        "c1,2026-03-02T10:00:00-05:00,appointment,facebook,,101\n"
        "c2,2026-03-02T11:00:00-05:00,appointment,facebook,,900\n"
        "c3,2026-03-02T12:00:00-05:00,call,facebook,prise de rendez-vous,\n"
        "c5,2026-03-02T14:00:00-05:00,call,,,\n",
        "2026-03-03",
    )
    exported(  # the afternoon call was worth 75, not 50
        c / "calls" / "calls-03-03-corrected.csv",
        calls + "2026-03-03T09:00:00-05:00,call,100,CAD\n2026-03-03T15:00:00-05:00,call,75,CAD\n",
        "2026-03-04",
    )
    night = socialwh("run", data=data_dir, check=True)
    assert "PUBLISHED" in night.stdout
    assert "The dbt project (models, macros or seeds) changed" not in night.stdout + night.stderr
    assert "restated_downward" in night.stdout and "clinique-test/facebook/101" in night.stdout

    con = duckdb.connect(str(data_dir / "warehouse" / "social.duckdb"), read_only=True)
    assert con.execute(
        "SELECT impressions, reach FROM marts.fct_post_performance WHERE post_id = '101'"
    ).fetchone() == (1400, 1050)
    # the day's increment follows the lowered total: 1400 - 1000 on Mar 2
    assert con.execute("""
        SELECT d.impressions FROM marts.fct_post_daily d JOIN marts.dim_post p USING (post_key)
        WHERE p.post_id = '101' AND d.date = DATE '2026-03-02'""").fetchone() == (400,)
    # the re-exported window replaces the first export's row, not beside it
    assert con.execute(
        "SELECT date::VARCHAR, spend, impressions, reach, link_clicks, results "
        "FROM marts.fct_campaign_daily"
    ).fetchall() == [("2026-03-01", 12.0, 2100, 1700, 22, 21)]
    conversions = con.execute("""
        SELECT occurred_at::DATE::VARCHAR, conversion_type, count(*), sum(value)
        FROM marts.fct_conversions GROUP BY ALL ORDER BY ALL""").fetchall()
    assert conversions == [
        ("2026-03-02", "appointment", 2, None),  # c1, c2 (c4 cancelled)
        ("2026-03-02", "call", 2, None),  # c3, c5
        ("2026-03-03", "call", 2, 175.0),  # 100 + 75, not 100 + 50 + 75
    ]


def test_credit_that_moves_on_a_later_night_moves_in_the_mart_too(data_dir: Path) -> None:
    """fct_campaign_daily is incremental by reporting window: a night rewrites the windows
    it landed and those whose credit moved. Here the night's exports add Mar 2's window
    (two ads of the campaign, $4 and $12) and restate the conversions with a late booking
    on Mar 1 that names the campaign. Worked by hand (each conversion to the latest window
    begun by its day): c2 (names ad 900, Mar 2) and c3 (names the campaign, Mar 2) leave
    Mar 1 for Mar 2, c3 split by spend (4/16 and 12/16); c6 (Mar 1) is Mar 1's only
    conversion. The night's mart must equal a full refresh."""
    landing = data_dir / "landing"
    write_exports(landing)
    socialwh("run", data=data_dir, check=True)
    c = landing / "clinique-test"
    exported(
        c / "ads" / "ads-03-02.csv",
        "Reporting starts,Reporting ends,Campaign name,Ad name,Ad ID,Objective,Reach,"
        "Impressions,Amount spent (CAD),Link clicks,Clicks (all),Results\n"
        "2026-03-02,2026-03-02,Prise de rendez-vous,Vidéo,900,Traffic,500,600,4.00,6,7,5\n"
        "2026-03-02,2026-03-02,Prise de rendez-vous,Carrousel,901,Traffic,900,1000,12.00,9,11,8\n",
        "2026-03-03",
    )
    exported(
        c / "conv" / "conversions-late.csv",
        "conversion_id,occurred_at,conversion_type,utm_source,utm_campaign,utm_content\n"
        "c6,2026-03-01T16:00:00-05:00,appointment,facebook,prise de rendez-vous,\n"
        "c1,2026-03-02T10:00:00-05:00,appointment,facebook,,101\n"
        "c2,2026-03-02T11:00:00-05:00,appointment,facebook,,900\n"
        "c3,2026-03-02T12:00:00-05:00,call,facebook,prise de rendez-vous,\n"
        "c4,2026-03-02T13:00:00-05:00,appointment,instagram,,\n"
        "c5,2026-03-02T14:00:00-05:00,call,,,\n",
        "2026-03-03",
    )
    night = socialwh("run", data=data_dir, check=True)
    assert "The dbt project (models, macros or seeds) changed" not in night.stdout + night.stderr
    warehouse = data_dir / "warehouse" / "social.duckdb"

    def credit() -> list[tuple]:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.execute(
                "SELECT date::VARCHAR, ad_id, attributed_conversions, "
                "round(cost_per_attributed_conversion, 4) FROM marts.fct_campaign_daily "
                "ORDER BY ALL"
            ).fetchall()

    def whole() -> list[tuple]:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.execute("SELECT * FROM marts.fct_campaign_daily ORDER BY ALL").fetchall()

    assert credit() == [
        ("2026-03-01", "900", 1.0, 10.0),  # c6 alone: $10 / 1
        ("2026-03-02", "900", 1.25, 3.2),  # c2 + 4/16 of c3: $4 / 1.25
        ("2026-03-02", "901", 0.75, 16.0),  # 12/16 of c3: $12 / 0.75
    ]
    incremental = whole()
    socialwh("run", "--full-refresh", data=data_dir, check=True)
    assert whole() == incremental
