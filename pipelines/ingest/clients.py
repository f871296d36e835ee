"""The client register: `clients.csv` (optional) plus every client folder found in landing/."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.bulk_insert import insert_rows
from pipelines.settings import DEFAULT_TIMEZONE, SECTORS

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


@dataclass(frozen=True)
class Client:
    client: str
    name: str
    sector: str
    timezone: str
    listed: bool


def _register_rows(csv_path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line number, fields)]) of the register as people save it: UTF-8 (with or
    without BOM) or Excel's Windows-1252, comma, semicolon or tab. A few dozen lines of
    configuration, read whole."""
    raw = csv_path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [(reader.line_num, fields) for fields in reader if any(f.strip() for f in fields)]
    if not rows:
        return [], []
    header = [h.strip().lower() for h in rows[0][1]]
    return header, rows[1:]


def read_register(
    con: duckdb.DuckDBPyConnection, csv_path: Path
) -> tuple[dict[str, Client], list[str]]:
    """Clients listed in clients.csv, and warnings about values that had to be defaulted.
    A register that cannot be read at all is a warning too (its clients load as unlisted):
    one bad line or one bad file never stops every client's night."""
    if not csv_path.exists():
        return {}, []
    name = csv_path.name
    try:
        cols, rows = _register_rows(csv_path)
    except (OSError, csv.Error) as exc:
        return {}, [f"{name} could not be read ({exc}); its clients load as unlisted"]
    if "client" not in cols:
        return {}, [f"{csv_path} has no 'client' column: it was ignored"]
    zones = {z for (z,) in con.execute("SELECT name FROM pg_timezone_names()").fetchall()}
    register: dict[str, Client] = {}
    first_line: dict[str, int] = {}
    warnings: list[str] = []
    for line, fields in rows:  # a register of a few dozen clients, not data
        rec = {c: (v or "").strip() for c, v in zip(cols, fields, strict=False)}
        slug = rec.get("client", "")
        if not SLUG.match(slug):
            warnings.append(f"{name} line {line}: '{slug}' is not a valid client slug; ignored")
            continue
        if slug in register:
            warnings.append(
                f"{name}: '{slug}' is listed on line {first_line[slug]} and again on line "
                f"{line}; line {line} ignored (one line per client)"
            )
            continue
        sector = rec.get("sector", "").lower() or "other"
        if sector not in SECTORS:
            warnings.append(
                f"{name}: {slug} has sector '{sector}', not one of "
                f"{', '.join(SECTORS)}; using 'other'"
            )
            sector = "other"
        tz = rec.get("timezone", "") or DEFAULT_TIMEZONE
        if tz not in zones:
            warnings.append(
                f"{name}: {slug} has unknown time zone '{tz}'; using {DEFAULT_TIMEZONE}"
            )
            tz = DEFAULT_TIMEZONE
        register[slug] = Client(slug, rec.get("name") or slug, sector, tz, True)
        first_line[slug] = line
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
    insert_rows(
        con,
        "raw.clients",
        [(c.client, c.name, c.sector, c.timezone, c.listed) for c in clients.values()],
    )
