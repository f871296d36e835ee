"""Demo page-level daily series, as Meta Business Suite exports them each month: Views and
Follows in UTF-16 with a `sep=,` line and a title; Viewers in UTF-8 with yearless dates."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.demo import posts as posts_
from pipelines.demo.roster import DemoClient


def _utf16_series(path: Path, title: str, days: list[date], values: np.ndarray) -> None:
    lines = ["sep=,", f'"{title}"', '"Date","Primary"']
    lines += [f'"{d:%Y-%m-%d}T00:00:00","{v}"' for d, v in zip(days, values, strict=True)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))  # BOM + UTF-16 LE


def write_exports(
    client: DemoClient,
    client_dir: Path,
    first_day: date,
    last_day: date,
    rng: np.random.Generator,
    timezone: str,
) -> posts_.Written:
    files = rows = 0
    scale = {"pharmacy": 1.0, "clinic": 0.6, "pharma": 1.8}[client.sector]
    for start, end in posts_.months(first_day, last_day):
        days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        n = len(days)
        out = client_dir / "page-insights" / f"{start:%Y-%m}"
        out.mkdir(parents=True, exist_ok=True)
        views = np.floor(rng.lognormal(7.5, 0.4, n) * scale).astype(np.int64)
        viewers_total = np.floor(views / rng.uniform(1.3, 2.2, n)).astype(np.int64)
        viewers_new = np.floor(viewers_total * rng.uniform(0.5, 0.8, n)).astype(np.int64)
        follows = rng.poisson(4 * scale, n)
        _utf16_series(out / "Views.csv", "Views", days, views)
        _utf16_series(out / "Follows.csv", "Facebook follows", days, follows)
        pd.DataFrame(
            {
                "Date": [f"{d:%B} {d.day}" for d in days],  # no year, as Meta writes it
                "Total Viewers": viewers_total,
                "New Viewers": viewers_new,
                "Returning Viewers": viewers_total - viewers_new,
            }
        ).to_csv(out / "Viewers.csv", index=False, encoding="utf-8-sig")
        for name in ("Views.csv", "Follows.csv", "Viewers.csv"):
            posts_.write_time(out / name, end, timezone)
        files, rows = files + 3, rows + 3 * n
    return posts_.Written(files, rows)
