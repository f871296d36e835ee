"""The published warehouse: the only asset that touches warehouse/social.duckdb."""

import dagster as dg

from pipelines.asset_keys import FILE_LOADS_KEY, PUBLISHED_KEY, REJECTED_ROWS_KEY
from pipelines.defs.dbt import ANALYTICS_KEYS, MARTS_KEYS
from pipelines.publish import publish
from pipelines.settings import paths


@dg.asset(
    key=PUBLISHED_KEY,
    deps=[*MARTS_KEYS, *ANALYTICS_KEYS, FILE_LOADS_KEY, REJECTED_ROWS_KEY],
    group_name="publish",
    kinds={"duckdb"},
    description=(
        "warehouse/social.duckdb, the file analysts open read-only: the marts and ops "
        "schemas and the analytics views, replaced atomically once every blocking check "
        "of the run has passed."
    ),
)
def published_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    result = publish(paths(), context.run_id)
    context.log.info(f"Published {result.path} ({result.size_bytes / 1e6:.1f} MB)")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(result.path)),
            "size_mb": round(result.size_bytes / 1e6, 2),
            "tables": dg.MetadataValue.json(result.tables),
            "dagster/row_count": sum(n for t, n in result.tables.items() if t.startswith("marts.")),
        }
    )
