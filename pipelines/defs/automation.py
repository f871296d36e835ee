"""The nightly job, its 02:00 schedule, and the sensor that runs it when files land."""

import hashlib
import time

import dagster as dg

from pipelines.ingest.scan import SETTLE_SECONDS, landed_files
from pipelines.run_events import build_report
from pipelines.run_report import save_report
from pipelines.settings import paths

nightly = dg.define_asset_job(
    name="nightly",
    selection=dg.AssetSelection.all(),
    # One process, one DuckDB writer at a time: the build database allows no other.
    executor_def=dg.in_process_executor,
    description="Load new exports, build every dbt model, run the checks, publish the warehouse.",
    tags={"socialwh/job": "nightly"},
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_at_2am",
    job=nightly,
    cron_schedule="0 2 * * *",
    execution_timezone="America/Toronto",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:00, Montréal/Toronto time.",
)


def landing_fingerprint(now: float | None = None) -> tuple[str | None, int, int]:
    """(fingerprint of settled files, settled count, files still being written)."""
    now = time.time() if now is None else now
    p = paths()
    if not p.landing.exists():
        return None, 0, 0
    settled, settling = [], 0
    for rel, st in landed_files(p.landing):
        if now - st.st_mtime < SETTLE_SECONDS:
            settling += 1
        else:
            settled.append(f"{rel}|{st.st_size}|{st.st_mtime_ns}")
    if not settled:
        return None, 0, settling
    return hashlib.sha256("\n".join(sorted(settled)).encode()).hexdigest(), len(settled), settling


@dg.sensor(
    name="new_landing_files",
    job=nightly,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts the nightly job when files land (once they stop growing).",
)
def new_landing_files(context: dg.SensorEvaluationContext):
    fingerprint, settled, settling = landing_fingerprint()
    if fingerprint is None or fingerprint == context.cursor:
        reason = "no new files" + (f" ({settling} still being written)" if settling else "")
        return dg.SkipReason(reason)
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint, tags={"socialwh/trigger": "new_files"})


def _write_report(context: dg.RunStatusSensorContext) -> None:
    run = context.dagster_run
    if run.tags.get("socialwh/trigger") == "cli":
        return  # `socialwh run` writes and prints its own
    p = paths()
    path = save_report(p, context.instance, build_report(p, context.instance, run.run_id))
    context.log.info(f"Run report written to {path}")


@dg.run_status_sensor(
    name="nightly_report_on_success",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[nightly],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Writes the run report (data dir runs/) of a nightly run started by the "
    "schedule, the sensor or the UI.",
)
def nightly_report_on_success(context: dg.RunStatusSensorContext):
    _write_report(context)


@dg.run_failure_sensor(
    name="nightly_report_on_failure",
    monitored_jobs=[nightly],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Writes the failure report (which step, file or check, what to do) of a "
    "nightly run started by the schedule, the sensor or the UI; `socialwh status` shows it.",
)
def nightly_report_on_failure(context: dg.RunFailureSensorContext):
    _write_report(context)
