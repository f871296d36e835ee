"""The code location for more than one machine: the nightly job's steps as Celery tasks.

Same assets, checks and resources as pipelines.definitions (one machine); only the
executor differs: each step is sent to a Celery queue and run by a worker
(`dagster-celery worker start -A dagster_celery.app`, on any machine that has this
checkout, its virtualenv and the data dir on a shared mount). Load it instead of the
default location: `dagster-webserver -f deploy/celery/definitions.py` and
`dagster-daemon run -f deploy/celery/definitions.py`. Run config: run_config.yaml.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import yaml
from dagster_celery import celery_executor

from pipelines.definitions import defs as one_machine_defs

RUN_CONFIG = yaml.safe_load((Path(__file__).parent / "run_config.yaml").read_text())

nightly = dg.define_asset_job(
    name="nightly",
    selection=dg.AssetSelection.all(),
    executor_def=celery_executor,
    config=RUN_CONFIG,
    description="Load new exports, build every dbt model, run the checks, publish the "
    "warehouse; each step a Celery task.",
    tags={"socialwh/job": "nightly"},
)


@dg.definitions
def defs() -> dg.Definitions:
    one_machine = one_machine_defs()
    return dg.Definitions(
        assets=one_machine.assets,
        asset_checks=one_machine.asset_checks,
        jobs=[nightly],
        schedules=[
            dg.ScheduleDefinition(
                name="nightly_at_2am",
                job=nightly,
                cron_schedule="0 2 * * *",
                execution_timezone="America/Toronto",
                default_status=dg.DefaultScheduleStatus.RUNNING,
            )
        ],
        resources=one_machine.resources,
    )
