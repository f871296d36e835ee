"""Demo conversions files, as a clinic's booking tool or a pharmacy's shop exports them:
UTM fields that point at posts, ads and campaigns — and the personal columns such tools
add (names, e-mails, phone numbers, notes), which socialwh must never store."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from pipelines.demo import posts as posts_
from pipelines.demo.roster import DemoClient

TYPES = {
    "pharmacy": (["purchase", "call", "lead"], [0.6, 0.3, 0.1]),
    "clinic": (["appointment", "call"], [0.75, 0.25]),
    "pharma": (["registration", "lead"], [0.7, 0.3]),
}
FIRST = ["Marie", "Jean", "Sophie", "Luc", "Chloé", "Mathieu"]
LAST = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier"]


def write_exports(
    client: DemoClient,
    client_dir: Path,
    first_day: date,
    last_day: date,
    rng: np.random.Generator,
    timezone: str,
    post_ids: list[str],
    ad_ids: list[str],
    campaigns: list[str],
) -> posts_.Written:
    """One file per month; occurred_at carries the client's UTC offset."""
    out = client_dir / "conversions"
    out.mkdir(parents=True, exist_ok=True)
    tz = ZoneInfo(timezone)
    types, p = TYPES[client.sector]
    files = rows = 0
    for start, end in posts_.months(first_day, last_day):
        span = (end - start).days + 1
        n = int(rng.poisson(1.5 * span))
        if n == 0:
            continue
        when = [
            datetime.combine(start + timedelta(days=int(d)), time(), tz) + timedelta(minutes=int(m))
            for d, m in zip(rng.integers(0, span, n), rng.integers(8 * 60, 20 * 60, n), strict=True)
        ]
        source = rng.choice(
            ["facebook", "instagram", "linkedin", "google", ""], n, p=[0.4, 0.25, 0.1, 0.15, 0.1]
        )
        social = np.isin(source, ["facebook", "instagram", "linkedin"])
        pick = rng.random(n)
        content = np.where(
            social & (pick < 0.35) & bool(post_ids), rng.choice(post_ids or [""], n), ""
        )
        content = np.where(
            social & (pick >= 0.35) & (pick < 0.55) & bool(ad_ids),
            rng.choice(ad_ids or [""], n),
            content,
        )
        campaign = np.where(
            social & (pick >= 0.55) & (pick < 0.75) & bool(campaigns),
            rng.choice(campaigns or [""], n),
            "",
        )
        kind = rng.choice(types, n, p=p)
        first, last = rng.choice(FIRST, n), rng.choice(LAST, n)
        frame = pd.DataFrame(
            {
                "conversion_id": [f"{client.slug[:4]}-{start:%Y%m}-{i:05d}" for i in range(n)],
                "occurred_at": [w.isoformat(timespec="seconds") for w in when],
                "conversion_type": kind,
                "value": np.where(kind == "purchase", rng.uniform(8, 120, n).round(2), np.nan),
                "currency": np.where(kind == "purchase", "CAD", ""),
                "utm_source": source,
                "utm_medium": np.where(social, "social", np.where(source == "google", "cpc", "")),
                "utm_campaign": campaign,
                "utm_content": content,
                # What booking tools add; the loader's allow-list keeps all of it out.
                "patient_name": [f"{a} {b}" for a, b in zip(first, last, strict=True)],
                "email": [
                    f"{a.lower()}.{b.lower()}@example.org" for a, b in zip(first, last, strict=True)
                ],
                "phone": [f"514-555-{int(x):04d}" for x in rng.integers(0, 10000, n)],
                "notes": np.where(kind == "appointment", "Suivi ordonnance", ""),
            }
        ).sort_values("occurred_at")
        path = out / f"conversions_{start:%Y-%m}.csv"
        frame.to_csv(path, index=False, encoding="utf-8")
        posts_.write_time(path, end, timezone)
        files, rows = files + 1, rows + n
    return posts_.Written(files, rows)
