"""Stage 4, ledger: each file's outcome recorded once, in ops.file_loads, and moved to
quarantine/ (beside a .reason.txt) when it cannot be loaded.

Rows of loaded files are written in the same transaction as their raw rows; a file that
changed since the scan is never quarantined (half a file is not a bad file): it waits
for the next run, unrecorded.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines.bulk_insert import insert_rows
from pipelines.ingest.errors import UnreadableFile
from pipelines.ingest.records import FileOutcome, LandedFile, Loaded, Refused
from pipelines.ingest.scan import COPIED_NOT_MOVED, open_for_writing
from pipelines.privacy import one_line
from pipelines.settings import private_dir, private_files

STILL_BEING_WRITTEN = "still being written; it will be loaded by the next run"


def reason_of(problem: UnreadableFile) -> str:
    return f"{problem.problem.rstrip('.')}. {problem.advice}"


def deferred(file: LandedFile) -> FileOutcome:
    return FileOutcome(file.rel, "deferred", reason=STILL_BEING_WRITTEN)


@dataclass
class Ledger:
    quarantine_dir: Path
    run_id: str
    loaded_at: datetime

    def loaded(self, con: duckdb.DuckDBPyConnection, results: list[Loaded]) -> None:
        """ops.file_loads rows of the files a batch loaded (inside its transaction)."""
        self._insert(
            con,
            [
                _file_row(r.unit.file, r.unit.lineage.sha256)
                | {
                    "status": "loaded",
                    "kind": r.kind,
                    "language": r.language,
                    "rows_loaded": r.counts.loaded,
                    "rows_rejected": r.counts.rejected,
                    "snapshot_date": r.unit.lineage.snapshot_date,
                    "snapshot_source": r.unit.lineage.snapshot_source,
                    "columns_dropped": ", ".join(r.dropped) or None,
                    "notes": "; ".join(r.counts.notes) or None,
                }
                for r in results
            ],
        )

    @staticmethod
    def outcome(r: Loaded) -> FileOutcome:
        return FileOutcome(
            r.unit.file.rel,
            "loaded",
            r.unit.lineage.client,
            r.kind,
            r.language,
            r.counts.loaded,
            r.counts.rejected,
            columns_dropped=r.dropped,
            notes=r.counts.notes,
        )

    def refused(self, con: duckdb.DuckDBPyConnection, r: Refused) -> FileOutcome:
        """Quarantined with its problem; still being written when it moved (or has none)."""
        if (
            r.problem is None
            or r.file.changed()
            or open_for_writing([r.file.path], r.file.path.parent)
        ):
            return deferred(r.file)
        reason = reason_of(r.problem)
        if not self._quarantine(r.file, reason):
            reason += (
                f" (landing/ is read-only here: the file was {COPIED_NOT_MOVED}; it is not read "
                "again while unchanged, remove it from landing/ when you can)"
            )
        row = _file_row(r.file, r.sha256) | {"status": "quarantined", "reason": reason}
        self._insert(con, [row])
        return FileOutcome(r.file.rel, "quarantined", r.file.client, reason=reason)

    def duplicates(
        self, con: duckdb.DuckDBPyConnection, found: list[tuple[LandedFile, str, str]]
    ) -> list[FileOutcome]:
        """(file, its sha256, the earlier file with its content) of each duplicate found."""
        outcomes, rows = [], []
        for file, sha256, earlier in found:
            reason = f"same content as {earlier}, already loaded"
            rows.append(_file_row(file, sha256) | {"status": "duplicate", "reason": reason})
            outcomes.append(FileOutcome(file.rel, "duplicate", file.client, reason=reason))
        self._insert(con, rows)
        return outcomes

    def _insert(self, con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
        """Rows of ops.file_loads; all rows given have the same keys (one statement: 1.6 s
        of a one-day night at L, 1,600 files, with executemany; pipelines/bulk_insert.py)."""
        if not rows:
            return
        rows = [row | {"loaded_at": self.loaded_at, "run_id": self.run_id} for row in rows]
        cols = list(rows[0])
        insert_rows(con, "ops.file_loads", [[row[c] for c in cols] for row in rows], cols)

    def _quarantine(self, file: LandedFile, reason: str) -> bool:
        """Move the file beside its reason; True when moved, False when landing/ would not
        let it go (a read-only share): then it is copied."""
        target = self.quarantine_dir / file.rel
        for folder in reversed(target.relative_to(self.quarantine_dir).parents):
            private_dir(self.quarantine_dir / folder)
        stem, n = target, 1
        while target.exists():
            target = stem.with_name(f"{stem.stem}.{n}{stem.suffix}")
            n += 1
        try:
            shutil.move(str(file.path), target)
            moved = True
        except OSError:  # read-only landing/: shutil.move may have copied it already
            if not target.exists():
                shutil.copy2(file.path, target)
            moved = False
        note = target.with_name(target.name + ".reason.txt")
        note.write_text(
            f"File: landing/{one_line(file.rel)}\n"
            f"Quarantined: {self.loaded_at:%Y-%m-%d %H:%M} UTC\nProblem: {reason}\n",
            encoding="utf-8",
        )
        # a booking export keeps its patients' names: readable by the pipeline's user only,
        # whatever mode it was dropped with
        private_files(target, note)
        return moved


def _file_row(file: LandedFile, sha256: str | None) -> dict:
    return {
        "path": file.rel,
        "sha256": sha256,
        "client": file.client,
        "size_bytes": file.stat.st_size,
        "modified_at": file.modified_at,
    }
