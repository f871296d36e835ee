"""Demo clients: Québec pharmacies, clinics and pharmaceutical companies."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NAMES = {
    "pharmacy": [
        "Pharmacie Dupont",
        "Pharmacie Tremblay",
        "Pharmacie Gagnon",
        "Pharmacie Roy",
        "Pharmacie Côté",
        "Pharmacie Bouchard",
    ],
    "clinic": [
        "Clinique Santé Plus",
        "Clinique du Parc",
        "Clinique Médicale Lévis",
        "Clinique Physio Laval",
        "Clinique Dentaire Mirabel",
    ],
    "pharma": ["BioPharma Laurentides", "Labo Saint-Laurent", "Pharmaquébec Inc."],
}
SECTOR_ORDER = ("pharmacy", "clinic", "pharma")


@dataclass(frozen=True)
class DemoClient:
    slug: str
    name: str
    sector: str
    language: str  # en or fr: the language of this client's exports
    page_id: str
    posts_per_week: float


def slugify(name: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in plain.lower()).split())


def roster(n: int, language: str, rng: np.random.Generator) -> list[DemoClient]:
    clients = []
    for i in range(n):
        sector = SECTOR_ORDER[i % len(SECTOR_ORDER)]
        names = NAMES[sector]
        base = names[(i // len(SECTOR_ORDER)) % len(names)]
        round_ = i // (len(SECTOR_ORDER) * len(names))
        name = base if round_ == 0 else f"{base} {round_ + 1}"
        lang = language if language in ("en", "fr") else ("fr" if i % 2 == 0 else "en")
        clients.append(
            DemoClient(
                slug=slugify(name),
                name=name,
                sector=sector,
                language=lang,
                page_id=str(100_000_000_000_000 + int(rng.integers(0, 10**14))),
                posts_per_week=float({"pharmacy": 4, "clinic": 3, "pharma": 2}[sector]),
            )
        )
    return clients
