"""The dbt models, one Dagster asset per model, keyed <layer>/<model> so lineage reads by layer."""

import json
import logging
from collections.abc import Mapping
from graphlib import TopologicalSorter
from typing import Any

import dagster as dg
import duckdb

from data_checks.results import RuleResult
from pipelines import build_state, dbt_scope, dbt_state
from pipelines.dbt_files import project_fingerprint, ready_parse_cache, record_parse
from pipelines.dbt_light import dagster_dbt
from pipelines.defs.checks import ask_for_mart_suites, record_results
from pipelines.defs.preview import counts_and_preview
from pipelines.defs.resources import Warehouse
from pipelines.project import SocialwhDbtCli

DagsterDbtTranslator = dagster_dbt.DagsterDbtTranslator
DbtProject, dbt_assets = dagster_dbt.DbtProject, dagster_dbt.dbt_assets


class SocialwhTranslator(DagsterDbtTranslator):
    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id)
        if node is None:  # a source: keeps its default key [source_name, table]
            return spec
        schema = node["schema"]
        return spec.replace_attributes(key=dg.AssetKey([schema, node["name"]]), group_name=schema)


# Steps that did not run dbt this night (models up to date): their dbt tests' checks carry
# no result, which the step says in one line; Dagster would also warn once per test (28
# at S, some 50 lines on stderr), each saying the publish is not gated on it.
_NOT_RUN: set[str] = set()


class _TestsNotRunSaidOnce(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not _NOT_RUN or not isinstance(record.msg, str):
            return True
        said = record.msg
        return not (
            said.startswith("Blocking asset check ")
            and any(f"emitted no result in step {step!r}" in said for step in _NOT_RUN)
        )


logging.getLogger("dagster._core.execution.plan.active").addFilter(_TestsNotRunSaidOnce())


class DbtBuildConfig(dg.Config):
    """`socialwh run --full-refresh` rebuilds incremental models from all raw data."""

    full_refresh: bool = False


def build_dbt_models(project: DbtProject) -> dg.AssetsDefinition:
    """One asset per dbt model, read from the project's prepared manifest."""

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=SocialwhTranslator(),
    )
    def dbt_models(
        context: dg.AssetExecutionContext,
        dbt: SocialwhDbtCli,
        warehouse: Warehouse,
        config: DbtBuildConfig,
    ):
        """dbt build: staging views, intermediate models, marts tables and their dbt tests."""
        yield from _build(context, dbt, warehouse, config, project.target_path)

    return dbt_models


