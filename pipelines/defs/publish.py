"""The published warehouse: the only asset that touches warehouse/social.duckdb."""

import dagster as dg

from pipelines import dbt_scope
from pipelines.asset_keys import FILE_LOADS_KEY, PUBLISHED_KEY, REJECTED_ROWS_KEY
from pipelines.defs.resources import Warehouse
from pipelines.publish import ClientScope, publish


def build_published_warehouse(models: list[dg.AssetKey]) -> dg.AssetsDefinition:
    """The publish step, after the models it copies (the marts and analytics)."""

    @dg.asset(
        key=PUBLISHED_KEY,
        deps=[*models, FILE_LOADS_KEY, REJECTED_ROWS_KEY],
        group_name="publish",
        kinds={"duckdb"},
        description=(
            "warehouse/social.duckdb, the file analysts open read-only: the marts and ops "
            "schemas and the analytics views, replaced atomically once every blocking check "
            "of the run has passed."
        ),
    )
    def published_warehouse(
        context: dg.AssetExecutionContext, warehouse: Warehouse
    ) -> dg.MaterializeResult:
        # the marts of the clients the build recomputed, when the file holds the build before
        scope = ClientScope(*dbt_scope.published_scope(warehouse.paths))
        result = publish(warehouse.paths, context.run_id, scope)
        how = (
            "unchanged: it already holds what this run built (nothing written)"
            if not result.written
            else "written whole"
            if result.whole
            else f"the last one with {len(result.copied)} of {len(result.tables)} tables "
            "replaced (the others unchanged)"
            + (
                f"; {', '.join(result.patched)} only for the keys whose rows changed"
                if result.patched
                else ""
            )
        )
        context.log.info(f"Published {result.path} ({result.size_bytes / 1e6:.1f} MB): {how}")
        tables = result.tables
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(result.path)),
                "size_mb": round(result.size_bytes / 1e6, 2),
                "tables": dg.MetadataValue.json(tables),
                "tables_copied": dg.MetadataValue.json(result.copied),
                "tables_patched_by_key": dg.MetadataValue.json(result.patched),
                "dagster/row_count": sum(n for t, n in tables.items() if t.startswith("marts.")),
            }
        )

    return published_warehouse
