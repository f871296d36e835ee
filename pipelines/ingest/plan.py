"""Stage 2, plan: what each new file is, and the batches it loads in.

Each file is refused (with the reason its quarantine will give), found to be a
duplicate of a file loaded before, put aside as a repeat of a file of this same run
(judged once that one has loaded), or becomes a unit of one of three families: a
tabular CSV export of a known kind, a page-level series, a workbook. Units of a family
that one read can take together (same kind, same layout) are batched.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from pipelines.ingest import clients as client_register
from pipelines.ingest import meta_ads, meta_page_series
from pipelines.ingest.csv_source import ZIP_MAGIC, layout, open_csv
from pipelines.ingest.errors import UnreadableFile
from pipelines.ingest.kinds import CSV_KINDS, SHEET_KINDS
from pipelines.ingest.records import LandedFile, Lineage, Unit
from pipelines.ingest.scan import sha256_of
from pipelines.ingest.snapshot import snapshot_of
from pipelines.ingest.tabular import TabularKind, detect
from pipelines.privacy import one_line, redact_value

# LinkedIn sends a legacy BIFF .xls; users who convert it hand over .xlsx: one reader
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a BIFF .xls (an OLE compound file)
# Files per batch: large enough that per-statement costs vanish, small enough that a
# batch's rows stay far below the memory limit and progress shows on long loads.
BATCH_FILES = 400
BATCH_WORKBOOKS = 100  # each is read whole into memory first
FAMILIES = ("workbook", "csv", "series")  # the order they load in: posts before series


def is_workbook(path: Path) -> bool:
    """By name or, for a BIFF .xls whatever its name, by its first bytes."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return True
    try:
        with path.open("rb") as fh:
            return fh.read(8) == OLE_MAGIC
    except OSError:
        return False


def max_file_bytes() -> int:
    """Largest export accepted (SOCIALWH_MAX_FILE_MB, default 512 MB): bigger files are
    quarantined unread, so one runaway download cannot exhaust memory or disk."""
    return int(float(os.environ.get("SOCIALWH_MAX_FILE_MB", "512")) * 2**20)


def check_workbook(path: Path) -> None:
    """A real spreadsheet; an .xlsx (a zip) that would not expand past the limit (a zip
    bomb), checked before anything decompresses it."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        return
    if not head.startswith(ZIP_MAGIC):
        raise UnreadableFile(
            f"the file has a {path.suffix.lower()} name but is not a spreadsheet",
            "Download the export again.",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(
            "the workbook is damaged (not a readable zip)", "Download the export again."
        ) from exc
    if expanded > max_file_bytes():
        raise UnreadableFile(
            f"the workbook would expand to {expanded / 2**20:,.0f} MB, over the "
            f"{max_file_bytes() / 2**20:,.0f} MB limit (a damaged or malicious file)",
            "Download the export again; raise SOCIALWH_MAX_FILE_MB only if it is genuine.",
        )


def unknown_kind(headers: list[str], kinds: list[TabularKind]) -> UnreadableFile:
    _, nearest, missing = detect(kinds, headers)
    # Only headers socialwh knows are echoed: a file without a header line would otherwise
    # show its first row — a patient's name or e-mail — in the reason and the logs.
    known = {h for kind in kinds for h in kind.match(headers)[0].values()}
    named = [f'"{one_line(redact_value(h), 40)}"' for h in headers if h in known][:8]
    shown = f"{len(headers)} columns" + (
        f"; known ones: {', '.join(named)}" if named else ", none of them known"
    )
    hint = ""
    if nearest is not None and len(missing) < len(nearest.signature):
        hint = f". It looks closest to the {nearest.label}, which also needs {', '.join(missing)}"
    return UnreadableFile(
        f"the header does not match any export kind socialwh knows (columns: {shown}){hint}",
        "Check that this is an unmodified platform export; supported kinds are listed in the "
        "README.",
    )


def _guard(file: LandedFile) -> None:
    """What makes a file unloadable before it is even read."""
    client = file.client
    if file.path.is_symlink():
        raise UnreadableFile(
            "it is a symbolic link, and socialwh reads only files stored in landing/ "
            "itself (a link could point at any file of this machine)",
            "Copy the export into the client's folder instead of linking to it.",
        )
    if file.stat.st_size > max_file_bytes():
        raise UnreadableFile(
            f"it is {file.stat.st_size / 2**20:,.0f} MB, over the "
            f"{max_file_bytes() / 2**20:,.0f} MB limit for one export",
            "Export a shorter date range, or raise SOCIALWH_MAX_FILE_MB if the file is genuine.",
        )
    if client is None:
        raise UnreadableFile(
            "it is not inside a client folder",
            "Move it to landing/<client>/, where <client> is the client's slug "
            "(e.g. landing/pharmacie-dupont/).",
        )
    if not client_register.SLUG.match(client):
        raise UnreadableFile(
            f"its client folder '{one_line(client, 80)}' is not a valid client slug",
            "Rename the folder to lower-case letters, digits and hyphens (e.g. pharmacie-dupont).",
        )


@dataclass
class Plan:
    units: list[Unit] = field(default_factory=list)
    refused: list[tuple[LandedFile, str | None, UnreadableFile]] = field(default_factory=list)
    duplicates: list[tuple[LandedFile, str, str]] = field(default_factory=list)  # …, earlier
    repeats: list[LandedFile] = field(default_factory=list)  # a copy of a unit of this run
    scratch: list[Path] = field(default_factory=list)  # UTF-8 copies to delete after the load

    def batches(self, family: str) -> list[list[Unit]]:
        """The family's units, grouped by what one read can take together."""
        groups: dict[tuple, list[Unit]] = {}
        for unit in self.units:
            if unit.family == family:
                groups.setdefault(_batch_key(unit), []).append(unit)
        size = BATCH_WORKBOOKS if family == "workbook" else BATCH_FILES
        return [g[i : i + size] for g in groups.values() for i in range(0, len(g), size)]


