"""Every data rule of the warehouse, in one place: what it checks, whether it blocks
publishing, and why.

Rules are Great Expectations 1.x expectations run on pandas frames read from DuckDB
(GX's SQL path over duckdb-engine is broken upstream). Only the columns a suite needs
are read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import great_expectations as gx
from great_expectations.expectations import Expectation


@dataclass(frozen=True)
class Rule:
    name: str  # the Dagster check name
    expectation: Callable[[], Expectation]
    blocking: bool
    why: str


@dataclass(frozen=True)
class TableSuite:
    table: str  # schema.table in the build database
    key: str  # the grain column, reported for failing rows
    columns: tuple[str, ...]
    rules: tuple[Rule, ...]


FCT_POST_PERFORMANCE = TableSuite(
    table="marts.fct_post_performance",
    key="post_key",
    columns=("post_key", "impressions", "reach", "clicks"),
    rules=(
        Rule(
            name="reach_le_impressions",
            expectation=lambda: gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="impressions",
                column_B="reach",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            blocking=True,
            why="Reach counts unique accounts among the impressions: more reach than "
            "impressions means a broken export or a mis-mapped column.",
        ),
        Rule(
            name="clicks_le_impressions",
            expectation=lambda: gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="impressions",
                column_B="clicks",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            blocking=True,
            why="A click needs the post on screen: more clicks than impressions means the "
            "columns are mis-mapped or the export is corrupt.",
        ),
    ),
)

SUITES: tuple[TableSuite, ...] = (FCT_POST_PERFORMANCE,)
