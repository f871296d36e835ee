"""Stage 3, load: tabular CSV exports (posts, ads, conversions), a batch per read.

A batch holds files of one kind and one layout: one read_csv, one parse, one validation.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines.ingest.csv_source import stage_csv
from pipelines.ingest.records import Loaded, Refused, Result, Unit
from pipelines.ingest.tabular import LoadCounts, Validate, load_parsed, register_files, unstage


@dataclass
class CsvLoader:
    validate: Validate
    name: str = "csv"

    def load(self, con: duckdb.DuckDBPyConnection, units: list[Unit]) -> list[Result]:
        first = units[0]
        allowed = list(dict.fromkeys(first.mapping.values()))
        dropped = [h for h in first.src.headers if h not in allowed]
        stage_csv(con, [unit.src for unit in units], columns=allowed)
        register_files(con, {i: u.lineage.as_file() for i, u in enumerate(units, start=1)})
        # what was read is whole only if the file did not move while it was read
        moving = {i for i, unit in enumerate(units, start=1) if unit.file.changed()}
        unstage(con, moving)
        results = load_parsed(con, first.kind, first.mapping, validate=self.validate)
        out: list[Result] = []
        for i, unit in enumerate(units, start=1):
            result = results.get(i)
            if isinstance(result, LoadCounts):
                out.append(Loaded(unit, first.kind.name, first.language, result, dropped))
            else:
                out.append(Refused(unit.file, unit.lineage.sha256, result))
        return out
