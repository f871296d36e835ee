"""One pass over the landing folder: new files are detected, validated, loaded or quarantined.

Every file seen ends up in exactly one place: loaded into `raw` (its bad rows in
`ops.rejected_rows`), recorded as a duplicate of a file already loaded, or moved
to `quarantine/` beside a `.reason.txt`.

CSV exports of the same kind and layout (a client's daily re-exports; every client's
exports of one platform and language) load in batches: one read_csv, one parse, one
Great Expectations validation and one transaction for up to BATCH_FILES files, which is
what brings loading close to DuckDB's own read_csv. A file that fails its batch's checks
is quarantined alone; when the batch itself cannot be read (a truncated file breaks the
shared read), its files are loaded one by one, each in its own transaction, so each
gets its own precise verdict. Workbooks load in batches of their own; page series too,
ISO-dated ones first (they date the yearless ones of their folder). Windows-1252 files and
anything already suspect take the one-by-one path directly.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import time
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from data_checks.runner import FileValidator
from pipelines.ingest import clients as client_register
from pipelines.ingest import linkedin_page, meta_ads, meta_page_series, workbook
from pipelines.ingest.conversions import KIND as CONVERSIONS
from pipelines.ingest.csv_source import ZIP_MAGIC, CsvSource, layout, open_csv, stage_csv
from pipelines.ingest.errors import UnreadableFile
from pipelines.ingest.facebook_posts import KIND as FACEBOOK_POSTS
from pipelines.ingest.instagram_posts import KIND as INSTAGRAM_POSTS
from pipelines.ingest.tabular import (
    LoadCounts,
    TabularKind,
    detect,
    load_parsed,
    nothing_loaded,
    register_files,
    unstage,
)
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
# LinkedIn sends a legacy BIFF .xls; users who convert it hand over .xlsx: one reader
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a BIFF .xls (an OLE compound file)


def is_workbook(path: Path) -> bool:
    """By name or, for a BIFF .xls whatever its name, by its first bytes."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return True
    try:
        with path.open("rb") as fh:
            return fh.read(8) == OLE_MAGIC
    except OSError:
        return False


# A file modified this recently may still be downloading or copying: it is loaded only if
# its size and date hold still for STABLE_PROBE_SECONDS, else it waits for the next run.
SETTLE_SECONDS = 30
STABLE_PROBE_SECONDS = 2.0
# Files per batch: large enough that per-statement costs vanish, small enough that a
# batch's rows stay far below the memory limit and progress shows on long loads.
BATCH_FILES = 400
BATCH_WORKBOOKS = 100  # each is read whole into memory first


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
    notes: list[str] = field(default_factory=list)  # what the loader noticed and did about it


@dataclass
class Planned:
    """A CSV export ready to load in a batch: recognised, hashed, not seen before."""

    path: Path
    stat: os.stat_result
    sha256: str
    src: CsvSource
    kind: TabularKind
    mapping: dict[str, str]
    language: str


@dataclass
class PlannedSeries:
    """A page-level series (CSV) ready to load in a batch: hashed, not seen before."""

    path: Path
    stat: os.stat_result
    sha256: str
    src: CsvSource


@dataclass
class PlannedBook:
    """A workbook ready to load in a batch: a real zip of sane size, hashed, not seen."""

    path: Path
    stat: os.stat_result
    sha256: str


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


def landed_files(landing: Path) -> list[tuple[str, os.stat_result]]:
    """Every file under landing/ that may be an export: its path relative to landing/
    (with /) and its stat, sorted by path. os.scandir and strings rather than Path.rglob,
    is_file and relative_to: at 212,000 files (two years of 200 clients) those took 6 s a
    night, and the landing sensor lists the folder on every tick."""
    found, folders = [], [""]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(os.path.join(landing, folder)) as entries:
                for entry in entries:
                    rel = f"{folder}/{entry.name}" if folder else entry.name
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(rel)
                    elif (
                        entry.is_file()  # a symlink to a file counts, as with is_file()
                        and not entry.name.startswith((".", "~$"))
                        and not entry.name.lower().endswith(IGNORED_SUFFIXES)
                    ):
                        found.append((rel, entry.stat()))
        except OSError:  # a folder that cannot be read (or a file gone) is skipped
            continue
    return sorted(found, key=lambda f: f[0].split("/"))


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


