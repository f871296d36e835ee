"""Demo Facebook posts exports: Meta Business Suite's real CSV layout, one file per export day.

Each daily export restates the lifetime totals of the posts published in the 90 days
before it, so successive files let the warehouse derive daily increments. Metrics
depend on the post's objective (awareness: many impressions, few interactions;
engagement: the reverse), its format and its theme.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from pipelines.demo.roster import DemoClient

WINDOW_DAYS = 90  # posts a daily export covers
POST_TYPES = np.array(["Photos", "Videos", "Reels", "Links", "Text"])
POST_TYPE_P = [0.35, 0.12, 0.33, 0.12, 0.08]
TYPE_REACH = {"Photos": 1.0, "Videos": 1.2, "Reels": 1.7, "Links": 0.7, "Text": 0.5}
THEMES = np.array(
    [
        "educational",
        "promotional",
        "testimonial",
        "behind_the_scenes",
        "health_news",
        "contest_poll",
    ]
)
THEME_P = [0.34, 0.2, 0.1, 0.1, 0.16, 0.1]
OBJECTIVE = {
    "educational": "awareness",
    "health_news": "awareness",
    "behind_the_scenes": "awareness",
    "promotional": "traffic",
    "testimonial": "engagement",
    "contest_poll": "engagement",
}
ENGAGEMENT_RATE = {"awareness": (0.008, 0.025), "traffic": (0.02, 0.05), "engagement": (0.08, 0.16)}
CLICK_SHARE = {"awareness": 0.25, "traffic": 0.6, "engagement": 0.15}
LABELS = {
    "en": {
        "educational": "Educational",
        "promotional": "Promotion",
        "testimonial": "Testimonial",
        "behind_the_scenes": "Behind the scenes",
        "health_news": "Health news",
        "contest_poll": "Contest",
    },
    "fr": {
        "educational": "Éducatif",
        "promotional": "Promotion",
        "testimonial": "Témoignage",
        "behind_the_scenes": "Coulisses",
        "health_news": "Actualité santé",
        "contest_poll": "Concours",
    },
}
CAPTIONS = {
    "en": {
        "educational": "💊 Did you know? Five tips to store your medication safely.\n#health #tips",
        "promotional": "🛍️ Special offer this week: 20% off vitamins!\n#promo #sale",
        "testimonial": '❤️ "The team helped me so much" — a patient story.\n#testimonial',
        "behind_the_scenes": "👩‍⚕️ Meet our team: behind the scenes at the counter.\n#ourteam",
        "health_news": "📰 Flu season is here: vaccination clinics open Monday.\n#publichealth",
        "contest_poll": "🎁 Contest! Comment to win a wellness basket.\n#giveaway #contest",
    },
    "fr": {
        "educational": "💊 Saviez-vous? Cinq conseils pour bien ranger vos médicaments.\n#santé",
        "promotional": "🛍️ Offre spéciale : 20 % de rabais sur les vitamines!\n#promo",
        "testimonial": "❤️ « L'équipe m'a tellement aidé » — témoignage d'une patiente.\n#merci",
        "behind_the_scenes": "👩‍⚕️ Rencontrez notre équipe : les coulisses du comptoir.\n#équipe",
        "health_news": "📰 Saison de la grippe : la vaccination commence lundi.\n#santépublique",
        "contest_poll": "🎁 Concours! Commentez pour gagner un panier bien-être.\n#concours",
    },
}
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
    """Every post the client publishes between first_day - WINDOW_DAYS and last_day."""
    start = first_day - timedelta(days=WINDOW_DAYS)
    span = (last_day - start).days + 1
    n = max(1, int(rng.poisson(client.posts_per_week * span / 7)))
    day_offsets = np.sort(rng.integers(0, span, n))
    minutes = rng.integers(7 * 60, 21 * 60, n)
    post_type = rng.choice(POST_TYPES, n, p=POST_TYPE_P)
    theme = rng.choice(THEMES, n, p=THEME_P)
    objective = np.array([OBJECTIVE[t] for t in theme])
    boosted = rng.random(n) < np.where(theme == "promotional", 0.3, 0.05)
    type_mult = np.array([TYPE_REACH[t] for t in post_type])
    impressions = rng.lognormal(7.3, 0.7, n) * type_mult * np.where(boosted, 4.0, 1.0)
    impressions = np.where(objective == "engagement", impressions * 0.35, impressions)
    frequency = rng.uniform(1.15, 1.9, n)
    lo = np.array([ENGAGEMENT_RATE[o][0] for o in objective])
    hi = np.array([ENGAGEMENT_RATE[o][1] for o in objective])
    engagements = impressions * rng.uniform(lo, hi)
    click_share = np.array([CLICK_SHARE[o] for o in objective])
    # Increasing with time like Meta's ids, unique within and (by the random base) across pages.
    post_ids = int(rng.integers(10**15, 8 * 10**15)) + np.cumsum(rng.integers(1, 10**9, n))
    is_reel = post_type == "Reels"
    # Meta often labels reels "Videos"; only the permalink tells them apart.
    post_type = np.where(is_reel & (rng.random(n) < 0.3), "Videos", post_type)
    permalinks = np.where(
        is_reel,
        [f"https://www.facebook.com/reel/{i}" for i in post_ids],
        [f"https://www.facebook.com/{client.page_id}/posts/{i}" for i in post_ids],
    )
    return pd.DataFrame(
        {
            "post_id": post_ids.astype(str),
            "published": [
                datetime.combine(start + timedelta(days=int(d)), time()) + timedelta(minutes=int(m))
                for d, m in zip(day_offsets, minutes, strict=True)
            ],
            "post_type": post_type,
            "is_video": np.isin(post_type, ["Videos", "Reels"]),
            "theme": theme,
            "labelled": rng.random(n) < 0.6,
            "boosted": boosted,
            "permalink": permalinks,
            "impressions": impressions,
            "reach": impressions / frequency,
            "clicks": engagements * click_share,
            "link_clicks_share": rng.uniform(0.5, 0.9, n),
            "reactions": engagements * (1 - click_share) * 0.75,
            "comments": engagements * (1 - click_share) * 0.12,
            "shares": engagements * (1 - click_share) * 0.13,
            "duration": np.where(
                np.isin(post_type, ["Videos", "Reels"]), rng.uniform(8, 90, n).round(1), 0.0
            ),
        }
    )


def export_frame(client: DemoClient, posts: pd.DataFrame, export_day: date) -> pd.DataFrame:
    """The export Meta would give on export_day: lifetime totals so far, real column names."""
    end_of_day = datetime.combine(export_day, time(23, 59))
    window = posts[
        (posts.published <= end_of_day)
        & (posts.published > end_of_day - timedelta(days=WINDOW_DAYS))
    ]
    age_days = (end_of_day - window.published).dt.total_seconds() / 86400
    # Most of a post's audience comes in its first two days, then a slow tail for weeks.
    age = age_days.to_numpy()
    grown = 0.85 * (1 - np.exp(-(age + 0.1) / 1.2)) + 0.15 * np.minimum(age / 45, 1.0)

    def lifetime(col: str) -> np.ndarray:
        return np.floor(window[col].to_numpy() * grown).astype(np.int64)

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
) -> int:
    """One export per day; each file's mtime is its export evening (the snapshot date)."""
    posts = make_posts(client, first_day, last_day, rng)
    out = client_dir / "facebook"
    out.mkdir(parents=True, exist_ok=True)
    rows = 0
    day = first_day
    while day <= last_day:
        frame = export_frame(client, posts, day)
        stamp = day.strftime("%b-%d-%Y")
        name = (
            f"publications_facebook_{stamp}.csv"
            if client.language == "fr"
            else f"facebook_posts_{stamp}.csv"
        )
        path = out / name
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        exported_at = datetime.combine(day, time(23, 30), ZoneInfo(timezone)).timestamp()
        os.utime(path, (exported_at, exported_at))
        rows += len(frame)
        day += timedelta(days=1)
    return rows
