"""Great Expectations suites (data_checks/) as Dagster asset checks on the marts they guard.

A failing blocking rule stops the publish in the same run; every result is also
written to ops.check_results so it travels with the published warehouse.
"""

from datetime import UTC, datetime

import dagster as dg

from data_checks import run_rules
from data_checks.results import RuleResult
from data_checks.suites import SUITES, TableSuite
from pipelines import dbt_scope, gx_warm
from pipelines.bulk_insert import insert_rows
from pipelines.defs.resources import Warehouse


def record_results(warehouse: Warehouse, run_id: str, results: list[RuleResult]) -> None:
    gx_warm.wait_for_suites()  # the GX process reads the build database meanwhile
    with warehouse.connect() as con:
        insert_rows(
            con,
            "ops.check_results",
            [
                (
                    run_id,
                    r.name,
                    r.table,
                    r.passed,
                    r.failing_rows,
                    datetime.now(UTC),
                    "blocking" if r.blocking else "warning",
                    r.why,
                )
                for r in results
            ],
            ["run_id", "check", "asset", "passed", "failing_rows", "checked_at", "severity",
             "description"],
        )  # fmt: skip


def ask_for_mart_suites(warehouse: Warehouse) -> None:
    """The models are built and the dbt step's writes done: the mart suites start in Great
    Expectations' process while the run goes on (nothing when the run has none)."""
    gx_warm.ask_for_suites(
        warehouse.paths.build_db,
        [suite.table for suite in SUITES],
        dbt_scope.checked_clients(warehouse.paths),
    )


def build_suite_check(suite: TableSuite) -> dg.AssetChecksDefinition:
    asset_key = dg.AssetKey(suite.table.split("."))
    specs = [
        dg.AssetCheckSpec(
            name=rule.name,
            asset=asset_key,
            blocking=rule.blocking,
            description=f"{'Blocks publishing' if rule.blocking else 'Warns'}: {rule.why}",
        )
        for rule in suite.rules
    ]

    @dg.multi_asset_check(
        specs=specs,
        name=f"gx_{suite.table.replace('.', '_')}",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        context.log.info(f"Checking {suite.table}: {len(suite.rules)} Great Expectations rules")
        # Great Expectations in the run's waiting process (pipelines/gx_warm.py), or here
        results, where = gx_warm.run_suite(
            warehouse.paths.build_db,
            suite,
            lambda: warehouse.connect(read_only=True),
            dbt_scope.checked_clients(warehouse.paths),
        )
        failed = sum(not r.passed for r in results)
        context.log.info(f"{suite.table}: {failed} of {len(results)} rules failed ({where})")
        record_results(warehouse, context.run.run_id, results)
        yield from _check_results(results)

    return _check


def _check_results(results: list[RuleResult]):
    for r in results:
        yield dg.AssetCheckResult(
            asset_key=dg.AssetKey(r.table.split(".")),
            check_name=r.name,
            passed=r.passed,
            severity=dg.AssetCheckSeverity.ERROR if r.blocking else dg.AssetCheckSeverity.WARN,
            description=r.why,
            metadata={
                "failing_rows": r.failing_rows,
                "checked_rows": r.checked_rows,
                "failing_keys_sample": ", ".join(r.sample_keys) or "none",
            },
        )


class RunRulesConfig(dg.Config):
    # marts whose fewer rows than the published warehouse are expected this once
    # (`socialwh run --accept-drop marts.x`)
    accept_drop: list[str] = []


RUN_RULES = [
    run_rules.FRESHNESS,
    run_rules.RECONCILED_POSTS,
    run_rules.RECONCILED_SPEND,
    run_rules.RECONCILED_PAGE_SERIES,
    run_rules.RECONCILED_CONVERSIONS,
    run_rules.RESTATED_DOWNWARD,
    *(rule for pair in run_rules.volume_rules() for rule in pair),
]


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            name=rule.name,
            asset=dg.AssetKey(rule.asset.split(".")),
            blocking=rule.blocking,
            description=f"{'Blocks publishing' if rule.blocking else 'Warns'}: {rule.why}",
        )
        for rule in RUN_RULES
    ],
    name="run_level_rules",
    # first of the checks once dbt is done: its rules are computed here while the mart
    # suites run in Great Expectations' process (gx_warm.ask_for_suites)
    op_tags={"dagster/priority": "1"},
)
def run_level_rules(
    context: dg.AssetCheckExecutionContext, config: RunRulesConfig, warehouse: Warehouse
):
    """Freshness, volume against the published warehouse, reconciliation with the loads."""
    p = warehouse.paths
    context.log.info("Checking freshness, reconciliation with the loads, and volume")
    with warehouse.connect(read_only=True) as con:
        results = [
            run_rules.freshness(con),
            *run_rules.reconciliation(
                con, dbt_scope.checked_clients(p), dbt_scope.checked_since(p)
            ),
            *run_rules.volume(con, p.warehouse, frozenset(config.accept_drop)),
        ]
    record_results(warehouse, context.run.run_id, results)
    yield from _check_results(results)


GX_CHECKS = [*(build_suite_check(suite) for suite in SUITES), run_level_rules]
