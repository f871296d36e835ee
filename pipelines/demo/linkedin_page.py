"""Demo LinkedIn Page analytics workbooks (.xlsx), one per month per client: sheets
`All posts`, `Metrics` and `New followers`, a note on row 1 and the header on row 2."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.demo import posts as posts_
from pipelines.demo.posts import CAPTIONS
from pipelines.demo.roster import DemoClient

NOTE = "Data is refreshed daily; all times are in UTC."
POST_TYPES = np.array(["Image", "Video", "Article", "Document", "Text"])
POST_TYPE_P = [0.35, 0.2, 0.15, 0.15, 0.15]
TYPE_REACH = {"Image": 1.0, "Video": 1.3, "Article": 0.7, "Document": 1.1, "Text": 0.6}


def _sheet(writer: pd.ExcelWriter, name: str, frame: pd.DataFrame) -> None:
    frame.to_excel(writer, sheet_name=name, index=False, startrow=1)
    writer.sheets[name].cell(row=1, column=1, value=NOTE)


def _pin_dates(path: Path, day: date) -> None:
    """Rewrite the workbook with the export day as every date openpyxl stamps with 'now'
    (zip entries, document properties), so that a seed always gives the same bytes."""
    stamp = f"{day:%Y-%m-%d}T23:00:00Z"
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data
                )
            dst.writestr(
                zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 23, 0, 0)), data
            )


def write_exports(
    client: DemoClient,
    client_dir: Path,
    first_day: date,
    last_day: date,
    rng: np.random.Generator,
    timezone: str,
) -> posts_.Written:
    # B2B audiences are small: LinkedIn reaches a tenth of a Facebook page.
    posts = posts_.make_posts(
        client,
        first_day,
        last_day,
        rng,
        POST_TYPES,
        POST_TYPE_P,
        TYPE_REACH,
        video_types=("Video",),
        per_week_factor=0.5,
    )
    metrics = ["impressions", "reach", "clicks", "reactions", "comments", "shares", "saves"]
    posts[metrics] *= 0.15
    out = client_dir / "linkedin"
    out.mkdir(parents=True, exist_ok=True)
    files = rows = 0
    for start, end in posts_.months(first_day, last_day):
        window, lifetime = posts_.lifetime_window(posts, end)
        impressions = lifetime("impressions")
        clicks = lifetime("clicks")
        likes, comments, reposts = lifetime("reactions"), lifetime("comments"), lifetime("shares")
        engagement = (clicks + likes + comments + reposts) / np.maximum(impressions, 1)
        all_posts = pd.DataFrame(
            {
                "Post title": [CAPTIONS[client.language][t].split("\n")[0] for t in window.theme],
                "Post link": "https://www.linkedin.com/feed/update/urn:li:activity:"
                + window.post_id.str[:19]
                + "/",
                "Post type": "Organic",
                "Campaign name": "",
                "Posted by": "",
                "Created date": window.published.dt.strftime("%m/%d/%Y"),
                "Campaign start date": "",
                "Campaign end date": "",
                "Audience": "All followers",
                "Impressions": impressions,
                "Views (excluding off-site video views)": np.where(
                    window.is_video, np.floor(impressions * 0.4), np.nan
                ),
                "Off-site views": np.where(window.is_video, 0, np.nan),
                "Clicks": clicks,
                "Click through rate (CTR)": (clicks / np.maximum(impressions, 1)).round(6),
                "Likes": likes,
                "Comments": comments,
                "Reposts": reposts,
                "Follows": np.floor(reposts * 0.2).astype(np.int64),
                "Engagement rate": engagement.round(6),
                "Content Type": window.post_type,
            }
        )
        days = pd.date_range(start, end, freq="D")
        n = len(days)
        organic = np.floor(rng.lognormal(5.5, 0.5, n)).astype(np.int64)
        sponsored = np.where(rng.random(n) < 0.2, np.floor(rng.lognormal(6, 0.4, n)), 0)
        clicks_o = rng.binomial(organic, 0.02)
        metrics = pd.DataFrame(
            {
                "Date": days.strftime("%m/%d/%Y"),
                "Impressions (organic)": organic,
                "Impressions (sponsored)": sponsored,
                "Impressions (total)": organic + sponsored,
                "Unique impressions (organic)": np.floor(organic * 0.7).astype(np.int64),
                "Clicks (organic)": clicks_o,
                "Clicks (sponsored)": 0,
                "Clicks (total)": clicks_o,
                "Reactions (organic)": rng.binomial(organic, 0.015),
                "Reactions (sponsored)": 0,
                "Comments (organic)": rng.binomial(organic, 0.002),
                "Comments (sponsored)": 0,
                "Reposts (organic)": rng.binomial(organic, 0.001),
                "Reposts (sponsored)": 0,
                "Engagement rate (organic)": rng.uniform(0.01, 0.05, n).round(6),
            }
        )
        followers = pd.DataFrame(
            {
                "Date": days.strftime("%m/%d/%Y"),
                "Sponsored followers": 0,
                "Organic followers": rng.poisson(2, n),
                "Auto-invited followers": rng.poisson(0.3, n),
            }
        )
        followers["Total followers"] = followers[
            ["Sponsored followers", "Organic followers", "Auto-invited followers"]
        ].sum(axis=1)
        path = out / f"{client.slug}_content_{end:%Y-%m}.xlsx"
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            _sheet(writer, "All posts", all_posts)
            _sheet(writer, "Metrics", metrics)
            _sheet(writer, "New followers", followers)
        _pin_dates(path, end)
        posts_.write_time(path, end, timezone)
        files, rows = files + 1, rows + len(all_posts) + 2 * n
    return posts_.Written(files, rows, posts.post_id.str[:19].tolist())