def _build(context, dbt, warehouse: Warehouse, config: DbtBuildConfig, target_path):
    p, on_spark = warehouse.paths, warehouse.on_spark
    engine = "spark" if on_spark else "duckdb"
    _NOT_RUN.discard(context.op_handle.name)
    if not config.full_refresh and build_state.up_to_date(p, build_state.fingerprint(p, engine)):
        tests = len(context.selected_asset_check_keys)
        context.log.info(
            "Nothing new since the last successful build (same raw data, clients and dbt "
            f"project): every model is up to date, dbt is not run. Its {tests} tests are not "
            "run either (the last build ran them on these same tables): no result for them this "
            "night, and publishing is not gated on them."
        )
        _NOT_RUN.add(context.op_handle.name)
        # in dependency order, as Dagster requires of a multi-asset
        outputs = {
            key: context.assets_def.get_output_name_for_asset_key(key)
            for key in context.selected_asset_keys
        }
        deps = context.assets_def.asset_deps
        graph = {key: [d for d in deps.get(key, ()) if d in outputs] for key in outputs}
        ask_for_mart_suites(warehouse)
        for key in TopologicalSorter(graph).static_order():
            yield dg.Output(None, output_name=outputs[key], metadata={"rebuilt": False})
        return
    build_state.forget_build(p)
    plan = dbt_state.plan(
        p,
        engine,
        full_refresh=config.full_refresh,
        project_changed=build_state.project_changed(p),  # hashes every file of the project
        whole=not context.is_subset,
    )
    if plan.said:
        context.log.info(plan.said)
    # the clients this build recomputes: those touched since the last whole build
    with warehouse.connect(read_only=True) as con:
        every_model_whole = all("--full-refresh" in args for args in plan.invocations)
        scope = dbt_scope.prepare(
            con,
            p,
            scoped=not (config.full_refresh or context.is_subset or on_spark or every_model_whole),
        )
    if scope.touched is not None:
        context.log.info(
            f"{len(scope.touched)} client(s) with rows loaded since the last build: the "
            "client-scoped models recompute their rows, and the tests and checks read them"
        )
    elif not on_spark:
        context.log.info(f"Every client is recomputed and checked: {scope.why_every_client}")
    dbt_scope.forget(p)  # recorded again when this build succeeds whole
    # the profile's database (and Spark's folders) for this data dir: dbt reads them as
    # --vars, so that nothing rewrites this process's environment
    dbt_vars = {"socialwh_build_db": str(p.build_db)}
    common: list[str] = []
    if on_spark:
        from pipelines.spark import build as spark_build  # pyspark only when asked for

        exported = spark_build.prepare(p)
        context.log.info(f"Raw tables exported to Parquet for Spark: {exported.summary()}")
        common += ["--target", "spark"]
        dbt_vars |= spark_build.dbt_vars(p)
        target_path = spark_build.target_path(p)
    common += ["--vars", json.dumps(dbt_vars)]
    # Reusing the project's target folder keeps dbt's partial-parse cache between nights
    # (a fresh folder per run re-parses everything); one dbt runs at a time.
    files = project_fingerprint()  # what the manifest this build writes is made from
    ready_parse_cache(target_path)
    events, failure = [], None
    with dbt_scope.given_to_dbt(scope):
        for args in plan.invocations:
            first = len(events)  # this invocation's events start here
            try:
                for event in dbt.cli(
                    [*args, *common], context=context, target_path=target_path
                ).stream():
                    events.append(event)
            except Exception as exc:  # noqa: BLE001 — re-raised once the built models are reported
                failure = exc
                break
    if failure is None and plan.by_state:
        rebuilt = [e for e in events[first:] if isinstance(e, dg.Output)]
        names = ", ".join(
            context.asset_key_for_output(e.output_name).to_user_string() for e in rebuilt
        )
        context.log.info(f"Rebuilt from all raw data ({len(rebuilt)} models): {names or 'none'}")
    if on_spark:  # what Spark built, into the build database the checks and publish read
        imported = spark_build.import_into_build_db(p, target_path / "manifest.json")
        context.log.info(f"Read {len(imported)} relations built by Spark into the build database")
    # dbt has exited and released the build database: read each model's row count and
    # first rows for the UI, then hand dbt's tests to ops.check_results.
    with warehouse.connect(read_only=True) as con:
        # Tables only: counting or previewing a view would compute the whole view again.
        tables = set(con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall())
        counted = [_with_counts_and_preview(context, con, tables, e) for e in events]
        if failure is None and not context.is_subset:
            # what the checks of this night read, and the next build recomputes from
            if not on_spark:
                rebuilt_whole = any("--full-refresh" in args for args in plan.invocations)
                dbt_scope.record(con, p, scope, some_rebuilt_whole=rebuilt_whole)
    record_results(
        warehouse,
        context.run.run_id,
        [_as_rule_result(e) for e in events if isinstance(e, dg.AssetCheckResult)],
    )
    if failure is None:
        ask_for_mart_suites(warehouse)  # the step's last write is done: they read meanwhile
    yield from counted  # some 90 Dagster events at a few ms each
    if failure is not None:
        raise failure
    record_parse(target_path, files)  # the next load of the definitions parses nothing
    if not context.is_subset:
        build_state.record_project(p)
        dbt_state.save(p, engine, target_path)
        build_state.record_build(p, build_state.fingerprint(p, engine))


def _with_counts_and_preview(context, con: duckdb.DuckDBPyConnection, tables: set, event):
    if isinstance(event, dg.Output):
        key = context.asset_key_for_output(event.output_name)
    elif isinstance(event, dg.AssetMaterialization):
        key = event.asset_key
    else:
        return event
    if tuple(key.path) not in tables:
        return event
    return event.with_metadata({**event.metadata, **counts_and_preview(con, *key.path)})


def _as_rule_result(check: dg.AssetCheckResult) -> RuleResult:
    failing = check.metadata.get("dagster_dbt/failed_row_count")
    failing = int(getattr(failing, "value", failing) or 0)
    blocking = check.severity == dg.AssetCheckSeverity.ERROR
    return RuleResult(
        name=check.check_name or "dbt_test",
        table=".".join(check.asset_key.path) if check.asset_key else "",
        passed=check.passed,
        failing_rows=failing,
        checked_rows=0,
        blocking=blocking,
        why="dbt test (schema yml)",
    )


def layer_keys(dbt_models: dg.AssetsDefinition, layer: str) -> list[dg.AssetKey]:
    """The models of one layer (marts, analytics), sorted."""
    return sorted(
        (key for key in dbt_models.keys if key.path[0] == layer), key=lambda k: k.to_user_string()
    )
