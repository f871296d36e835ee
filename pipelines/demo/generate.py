"""`socialwh demo-data`: a landing folder of realistic exports for several clients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from pipelines.demo import facebook_posts
from pipelines.demo.roster import roster
from pipelines.settings import DEFAULT_TIMEZONE

DEFAULT_END = date(2026, 3, 31)  # fixed, so that a seed always gives the same files


@dataclass
class DemoSummary:
    clients: int
    files: int
    rows: int
    clients_csv: Path | None


def generate(
    out: Path,
    *,
    clients: int = 3,
    days: int = 90,
    seed: int = 42,
    language: str = "mixed",
    end: date = DEFAULT_END,
) -> DemoSummary:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    first = end - timedelta(days=days - 1)
    roster_ = roster(clients, language, rng)
    rows = 0
    for client in roster_:
        rows += facebook_posts.write_exports(
            client, out / client.slug, first, end, rng, DEFAULT_TIMEZONE
        )
    # The register sits beside landing/ (the data dir) when generating into a landing folder.
    register = out.parent / "clients.csv" if out.name == "landing" else out / "clients.csv.example"
    if not register.exists():
        register.write_text(
            "client,name,sector,timezone\n"
            + "".join(f'{c.slug},"{c.name}",{c.sector},{DEFAULT_TIMEZONE}\n' for c in roster_),
            encoding="utf-8",
        )
    return DemoSummary(len(roster_), len(roster_) * days, rows, register)
