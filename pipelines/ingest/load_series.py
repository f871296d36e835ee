"""Stage 3, load: Meta's page-level daily series, a batch per layout.

Two passes: ISO-dated files first, while files whose dates lack a year come back as
`Later`; then those, each dated by the newest ISO-dated day already loaded from its
folder (else by its own snapshot day).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import duckdb

from pipelines.ingest import meta_page_series as series
from pipelines.ingest.records import Later, Loaded, Refused, Result, Unit
from pipelines.ingest.snapshot import BY_DATA, BY_MTIME
from pipelines.ingest.tabular import LoadCounts, register_files, unstage


def folder_of(unit: Unit) -> tuple[str, str]:
    """A page series' scope: its client and its folder (relative to landing/)."""
    return unit.lineage.client, unit.lineage.path.rsplit("/", 1)[0]


@dataclass
class SeriesLoader:
    # second pass: the day dating each yearless file's last row, by path (None: its own
    # snapshot day); first pass (None): yearless files are set aside
    ends: dict[str, date | None] | None = None
    name: str = series.NAME

    def load(self, con: duckdb.DuckDBPyConnection, units: list[Unit]) -> list[Result]:
        series.stage(con, [unit.src for unit in units])
        moving = {i for i, unit in enumerate(units, start=1) if unit.file.changed()}
        aside = set() if self.ends is not None else series.yearless_files(con) - moving
        last = series.last_days(con)
        # a series without a dated name stands for its own last day
        units = [
            replace(u, lineage=u.lineage.dated(last[i], BY_DATA))
            if u.lineage.snapshot_source == BY_MTIME and i in last
            else u
            for i, u in enumerate(units, start=1)
        ]
        register_files(con, {i: u.lineage.as_file() for i, u in enumerate(units, start=1)})
        unstage(con, moving | aside)
        dated = {
            i: series.SeriesFile(u.lineage.path, u.lineage.client, self._end(u))
            for i, u in enumerate(units, start=1)
            if i not in moving | aside
        }
        results = series.load_staged(con, dated) if dated else {}
        out: list[Result] = []
        for i, unit in enumerate(units, start=1):
            result = results.get(i)
            if i in aside:
                out.append(Later(unit))
            elif isinstance(result, LoadCounts):
                out.append(Loaded(unit, series.NAME, None, result))
            else:
                out.append(Refused(unit.file, unit.lineage.sha256, result))
        return out

    def _end(self, unit: Unit) -> date:
        return (self.ends or {}).get(unit.lineage.path) or unit.lineage.snapshot_date


def second_pass(con: duckdb.DuckDBPyConnection, later: list[Unit]) -> SeriesLoader:
    """The loader for the yearless series, dated by what their folders hold now."""
    references = series.reference_ends(con, {folder_of(u) for u in later})
    return SeriesLoader({u.lineage.path: references.get(folder_of(u)) for u in later})
