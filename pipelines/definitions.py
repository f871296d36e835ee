"""The Dagster code location: raw files -> dbt models -> checks -> published warehouse."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.automation import (
    new_landing_files,
    nightly,
    nightly_report_on_failure,
    nightly_report_on_success,
    nightly_schedule,
)
from pipelines.defs.checks import GX_CHECKS
from pipelines.defs.dbt import dbt_models, dbt_resource
from pipelines.defs.publish import published_warehouse
from pipelines.defs.raw import landing_files

defs = dg.Definitions(
    assets=[landing_files, dbt_models, published_warehouse],
    asset_checks=GX_CHECKS,
    jobs=[nightly],
    schedules=[nightly_schedule],
    sensors=[new_landing_files, nightly_report_on_success, nightly_report_on_failure],
    resources={"dbt": dbt_resource},
)


def nightly_job() -> dg.JobDefinition:
    """The nightly job as the code location resolves it: `dg.reconstructable(nightly_job)`
    runs it from Python under another executor, each step re-loading it in its process."""
    return defs.resolve_job_def("nightly")
