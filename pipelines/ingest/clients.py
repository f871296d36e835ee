"""The client register: `clients.csv` (optional) plus every client folder found in landing/."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.settings import DEFAULT_TIMEZONE, SECTORS

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


@dataclass(frozen=True)
class Client:
    client: str
    name: str
    sector: str
    timezone: str
    listed: bool


def read_register(
    con: duckdb.DuckDBPyConnection, csv_path: Path
) -> tuple[dict[str, Client], list[str]]:
    """Clients listed in clients.csv, and warnings about values that had to be defaulted."""
    if not csv_path.exists():
        return {}, []
    rel = con.sql(
        "SELECT * FROM read_csv(?, all_varchar = true, header = true)", params=[str(csv_path)]
    )
    cols = [c.strip().lower() for c in rel.columns]
    rows = rel.fetchall()
    if "client" not in cols:
        return {}, [f"{csv_path} has no 'client' column: it was ignored"]
    zones = {z for (z,) in con.execute("SELECT name FROM pg_timezone_names()").fetchall()}
    register: dict[str, Client] = {}
    warnings: list[str] = []
    for row in rows:  # a register of a few dozen clients, not data
        rec = {c: (v or "").strip() for c, v in zip(cols, row, strict=True)}
        slug = rec["client"]
        if not SLUG.match(slug):
            warnings.append(f"clients.csv: '{slug}' is not a valid client slug; ignored")
            continue
        sector = rec.get("sector", "").lower() or "other"
        if sector not in SECTORS:
            warnings.append(
                f"clients.csv: {slug} has sector '{sector}', not one of "
                f"{', '.join(SECTORS)}; using 'other'"
            )
            sector = "other"
        tz = rec.get("timezone", "") or DEFAULT_TIMEZONE
        if tz not in zones:
            warnings.append(
                f"clients.csv: {slug} has unknown time zone '{tz}'; using {DEFAULT_TIMEZONE}"
            )
            tz = DEFAULT_TIMEZONE
        register[slug] = Client(slug, rec.get("name") or slug, sector, tz, True)
    return register, warnings


def with_unlisted(
    register: dict[str, Client], folders: set[str]
) -> tuple[dict[str, Client], list[str]]:
    """Add client folders missing from the register, as sector 'other'."""
    merged = dict(register)
    unlisted = sorted(folders - register.keys())
    for slug in unlisted:
        merged[slug] = Client(slug, slug, "other", DEFAULT_TIMEZONE, False)
    return merged, unlisted


def write_clients(con: duckdb.DuckDBPyConnection, clients: dict[str, Client]) -> None:
    con.execute("DELETE FROM raw.clients")
    if clients:
        con.executemany(
            "INSERT INTO raw.clients VALUES (?, ?, ?, ?, ?)",
            [(c.client, c.name, c.sector, c.timezone, c.listed) for c in clients.values()],
        )
