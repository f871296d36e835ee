"""What each block of a page series measures, and for which platform.

Read from the block's title and value header words (normalized, accent-free); the
platform from the title, else the header, else the file's folder, else the other blocks
of the same file, else the only Meta platform the client's other exports name.
"""

from __future__ import annotations

import re

import duckdb

from pipelines.ingest.headers import normalize

PLATFORMS = ("facebook", "instagram")

# Words of a title or value header -> metric, first match wins (normalized, accent-free).
# `followers` is a running total (FollowerHistory.csv); `follows` the day's new follows.
METRIC_WORDS = (
    (r"\bdifference in followers\b|\bnet followers\b|\bvariation\b", "followers_change"),
    (r"\bunfollows?\b|\bdesabonnements?\b", "unfollows"),
    (r"\bfollows\b|\bnew followers\b|\babonnements\b|\bnouveaux abonnes\b", "follows"),
    (r"\bfollowers\b|\babonnes\b", "followers"),
    (r"\breach\b|\bcouverture\b", "reach"),
    (r"\bviewers\b|\bspectateurs\b", "viewers"),
    (r"\bviews\b|\bvues\b|\bimpressions\b", "views"),
    (r"\bvisits\b|\bvisites\b", "visits"),
    (r"\binteractions\b", "interactions"),
    (r"\blink clicks\b|\bclics sur (?:un|le) lien\b", "link_clicks"),
)
SIGNED_METRICS = ("followers_change",)  # a net change may be negative
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


def metric_of(text: str | None) -> str | None:
    norm = normalize(text or "")
    return next((m for pattern, m in METRIC_WORDS if re.search(pattern, norm)), None)


def platform_of(text: str | None) -> str | None:
    words = set(re.findall(r"[a-z]+", normalize(text or "")))
    named = [p for p in PLATFORMS if p in words]
    return named[0] if len(named) == 1 else None


def series_of(header: str) -> str:
    """'Total Viewers' -> total; 'Primary' -> primary; a metric's name -> primary."""
    words = normalize(header).split()
    return SERIES_WORDS.get(words[0], "primary") if words else "primary"


def folder_platform(rel_path: str) -> str | None:
    """A platform named by a folder of the file's path (`client/instagram/Views.csv`)."""
    folders = rel_path.split("/")[1:-1]
    named = {p for f in folders for p in PLATFORMS if p in re.findall(r"[a-z]+", normalize(f))}
    return named.pop() if len(named) == 1 else None


def _client_platforms(
    con: duckdb.DuckDBPyConnection, clients: set[str], table: str
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """The Meta platforms each client's loaded page series name for certain, and those of
    its loaded post exports."""
    rows = con.execute(
        f"SELECT DISTINCT 'series', client, platform FROM raw.{table} "
        "WHERE client IN (SELECT unnest(?)) AND platform_source IN ('title', 'header', 'folder') "
        "UNION SELECT DISTINCT 'posts', client, 'facebook' FROM raw.facebook_posts "
        "WHERE client IN (SELECT unnest(?)) "
        "UNION SELECT DISTINCT 'posts', client, 'instagram' FROM raw.instagram_posts "
        "WHERE client IN (SELECT unnest(?))",
        [sorted(clients)] * 3,
    ).fetchall()
    series: dict[str, set[str]] = {}
    posts: dict[str, set[str]] = {}
    for what, client, platform in rows:
        (series if what == "series" else posts).setdefault(client, set()).add(platform)
    return series, posts


def classify_blocks(con, files: dict, table: str) -> list[tuple]:
    """(sw_file_id, block, col, platform, platform_source, metric, series) of each staged
    value column; platform None when nothing tells it. `files`: each staged file's
    meta_page_series.SeriesFile (its path and client), by sw_file_id."""
    columns = con.execute(
        "SELECT sw_file_id, block, title, col, header FROM sw_blocks ORDER BY ALL"
    ).fetchall()
    named: dict[tuple[int, int], tuple[str | None, str | None]] = {}
    out = []
    for file_id, block, title, col, header in columns:
        if file_id not in files:  # left out of this batch (unstaged)
            continue
        platform, source = platform_of(title), "title"
        if platform is None:
            platform, source = platform_of(header), "header"
        if platform is None:
            platform, source = folder_platform(files[file_id].path), "folder"
        if platform is None:
            source = None
        named[(file_id, block)] = (platform, source)
        metric = metric_of(header) or metric_of(title)
        if metric is None:
            metric = re.sub(r"[^a-z0-9]+", "_", normalize(title or header)).strip("_")
        out.append([file_id, block, col, platform, source, metric, series_of(header)])
    # Meta's combined export names Instagram and leaves Facebook unnamed
    for row in out:
        if row[3] is None:
            others = {p for (f, b), (p, _) in named.items() if f == row[0] and b != row[1]}
            if len(others) == 1 and None not in others:
                row[3], row[4] = next(p for p in PLATFORMS if p not in others), "file"
    unknown = {files[row[0]].client for row in out if row[3] is None}
    if unknown:
        # the client's other series that name their platform, else its post exports
        series, posts = _client_platforms(con, unknown, table)
        for row in out:  # this batch's named series count as well
            if row[4] in ("title", "header", "folder"):
                series.setdefault(files[row[0]].client, set()).add(row[3])
        for row in out:
            client = files[row[0]].client
            platforms = series.get(client) or posts.get(client, set())
            if row[3] is None and len(platforms) == 1:
                row[3], row[4] = next(iter(platforms)), "client"
    return [tuple(row) for row in out]
