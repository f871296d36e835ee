"""Demo Instagram posts exports (Meta Business Suite CSV), one per week per client."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.demo import posts as posts_
from pipelines.demo.posts import CAPTIONS
from pipelines.demo.roster import DemoClient

POST_TYPES = np.array(["IG image", "IG carousel", "IG reel", "IG story"])
POST_TYPE_P = [0.3, 0.25, 0.35, 0.1]
TYPE_REACH = {"IG image": 0.9, "IG carousel": 1.1, "IG reel": 1.8, "IG story": 0.6}
COLUMNS = {  # English header -> French header
    "Post ID": "Identifiant de la publication",
    "Account ID": "ID du compte",
    "Account username": "Nom d'utilisateur du compte",
    "Account name": "Nom du compte",
    "Description": "Description",
    "Duration (sec)": "Durée (s)",
    "Publish time": "Heure de publication",
    "Permalink": "Permalien",
    "Post type": "Type de publication",
    "Data comment": "Commentaire des données",
    "Date": "Date",
    "Views": "Vues",
    "Reach": "Couverture",
    "Likes": "Mentions J'aime",
    "Shares": "Partages",
    "Follows": "Followers en plus",
    "Comments": "Commentaires",
    "Saves": "Enregistrements",
    "Profile visits": "Visites de profil",
    "Link clicks": "Clics sur le lien",
}


def export_frame(client: DemoClient, posts: pd.DataFrame, export_day: date) -> pd.DataFrame:
    window, lifetime = posts_.lifetime_window(posts, export_day)
    views = lifetime("impressions")
    reach = np.minimum(lifetime("reach"), views)
    lang = client.language
    frame = pd.DataFrame(
        {
            "Post ID": window.post_id,
            "Account ID": client.page_id[::-1],
            "Account username": client.slug.replace("-", "_"),
            "Account name": client.name,
            "Description": [CAPTIONS[lang][t] for t in window.theme],
            "Duration (sec)": np.where(window.is_video, window.duration.astype(str), "0"),
            "Publish time": window.published.dt.strftime("%m/%d/%Y %H:%M"),
            "Permalink": "https://www.instagram.com/p/" + window.post_id.str[-11:] + "/",
            "Post type": window.post_type,
            "Data comment": "",
            "Date": "Global" if lang == "fr" else "Lifetime",
            "Views": views,
            "Reach": reach,
            "Likes": lifetime("reactions"),
            "Shares": lifetime("shares"),
            "Follows": np.floor(lifetime("shares") * 0.3).astype(np.int64),
            "Comments": lifetime("comments"),
            "Saves": lifetime("saves"),
            "Profile visits": np.floor(lifetime("clicks") * 0.5).astype(np.int64),
            "Link clicks": np.floor(lifetime("clicks") * 0.3).astype(np.int64),
        }
    )
    return frame.rename(columns=COLUMNS) if lang == "fr" else frame


def write_exports(
    client: DemoClient,
    client_dir: Path,
    first_day: date,
    last_day: date,
    rng: np.random.Generator,
    timezone: str,
) -> posts_.Written:
    """Weekly exports (analysts download Instagram less often); returns (files, rows)."""
    posts = posts_.make_posts(
        client,
        first_day,
        last_day,
        rng,
        POST_TYPES,
        POST_TYPE_P,
        TYPE_REACH,
        video_types=("IG reel", "IG story"),
        per_week_factor=1.2,
    )
    out = client_dir / "instagram"
    out.mkdir(parents=True, exist_ok=True)
    files = rows = 0
    for day in posts_.export_days(first_day, last_day, every=7):
        frame = export_frame(client, posts, day)
        path = out / f"instagram_{day:%Y-%m-%d}.csv"
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        posts_.write_time(path, day, timezone)
        files, rows = files + 1, rows + len(frame)
    return posts_.Written(files, rows, posts.post_id.tolist())
