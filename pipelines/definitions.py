"""The Dagster code location: raw files -> dbt models -> checks -> published warehouse.

Loaded, not imported: Dagster calls `defs` when it loads the location (`dagster dev`, the
daemon, `socialwh ui`), which prepares the dbt manifest of the data dir it serves;
`socialwh run` builds the same definitions for its own data dir with `build_defs`.
"""

from __future__ import annotations

import dagster as dg

from pipelines.defs.resources import Warehouse
from pipelines.settings import Paths, paths


def build_defs(warehouse: Warehouse, manifest_home: Paths) -> dg.Definitions:
    """Every asset, check, job, schedule and sensor, bound to `warehouse`; the dbt manifest
    read from (and prepared in) `manifest_home`'s build folder."""
    from pipelines.defs.automation import (
        new_landing_files,
        nightly,
        nightly_report_on_failure,
        nightly_report_on_success,
        nightly_schedule,
    )
    from pipelines.defs.checks import GX_CHECKS
    from pipelines.defs.dbt import build_dbt_models, layer_keys
    from pipelines.defs.publish import build_published_warehouse
    from pipelines.defs.raw import landing_files
    from pipelines.project import dbt_resource, prepared_project

    project = prepared_project(manifest_home)
    dbt_models = build_dbt_models(project)
    published = build_published_warehouse(
        [*layer_keys(dbt_models, "marts"), *layer_keys(dbt_models, "analytics")]
    )
    return dg.Definitions(
        assets=[landing_files, dbt_models, published],
        asset_checks=GX_CHECKS,
        jobs=[nightly],
        schedules=[nightly_schedule],
        sensors=[new_landing_files, nightly_report_on_success, nightly_report_on_failure],
        resources={"dbt": dbt_resource(project), "warehouse": warehouse},
    )


def for_data_dir(p: Paths, engine: str = "duckdb") -> dg.Definitions:
    """The definitions of `socialwh run`: its data dir and engine, given, not read."""
    return build_defs(Warehouse(data_dir=str(p.data_dir), engine=engine), p)


@dg.definitions
def defs() -> dg.Definitions:
    """The code location's: $SOCIALWH_DATA_DIR (default ./data)."""
    return build_defs(Warehouse.from_environment(), paths())


def nightly_job() -> dg.JobDefinition:
    """The nightly job as the code location resolves it: `dg.reconstructable(nightly_job)`
    runs it from Python under another executor, each step re-loading it in its process."""
    return defs().resolve_job_def("nightly")
