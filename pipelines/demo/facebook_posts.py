"""Demo Facebook posts exports: Meta Business Suite's real CSV layout, one file per export day.

Each daily export restates the lifetime totals of the posts published in the 90 days
before it, so successive files let the warehouse derive daily increments. Metrics
depend on the post's objective (awareness: many impressions, few interactions;
engagement: the reverse), its format and its theme.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.demo import posts as posts_
from pipelines.demo.posts import CAPTIONS, LABELS
from pipelines.demo.roster import DemoClient

# The real export's columns, in its order (fixtures/meta-real), plus the click columns
# that some exports carry.
COLUMNS_EN = [
    "Post ID",
    "Page ID",
    "Page name",
    "Title",
    "Description",
    "Duration (sec)",
    "Publish time",
    "Caption type",
    "Permalink",
    "Is crosspost",
    "Is share",
    "Post type",
    "Languages",
    "Custom labels",
    "Funded content status",
    "Data comment",
    "Date",
    "Views",
    "Views from Organic posts",
    "Views from Boosted posts",
    "Reach",
    "Reach from Organic posts",
    "Reach from Boosted posts",
    "3-second video views",
    "1-minute video views",
    "Reactions, Comments and Shares",
    "Reactions",
    "Comments",
    "Shares",
    "Total clicks",
    "Link clicks",
    "Other Clicks",
    "Seconds viewed",
    "Average Seconds viewed",
]
FRENCH = {
    "Post ID": "Identifiant de la publication",
    "Page ID": "Identifiant de la Page",
    "Page name": "Nom de la Page",
    "Title": "Titre",
    "Duration (sec)": "Durée (s)",
    "Publish time": "Heure de publication",
    "Caption type": "Type de légende",
    "Permalink": "Permalien",
    "Is crosspost": "Est une publication croisée",
    "Is share": "Est un partage",
    "Post type": "Type de publication",
    "Languages": "Langues",
    "Custom labels": "Libellés personnalisés",
    "Funded content status": "Statut du contenu financé",
    "Data comment": "Commentaire des données",
    "Views": "Vues",
    "Views from Organic posts": "Vues des publications organiques",
    "Views from Boosted posts": "Vues des publications boostées",
    "Reach": "Couverture",
    "Reach from Organic posts": "Couverture des publications organiques",
    "Reach from Boosted posts": "Couverture des publications boostées",
    "3-second video views": "Vues de vidéo de 3 secondes",
    "1-minute video views": "Vues de vidéo de 1 minute",
    "Reactions, Comments and Shares": "Réactions, commentaires et partages",
    "Reactions": "Réactions",
    "Comments": "Commentaires",
    "Shares": "Partages",
    "Total clicks": "Nombre total de clics",
    "Link clicks": "Clics sur le lien",
    "Other Clicks": "Autres clics",
    "Seconds viewed": "Secondes visionnées",
    "Average Seconds viewed": "Moyenne de secondes visionnées",
}


def make_posts(
    client: DemoClient, first_day: date, last_day: date, rng: np.random.Generator
) -> pd.DataFrame:
    posts = posts_.make_posts(client, first_day, last_day, rng)
    ids = posts.post_id
    is_reel = (posts.post_type == "Reels").to_numpy()
    # Meta often labels reels "Videos"; only the permalink tells them apart.
    relabel = is_reel & (rng.random(len(posts)) < 0.3)
    posts["post_type"] = np.where(relabel, "Videos", posts.post_type)
    posts["permalink"] = np.where(
        is_reel,
        "https://www.facebook.com/reel/" + ids,
        f"https://www.facebook.com/{client.page_id}/posts/" + ids,
    )
    return posts


def export_frame(client: DemoClient, posts: pd.DataFrame, export_day: date) -> pd.DataFrame:
    """The export Meta would give on export_day: lifetime totals so far, real column names."""
    window, lifetime = posts_.lifetime_window(posts, export_day)

    views, reach = lifetime("impressions"), lifetime("reach")
    reach = np.minimum(reach, views)
    clicks = lifetime("clicks")
    link_clicks = np.floor(clicks * window.link_clicks_share.to_numpy()).astype(np.int64)
    reactions, comments, shares = lifetime("reactions"), lifetime("comments"), lifetime("shares")
    boosted = window.boosted.to_numpy()
    views_boosted = np.where(boosted, np.floor(views * 0.7), 0).astype(np.int64)
    reach_boosted = np.where(boosted, np.floor(reach * 0.7), 0).astype(np.int64)
    lang = client.language
    captions = [CAPTIONS[lang][t] for t in window.theme]
    labels = np.where(window.labelled, [LABELS[lang][t] for t in window.theme], "")
    is_video = window.is_video.to_numpy()
    duration = window.duration.to_numpy()
    video_3s = np.where(is_video, np.floor(views * 0.4), 0).astype(np.int64)
    frame = pd.DataFrame(
        {
            "Post ID": window.post_id,
            "Page ID": client.page_id,
            "Page name": client.name,
            "Title": captions,
            "Description": captions,
            "Duration (sec)": [
                (f"{d:.1f}".replace(".", ",") if lang == "fr" else f"{d:.1f}") if d else "0"
                for d in duration
            ],
            "Publish time": window.published.dt.strftime("%m/%d/%Y %H:%M"),
            "Caption type": "N/A",
            "Permalink": window.permalink,
            "Is crosspost": "0",
            "Is share": "0",
            "Post type": window.post_type,
            "Languages": "",
            "Custom labels": labels,
            "Funded content status": "",
            "Data comment": "",
            "Date": "Global" if lang == "fr" else "Lifetime",
            "Views": views,
            "Views from Organic posts": views - views_boosted,
            "Views from Boosted posts": views_boosted,
            "Reach": reach,
            "Reach from Organic posts": reach - reach_boosted,
            "Reach from Boosted posts": reach_boosted,
            "3-second video views": video_3s,
            "1-minute video views": np.floor(video_3s * 0.2).astype(np.int64),
            "Reactions, Comments and Shares": reactions + comments + shares,
            "Reactions": reactions,
            "Comments": comments,
            "Shares": shares,
            "Total clicks": clicks,
            "Link clicks": link_clicks,
            "Other Clicks": clicks - link_clicks,
            "Seconds viewed": np.where(is_video, video_3s * 6, 0),
            "Average Seconds viewed": np.where(is_video, "6.0", ""),
        }
    )[COLUMNS_EN]
    if lang == "fr":
        frame = frame.rename(columns=FRENCH)
    return frame


def write_exports(
    client: DemoClient,
    client_dir: Path,
    first_day: date,
    last_day: date,
    rng: np.random.Generator,
    timezone: str,
) -> posts_.Written:
    """One export per day; each file's mtime is its export evening (the snapshot date)."""
    posts = make_posts(client, first_day, last_day, rng)
    out = client_dir / "facebook"
    out.mkdir(parents=True, exist_ok=True)
    files = rows = 0
    for day in posts_.export_days(first_day, last_day):
        frame = export_frame(client, posts, day)
        stamp = day.strftime("%b-%d-%Y")
        french = client.language == "fr"
        path = out / (
            f"publications_facebook_{stamp}.csv" if french else f"facebook_posts_{stamp}.csv"
        )
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        posts_.write_time(path, day, timezone)
        files, rows = files + 1, rows + len(frame)
    return posts_.Written(files, rows, posts.post_id.tolist())