def _batch_key(unit: Unit) -> tuple:
    if unit.family == "series":
        return meta_page_series.layout(unit.src)
    if unit.family == "csv":  # a transcoded copy loads alone: its read errors are its own
        alone = unit.file.path if unit.src.path != unit.file.path else None
        return (unit.kind.name, layout(unit.src), alone)
    return ()


def plan(
    con: duckdb.DuckDBPyConnection,
    files: list[LandedFile],
    timezones: Mapping[str, str],
    loaded_at,
    scratch: Path,
) -> Plan:
    """Judge each file; `timezones` by client slug (every valid client folder has one)."""
    hashed: list[tuple[LandedFile, str | None, UnreadableFile | None]] = []
    for file in files:
        try:
            _guard(file)
            hashed.append((file, sha256_of(file.path), None))
        except UnreadableFile as problem:
            hashed.append((file, None, problem))
    # the loads of these contents only (ops.file_loads has a row per file ever landed)
    earlier = dict(
        con.execute(
            "SELECT sha256, min(path) FROM ops.file_loads WHERE status = 'loaded' "
            "AND sha256 IN (SELECT unnest($shas)) GROUP BY 1",
            {"shas": sorted({sha for _, sha, _ in hashed if sha})},
        ).fetchall()
    )
    this_run: set[str] = set()
    out = Plan()
    for file, sha, unreadable in hashed:
        try:
            if unreadable is not None:
                raise unreadable
            if sha in earlier:
                out.duplicates.append((file, sha, earlier[sha]))
                continue
            if sha in this_run:
                out.repeats.append(file)
                continue
            day, source = snapshot_of(file.path.name, file.modified_at, timezones[file.client])
            lineage = Lineage(
                file.client, file.rel, sha, loaded_at, day, source,
                timezones[file.client], file.modified_at,
            )  # fmt: skip
            unit = _unit(file, lineage, scratch, out.scratch)
        except UnreadableFile as problem:
            out.refused.append((file, sha, problem))
            continue
        this_run.add(sha)
        out.units.append(unit)
    return out


def _unit(file: LandedFile, lineage: Lineage, scratch: Path, copies: list[Path]) -> Unit:
    if is_workbook(file.path):
        check_workbook(file.path)
        return Unit(file, lineage, "workbook")
    src = open_csv(file.path, scratch=scratch)
    if src.path != file.path:
        copies.append(src.path)
    if meta_page_series.matches(src):
        return Unit(file, lineage, "series", src)
    kind, mapping, language = detect(CSV_KINDS, src.headers)
    if kind is None:
        raise unknown_kind(src.headers, [*CSV_KINDS, *SHEET_KINDS])
    currency = meta_ads.header_currency(src.headers)
    lineage = replace(lineage, header_currency=currency)
    return Unit(file, lineage, "csv", src, kind, mapping, language)
