"""One pass over the landing folder: new files are detected, validated, loaded or quarantined.

Every file seen ends up in exactly one place: loaded into `raw` (its bad rows in
`ops.rejected_rows`), recorded as a duplicate of a file already loaded, or moved
to `quarantine/` beside a `.reason.txt`. Each file loads in its own transaction.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from data_checks.runner import FileValidator
from pipelines.ingest import clients as client_register
from pipelines.ingest import linkedin_page, meta_ads, meta_page_series, workbook
from pipelines.ingest.conversions import KIND as CONVERSIONS
from pipelines.ingest.csv_source import ZIP_MAGIC, open_csv, stage_csv
from pipelines.ingest.errors import UnreadableFile
from pipelines.ingest.facebook_posts import KIND as FACEBOOK_POSTS
from pipelines.ingest.instagram_posts import KIND as INSTAGRAM_POSTS
from pipelines.ingest.tabular import LoadCounts, TabularKind, detect, load_parsed
from pipelines.ingest.warehouse_schema import ensure_schema
from pipelines.privacy import conversion_salt, one_line, redact_value
from pipelines.settings import PROJECT_ROOT, Paths

CSV_KINDS: list[TabularKind] = [FACEBOOK_POSTS, INSTAGRAM_POSTS, meta_ads.KIND, CONVERSIONS]
SHEET_KINDS: list[TabularKind] = linkedin_page.SHEET_KINDS
# raw table -> what it holds, for the Dagster asset descriptions
RAW_TABLES: dict[str, str] = {
    **{k.table: k.label for k in [*CSV_KINDS, *SHEET_KINDS]},
    meta_page_series.TABLE: meta_page_series.LABEL,
}
# Names that browsers and editors use for files still being written, or their own scratch.
IGNORED_SUFFIXES = (".crdownload", ".part", ".partial", ".tmp", ".download", ".reason.txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
# A file modified this recently may still be downloading or copying: it is loaded only if
# its size and date hold still for STABLE_PROBE_SECONDS, else it waits for the next run.
SETTLE_SECONDS = 30
STABLE_PROBE_SECONDS = 2.0


class NeedsDateRange(Exception):
    """A yearless page series whose folder has no dated series loaded yet: try it last."""


class ChangedWhileReading(Exception):
    """The file grew or was rewritten while it was being loaded: it is still being written."""


log = logging.getLogger(__name__)


@dataclass
class FileOutcome:
    path: str
    status: str  # loaded, duplicate, quarantined; deferred (still being written, not recorded)
    client: str | None = None
    kind: str | None = None
    language: str | None = None
    rows_loaded: int = 0
    rows_rejected: int = 0
    reason: str | None = None
    columns_dropped: list[str] = field(default_factory=list)  # not in the kind's allow-list


@dataclass
class IngestSummary:
    files: list[FileOutcome] = field(default_factory=list)
    unlisted_clients: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)


def landed_files(landing: Path) -> list[Path]:
    return sorted(
        p
        for p in landing.rglob("*")
        if p.is_file()
        and not p.name.startswith((".", "~$"))
        and not p.name.lower().endswith(IGNORED_SUFFIXES)
    )


def max_file_bytes() -> int:
    """Largest export accepted (SOCIALWH_MAX_FILE_MB, default 512 MB): bigger files are
    quarantined unread, so one runaway download cannot exhaust memory or disk."""
    return int(float(os.environ.get("SOCIALWH_MAX_FILE_MB", "512")) * 2**20)


def check_workbook_size(path: Path) -> None:
    """An .xlsx is a zip: refuse one that would expand past the limit (a zip bomb) before
    anything decompresses it."""
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


def _changed(path: Path, before) -> bool:
    try:
        now = path.stat()
    except FileNotFoundError:
        return True
    return (now.st_size, now.st_mtime_ns) != (before.st_size, before.st_mtime_ns)


def settled(files: list[Path], now: float | None = None) -> tuple[list[Path], list[Path]]:
    """(files safe to read, files still changing). Only recently modified files are probed,
    all together, so a night of old files costs no wait at all."""
    now = time.time() if now is None else now
    stats = {f: f.stat() for f in files}
    recent = {f: st for f, st in stats.items() if now - st.st_mtime < SETTLE_SECONDS}
    if not recent:
        return files, []
    time.sleep(STABLE_PROBE_SECONDS)
    moving = {f for f, st in recent.items() if _changed(f, st)}
    return [f for f in files if f not in moving], sorted(moving)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


class LandingLoader:
    """Loads what is new in landing/ into the build database."""

    def __init__(self, paths: Paths, run_id: str, progress: Callable[[str], None] = log.info):
        self.paths = paths
        self.run_id = run_id
        self.progress = progress
        self.loaded_at = datetime.now(UTC)
        self.validator = FileValidator()

    def run(self) -> IngestSummary:
        self.paths.ensure()
        summary = IngestSummary()
        with duckdb.connect(str(self.paths.build_db)) as con:
            con.execute("SET enable_progress_bar = false")
            con.execute(
                "SET VARIABLE socialwh_salt = ?",
                [conversion_salt(forbidden=[PROJECT_ROOT, self.paths.data_dir])],
            )
            ensure_schema(con, [*CSV_KINDS, *SHEET_KINDS])
            con.execute(meta_page_series.DDL)
            register, summary.warnings = client_register.read_register(con, self.paths.clients_csv)
            files = landed_files(self.paths.landing)
            folders = {
                f.relative_to(self.paths.landing).parts[0]
                for f in files
                if len(f.relative_to(self.paths.landing).parts) > 1
            }
            folders = {f for f in folders if client_register.SLUG.match(f)}
            clients, summary.unlisted_clients = client_register.with_unlisted(register, folders)
            client_register.write_clients(con, clients)
            seen = self._already_seen(con)
            new = [f for f in files if self._fingerprint(f) not in seen]
            self.progress(f"{len(files)} file(s) in landing, {len(new)} new")
            total = len(new)
            new, moving = settled(new)
            for path in moving:
                self._report(summary, self._still_being_written(path), total)
            deferred: list[Path] = []
            for path in new:
                try:
                    self._report(summary, self._load_one(con, path, clients), total)
                except NeedsDateRange:
                    deferred.append(path)
            for path in deferred:
                self._report(summary, self._load_one(con, path, clients, final=True), total)
            con.execute("CHECKPOINT")
        return summary

    def _report(self, summary: IngestSummary, outcome: FileOutcome, total: int) -> None:
        summary.files.append(outcome)
        if outcome.status == "loaded":
            detail = f"{outcome.kind}, {outcome.rows_loaded} rows"
            if outcome.rows_rejected:
                detail += f", {outcome.rows_rejected} rejected"
            detail = f"({detail})"
        else:
            detail = f"— {outcome.reason}"
        self.progress(
            f"[{len(summary.files)}/{total}] {one_line(outcome.path)}: {outcome.status} {detail}"
        )

    def _still_being_written(self, path: Path) -> FileOutcome:
        rel = self._rel(path)
        return FileOutcome(
            rel, "deferred", reason="still being written; it will be loaded by the next run"
        )

    def _fingerprint(self, path: Path) -> tuple[str, int, float]:
        st = path.stat()
        return (self._rel(path), st.st_size, round(st.st_mtime, 3))

    def _already_seen(self, con: duckdb.DuckDBPyConnection) -> set[tuple[str, int, float]]:
        """Files recorded before with the same path, size and mtime are not re-read or re-hashed."""
        rows = con.execute(
            "SELECT path, size_bytes, round(epoch(modified_at), 3) FROM ops.file_loads "
            "WHERE status IN ('loaded', 'duplicate')"
        ).fetchall()
        return {(p, s, m) for p, s, m in rows}

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.paths.landing).as_posix()

    def _load_one(self, con, path: Path, clients, final: bool = False) -> FileOutcome:
        rel = self._rel(path)
        st = path.stat()
        modified_at = datetime.fromtimestamp(st.st_mtime, UTC)
        parts = Path(rel).parts
        client = parts[0] if len(parts) > 1 else None
        too_big = st.st_size > max_file_bytes()
        sha = None if too_big or path.is_symlink() else sha256_of(path)
        base = {
            "path": rel,
            "sha256": sha,
            "client": client,
            "size_bytes": st.st_size,
            "modified_at": modified_at,
        }
        try:
            if path.is_symlink():
                raise UnreadableFile(
                    "it is a symbolic link, and socialwh reads only files stored in landing/ "
                    "itself (a link could point at any file of this machine)",
                    "Copy the export into the client's folder instead of linking to it.",
                )
            if too_big:
                raise UnreadableFile(
                    f"it is {st.st_size / 2**20:,.0f} MB, over the {max_file_bytes() / 2**20:,.0f}"
                    " MB limit for one export",
                    "Export a shorter date range, or raise SOCIALWH_MAX_FILE_MB if the file is "
                    "genuine.",
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
                    "Rename the folder to lower-case letters, digits and hyphens "
                    "(e.g. pharmacie-dupont).",
                )
            earlier = con.execute(
                "SELECT path FROM ops.file_loads WHERE sha256 = ? AND status = 'loaded' LIMIT 1",
                [sha],
            ).fetchone()
            if earlier:
                reason = f"same content as {earlier[0]}, already loaded"
                self._record(con, base, status="duplicate", reason=reason)
                return FileOutcome(rel, "duplicate", client, reason=reason)
            tz = clients[client].timezone
            lineage = {
                "client": client,
                "path": rel,
                "sha256": sha,
                "loaded_at": self.loaded_at,
                "snapshot_date": modified_at.astimezone(ZoneInfo(tz)).date(),
            }
            con.execute("BEGIN TRANSACTION")
            try:
                if path.suffix.lower() in XLSX_SUFFIXES:
                    kind, language, counts, dropped = self._load_workbook(con, path, lineage, tz)
                else:
                    kind, language, counts, dropped = self._load_csv(con, path, lineage, tz, final)
                if counts.loaded == 0:
                    raise self._nothing_loaded(con, counts)
                if _changed(path, st):
                    raise ChangedWhileReading(rel)
                self._record(
                    con,
                    base,
                    status="loaded",
                    kind=kind,
                    language=language,
                    rows_loaded=counts.loaded,
                    rows_rejected=counts.rejected,
                    snapshot_date=lineage["snapshot_date"],
                    columns_dropped=", ".join(dropped) or None,
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            return FileOutcome(
                rel,
                "loaded",
                client,
                kind,
                language,
                counts.loaded,
                counts.rejected,
                columns_dropped=dropped,
            )
        except UnreadableFile as exc:
            reason = f"{exc.problem.rstrip('.')}. {exc.advice}"
        except duckdb.InvalidInputException as exc:  # the file's bytes, not our SQL
            reason = (
                f"DuckDB could not parse it ({str(exc).splitlines()[0]}). "
                "Check that the download finished, and export it again."
            )
        except ChangedWhileReading:
            return self._still_being_written(path)
        if _changed(path, st):  # a half-written file is not a bad file: wait for the rest
            return self._still_being_written(path)
        self._quarantine(path, rel, reason)
        self._record(con, base, status="quarantined", reason=reason)
        return FileOutcome(rel, "quarantined", client, reason=reason)

    def _load_csv(self, con, path: Path, lineage: dict, tz: str, final: bool):
        src = open_csv(path, scratch=self.paths.build_dir / "tmp")
        try:
            if meta_page_series.matches(src):
                stage_csv(con, src)  # a date and metric columns, nothing else
                return (*self._load_page_series(con, src, lineage, final), [])
            kind, mapping, language = detect(CSV_KINDS, src.headers)
            if kind is None:
                raise unknown_kind(src.headers, [*CSV_KINDS, *SHEET_KINDS])
            allowed = list(dict.fromkeys(mapping.values()))
            stage_csv(con, src, columns=allowed)
        finally:
            if src.path != path:
                src.path.unlink(missing_ok=True)  # the UTF-8 copy of a Windows-1252 file
        constants = {
            "client": lineage["client"],
            "timezone": tz,
            "header_currency": meta_ads.header_currency(src.headers),
        }
        counts = load_parsed(
            con, kind, mapping, lineage, constants, validate=self.validator.problems
        )
        return kind.name, language, counts, [h for h in src.headers if h not in allowed]

    def _load_page_series(self, con, src, lineage: dict, final: bool):
        end = lineage["snapshot_date"]
        if meta_page_series.has_yearless_dates(con):
            folder = lineage["path"].rsplit("/", 1)[0]
            reference = meta_page_series.reference_end(con, lineage["client"], folder)
            if reference is None and not final:
                raise NeedsDateRange(lineage["path"])
            end = reference or end
        counts = meta_page_series.load(con, src, lineage, end)
        return meta_page_series.NAME, None, counts

    def _load_workbook(self, con, path: Path, lineage: dict, tz: str):
        with path.open("rb") as fh:
            if fh.read(4) != ZIP_MAGIC:
                raise UnreadableFile(
                    "the file has an .xlsx name but is not a spreadsheet",
                    "Download the export again.",
                )
        check_workbook_size(path)
        loaded, languages, dropped = [], set(), []
        total = LoadCounts(0, 0)
        sheets = workbook.read_sheets(path)
        for sheet in sheets:
            kind, mapping, language = detect(SHEET_KINDS, sheet.headers)
            if kind is None:
                self.progress(
                    f"  sheet '{one_line(sheet.name)}' of {one_line(lineage['path'])} is not "
                    "one socialwh loads; skipped"
                )
                continue
            allowed = list(dict.fromkeys(mapping.values()))
            workbook.stage_sheet(con, sheet, columns=allowed)
            dropped += [h for h in sheet.headers if h not in allowed and h not in dropped]
            counts = load_parsed(
                con,
                kind,
                mapping,
                lineage,
                {"client": lineage["client"], "timezone": tz},
                validate=self.validator.problems,
            )
            total = LoadCounts(total.loaded + counts.loaded, total.rejected + counts.rejected)
            loaded.append(kind.name)
            languages.add(language)
        if not loaded:
            names = ", ".join(f"'{one_line(s.name, 60)}'" for s in sheets) or "none"
            raise UnreadableFile(
                f"no sheet of this workbook is a LinkedIn Page analytics sheet (sheets: {names})",
                "Download the page analytics export from LinkedIn again (All posts, Metrics, "
                "New followers).",
            )
        language = "mixed" if len(languages) > 1 else languages.pop()
        return ",".join(loaded), language, total, dropped

    def _nothing_loaded(self, con, counts: LoadCounts) -> UnreadableFile:
        if counts.rejected == 0:
            return UnreadableFile(
                "the file has a header but no rows",
                "Export it again; check the date range selected.",
            )
        top = con.execute(
            "SELECT reason FROM ops.rejected_rows WHERE rejected_at = ? GROUP BY reason "
            "ORDER BY count(*) DESC LIMIT 1",
            [self.loaded_at],
        ).fetchone()
        return UnreadableFile(
            f"none of its {counts.rejected} rows could be read (most common problem: "
            f"{top[0] if top else 'unknown'})",
            "Check that the columns hold what their names say, and export it again.",
        )

    def _record(self, con, base: dict, *, status: str, **values) -> None:
        row = base | {"status": status, "loaded_at": self.loaded_at, "run_id": self.run_id} | values
        cols = list(row)
        con.execute(
            f"INSERT INTO ops.file_loads ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [row[c] for c in cols],
        )

    def _quarantine(self, path: Path, rel: str, reason: str) -> None:
        target = self.paths.quarantine / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        stem, n = target, 1
        while target.exists():
            target = stem.with_name(f"{stem.stem}.{n}{stem.suffix}")
            n += 1
        shutil.move(str(path), target)
        target.with_name(target.name + ".reason.txt").write_text(
            f"File: landing/{one_line(rel)}\nQuarantined: {self.loaded_at:%Y-%m-%d %H:%M} UTC\n"
            f"Problem: {reason}\n",
            encoding="utf-8",
        )
