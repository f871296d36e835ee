"""One pass over the landing folder: new files are detected, validated, loaded or quarantined.

Every file seen ends up in exactly one place: loaded into `raw` (its bad rows in
`ops.rejected_rows`), recorded as a duplicate of a file already loaded, or moved
to `quarantine/` beside a `.reason.txt`.

The pass runs four stages (each its own module): scan (what is new and settled) → plan
(what each file is, and its batches) → load (one loader per family: tabular CSVs, page
series, workbooks) → ledger (ops.file_loads, quarantine). Files of the same kind and
layout load in batches: one read, one parse, one Great Expectations validation and one
transaction for up to BATCH_FILES files, which is what brings loading close to DuckDB's
own read_csv. A file that fails its batch's checks is refused alone; when the batch
itself cannot be read (a truncated file breaks the shared read), its files are loaded
again one by one, each a batch of its own, so each gets its own precise verdict.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime

import duckdb

from pipelines.ingest import clients as client_register
from pipelines.ingest import meta_page_series
from pipelines.ingest.errors import UnreadableFile
from pipelines.ingest.kinds import CSV_KINDS, RAW_TABLES, SHEET_KINDS
from pipelines.ingest.ledger import Ledger, deferred
from pipelines.ingest.load_books import BookLoader
from pipelines.ingest.load_csv import CsvLoader
from pipelines.ingest.load_series import SeriesLoader, second_pass
from pipelines.ingest.plan import FAMILIES, Plan, plan
from pipelines.ingest.records import FileOutcome, IngestSummary, Later, Loaded, Refused, Unit
from pipelines.ingest.scan import SETTLE_SECONDS, landed_files, scan
from pipelines.ingest.tabular import Validate
from pipelines.ingest.warehouse_schema import ensure_schema
from pipelines.privacy import conversion_salt, one_line
from pipelines.settings import PROJECT_ROOT, Paths

__all__ = ["RAW_TABLES", "SETTLE_SECONDS", "IngestSummary", "LandingLoader", "landed_files"]

# What makes a batch unreadable as a whole (its files are then loaded one by one).
BATCH_UNREADABLE = (UnreadableFile, duckdb.InvalidInputException, duckdb.ConversionException)

log = logging.getLogger(__name__)

DUPLICATES_NAMED = 20  # in the progress line of a night's duplicates


def loaded_clients(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT DISTINCT client FROM ops.file_loads WHERE status = 'loaded' AND client IS NOT NULL"
    ).fetchall()
    return {c for (c,) in rows}


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


def _as_problem(exc: Exception) -> UnreadableFile:
    if isinstance(exc, UnreadableFile):
        return exc
    return UnreadableFile(  # the file's bytes, not our SQL
        f"DuckDB could not parse it ({str(exc).splitlines()[0]})",
        "Check that the download finished, and export it again.",
    )


class LandingLoader:
    """Loads what is new in landing/ into the build database. `validate(con, kind)` judges
    each staged file as a whole (data_checks.runner.FileValidator.problems: the Dagster
    asset passes it in, so ingest never imports the checks)."""

    def __init__(
        self,
        paths: Paths,
        run_id: str,
        validate: Validate,
        progress: Callable[[str], None] = log.info,
    ):
        self.paths = paths
        self.progress = progress
        self.loaded_at = datetime.now(UTC)
        self.ledger = Ledger(paths.quarantine, run_id, self.loaded_at)
        self.loaders = {
            "workbook": BookLoader(validate, progress),
            "csv": CsvLoader(validate),
            "series": SeriesLoader(),
        }
        self.summary = IngestSummary()
        self.total = 0

    def run(self) -> IngestSummary:
        self.paths.ensure()
        summary = self.summary
        with duckdb.connect(str(self.paths.build_db)) as con:
            con.execute("SET enable_progress_bar = false")
            con.execute(
                "SET VARIABLE socialwh_salt = ?",
                [conversion_salt(forbidden=[PROJECT_ROOT, self.paths.data_dir])],
            )
            ensure_schema(con, [*CSV_KINDS, *SHEET_KINDS])
            con.execute(meta_page_series.DDL)
            register, summary.warnings = client_register.read_register(con, self.paths.clients_csv)
            found = scan(con, self.paths.landing)
            # a client whose folder was emptied keeps its data in raw: it stays a client
            folders = {f for f in found.folders if client_register.SLUG.match(f)}
            folders |= loaded_clients(con)
            clients, summary.unlisted_clients = client_register.with_unlisted(register, folders)
            client_register.write_clients(con, clients)
            self.total = len(found.new) + len(found.moving)
            self.progress(f"{found.listed} file(s) in landing, {self.total} new")
            for file in found.moving:
                self._report(deferred(file))
            timezones = {slug: client.timezone for slug, client in clients.items()}
            files = found.new
            while files:  # a second copy of a file is judged once the first has loaded
                planned = plan(con, files, timezones, self.loaded_at, self.paths.build_dir / "tmp")
                try:
                    self._load_plan(con, planned)
                finally:
                    for copy in planned.scratch:  # UTF-8 copies of Windows-1252 files
                        copy.unlink(missing_ok=True)
                files = planned.repeats
            con.execute("CHECKPOINT")
        return summary

    def _load_plan(self, con: duckdb.DuckDBPyConnection, planned: Plan) -> None:
        for file, sha, problem in planned.refused:
            self._report(self.ledger.refused(con, Refused(file, sha, problem)))
        self._report_duplicates(self.ledger.duplicates(con, planned.duplicates))
        later: list[Unit] = []
        for family in FAMILIES:
            loader = self.loaders[family]
            for batch in planned.batches(family):
                later += self._load_batch(con, loader, batch, loader.name)
        if later:  # yearless page series, dated by their folders' series loaded by now
            loader = second_pass(con, later)
            for batch in Plan(later).batches("series"):
                self._load_batch(con, loader, batch, f"{loader.name} (yearless)")

    def _load_batch(self, con, loader, batch: list[Unit], what: str) -> list[Unit]:
        """Load and report a batch; returns its units set aside for later."""
        self.progress(
            f"[{len(self.summary.files) + 1}/{self.total}] loading {len(batch)} {what} "
            f"file(s): {one_line(batch[0].file.rel)} … {one_line(batch[-1].file.rel)}"
        )
        results = self._load(con, loader, batch)
        outcomes = [
            self.ledger.outcome(r) if isinstance(r, Loaded) else self.ledger.refused(con, r)
            for r in results
            if not isinstance(r, Later)
        ]
        self._report_batch(outcomes)
        return [r.unit for r in results if isinstance(r, Later)]

    def _load(self, con, loader, batch: list[Unit]) -> list[Loaded | Refused | Later]:
        """One transaction for the batch and its ledger rows; one per file when the batch
        cannot be read as a whole (or its problem, for a batch of one)."""
        try:
            with transaction(con):
                results = loader.load(con, batch)
                self.ledger.loaded(con, [r for r in results if isinstance(r, Loaded)])
            return results
        except BATCH_UNREADABLE as exc:
            if len(batch) > 1:
                return [result for unit in batch for result in self._load(con, loader, [unit])]
            return [Refused(batch[0].file, batch[0].lineage.sha256, _as_problem(exc))]

    def _report_batch(self, outcomes: list[FileOutcome]) -> None:
        """One line per batch; a line of its own for each file that was not loaded."""
        self.summary.files += outcomes
        loaded = [o for o in outcomes if o.status == "loaded"]
        rejected = sum(o.rows_rejected for o in loaded)
        self.progress(
            f"  {len(loaded)} loaded ({sum(o.rows_loaded for o in loaded):,} rows"
            + (f", {rejected:,} rejected" if rejected else "")
            + f"); {len(self.summary.files)}/{self.total} done"
        )
        for o in outcomes:
            if o.status != "loaded":
                self.progress(f"  {one_line(o.path)}: {o.status} — {o.reason}")

    def _report_duplicates(self, outcomes: list[FileOutcome]) -> None:
        """One line for a night's duplicates (each is in ops.file_loads and the run's
        report): a Dagster log line is an event written to the instance, 3.6 ms each, and
        the workbooks exported whole every day land as 200 duplicates a night at L."""
        if not outcomes:
            return
        self.summary.files += outcomes
        names = ", ".join(one_line(o.path) for o in outcomes[:DUPLICATES_NAMED])
        more = len(outcomes) - DUPLICATES_NAMED
        self.progress(
            f"[{len(self.summary.files)}/{self.total}] {len(outcomes)} duplicate file(s), "
            f"each the same content as a file already loaded (not loaded again): {names}"
            + (f" and {more} more (ops.file_loads names each)" if more > 0 else "")
        )

    def _report(self, outcome: FileOutcome) -> None:
        self.summary.files.append(outcome)
        self.progress(
            f"[{len(self.summary.files)}/{self.total}] {one_line(outcome.path)}: "
            f"{outcome.status} — {outcome.reason}"
        )
