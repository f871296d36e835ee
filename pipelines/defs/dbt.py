"""The dbt models, one Dagster asset per model, keyed <layer>/<model> so lineage reads by layer."""

import json
from collections.abc import Mapping
from graphlib import TopologicalSorter
from typing import Any

import dagster as dg
import duckdb

from data_checks.runner import RuleResult
from pipelines import build_state
from pipelines.dbt_files import forget_parse_cache_if_moved, project_fingerprint, record_parse
from pipelines.dbt_light import dagster_dbt
from pipelines.defs.checks import record_results
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
    if not config.full_refresh and build_state.up_to_date(p, build_state.fingerprint(p, engine)):
        context.log.info(
            "Nothing new since the last successful build (same raw data, clients and dbt "
            "project): every model is up to date, dbt is not run."
        )
        # in dependency order, as Dagster requires of a multi-asset
        outputs = {
            key: context.assets_def.get_output_name_for_asset_key(key)
            for key in context.selected_asset_keys
        }
        deps = context.assets_def.asset_deps
        graph = {key: [d for d in deps.get(key, ()) if d in outputs] for key in outputs}
        for key in TopologicalSorter(graph).static_order():
            yield dg.Output(None, output_name=outputs[key], metadata={"rebuilt": False})
        return
    build_state.forget_build(p)
    full_refresh = config.full_refresh
    project_changed = build_state.project_changed(p)  # hashes every file of the project
    if not full_refresh and project_changed:
        context.log.info(
            "The dbt project (models, macros or seeds) changed since the last successful "
            "build, or no build is recorded: every model is rebuilt from all raw data "
            "(--full-refresh), so that incremental models follow the new rules everywhere."
        )
        full_refresh = True
    args = ["build", *(["--full-refresh"] if full_refresh else [])]
    # the profile's database (and Spark's folders) for this data dir: dbt reads them as
    # --vars, so that nothing rewrites this process's environment
    dbt_vars = {"socialwh_build_db": str(p.build_db)}
    if on_spark:
        from pipelines.spark import build as spark_build  # pyspark only when asked for

        exported = spark_build.prepare(p)
        context.log.info(f"Raw tables exported to Parquet for Spark: {exported.summary()}")
        args += ["--target", "spark"]
        dbt_vars |= spark_build.dbt_vars(p)
        target_path = spark_build.target_path(p)
    args += ["--vars", json.dumps(dbt_vars)]
    if not project_changed:
        # Unit tests check the models' logic on fixed inputs: they can only change result
        # when the project does (then they run, before any model they guard is rebuilt).
        args += ["--exclude-resource-type", "unit_test"]
    # Reusing the project's target folder keeps dbt's partial-parse cache between nights
    # (a fresh folder per run re-parses everything); one dbt runs at a time.
    files = project_fingerprint()  # what the manifest this build writes is made from
    forget_parse_cache_if_moved(target_path)
    invocation = dbt.cli(args, context=context, target_path=target_path)
    events, failure = [], None
    try:
        for event in invocation.stream():
            events.append(event)
    except Exception as exc:  # noqa: BLE001 — re-raised once the built models are reported
        failure = exc
    if on_spark:  # what Spark built, into the build database the checks and publish read
        imported = spark_build.import_into_build_db(p, target_path / "manifest.json")
        context.log.info(f"Read {len(imported)} relations built by Spark into the build database")
    # dbt has exited and released the build database: read each model's row count and
    # first rows for the UI, then hand dbt's tests to ops.check_results.
    with warehouse.connect(read_only=True) as con:
        # Tables only: counting or previewing a view would compute the whole view again.
        tables = set(con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall())
        yield from (_with_counts_and_preview(context, con, tables, e) for e in events)
    record_results(
        warehouse,
        context.run.run_id,
        [_as_rule_result(e) for e in events if isinstance(e, dg.AssetCheckResult)],
    )
    if failure is not None:
        raise failure
    if invocation.is_successful():
        record_parse(target_path, files)  # the next load of the definitions parses nothing
    if invocation.is_successful() and not context.is_subset:
        build_state.record_project(p)
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
