"""The nightly job, its 02:00 schedule, and the sensor that runs it when files land."""

import hashlib
import time

import dagster as dg

from pipelines.defs.resources import Warehouse
from pipelines.ingest.scan import landed_files, open_for_writing, settle_seconds
from pipelines.run_events import build_report
from pipelines.run_report import save_report
from pipelines.settings import Paths

# One process by default (a step's start costs no import of its own, and the build
# database has one writer at a time). The multiprocess executor runs the same job step by
# step in child processes (run config `execution: {config: {multiprocess: {}}}`); the
# steps then wait their turn for the build database (pipelines/build_db.py). Celery or
# Kubernetes executors start from that (README: Running it on more machines).
IN_PROCESS = {"execution": {"config": {"in_process": {}}}}

nightly = dg.define_asset_job(
    name="nightly",
    selection=dg.AssetSelection.all(),
    executor_def=dg.multi_or_in_process_executor,
    description="Load new exports, build every dbt model, run the checks, publish the warehouse.",
    tags={"socialwh/job": "nightly"},
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_at_2am",
    job=nightly,
    cron_schedule="0 2 * * *",
    run_config=IN_PROCESS,
    execution_timezone="America/Toronto",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:00, Montréal/Toronto time.",
)


def landing_fingerprint(
    p: Paths, since: float | None = None, now: float | None = None
) -> tuple[str | None, int, int]:
    """(fingerprint of settled files, settled files changed after `since`, files still
    being written). A file counts as changed by its modification or its status change
    (a copy that kept its old date is still new to landing/)."""
    now = time.time() if now is None else now
    if not p.landing.exists():
        return None, 0, 0
    wait, listed = settle_seconds(), landed_files(p.landing)
    quiet = [(rel, st) for rel, st in listed if now - st.st_mtime >= wait]
    writing = open_for_writing([p.landing / rel for rel, _ in quiet], p.landing)
    settled = [(rel, st) for rel, st in quiet if p.landing / rel not in writing]
    settling = len(listed) - len(settled)
    if not settled:
        return None, 0, settling
    changed = sum(1 for _, st in settled if since is None or max(st.st_mtime, st.st_ctime) > since)
    lines = sorted(f"{rel}|{st.st_size}|{st.st_mtime_ns}" for rel, st in settled)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest(), changed, settling


def _last_run_started(instance: dg.DagsterInstance) -> float | None:
    """When the last successful nightly run started (by any trigger), as a timestamp."""
    records = instance.get_run_records(
        dg.RunsFilter(job_name=nightly.name, statuses=[dg.DagsterRunStatus.SUCCESS]), limit=1
    )
    return records[0].start_time if records and records[0].start_time else None


@dg.sensor(
    name="new_landing_files",
    job=nightly,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts the nightly job when files land (once they stop growing).",
)
def new_landing_files(context: dg.SensorEvaluationContext, warehouse: Warehouse):
    # Without a cursor (a new instance, the UI's first start) files count as new only if
    # they changed after the last good run began, less the settle time its scan waited
    # for: landing/ as the last run left it starts nothing.
    since = None
    if context.cursor is None:
        started = _last_run_started(context.instance)
        since = started - settle_seconds() if started else None
    fingerprint, changed, settling = landing_fingerprint(warehouse.paths, since)
    if fingerprint is None or fingerprint == context.cursor or not changed:
        if fingerprint is not None:
            context.update_cursor(fingerprint)
        reason = "no new files" + (f" ({settling} still being written)" if settling else "")
        return dg.SkipReason(reason)
    context.update_cursor(fingerprint)
    return dg.RunRequest(
        run_key=fingerprint, run_config=IN_PROCESS, tags={"socialwh/trigger": "new_files"}
    )


def _write_report(context: dg.RunStatusSensorContext, warehouse: Warehouse) -> None:
    run = context.dagster_run
    if run.tags.get("socialwh/trigger") == "cli":
        return  # `socialwh run` writes and prints its own
    p = warehouse.paths
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
def nightly_report_on_success(context: dg.RunStatusSensorContext, warehouse: Warehouse):
    _write_report(context, warehouse)


@dg.run_failure_sensor(
    name="nightly_report_on_failure",
    monitored_jobs=[nightly],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Writes the failure report (which step, file or check, what to do) of a "
    "nightly run started by the schedule, the sensor or the UI; `socialwh status` shows it.",
)
def nightly_report_on_failure(context: dg.RunFailureSensorContext, warehouse: Warehouse):
    _write_report(context, warehouse)
