"""The dbt models, one Dagster asset per model, keyed <layer>/<model> so lineage reads by layer."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipelines.project import dbt_project
from pipelines.settings import export_dbt_environment


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


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=SocialwhTranslator(),
    pool="socialwh_build_db",
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig):
    """dbt build: staging views, intermediate models, marts tables and their dbt tests."""
    export_dbt_environment()
    args = ["build", *(["--full-refresh"] if config.full_refresh else [])]
    yield from dbt.cli(args, context=context).stream()


dbt_resource = DbtCliResource(project_dir=dbt_project)

MARTS_KEYS = sorted(
    (key for key in dbt_models.keys if key.path[0] == "marts"), key=lambda k: k.to_user_string()
)