# What makes a batch unreadable as a whole (its files are then loaded one by one).
BATCH_UNREADABLE = (UnreadableFile, duckdb.InvalidInputException, duckdb.ConversionException)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """All of the block's writes, or none of them (whatever the block raises)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


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
            landed = landed_files(self.paths.landing)
            folders = {
                rel.split("/", 1)[0]
                for rel, _ in landed
                if "/" in rel and client_register.SLUG.match(rel.split("/", 1)[0])
            }
            clients, summary.unlisted_clients = client_register.with_unlisted(register, folders)
            client_register.write_clients(con, clients)
            seen = self._already_seen(con)
            new = [
                self.paths.landing / rel
                for rel, st in landed
                if (rel, st.st_size, (_modified_at(st) - EPOCH) // MICROSECOND) not in seen
            ]
            self.progress(f"{len(landed)} file(s) in landing, {len(new)} new")
            total = len(new)
            new, moving = settled(new)
            for path in moving:
                self._report(summary, self._still_being_written(path), total)
            batches, series, books, singles = self._plan(con, new)
            for batch in books:
                self._progress_batch(summary, total, batch, "workbook")
                outcomes = self._load_books(con, batch, clients)
                if outcomes is None:
                    singles += [planned.path for planned in batch]
                    continue
                self._report_batch(summary, outcomes, total)
            for batch in batches:
                self._progress_batch(summary, total, batch, batch[0].kind.name)
                outcomes = self._load_batch(con, batch, clients)
                if outcomes is None:  # unreadable together: one by one, for precise reasons
                    singles += [planned.path for planned in batch]
                    continue
                self._report_batch(summary, outcomes, total)
            singles += self._load_all_series(con, series, clients, summary, total)
            deferred: list[Path] = []
            for path in sorted(singles):
                try:
                    self._report(summary, self._load_one(con, path, clients), total)
                except NeedsDateRange:
                    deferred.append(path)
            for path in deferred:
                self._report(summary, self._load_one(con, path, clients, final=True), total)
            con.execute("CHECKPOINT")
        return summary

    def _plan(self, con, files: list[Path]):
        """(batches of same-kind, same-layout CSVs; batches of same-layout page series;
        batches of workbooks; files for the one-by-one path)."""
        loaded = {
            sha
            for (sha,) in con.execute(
                "SELECT sha256 FROM ops.file_loads WHERE status = 'loaded'"
            ).fetchall()
        }
        groups: dict[tuple, list[Planned]] = {}
        series: list[PlannedSeries] = []
        books: list[PlannedBook] = []
        singles: list[Path] = []
        for path in files:
            planned = self._plannable(path, loaded)
            if planned is None:
                singles.append(path)
                continue
            loaded.add(planned.sha256)  # a second copy in this run: recorded as a duplicate
            if isinstance(planned, PlannedBook):
                books.append(planned)
            elif isinstance(planned, PlannedSeries):
                series.append(planned)
            else:
                groups.setdefault((planned.kind.name, layout(planned.src)), []).append(planned)
        batches = [b for group in groups.values() for b in _chunks(group, BATCH_FILES)]
        return batches, _by_layout(series), _chunks(books, BATCH_WORKBOOKS), singles

    def _plannable(self, path: Path, loaded: set[str]) -> Planned | PlannedBook | None:
        parts = Path(self._rel(path)).parts
        if path.is_symlink() or len(parts) < 2 or not client_register.SLUG.match(parts[0]):
            return None
        st = path.stat()
        if st.st_size > max_file_bytes():
            return None
        sha = sha256_of(path)
        if sha in loaded:
            return None
        if is_workbook(path):
            try:
                self._check_workbook(path)
            except UnreadableFile:
                return None
            return PlannedBook(path, st, sha)
        try:
            src = open_csv(path, scratch=self.paths.build_dir / "tmp")
        except UnreadableFile:
            return None
        if src.path != path:  # transcoded from Windows-1252: loaded alone
            src.path.unlink(missing_ok=True)
            return None
        if meta_page_series.matches(src):
            return PlannedSeries(path, st, sha, src)
        kind, mapping, language = detect(CSV_KINDS, src.headers)
        if kind is None:
            return None
        return Planned(path, st, sha, src, kind, mapping, language)

    def _load_batch(self, con, batch: list[Planned], clients) -> list[FileOutcome] | None:
        """Load a batch in one transaction; None when it cannot be read as a whole."""
        first = batch[0]
        kind, mapping = first.kind, first.mapping
        allowed = list(dict.fromkeys(mapping.values()))
        dropped = [h for h in first.src.headers if h not in allowed]
        files = [
            self._lineage(planned, clients)
            | {"header_currency": meta_ads.header_currency(planned.src.headers)}
            for planned in batch
        ]
        try:
            with transaction(con):
                stage_csv(con, [planned.src for planned in batch], columns=allowed)
                register_files(con, dict(enumerate(files, start=1)))
                # what was read is whole only if the file did not move while it was read
                unstage(con, [i for i, p in enumerate(batch, start=1) if _changed(p.path, p.stat)])
                results = load_parsed(con, kind, mapping, validate=self.validator.problems)
                loaded = {i: r for i, r in results.items() if isinstance(r, LoadCounts)}
                self._record_many(
                    con,
                    [
                        self._loaded_row(
                            batch[i - 1], files[i - 1], kind.name, first.language, counts, dropped
                        )
                        for i, counts in loaded.items()
                    ],
                )
        except BATCH_UNREADABLE:
            return None
        outcomes = []
        for i, planned in enumerate(batch, start=1):
            rel = files[i - 1]["path"]
            result = results.get(i)
            if isinstance(result, LoadCounts):
                outcomes.append(
                    FileOutcome(
                        rel,
                        "loaded",
                        files[i - 1]["client"],
                        kind.name,
                        first.language,
                        result.loaded,
                        result.rejected,
                        columns_dropped=dropped,
                        notes=result.notes,
                    )
                )
            else:
                outcomes.append(self._not_loaded(con, planned, files[i - 1], result))
        return outcomes

    def _load_all_series(self, con, batches, clients, summary, total: int) -> list[Path]:
        """Page series in batches, in two passes: ISO-dated files first, then the files
        whose dates lack a year, each dated by the newest ISO-dated day of its folder (all
        of that folder's new ISO-dated series loaded by then). Returns the files left for
        the one-by-one path (no dated series in their folder yet, or unreadable batches)."""
        left: list[Path] = []
        yearless: list[PlannedSeries] = []
        for batch in batches:
            self._progress_batch(summary, total, batch, meta_page_series.NAME)
            loaded = self._load_series_batch(con, batch, clients)
            if loaded is None:
                left += [planned.path for planned in batch]
                continue
            outcomes, aside = loaded
            yearless += aside
            self._report_batch(summary, outcomes, total)
        folders = {p.path: _client_and_folder(self._rel(p.path)) for p in yearless}
        references = meta_page_series.reference_ends(con, set(folders.values()))
        ends: dict[Path, date] = {}
        for planned in yearless:
            end = references.get(folders[planned.path])
            if end is None:
                left.append(planned.path)
            else:
                ends[planned.path] = end
        for batch in _by_layout([p for p in yearless if p.path in ends]):
            self._progress_batch(summary, total, batch, meta_page_series.NAME + " (yearless)")
            loaded = self._load_series_batch(con, batch, clients, [ends[p.path] for p in batch])
            if loaded is None:
                left += [planned.path for planned in batch]
                continue
            self._report_batch(summary, loaded[0], total)
        return left

    def _load_series_batch(self, con, batch: list[PlannedSeries], clients, ends=None):
        """Load a batch of page series in one transaction: (outcomes, files set aside), or
        None when the batch cannot be read as a whole. Without `ends` (the day dating each
        file's last yearless row), files with yearless dates are set aside unloaded."""
        files = [self._lineage(planned, clients) for planned in batch]
        results: dict = {}
        try:
            with transaction(con):
                meta_page_series.stage(con, [planned.src for planned in batch])
                moving = {i for i, p in enumerate(batch, start=1) if _changed(p.path, p.stat)}
                aside = set() if ends else meta_page_series.yearless_files(con) - moving
                _date_by_data(files, meta_page_series.last_days(con))
                register_files(con, dict(enumerate(files, start=1)))
                unstage(con, moving | aside)
                dated = {
                    i: _series_file(files[i - 1], ends[i - 1] if ends else None)
                    for i in range(1, len(batch) + 1)
                    if i not in moving | aside
                }
                if dated:
                    results = meta_page_series.load_staged(con, dated)
                self._record_many(
                    con,
                    [
                        self._loaded_row(
                            batch[i - 1], files[i - 1], meta_page_series.NAME, None, counts, []
                        )
                        for i, counts in results.items()
                        if isinstance(counts, LoadCounts)
                    ],
                )
        except BATCH_UNREADABLE:
            return None
        outcomes = []
        for i, planned in enumerate(batch, start=1):
            result = results.get(i)
            if i in aside:
                continue
            if isinstance(result, LoadCounts):
                outcomes.append(
                    FileOutcome(
                        files[i - 1]["path"],
                        "loaded",
                        files[i - 1]["client"],
                        meta_page_series.NAME,
                        None,
                        result.loaded,
                        result.rejected,
                    )
                )
            else:
                outcomes.append(self._not_loaded(con, planned, files[i - 1], result))
        return outcomes, [batch[i - 1] for i in sorted(aside)]

    def _not_loaded(self, con, planned, file: dict, problem: UnreadableFile | None):
        """A file of a batch left out: still being written (no problem, or it moved), or
        quarantined with its problem."""
        if problem is None or _changed(planned.path, planned.stat):
            return self._still_being_written(planned.path)
        reason = f"{problem.problem.rstrip('.')}. {problem.advice}"
        self._quarantine(planned.path, file["path"], reason)
        self._record(con, self._base(planned, file), status="quarantined", reason=reason)
        return FileOutcome(file["path"], "quarantined", file["client"], reason=reason)

    def _lineage(self, planned: Planned | PlannedBook, clients) -> dict:
        client = Path(self._rel(planned.path)).parts[0]
        modified_at = _modified_at(planned.stat)
        tz = clients[client].timezone
        return {
            "client": client,
            "path": self._rel(planned.path),
            "sha256": planned.sha256,
            "loaded_at": self.loaded_at,
            **snapshot_of(planned.path.name, modified_at, tz),
            "timezone": tz,
            "modified_at": modified_at,
        }

    def _load_books(self, con, batch: list[PlannedBook], clients) -> list[FileOutcome] | None:
        """Load a batch of workbooks in one transaction, one parse and one validation per
        kind of sheet; a workbook with one bad sheet is quarantined whole. None when the
        batch cannot be loaded as a whole."""
        files = {i: self._lineage(p, clients) for i, p in enumerate(batch, start=1)}
        groups: dict[tuple, list] = {}  # same kind, same headers: one parse
        sheets_of: dict[int, list] = {}
        bad: dict[int, UnreadableFile] = {}
        moving: set[int] = set()
        for i, planned in enumerate(batch, start=1):
            try:
                sheets_of[i] = self._recognised_sheets(planned.path, files[i]["path"])
            except UnreadableFile as exc:
                bad[i] = exc
                continue
            if _changed(planned.path, planned.stat):
                moving.add(i)
                continue
            for sheet, kind, mapping, _ in sheets_of[i]:
                key = (kind.name, tuple(mapping.items()))
                groups.setdefault(key, []).append((i, sheet, kind, mapping))
        counts: dict[int, LoadCounts] = {}
        try:
            with transaction(con):
                tables = set()
                for entries in groups.values():
                    kind, mapping = entries[0][2], entries[0][3]
                    register_files(con, {i: files[i] for i, *_ in entries})
                    allowed = list(dict.fromkeys(mapping.values()))
                    workbook.stage_sheets(con, [(i, sheet) for i, sheet, *_ in entries], allowed)
                    results = load_parsed(
                        con,
                        kind,
                        mapping,
                        validate=self.validator.problems,
                        each_file_needs_rows=False,
                    )
                    tables.add(kind.table)
                    for i, result in results.items():
                        if isinstance(result, UnreadableFile):
                            bad.setdefault(i, result)
                        else:
                            before = counts.get(i, LoadCounts(0, 0))
                            counts[i] = LoadCounts(
                                before.loaded + result.loaded, before.rejected + result.rejected
                            )
                for i, total in counts.items():
                    if total.loaded == 0 and i not in bad:
                        bad[i] = self._nothing_loaded(con, files[i]["path"], total)
                for i in bad:  # its good sheets went in with their kinds: take them out
                    for table in tables:
                        con.execute(
                            f"DELETE FROM raw.{table} WHERE source_path = ? AND loaded_at = ?",
                            [files[i]["path"], self.loaded_at],
                        )
                    con.execute(
                        "DELETE FROM ops.rejected_rows WHERE path = ? AND rejected_at = ?",
                        [files[i]["path"], self.loaded_at],
                    )
                loaded = {i: c for i, c in counts.items() if i not in bad}
                self._record_many(
                    con,
                    [
                        self._loaded_row(
                            batch[i - 1],
                            files[i],
                            ",".join(k.name for _, k, _, _ in sheets_of[i]),
                            _language(sheets_of[i]),
                            c,
                            _dropped(sheets_of[i]),
                        )
                        for i, c in loaded.items()
                    ],
                )
        except BATCH_UNREADABLE:
            return None
        outcomes = []
        for i, planned in enumerate(batch, start=1):
            rel, client = files[i]["path"], files[i]["client"]
            if i in loaded:
                sheets = sheets_of[i]
                outcomes.append(
                    FileOutcome(
                        rel,
                        "loaded",
                        client,
                        ",".join(k.name for _, k, _, _ in sheets),
                        _language(sheets),
                        loaded[i].loaded,
                        loaded[i].rejected,
                        columns_dropped=_dropped(sheets),
                    )
                )
            else:
                problem = None if i in moving else bad[i]
                outcomes.append(self._not_loaded(con, planned, files[i], problem))
        return outcomes

    def _recognised_sheets(self, path: Path, rel: str) -> list[tuple]:
        """(sheet, kind, mapping, language) of each sheet socialwh loads; none: unreadable."""
        sheets = workbook.read_sheets(path)
        found = []
        for sheet in sheets:
            kind, mapping, language = detect(SHEET_KINDS, sheet.headers)
            if kind is None:
                self.progress(
                    f"  sheet '{one_line(sheet.name)}' of {one_line(rel)} is not one socialwh "
                    "loads; skipped"
                )
                continue
            found.append((sheet, kind, mapping, language))
        if not found:
            names = ", ".join(f"'{one_line(s.name, 60)}'" for s in sheets) or "none"
            raise UnreadableFile(
                f"no sheet of this workbook is a LinkedIn Page analytics sheet (sheets: {names})",
                "Download the page analytics export from LinkedIn again (All posts, Metrics, "
                "New followers).",
            )
        return found

    def _loaded_row(self, planned, file: dict, kind: str, language, counts, dropped) -> dict:
        """The ops.file_loads row of a file loaded in a batch."""
        return self._base(planned, file) | {
            "status": "loaded",
            "kind": kind,
            "language": language,
            "rows_loaded": counts.loaded,
            "rows_rejected": counts.rejected,
            "snapshot_date": file["snapshot_date"],
            "snapshot_source": file["snapshot_source"],
            "columns_dropped": ", ".join(dropped) or None,
            "notes": "; ".join(counts.notes) or None,
        }

    def _base(self, planned: Planned | PlannedBook, file: dict) -> dict:
        return {
            "path": file["path"],
            "sha256": planned.sha256,
            "client": file["client"],
            "size_bytes": planned.stat.st_size,
            "modified_at": file["modified_at"],
        }

    def _progress_batch(self, summary: IngestSummary, total: int, batch: list, what: str):
        self.progress(
            f"[{len(summary.files) + 1}/{total}] loading {len(batch)} {what} file(s): "
            f"{one_line(self._rel(batch[0].path))} … {one_line(self._rel(batch[-1].path))}"
        )

    def _report_batch(self, summary: IngestSummary, outcomes: list[FileOutcome], total: int):
        """One line per batch; a line of its own for each file that was not loaded."""
        summary.files += outcomes
        loaded = [o for o in outcomes if o.status == "loaded"]
        rejected = sum(o.rows_rejected for o in loaded)
        self.progress(
            f"  {len(loaded)} loaded ({sum(o.rows_loaded for o in loaded):,} rows"
            + (f", {rejected:,} rejected" if rejected else "")
            + f"); {len(summary.files)}/{total} done"
        )
        for o in outcomes:
            if o.status != "loaded":
                self.progress(f"  {one_line(o.path)}: {o.status} — {o.reason}")

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

    def _already_seen(self, con: duckdb.DuckDBPyConnection) -> set[tuple[str, int, int]]:
        """Files recorded before with the same path, size and mtime are not re-read or re-hashed."""
        rows = con.execute(
            "SELECT path, size_bytes, epoch_us(modified_at) FROM ops.file_loads "
            "WHERE status IN ('loaded', 'duplicate')"
        ).fetchall()
        return {(p, s, m) for p, s, m in rows}

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.paths.landing).as_posix()

    def _load_one(self, con, path: Path, clients, final: bool = False) -> FileOutcome:
        rel = self._rel(path)
        st = path.stat()
        modified_at = _modified_at(st)
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
                **snapshot_of(path.name, modified_at, tz),
                "timezone": tz,
            }
            with transaction(con):
                register_files(con, {1: lineage})
                if is_workbook(path):
                    kind, language, counts, dropped = self._load_workbook(con, path, lineage, tz)
                else:
                    kind, language, counts, dropped = self._load_csv(con, path, lineage, tz, final)
                if counts.loaded == 0:
                    raise self._nothing_loaded(con, rel, counts)
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
                    snapshot_source=lineage["snapshot_source"],
                    columns_dropped=", ".join(dropped) or None,
                    notes="; ".join(counts.notes) or None,
                )
            return FileOutcome(
                rel,
                "loaded",
                client,
                kind,
                language,
                counts.loaded,
                counts.rejected,
                columns_dropped=dropped,
                notes=counts.notes,
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
                meta_page_series.stage(con, [src])  # a date and metric columns, nothing else
                return (*self._load_page_series(con, src, lineage, final), [])
            kind, mapping, language = detect(CSV_KINDS, src.headers)
            if kind is None:
                raise unknown_kind(src.headers, [*CSV_KINDS, *SHEET_KINDS])
            allowed = list(dict.fromkeys(mapping.values()))
            stage_csv(con, [src], columns=allowed)
        finally:
            if src.path != path:
                src.path.unlink(missing_ok=True)  # the UTF-8 copy of a Windows-1252 file
        con.execute(
            "UPDATE sw_files SET sw_header_currency = ?", [meta_ads.header_currency(src.headers)]
        )
        result = load_parsed(con, kind, mapping, validate=self.validator.problems)[1]
        if isinstance(result, UnreadableFile):
            raise result
        return kind.name, language, result, [h for h in src.headers if h not in allowed]

    def _load_page_series(self, con, src, lineage: dict, final: bool):
        end = None
        if meta_page_series.yearless_files(con):
            folder = _client_and_folder(lineage["path"])
            reference = meta_page_series.reference_ends(con, {folder}).get(folder)
            if reference is None and not final:
                raise NeedsDateRange(lineage["path"])
            end = reference
        _date_by_data([lineage], meta_page_series.last_days(con))
        register_files(con, {1: lineage})
        counts = meta_page_series.load_staged(con, {1: _series_file(lineage, end)})[1]
        if isinstance(counts, UnreadableFile):
            raise counts
        return meta_page_series.NAME, None, counts

    def _check_workbook(self, path: Path) -> None:
        with path.open("rb") as fh:
            head = fh.read(8)
        if head.startswith(ZIP_MAGIC):
            check_workbook_size(path)  # only a zip can expand
        elif head != OLE_MAGIC:
            raise UnreadableFile(
                f"the file has a {path.suffix.lower()} name but is not a spreadsheet",
                "Download the export again.",
            )

    def _load_workbook(self, con, path: Path, lineage: dict, tz: str):
        self._check_workbook(path)
        sheets = self._recognised_sheets(path, lineage["path"])
        total = LoadCounts(0, 0)
        for sheet, kind, mapping, _ in sheets:
            workbook.stage_sheets(con, [(1, sheet)], list(dict.fromkeys(mapping.values())))
            counts = load_parsed(
                con, kind, mapping, validate=self.validator.problems, each_file_needs_rows=False
            )[1]
            if isinstance(counts, UnreadableFile):
                raise counts
            total = LoadCounts(total.loaded + counts.loaded, total.rejected + counts.rejected)
        kinds = ",".join(k.name for _, k, _, _ in sheets)
        return kinds, _language(sheets), total, _dropped(sheets)

    def _nothing_loaded(self, con, rel: str, counts: LoadCounts) -> UnreadableFile:
        (top,) = con.execute(
            "SELECT mode(reason) FROM ops.rejected_rows WHERE path = ? AND rejected_at = ?",
            [rel, self.loaded_at],
        ).fetchone()
        return nothing_loaded(counts.rejected, top)

    def _record(self, con, base: dict, *, status: str, **values) -> None:
        self._record_many(con, [base | {"status": status} | values])

    def _record_many(self, con, rows: list[dict]) -> None:
        """Rows of ops.file_loads; all rows given have the same keys."""
        if not rows:
            return
        rows = [row | {"loaded_at": self.loaded_at, "run_id": self.run_id} for row in rows]
        cols = list(rows[0])
        con.executemany(
            f"INSERT INTO ops.file_loads ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [[row[c] for c in cols] for row in rows],
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


def _language(sheets: list[tuple]) -> str:
    languages = {language for *_, language in sheets}
    return "mixed" if len(languages) > 1 else languages.pop()


def _dropped(sheets: list[tuple]) -> list[str]:
    """Headers outside the allow-lists of a workbook's sheets (never read)."""
    dropped: list[str] = []
    for sheet, _, mapping, _ in sheets:
        allowed = set(mapping.values())
        dropped += [h for h in sheet.headers if h not in allowed and h not in dropped]
    return dropped


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def _modified_at(st: os.stat_result) -> datetime:
    """As recorded in ops.file_loads, and compared exactly (microseconds, as integers):
    fingerprints rounded from floats missed now and then, and a file already loaded was
    read again and recorded as a duplicate of itself."""
    return datetime.fromtimestamp(st.st_mtime, UTC)


# Meta's default export name: `Dec-12-2023_Mar-06-2024_<id>.csv`, `…-Sep-1-2025-Sep-30-2025.csv`
META_RANGE_NAME = re.compile(
    r"([A-Z][a-z]{2})-(\d{1,2})-(\d{4})[_-]([A-Z][a-z]{2})-(\d{1,2})-(\d{4})"
)

# LinkedIn's: `<page>_content_<epoch ms>.xls`, the moment of the download (LinkedIn: UTC)
LINKEDIN_STAMP_NAME = re.compile(r"_(\d{13})\.xlsx?$", re.IGNORECASE)


def snapshot_of(name: str, modified_at: datetime, tz: str) -> dict:
    """The day a file's numbers stand for, and what told it: the download moment in
    LinkedIn's file name or the end of the date range in Meta's, else the file's
    modification time (a copy or a checkout resets that; page series are then dated by
    their own last day, see _date_by_data)."""
    stamp = LINKEDIN_STAMP_NAME.search(name)
    if stamp:
        when = datetime.fromtimestamp(int(stamp.group(1)) / 1000, UTC)
        if datetime(2010, 1, 1, tzinfo=UTC) < when <= modified_at + timedelta(days=1):
            return {"snapshot_date": when.date(), "snapshot_source": "file name"}
    found = META_RANGE_NAME.search(name)
    if found:
        try:
            end = datetime.strptime("-".join(found.groups()[3:]), "%b-%d-%Y").date()
            return {"snapshot_date": end, "snapshot_source": "file name"}
        except ValueError:
            pass
    return {
        "snapshot_date": modified_at.astimezone(ZoneInfo(tz)).date(),
        "snapshot_source": "modified time",
    }


def _date_by_data(files: list[dict], last_days: dict[int, date]) -> None:
    """A page series without a dated name stands for its own last day."""
    for i, file in enumerate(files, start=1):
        if file["snapshot_source"] == "modified time" and i in last_days:
            file["snapshot_date"], file["snapshot_source"] = last_days[i], "last day of data"


def _series_file(file: dict, end: date | None) -> meta_page_series.SeriesFile:
    return meta_page_series.SeriesFile(file["path"], file["client"], end or file["snapshot_date"])


def _client_and_folder(rel: str) -> tuple[str, str]:
    """A landed file's client and folder (relative to landing/): a page series' scope."""
    return rel.split("/", 1)[0], rel.rsplit("/", 1)[0]


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _by_layout(series: list[PlannedSeries]) -> list[list[PlannedSeries]]:
    """Batches of page series that one read_csv can read together."""
    groups: dict[tuple, list[PlannedSeries]] = {}
    for planned in series:
        groups.setdefault(meta_page_series.layout(planned.src), []).append(planned)
    return [batch for group in groups.values() for batch in _chunks(group, BATCH_FILES)]
