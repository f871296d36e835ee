"""Per-file acceptance, run by Great Expectations before a file touches the warehouse.

Row-level problems (a cell that does not parse, a negative count) are split off in
DuckDB and kept in ops.rejected_rows. These suites judge the file as a whole, on its
parsed rows: a file whose signature columns are missing, that has no rows, or where
more than half the rows lack a required value or carry a negative count is not a
slightly messy export but a wrong one (mis-mapped columns, another report), and is
quarantined whole.
"""

from __future__ import annotations

import great_expectations as gx

from pipelines.ingest.tabular import TabularKind

MIN_GOOD_SHARE = 0.5


def file_suite(kind: TabularKind) -> gx.ExpectationSuite:
    suite = gx.ExpectationSuite(name=f"file:{kind.name}")
    suite.add_expectation(gx.expectations.ExpectTableRowCountToBeBetween(min_value=1))
    for name in kind.signature:
        suite.add_expectation(gx.expectations.ExpectColumnToExist(column=name))
    for f in kind.fields:
        if f.required:
            suite.add_expectation(
                gx.expectations.ExpectColumnValuesToNotBeNull(column=f.name, mostly=MIN_GOOD_SHARE)
            )
        if f.type == "count" and f.name in kind.signature:
            suite.add_expectation(
                gx.expectations.ExpectColumnValuesToBeBetween(
                    column=f.name, min_value=0, mostly=MIN_GOOD_SHARE
                )
            )
    return suite


def columns_needed(kind: TabularKind) -> list[str]:
    return sorted({*kind.signature, *(f.name for f in kind.fields if f.required)})
