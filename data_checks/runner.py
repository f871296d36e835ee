"""Runs a TableSuite with Great Expectations on a frame read from DuckDB."""

from __future__ import annotations

import logging

import duckdb
import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig

from data_checks.results import RuleResult
from data_checks.suites import TableSuite

SAMPLE_SIZE = 20

# GX logs every batch it builds; keep the run's output readable.
logging.getLogger("great_expectations").setLevel(logging.WARNING)


BATCH_VECTORS = 250  # DuckDB vectors of 2,048 rows: ~512k rows (a few columns) per GX batch


def run_suite(
    con: duckdb.DuckDBPyConnection, suite: TableSuite, clients: list[str] | None = None
) -> list[RuleResult]:
    """Validate the suite's rows (of `clients`; None: every row) in bounded batches (memory
    stays flat however large the table), adding up each rule's counts; a rule with
    `mostly` passes on the overall share."""
    context = gx.get_context(mode="ephemeral")
    # GX's metric progress bars would flood the run log.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batches = (
        context.data_sources.add_pandas(name="socialwh")
        .add_dataframe_asset(name=suite.table)
        .add_batch_definition_whole_dataframe("batch")
    )
    gx_suite = gx.ExpectationSuite(name=suite.table)
    mostly = {}
    for rule in suite.rules:
        expectation = rule.expectation()
        expectation.meta = {"rule": rule.name}
        mostly[rule.name] = getattr(expectation, "mostly", None) or 1.0
        gx_suite.add_expectation(expectation)
    totals = {r.name: {"unexpected": 0, "considered": 0, "keys": []} for r in suite.rules}
    rows = 0
    cursor = con.execute(suite.select_for(clients))
    while True:
        frame = cursor.fetch_df_chunk(BATCH_VECTORS)
        if frame.empty and rows > 0:
            break
        rows += len(frame)
        validation = batches.get_batch(batch_parameters={"dataframe": frame}).validate(
            gx_suite,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [suite.key],
                "partial_unexpected_count": SAMPLE_SIZE,
            },
        )
        for res in validation.results:
            total = totals[res.expectation_config.meta["rule"]]
            detail = res.result or {}
            total["unexpected"] += int(detail.get("unexpected_count") or 0)
            total["considered"] += int(detail.get("element_count") or 0) - int(
                detail.get("missing_count") or 0
            )
            for row in (detail.get("unexpected_index_list") or [])[:SAMPLE_SIZE]:
                total["keys"].append(str(row[suite.key]) if isinstance(row, dict) else str(row))
        if frame.empty:
            break
    results = []
    for rule in suite.rules:
        total = totals[rule.name]
        allowed = (1 - mostly[rule.name]) * total["considered"]
        results.append(
            RuleResult(
                name=rule.name,
                table=suite.table,
                passed=total["unexpected"] <= allowed,
                failing_rows=total["unexpected"],
                checked_rows=rows,
                blocking=rule.blocking,
                why=rule.why,
                sample_keys=total["keys"][:SAMPLE_SIZE],
            )
        )
    return results


class FileValidator:
    """One GX context per ingest run; one suite per export kind, built on first use."""

    def __init__(self) -> None:
        self._context = None
        self._batches: dict[str, object] = {}
        self._suites: dict[str, gx.ExpectationSuite] = {}

    def problems(self, con: duckdb.DuckDBPyConnection, kind) -> dict[int, list[str]]:
        """What makes each file staged in sw_parsed unacceptable as a whole, by sw_file_id
        (files without problems are absent)."""
        from data_checks.file_suites import problems

        return problems(con, kind, self.failing)

    def failing(self, kind, profile) -> list[tuple[int, str]]:
        """(sw_file_id, profile column) of each value of the files' profile (one row per
        file, data_checks.file_suites) that its kind's suite refuses."""
        from data_checks.file_suites import file_suite

        if self._context is None:
            self._context = gx.get_context(mode="ephemeral")
            self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
            self._source = self._context.data_sources.add_pandas(name="landed_files")
        if kind.name not in self._suites:
            self._suites[kind.name] = file_suite(kind)
            self._batches[kind.name] = self._source.add_dataframe_asset(
                name=kind.name
            ).add_batch_definition_whole_dataframe("files")
        batch = self._batches[kind.name].get_batch(batch_parameters={"dataframe": profile})
        result = batch.validate(
            self._suites[kind.name],
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": ["sw_file_id"],
            },
        )
        return [
            (int(row["sw_file_id"]), r.expectation_config.kwargs["column"])
            for r in result.results
            if not r.success
            for row in (r.result or {}).get("unexpected_index_list") or []
        ]
