"""The typed records that pass between ingest's stages: scan → plan → load → ledger.

A landed file (scan) becomes a unit ready to load, or is refused or found a duplicate
(plan); a loader turns units into results (loaded, refused, or later for a yearless page
series); the ledger records each file's outcome once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pipelines.ingest.csv_source import CsvSource
from pipelines.ingest.errors import UnreadableFile
from pipelines.ingest.tabular import LoadCounts, TabularKind

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def modified_us(st: os.stat_result) -> int:
    """A file's modification time in whole microseconds, as recorded in ops.file_loads and
    compared exactly by the next scan (fingerprints rounded from floats missed now and then,
    and a file already loaded was read again as a duplicate of itself). The float's
    fraction of a second rounded half to even, as datetime.fromtimestamp does; integers,
    so that comparing 214,000 files builds no datetime."""
    whole = int(st.st_mtime)
    return whole * 1_000_000 + round((st.st_mtime - whole) * 1e6)


def modified_at(st: os.stat_result) -> datetime:
    """modified_us as the instant ops.file_loads records."""
    return EPOCH + timedelta(microseconds=modified_us(st))


@dataclass(frozen=True)
class LandedFile:
    """A file of landing/ as the scan saw it."""

    path: Path
    rel: str  # relative to landing/, with /
    stat: os.stat_result

    @property
    def client(self) -> str | None:
        """Its client folder: the first folder of its path (None at landing/'s top)."""
        first, _, rest = self.rel.partition("/")
        return first if rest else None

    @property
    def modified_at(self) -> datetime:
        return modified_at(self.stat)

    def changed(self) -> bool:
        """Grown, rewritten or gone since the scan: it is still being written."""
        try:
            now = self.path.stat()
        except FileNotFoundError:
            return True
        return (now.st_size, now.st_mtime_ns) != (self.stat.st_size, self.stat.st_mtime_ns)


@dataclass(frozen=True)
class Lineage:
    """What every raw row of a file carries, and the constants its kind's SQL reads."""

    client: str
    path: str
    sha256: str
    loaded_at: datetime
    snapshot_date: date
    snapshot_source: str  # file name, modified time, last day of data
    timezone: str
    modified_at: datetime
    header_currency: str | None = None

    def as_file(self) -> dict[str, Any]:
        """The row of tabular.register_files."""
        return {
            "client": self.client,
            "path": self.path,
            "sha256": self.sha256,
            "loaded_at": self.loaded_at,
            "snapshot_date": self.snapshot_date,
            "timezone": self.timezone,
            "header_currency": self.header_currency,
        }

    def dated(self, day: date, source: str) -> Lineage:
        return replace(self, snapshot_date=day, snapshot_source=source)


@dataclass(frozen=True)
class Unit:
    """A file ready to load: recognised, fingerprinted, not loaded before. `family` names
    its loader: csv (a tabular export), series (a page-level series), workbook."""

    file: LandedFile
    lineage: Lineage
    family: str
    src: CsvSource | None = None  # csv and series: the file as read (maybe a UTF-8 copy)
    kind: TabularKind | None = None  # csv: the export kind its header matched
    mapping: dict[str, str] = field(default_factory=dict)
    language: str | None = None


@dataclass
class Loaded:
    unit: Unit
    kind: str  # kind name(s): a workbook's sheet kinds joined by commas
    language: str | None
    counts: LoadCounts
    dropped: list[str] = field(default_factory=list)  # headers outside the allow-list


@dataclass
class Refused:
    """Not loaded: quarantined with its problem, or (problem None) still being written."""

    file: LandedFile
    sha256: str | None
    problem: UnreadableFile | None


@dataclass
class Later:
    """A yearless page series: loaded once its folder's dated series are (they date it)."""

    unit: Unit


Result = Loaded | Refused | Later


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
