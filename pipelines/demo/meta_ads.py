"""Demo Meta Ads Manager exports: one row per ad and day, a weekly export per client.

Objectives shape the numbers (awareness buys cheap impressions, engagement buys
interactions, traffic buys link clicks, leads buys conversions). French clients get
French headers, `;` separators and decimal commas, as fr-CA Excel users save them.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.demo import posts as posts_
from pipelines.demo.roster import DemoClient

OBJECTIVES = {  # objective: (CPM in CAD, link CTR, result per impression, result indicator)
    "Awareness": (4.0, 0.004, 0.6, "reach"),
    "Engagement": (9.0, 0.01, 0.06, "actions:post_engagement"),
    "Traffic": (12.0, 0.02, 0.015, "actions:link_click"),
    "Leads": (18.0, 0.012, 0.004, "actions:lead"),
}
CAMPAIGNS = {
    "en": {
        "Awareness": "Flu season awareness",
        "Engagement": "Community Q&A",
        "Traffic": "Book online",
        "Leads": "New patients",
    },
    "fr": {
        "Awareness": "Notoriété saison grippe",
        "Engagement": "Questions santé",
        "Traffic": "Prise de rendez-vous",
        "Leads": "Nouveaux patients",
    },
}
FRENCH = {
    "Reporting starts": "Début des rapports",
    "Reporting ends": "Fin des rapports",
    "Campaign name": "Nom de la campagne",
    "Campaign ID": "ID de la campagne",
    "Ad set name": "Nom de l'ensemble de publicités",
    "Ad name": "Nom de la publicité",
    "Ad ID": "ID de la publicité",
    "Objective": "Objectif",
    "Reach": "Couverture",
    "Impressions": "Impressions",
    "Frequency": "Répétition",
    "Amount spent (CAD)": "Montant dépensé (CAD)",
    "Link clicks": "Clics sur un lien",
    "Clicks (all)": "Clics (tous)",
    "CTR (link click-through rate)": "CTR (taux de clics sur le lien)",
    "CPM (cost per 1,000 impressions) (CAD)": "CPM (coût pour 1 000 impressions) (CAD)",
    "Results": "Résultats",
    "Result indicator": "Indicateur de résultat",
    "Cost per results": "Coût par résultat",
    "Leads": "Prospects",
}


def campaigns(client: DemoClient, rng: np.random.Generator) -> pd.DataFrame:
    """Two to four campaigns, each with two ads; ad names repeat across campaigns."""
    chosen = rng.choice(list(OBJECTIVES), size=int(rng.integers(2, 5)), replace=False)
    rows = []
    base = int(rng.integers(10**17, 5 * 10**17))
    for c, objective in enumerate(chosen):
        for a in range(2):
            rows.append(
                {
                    "objective": objective,
                    "campaign": CAMPAIGNS[client.language][objective],
                    "campaign_id": str(base + c * 1000),
                    "ad_name": f"{'Vidéo' if a == 0 else 'Image'} {client.name.split()[0]}",
                    "ad_id": str(base + c * 1000 + a + 1),
                    "daily_budget": float(rng.uniform(8, 40)),
                }
            )
    return pd.DataFrame(rows)


def export_frame(
    client: DemoClient, ads: pd.DataFrame, days: list[date], rng: np.random.Generator
) -> pd.DataFrame:
    grid = ads.merge(pd.DataFrame({"day": days}), how="cross")
    n = len(grid)
    cpm, ctr, result_rate, indicator = (
        np.array([OBJECTIVES[o][i] for o in grid.objective]) for i in range(4)
    )
    spend = (grid.daily_budget * rng.uniform(0.7, 1.1, n)).round(2)
    impressions = np.floor(spend / cpm * 1000).astype(np.int64)
    frequency = rng.uniform(1.1, 2.4, n)
    reach = np.floor(impressions / frequency).astype(np.int64)
    link_clicks = rng.binomial(impressions, ctr)
    clicks_all = link_clicks + rng.binomial(impressions, 0.004)
    results = np.where(indicator == "reach", reach, rng.binomial(impressions, result_rate))
    frame = pd.DataFrame(
        {
            "Reporting starts": [d.isoformat() for d in grid.day],
            "Reporting ends": [d.isoformat() for d in grid.day],
            "Campaign name": grid.campaign,
            "Campaign ID": grid.campaign_id,
            "Ad set name": grid.campaign + " — Québec 25-65",
            "Ad name": grid.ad_name,
            "Ad ID": grid.ad_id,
            "Objective": grid.objective,
            "Reach": reach,
            "Impressions": impressions,
            "Frequency": (impressions / np.maximum(reach, 1)).round(6),
            "Amount spent (CAD)": spend,
            "Link clicks": link_clicks,
            "Clicks (all)": clicks_all,
            "CTR (link click-through rate)": (100 * link_clicks / np.maximum(impressions, 1)).round(
                6
            ),
            "CPM (cost per 1,000 impressions) (CAD)": (
                1000 * spend / np.maximum(impressions, 1)
            ).round(6),
            "Results": results,
            "Result indicator": indicator,
            "Cost per results": np.where(
                results > 0, (spend / np.maximum(results, 1)).round(6), np.nan
            ),
            "Leads": np.where(grid.objective == "Leads", results, 0),
        }
    )
    return frame


def write_exports(
    client: DemoClient,
    client_dir: Path,
    first_day: date,
    last_day: date,
    rng: np.random.Generator,
    timezone: str,
) -> posts_.Written:
    ads = campaigns(client, rng)
    out = client_dir / "meta-ads"
    out.mkdir(parents=True, exist_ok=True)
    files = rows = 0
    for end in posts_.export_days(first_day, last_day, every=7):
        days = [
            end - timedelta(days=d)
            for d in range(6, -1, -1)
            if end - timedelta(days=d) >= first_day
        ]
        frame = export_frame(client, ads, days, rng)
        path = out / f"meta_ads_{days[0]:%b-%d-%Y}-{end:%b-%d-%Y}.csv"
        if client.language == "fr":
            frame.rename(columns=FRENCH).to_csv(
                path, index=False, sep=";", decimal=",", encoding="utf-8-sig"
            )
        else:
            frame.to_csv(path, index=False, encoding="utf-8-sig")
        posts_.write_time(path, end, timezone)
        files, rows = files + 1, rows + len(frame)
    return posts_.Written(files, rows, ads.ad_id.tolist(), ads.campaign.unique().tolist())
