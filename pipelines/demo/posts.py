"""What demo posts are like, whatever the platform: themes, objectives, audience growth.

Metrics depend on the post's objective (awareness: many impressions, few interactions;
engagement: the reverse), its format and its theme. Lifetime totals grow fast in the
first two days, then slowly for weeks, so successive daily exports restate them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from pipelines.demo.roster import DemoClient


@dataclass
class Written:
    """What a demo generator wrote, and the ids conversions can point at."""

    files: int = 0
    rows: int = 0
    ids: list[str] = field(default_factory=list)
    campaigns: list[str] = field(default_factory=list)


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


def make_posts(
    client: DemoClient,
    first_day: date,
    last_day: date,
    rng: np.random.Generator,
    post_types: np.ndarray = POST_TYPES,
    post_type_p: list[float] = POST_TYPE_P,
    type_reach: dict[str, float] = TYPE_REACH,
    video_types: tuple[str, ...] = ("Videos", "Reels"),
    per_week_factor: float = 1.0,
) -> pd.DataFrame:
    """Every post the client publishes between first_day - WINDOW_DAYS and last_day."""
    start = first_day - timedelta(days=WINDOW_DAYS)
    span = (last_day - start).days + 1
    n = max(1, int(rng.poisson(client.posts_per_week * per_week_factor * span / 7)))
    day_offsets = np.sort(rng.integers(0, span, n))
    minutes = rng.integers(7 * 60, 21 * 60, n)
    post_type = rng.choice(post_types, n, p=post_type_p)
    theme = rng.choice(THEMES, n, p=THEME_P)
    objective = np.array([OBJECTIVE[t] for t in theme])
    boosted = rng.random(n) < np.where(theme == "promotional", 0.3, 0.05)
    type_mult = np.array([type_reach[t] for t in post_type])
    impressions = rng.lognormal(7.3, 0.7, n) * type_mult * np.where(boosted, 4.0, 1.0)
    impressions = np.where(objective == "engagement", impressions * 0.35, impressions)
    frequency = rng.uniform(1.15, 1.9, n)
    lo = np.array([ENGAGEMENT_RATE[o][0] for o in objective])
    hi = np.array([ENGAGEMENT_RATE[o][1] for o in objective])
    engagements = impressions * rng.uniform(lo, hi)
    click_share = np.array([CLICK_SHARE[o] for o in objective])
    # Increasing with time like Meta's ids, unique within and (by the random base) across pages.
    post_ids = int(rng.integers(10**15, 8 * 10**15)) + np.cumsum(rng.integers(1, 10**9, n))
    return pd.DataFrame(
        {
            "post_id": post_ids.astype(str),
            "published": [
                datetime.combine(start + timedelta(days=int(d)), time()) + timedelta(minutes=int(m))
                for d, m in zip(day_offsets, minutes, strict=True)
            ],
            "post_type": post_type,
            "is_video": np.isin(post_type, list(video_types)),
            "theme": theme,
            "labelled": rng.random(n) < 0.6,
            "boosted": boosted,
            "impressions": impressions,
            "reach": impressions / frequency,
            "clicks": engagements * click_share,
            "link_clicks_share": rng.uniform(0.5, 0.9, n),
            "reactions": engagements * (1 - click_share) * 0.75,
            "comments": engagements * (1 - click_share) * 0.12,
            "shares": engagements * (1 - click_share) * 0.13,
            "saves": engagements * (1 - click_share) * np.where(theme == "educational", 0.2, 0.05),
            "duration": np.where(
                np.isin(post_type, list(video_types)), rng.uniform(8, 90, n).round(1), 0.0
            ),
        }
    )


def lifetime_window(posts: pd.DataFrame, export_day: date):
    """The posts an export of export_day covers, and a function giving a column's lifetime
    total as of that evening."""
    end_of_day = datetime.combine(export_day, time(23, 59))
    window = posts[
        (posts.published <= end_of_day)
        & (posts.published > end_of_day - timedelta(days=WINDOW_DAYS))
    ]
    age = ((end_of_day - window.published).dt.total_seconds() / 86400).to_numpy()
    grown = 0.85 * (1 - np.exp(-(age + 0.1) / 1.2)) + 0.15 * np.minimum(age / 45, 1.0)

    def lifetime(col: str) -> np.ndarray:
        return np.floor(window[col].to_numpy() * grown).astype(np.int64)

    return window, lifetime


def export_days(first_day: date, last_day: date, every: int = 1) -> list[date]:
    """Export days from last_day backwards every `every` days (the newest is always there)."""
    n = (last_day - first_day).days
    return [last_day - timedelta(days=d) for d in range(n - n % every, -1, -every)]


def write_time(path: Path, day: date, timezone: str) -> None:
    """Date the file on its export evening: the loader reads the snapshot date from it."""
    stamp = datetime.combine(day, time(23, 30), ZoneInfo(timezone)).timestamp()
    os.utime(path, (stamp, stamp))


def months(first_day: date, last_day: date) -> list[tuple[date, date]]:
    """(start, end) of each calendar month between first_day and last_day, clipped to them:
    the monthly exports (page insights, LinkedIn, conversions) cover one each."""
    out = []
    month_start = first_day.replace(day=1)
    while month_start <= last_day:
        next_month = (month_start + timedelta(days=32)).replace(day=1)
        out.append((max(month_start, first_day), min(next_month - timedelta(days=1), last_day)))
        month_start = next_month
    return out
