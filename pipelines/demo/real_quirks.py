"""`socialwh demo-data --quirks`: one more client whose folder holds every quirk of
FORMATS.md's "Seen in real exports", written byte for byte the way the platforms write
them, with the totals a correct load must give (`write_exports` returns them).

Each series covers its own days, so the totals add up without any restatement.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import xlwt

from pipelines.demo.facebook_posts import COLUMNS_EN

SLUG = "clinique-exports-reels"
NAME = "Clinique Exports Réels"
JAN = [date(2026, 1, 1) + timedelta(days=i) for i in range(31)]
FEB = [date(2026, 2, 1) + timedelta(days=i) for i in range(28)]
DEC = [date(2025, 12, 1) + timedelta(days=i) for i in range(31)]
NOV = [date(2025, 11, 1) + timedelta(days=i) for i in range(30)]
# the post export's own columns up to `Date`, then Views twice, as some 2025 exports have it
FB_HEADER = [
    *COLUMNS_EN[: COLUMNS_EN.index("Date") + 1],
    "Views",
    "Reach",
    "Reactions, Comments and Shares",
    "Reactions",
    "Comments",
    "Shares",
    "Views",
    "Seconds viewed",
    "Average Seconds viewed",
    "Total clicks",
    "Link clicks",
    "Other Clicks",
    "Matched Audience Targeting Consumption (Photo Click)",
    "Negative feedback from users",
]


def _q(value) -> str:
    return '"' + str(value).replace('"', '""') + '"'


def _utime(path: Path, day: date) -> None:
    stamp = datetime.combine(day, time(18, 0), UTC).timestamp()
    os.utime(path, (stamp, stamp))


def _facebook_posts(folder: Path, rng: np.random.Generator, totals: dict) -> None:
    """Views twice and 0 on every row while Reach is positive, short rows (Meta leaves
    off trailing empty fields), and Meta's own error row without a Post ID."""
    lines = [",".join(_q(h) for h in FB_HEADER)]
    reach = rng.integers(50, 5000, 12)
    reactions = rng.integers(0, 40, 12)
    for i, (r, re_) in enumerate(zip(reach, reactions, strict=True)):
        published = datetime(2026, 1, 3, 9, 0) + timedelta(days=5 * i, minutes=7 * i)
        fields = [
            f"10{i:04d}77",
            "9988776655",
            "Clinique Exports Réels",
            "",
            f"Conseil santé {i}",
            "",
            published.strftime("%m/%d/%Y %H:%M"),
            "",
            f"https://www.facebook.com/x/posts/{i}",
            "No",
            "No",
            "Photos",
            "",
            "",
            "",
            "",
            "Lifetime",
            "0",
            str(r),
            str(re_ + 2),
            str(re_),
            "1",
            "1",
            "0",
        ]
        if i % 3:  # the trailing fields are empty: Meta leaves them off
            fields += ["", "", str(int(r // 10)), "", "", "", ""]
        lines.append(",".join(fields))
    totals["facebook_posts"] = {
        "posts": 12,
        "reach": int(reach.sum()),
        "reactions": int(reactions.sum()),
        "clicks": int(sum(int(r // 10) for i, r in enumerate(reach) if i % 3)),
    }
    lines.append(
        ",,,,,,,,,,,,,,,"
        + _q("An error occurred while computing metadata for content with ID 1234567890.")
        + ",Lifetime,51,,,,,,,,,,,"
    )
    path = folder / "facebook" / "Jan-01-2026_Mar-31-2026_1032418178499222.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))


def _block(
    title: str | None,
    header: list[str],
    days: list[date],
    values,
    sep: str,
    quoted: bool = True,
    shift_first: bool = False,
) -> list[str]:
    q = _q if quoted else str
    rows = [sep.join(q(h) for h in header)]
    for i, (d, v) in enumerate(zip(days, values, strict=True)):
        hour = "01" if shift_first and i == 0 else "00"  # Meta's time-zone shift
        rows.append(sep.join([q(f"{d:%Y-%m-%d}T{hour}:00:00"), q(v)]))
    return ([q(title) + (sep if sep == "\t" else "")] if title else []) + rows


def _page_series(folder: Path, rng: np.random.Generator, totals: dict) -> None:
    page = folder / "page"
    (page / "facebook" / "excel").mkdir(parents=True, exist_ok=True)
    (page / "instagram").mkdir(parents=True, exist_ok=True)
    fb_reach, ig_reach = rng.integers(100, 900, 31), rng.integers(10, 90, 31)
    fb_follows, ig_follows = rng.integers(0, 9, 31), rng.integers(0, 5, 31)
    dec_reach, nov_reach = rng.integers(100, 900, 31), rng.integers(100, 900, 30)
    views = rng.integers(300, 3000, 31)
    followers = 1000 + np.cumsum(rng.integers(-2, 6, 28))
    # two blocks, UTF-16, sep=<TAB>, tab-separated, CRLF, first day at T01:00:00
    reach = [
        "sep=\t",
        *_block("Facebook reach", ["Date", "Primary"], JAN, fb_reach, "\t", False, True),
        "",
        *_block("Instagram reach", ["Date", "Primary"], JAN, ig_reach, "\t", False),
    ]
    (page / "Reach.csv").write_bytes("\r\n".join(reach).encode("utf-16"))
    # two blocks, the first without a platform (Facebook, as Meta writes it)
    follows = [
        "sep=,",
        *_block("Follows", ["Date", "Primary"], JAN, fb_follows, ","),
        "",
        *_block("Instagram follows", ["Date", "Primary"], JAN, ig_follows, ","),
        "",
    ]
    (page / "Follows.csv").write_bytes("\n".join(follows).encode("utf-16"))
    # 2023 layout: the metric as the value column, no title, UTF-8
    old = _block(None, ["Date", "Facebook reach"], DEC, dec_reach, ",")
    (page / "Reach-2023.csv").write_text("\n".join(old) + "\n", encoding="utf-8")
    # 2022 French layout: no sep= line, no title, unquoted
    fr = ["Date,Couverture de la Page Facebook"]
    fr += [f"{d:%Y-%m-%d}T00:00:00,{v}" for d, v in zip(NOV, nov_reach, strict=True)]
    (page / "Couverture.csv").write_text("\n".join(fr) + "\n", encoding="utf-8")
    # re-saved by Excel: `;`, no sep= line, title `Views;`, the folder names the platform
    excel = ["Views;"] + [f"{d:%Y-%m-%d}T00:00:00;{v}" for d, v in zip(JAN, views, strict=True)]
    excel.insert(1, "Date;Primary")
    (page / "facebook" / "excel" / "Views.csv").write_text("\r\n".join(excel) + "\r\n", "utf-8")
    # FollowerHistory: dates without a year, a running total and the day's net change
    history = ['"Date","Followers","Difference in followers from previous day"']
    changes = np.diff(np.concatenate([[followers[0]], followers]))
    history += [
        f'"{d:%B} {d.day}","{f}","{c}"' for d, f, c in zip(FEB, followers, changes, strict=True)
    ]
    path = page / "instagram" / "FollowerHistory.csv"
    path.write_text("\n".join(history) + "\n", encoding="utf-8")
    _utime(path, FEB[-1])
    totals["account"] = {
        ("facebook", "reach"): int(fb_reach.sum() + dec_reach.sum() + nov_reach.sum()),
        ("instagram", "reach"): int(ig_reach.sum()),
        ("facebook", "new_followers"): int(fb_follows.sum()),
        ("instagram", "new_followers"): int(ig_follows.sum() + changes.sum()),
        ("facebook", "impressions"): int(views.sum()),
        ("instagram", "followers_last"): int(followers[-1]),
    }


def _ads(folder: Path, rng: np.random.Generator, totals: dict) -> None:
    ads = folder / "ads"
    ads.mkdir(parents=True, exist_ok=True)
    # no ID columns; two distinct ads share a name inside one ad set, every day
    header = [
        "Reporting starts",
        "Reporting ends",
        "Campaign name",
        "Ad set name",
        "Ad name",
        "Results",
        "Result indicator",
        "Amount spent (USD)",
        "Impressions",
        "Reach",
    ]
    rows, spend, impressions = [",".join(_q(h) for h in header)], 0.0, 0
    for d in JAN[:10]:
        for ad in ("Promo A", "Promo A", "Promo B"):
            s, i = round(float(rng.uniform(1, 20)), 2), int(rng.integers(100, 900))
            spend, impressions = spend + s, impressions + i
            rows.append(f"{d},{d},Printemps,Parents,{ad},1,actions:link_click,{s},{i},{i // 2}")
    (ads / "Ads-no-ids-Jan-1-2026-Jan-10-2026.csv").write_text("\n".join(rows) + "\n", "utf-8")
    totals["ads_no_ids"] = {
        "rows": 30,
        "ad_days": 20,
        "spend": round(spend, 2),
        "impressions": impressions,
    }
    # broken down by Day x Gender x Age
    header = [
        "Day",
        "Campaign name",
        "Ad set name",
        "Ad name",
        "Gender",
        "Age",
        "Reach",
        "Impressions",
        "Frequency",
        "Result type",
        "Results",
        "Amount spent (USD)",
        "Reporting starts",
        "Reporting ends",
    ]
    rows, spend, impressions = [",".join(_q(h) for h in header)], 0.0, 0
    for d in JAN[10:15]:
        for gender in ("female", "male", "unknown"):
            for age in ("18-24", "25-34", "35-44"):
                s, i = round(float(rng.uniform(0.1, 3)), 2), int(rng.integers(10, 400))
                spend, impressions = spend + s, impressions + i
                rows.append(
                    f"{d},Notoriété,Tous,Vidéo,{gender},{age},{i // 2},{i},2,"
                    f"Post engagements,2,{s},{d},{d}"
                )
    (ads / "Breakdown-Jan-11-2026-Jan-15-2026.csv").write_text("\n".join(rows) + "\n", "utf-8")
    totals["ads_breakdown"] = {
        "rows": 45,
        "ad_days": 5,
        "spend": round(spend, 2),
        "impressions": impressions,
        "results": 90,
    }


def _linkedin(folder: Path, rng: np.random.Generator, totals: dict) -> None:
    """LinkedIn's BIFF .xls: a note on row 1 above the header, except New followers."""
    out = folder / "linkedin"
    out.mkdir(parents=True, exist_ok=True)
    stamp = int(datetime(2026, 2, 1, 15, tzinfo=UTC).timestamp() * 1000)
    book = xlwt.Workbook()
    sheet = book.add_sheet("Metrics")
    sheet.write(0, 0, "Aggregated engagement metrics for your organic and sponsored posts.")
    for c, h in enumerate(
        [
            "Date",
            "Impressions (organic)",
            "Impressions (total)",
            "Unique impressions (organic)",
            "Clicks (organic)",
            "Clicks (total)",
        ]
    ):
        sheet.write(1, c, h)
    impressions = rng.integers(0, 50, 31)
    for r, (d, i) in enumerate(zip(JAN, impressions, strict=True), start=2):
        for c, v in enumerate([f"{d:%m/%d/%Y}", int(i), int(i), int(i // 2), 1, 1]):
            sheet.write(r, c, v)
    posts = book.add_sheet("All posts")
    posts.write(0, 0, "Engagement metrics for individual posts.")
    for c, h in enumerate(
        [
            "Post title",
            "Post link",
            "Post type",
            "Created date",
            "Impressions",
            "Clicks",
            "Likes",
            "Comments",
            "Reposts",
        ]
    ):
        posts.write(1, c, h)
    for r in range(3):
        link = f"https://www.linkedin.com/feed/update/urn:li:activity:7{r:018d}"
        for c, v in enumerate(
            [f"Post {r}", link, "Organic", f"01/{5 + r:02d}/2026", 100 + r, 5, 2, 1, 0]
        ):
            posts.write(r + 2, c, v)
    book.save(str(out / f"{SLUG}_content_{stamp}.xls"))
    book = xlwt.Workbook()
    sheet = book.add_sheet("New followers")
    for c, h in enumerate(
        [
            "Date",
            "Sponsored followers",
            "Organic followers",
            "Auto-invited followers",
            "Total followers",
        ]
    ):
        sheet.write(0, c, h)
    new = rng.integers(0, 3, 31)
    for r, (d, n) in enumerate(zip(JAN, new, strict=True), start=1):
        for c, v in enumerate([f"{d:%m/%d/%Y}", 0, int(n), 0, int(n)]):
            sheet.write(r, c, v)
    location = book.add_sheet("Location")
    location.write(0, 0, "Location")
    location.write(0, 1, "Total followers")
    location.write(1, 0, "Montréal, Québec")
    location.write(1, 1, 12)
    book.save(str(out / f"{SLUG}_followers_{stamp}.xls"))
    totals["linkedin"] = {
        "posts": 3,
        "post_impressions": 303,
        "impressions": int(impressions.sum()),
        "new_followers": int(new.sum()),
    }


def write_exports(out: Path, rng: np.random.Generator) -> dict:
    """Writes the client's folder under `out` (a landing folder); returns the totals."""
    folder = out / SLUG
    totals: dict = {}
    _facebook_posts(folder, rng, totals)
    _page_series(folder, rng, totals)
    _ads(folder, rng, totals)
    _linkedin(folder, rng, totals)
    return totals
