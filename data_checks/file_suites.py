"""Per-file acceptance, run by Great Expectations before a file touches the warehouse.

Row-level problems (a cell that does not parse, a negative count) are split off in
DuckDB and kept in ops.rejected_rows. These suites judge each file as a whole, on its
parsed rows: a file that has no rows, or where more than half the rows lack a required
value or carry a negative count, is not a slightly messy export but a wrong one
(mis-mapped columns, another report), and is quarantined whole. (A file without its
kind's signature columns never gets this far: it is not recognised as that kind.)

Files are loaded in batches, so DuckDB first profiles each staged file in one query
(one row per file: its row count and the shares below) and Great Expectations validates
that profile once per batch; the failing rows name the failing files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import great_expectations as gx


class FieldSpec(Protocol):
    name: str
    type: str
    required: bool


class TabularKind(Protocol):
    """What a suite needs of an export kind (pipelines.ingest.tabular.TabularKind has it):
    described, not imported, so that the checks never import the ingest they judge."""

    name: str
    fields: tuple[FieldSpec, ...]
    signature: tuple[str, ...]


MIN_GOOD_SHARE = 0.5
ROWS = "rows"


def missing_share(field: str) -> str:
    return f"{field}__missing_share"


def negative_share(field: str) -> str:
    return f"{field}__negative_share"


def _required(kind: TabularKind) -> list[str]:
    return [f.name for f in kind.fields if f.required]


def _signature_counts(kind: TabularKind) -> list[str]:
    return [f.name for f in kind.fields if f.type == "count" and f.name in kind.signature]


def file_profile_sql(kind: TabularKind) -> str:
    """One row per staged file (temp tables sw_files, sw_parsed): what the suite judges."""
    shares = [
        f"coalesce(avg(CASE WHEN {f} IS NULL THEN 1.0 ELSE 0.0 END), 0) AS {missing_share(f)}"
        for f in _required(kind)
    ]
    shares += [
        f"coalesce(avg(CASE WHEN {f} < 0 THEN 1.0 ELSE 0.0 END) FILTER (WHERE {f} IS NOT NULL)"
        f", 0) AS {negative_share(f)}"
        for f in _signature_counts(kind)
    ]
    return (
        f"SELECT sw_file_id, count(sw_row) AS {ROWS}{''.join(', ' + s for s in shares)} "
        "FROM sw_files LEFT JOIN sw_parsed USING (sw_file_id) GROUP BY sw_file_id"
    )


def file_suite(kind: TabularKind) -> gx.ExpectationSuite:
    import great_expectations as gx  # only where files are validated (pipelines/gx_warm.py)

    suite = gx.ExpectationSuite(name=f"file:{kind.name}")
    suite.add_expectation(gx.expectations.ExpectColumnValuesToBeBetween(column=ROWS, min_value=1))
    for name in _required(kind):
        suite.add_expectation(
            gx.expectations.ExpectColumnValuesToBeBetween(
                column=missing_share(name), max_value=1 - MIN_GOOD_SHARE
            )
        )
    for name in _signature_counts(kind):
        suite.add_expectation(
            gx.expectations.ExpectColumnValuesToBeBetween(
                column=negative_share(name), max_value=1 - MIN_GOOD_SHARE
            )
        )
    return suite


def describe(column: str, value: float) -> str:
    """What a failing profile value means, for the quarantine reason."""
    if column == ROWS:
        return "it has no rows"
    if column.endswith("__missing_share"):
        return f"{value:.0%} of rows have no {column.removesuffix('__missing_share')}"
    return f"{value:.0%} of rows have a negative {column.removesuffix('__negative_share')}"


def problems(con, kind: TabularKind, failing) -> dict[int, list[str]]:
    """What makes each file staged in sw_parsed unacceptable as a whole, by sw_file_id
    (files without problems are absent): its profile judged by `failing(kind, profile)`,
    the (file, column) pairs its suite refuses (Great Expectations, here or in the run's
    own GX process: pipelines/gx_warm.py)."""
    profile = con.sql(file_profile_sql(kind)).df()
    values = profile.set_index("sw_file_id")
    out: dict[int, list[str]] = {}
    for file_id, column in failing(kind, profile):
        out.setdefault(file_id, []).append(describe(column, float(values.at[file_id, column])))
    return out
