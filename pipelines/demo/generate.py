"""`socialwh demo-data`: a landing folder of realistic exports for several clients.

Every export kind, in the real formats, deterministic for a seed. With quirks on (the
default) it also drops what real landing folders hold: the same export twice, a
Windows-1252 file, and an HTML error page saved as .csv (which the run quarantines).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from pipelines.demo import (
    conversions,
    facebook_posts,
    instagram_posts,
    linkedin_page,
    meta_ads,
    meta_page_series,
)
from pipelines.demo import real_quirks as real_quirks_
from pipelines.demo.posts import Written
from pipelines.demo.roster import roster
from pipelines.settings import DEFAULT_TIMEZONE

DEFAULT_END = date(2026, 3, 31)  # fixed, so that a seed always gives the same files
KINDS = ("facebook", "instagram", "page", "ads", "linkedin", "conversions")
GENERATORS = {
    "facebook": facebook_posts.write_exports,
    "instagram": instagram_posts.write_exports,
    "page": meta_page_series.write_exports,
    "ads": meta_ads.write_exports,
    "linkedin": linkedin_page.write_exports,
}
HTML_ERROR_PAGE = (
    '<!DOCTYPE html>\n<html lang="fr"><head><title>Facebook</title></head>'
    "<body>Votre session a expiré. Veuillez vous reconnecter.</body></html>\n"
)


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
    kinds: tuple[str, ...] = KINDS,
    quirks: bool = True,
    real_quirks: bool = False,
) -> DemoSummary:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    first = end - timedelta(days=days - 1)
    roster_ = roster(clients, language, rng)
    total = Written()
    for client in roster_:
        client_dir = out / client.slug
        written = {
            kind: GENERATORS[kind](client, client_dir, first, end, rng, DEFAULT_TIMEZONE)
            for kind in KINDS
            if kind in kinds and kind in GENERATORS
        }
        if "conversions" in kinds:
            ids = [
                i
                for k in ("facebook", "instagram", "linkedin")
                if k in written
                for i in written[k].ids[-40:]
            ]
            ads = written.get("ads", Written())
            written["conversions"] = conversions.write_exports(
                client, client_dir, first, end, rng, DEFAULT_TIMEZONE, ids, ads.ids, ads.campaigns
            )
        for w in written.values():
            total.files, total.rows = total.files + w.files, total.rows + w.rows
    if quirks and roster_:
        total.files += _add_quirks(out, roster_)
    listed = [(c.slug, c.name, c.sector) for c in roster_]
    if real_quirks:  # one more client, whose files carry every quirk of real exports
        real_quirks_.write_exports(out, rng)
        listed.append((real_quirks_.SLUG, real_quirks_.NAME, "clinic"))
    # The register sits beside landing/ (the data dir) when generating into a landing folder.
    register = out.parent / "clients.csv" if out.name == "landing" else out / "clients.csv.example"
    if not register.exists():
        register.write_text(
            "client,name,sector,timezone\n"
            + "".join(
                f'{slug},"{name}",{sector},{DEFAULT_TIMEZONE}\n' for slug, name, sector in listed
            ),
            encoding="utf-8",
        )
    return DemoSummary(len(listed), total.files, total.rows, register)


def _add_quirks(out: Path, roster_) -> int:
    """A re-downloaded duplicate, a Windows-1252 copy, an HTML page saved as CSV."""
    added = 0
    first = out / roster_[0].slug
    exports = sorted((first / "facebook").glob("*.csv"))
    if exports:
        again = first / "downloads-again" / exports[-1].name
        again.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(exports[-1], again)  # same bytes: recorded as a duplicate
        added += 1
    conv = sorted((first / "conversions").glob("*.csv"))
    if conv:
        legacy = conv[-1].with_name(conv[-1].stem + "_excel.csv")
        text = conv[-1].read_text(encoding="utf-8")
        exported = conv[-1].stat()
        conv[-1].unlink()  # replaced by its Windows-1252 twin, as Excel on Windows saves it
        legacy.write_bytes(text.encode("cp1252", errors="replace"))
        os.utime(legacy, (exported.st_atime, exported.st_mtime))
    error_page = out / roster_[-1].slug / "facebook" / "facebook_posts_export.csv"
    error_page.parent.mkdir(parents=True, exist_ok=True)
    error_page.write_text(HTML_ERROR_PAGE, encoding="utf-8")
    # downloaded the same evening as that client's last export, like the other files: a
    # file written just now would (rightly) wait out the settle time of the first run
    evening = max(
        (f.stat().st_mtime for f in error_page.parent.iterdir() if f != error_page),
        default=None,
    )
    if evening is not None:
        os.utime(error_page, (evening, evening))
    return added + 1
