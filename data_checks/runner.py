"""Runs a TableSuite with Great Expectations on a frame read from DuckDB."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # read when GX is imported

import duckdb  # noqa: E402
import great_expectations as gx  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402

from data_checks.suites import TableSuite

SAMPLE_SIZE = 20

# GX logs every batch it builds; keep the run's output readable.
logging.getLogger("great_expectations").setLevel(logging.WARNING)


@dataclass
class RuleResult:
    name: str
    table: str
    passed: bool
    failing_rows: int
    checked_rows: int
    blocking: bool
    why: str
    sample_keys: list[str] = field(default_factory=list)


def run_suite(con: duckdb.DuckDBPyConnection, suite: TableSuite) -> list[RuleResult]:
    columns = ", ".join(f'"{c}"' for c in suite.columns)
    frame = con.sql(f"SELECT {columns} FROM {suite.table}").df()
    context = gx.get_context(mode="ephemeral")
    # GX's metric progress bars would flood the run log.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas(name="socialwh")
        .add_dataframe_asset(name=suite.table)
        .add_batch_definition_whole_dataframe("whole")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    gx_suite = gx.ExpectationSuite(name=suite.table)
    for rule in suite.rules:
        expectation = rule.expectation()
        expectation.meta = {"rule": rule.name}
        gx_suite.add_expectation(expectation)
    validation = batch.validate(
        gx_suite,
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": [suite.key],
            "partial_unexpected_count": SAMPLE_SIZE,
        },
    )
    by_rule = {res.expectation_config.meta["rule"]: res for res in validation.results}
    results = []
    for rule in suite.rules:
        res = by_rule[rule.name]
        detail = res.result or {}
        index = detail.get("unexpected_index_list") or []
        keys = [str(row[suite.key]) if isinstance(row, dict) else str(row) for row in index]
        results.append(
            RuleResult(
                name=rule.name,
                table=suite.table,
                passed=bool(res.success),
                failing_rows=int(detail.get("unexpected_count") or 0),
                checked_rows=len(frame),
                blocking=rule.blocking,
                why=rule.why,
                sample_keys=keys[:SAMPLE_SIZE],
            )
        )
    return results
