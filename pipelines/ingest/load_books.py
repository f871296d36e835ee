"""Stage 3, load: LinkedIn's workbooks (.xls, .xlsx), a batch of workbooks at a time.

Sheets of one kind and one header across the batch are parsed and validated together;
a workbook with one bad sheet is left out whole (its good sheets' rows taken back out).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from pipelines.ingest import workbook
from pipelines.ingest.errors import UnreadableFile
from pipelines.ingest.kinds import SHEET_KINDS
from pipelines.ingest.records import Loaded, Refused, Result, Unit
from pipelines.ingest.tabular import (
    LoadCounts,
    Validate,
    detect,
    load_parsed,
    nothing_loaded,
    register_files,
)
from pipelines.privacy import one_line


@dataclass
class BookLoader:
    validate: Validate
    progress: Callable[[str], None]
    name: str = "workbook"

    def load(self, con: duckdb.DuckDBPyConnection, units: list[Unit]) -> list[Result]:
        groups: dict[tuple, list] = {}  # same kind, same headers: one parse
        sheets_of: dict[int, list] = {}
        bad: dict[int, UnreadableFile | None] = {}  # None: it moved while read
        for i, unit in enumerate(units, start=1):
            try:
                sheets_of[i] = self._recognised_sheets(unit)
            except UnreadableFile as exc:
                bad[i] = exc
                continue
            if unit.file.changed():
                bad[i] = None
                continue
            for sheet, kind, mapping, _ in sheets_of[i]:
                groups.setdefault((kind.name, tuple(mapping.items())), []).append(
                    (i, sheet, kind, mapping)
                )
        counts: dict[int, LoadCounts] = {}
        tables = set()
        for entries in groups.values():
            kind, mapping = entries[0][2], entries[0][3]
            register_files(con, {i: units[i - 1].lineage.as_file() for i, *_ in entries})
            allowed = list(dict.fromkeys(mapping.values()))
            workbook.stage_sheets(con, [(i, sheet) for i, sheet, *_ in entries], allowed)
            results = load_parsed(
                con, kind, mapping, validate=self.validate, each_file_needs_rows=False
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
                bad[i] = _nothing_loaded(con, units[i - 1], total)
        for i in bad:  # its good sheets went in with their kinds: take them out
            lineage = units[i - 1].lineage
            for table in tables:
                con.execute(
                    f"DELETE FROM raw.{table} WHERE source_path = ? AND loaded_at = ?",
                    [lineage.path, lineage.loaded_at],
                )
            con.execute(
                "DELETE FROM ops.rejected_rows WHERE path = ? AND rejected_at = ?",
                [lineage.path, lineage.loaded_at],
            )
        out: list[Result] = []
        for i, unit in enumerate(units, start=1):
            if i in bad:
                out.append(Refused(unit.file, unit.lineage.sha256, bad[i]))
                continue
            sheets = sheets_of[i]
            kinds = ",".join(k.name for _, k, _, _ in sheets)
            out.append(Loaded(unit, kinds, _language(sheets), counts[i], _dropped(sheets)))
        return out

    def _recognised_sheets(self, unit: Unit) -> list[tuple]:
        """(sheet, kind, mapping, language) of each sheet socialwh loads; none: unreadable."""
        sheets = workbook.read_sheets(unit.file.path)
        found = []
        for sheet in sheets:
            kind, mapping, language = detect(SHEET_KINDS, sheet.headers)
            if kind is None:
                self.progress(
                    f"  sheet '{one_line(sheet.name)}' of {one_line(unit.file.rel)} is not one "
                    "socialwh loads; skipped"
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


def _nothing_loaded(con: duckdb.DuckDBPyConnection, unit: Unit, counts: LoadCounts):
    (top,) = con.execute(
        "SELECT mode(reason) FROM ops.rejected_rows WHERE path = ? AND rejected_at = ?",
        [unit.lineage.path, unit.lineage.loaded_at],
    ).fetchone()
    return nothing_loaded(counts.rejected, top)


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
