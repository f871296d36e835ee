"""`socialwh run`: the nightly job, in process, recorded in the data dir's Dagster instance."""

from __future__ import annotations

import os
import sys
import threading
import uuid
from collections.abc import Callable

from pipelines import dbt_warm, gx_warm, run_lock
from pipelines.instance import open_instance
from pipelines.quiet_night import judge_early, record, stale_clients, verdict
from pipelines.settings import Paths

# cron may start a run while last night's is still going: wait for it rather than fail.
WAIT_FOR_OTHER_RUN_S = 3 * 3600


def run_nightly(
    p: Paths,
    engine: str = "duckdb",
    full_refresh: bool = False,
    accept_drop: list[str] | None = None,
) -> int:
    p.ensure()
    quiet_check = not (full_refresh or accept_drop)
    # Great Expectations' process starts as soon as the judge finds work (pipelines.gx_warm)
    early = judge_early(p, engine, on_work=gx_warm.start) if quiet_check else None
    from pipelines.run_report import save_report

    instance = open_instance(p)
    run_id = str(uuid.uuid4())
    waited = []
    warm = None

    def waiting(message: str) -> None:
        waited.append(message)
        print(message, file=sys.stderr)

    try:
        run_lock.acquire(p, run_id, WAIT_FOR_OTHER_RUN_S, on_wait=waiting)
    except run_lock.RunInProgress as busy:
        print(f"socialwh: gave up waiting: {busy}", file=sys.stderr)
        gx_warm.stop()
        return 1
    try:
        dead = mark_dead_runs_failed(instance)
        stale = None
        job = None
        heeded = early is not None and not waited and not dead
        if heeded and early.still_judging():
            # the judge is still listing landing/ (at L): what a quiet night reports, now
            stale = stale_clients(p)
        elif heeded and early.work_met():
            # it met a new file and may list on (212,000 files at L, 0.9 s): the full
            # job's processes and definitions get ready meanwhile, not after its verdict
            warm = _start_warm_processes(engine)
            job = _nightly_job(p, engine)
        quiet, writing = (
            verdict(p, engine, None if waited else early)
            if quiet_check and not dead
            else (False, [])
        )
        if quiet:
            report = record(p, instance, writing, run_id, stale)
            saved = save_report(p, instance, report)
            print("\n" + report.text + f"This report: {saved}")
            return 0 if report.published else 1
        # the full job: Great Expectations and dbt start importing beside it on the other
        # core, and only now Dagster's definitions and dagster-dbt are imported
        if warm is None:
            warm = _start_warm_processes(engine)
        if job is None:
            job = _nightly_job(p, engine)
        from pipelines.run_events import build_report

        for gone in dead:
            print(f"Run {gone[:8]} had stopped without finishing (process gone); marked failed.")
            save_report(p, instance, build_report(p, instance, gone))
        result = job.execute_in_process(
            instance=instance,
            run_id=run_id,
            raise_on_error=False,
            tags={"socialwh/trigger": "cli", "socialwh/pid": str(os.getpid())},
            run_config={
                "loggers": {"console": {"config": {"log_level": "INFO"}}},
                "ops": {
                    "dbt_models": {"config": {"full_refresh": full_refresh}},
                    "run_level_rules": {"config": {"accept_drop": accept_drop or []}},
                },
            },
        )
        report = build_report(p, instance, result.run_id)
        saved = save_report(p, instance, report)
    finally:
        if warm is not None:
            warm()
        gx_warm.stop()  # started for a night judged busy, which a second judgement found quiet
        run_lock.release(p)
    print("\n" + report.text + f"This report: {saved}")
    return 0 if result.success and report.published else 1


def _nightly_job(p: Paths, engine: str):
    from pipelines.definitions import for_data_dir

    return for_data_dir(p, engine).resolve_job_def("nightly")


def _start_warm_processes(engine: str) -> Callable[[], None]:
    """Starts Great Expectations' process (pipelines.gx_warm), then dbt's (pipelines.dbt_warm,
    DuckDB engine) once GX is imported there: the landing step needs GX within seconds, dbt
    comes after the loading, and both importing at once on the one idle core slowed the
    first (the first batch of files waited 1 s for GX at L). dbt's script is in place from
    the start (the definitions name it); a dbt command before its process waits for it.
    Returns what stops both."""
    worker = gx_warm.start()  # or the one the early judgement started
    dbt = dbt_warm.start(launch=False) if engine == "duckdb" else None

    def dbt_once_gx_is_ready() -> None:
        # or at once when dbt is asked for first (a night with no file to validate)
        for _ in range(600):
            if worker.wait_ready(timeout=0.1) or worker.broken or dbt.command_waiting():
                break
        dbt.launch()  # nothing once closed

    starter = threading.Thread(target=dbt_once_gx_is_ready, name="warm-dbt", daemon=True)
    if dbt is not None:
        starter.start()

    def stop() -> None:
        gx_warm.stop()  # a wait for GX's readiness ends with its pipe
        if dbt is not None:
            dbt.close()
        if starter.is_alive():
            starter.join(timeout=30)

    return stop


def mark_dead_runs_failed(instance) -> list[str]:
    """Runs of `socialwh run` still marked as started while we hold the data dir's lock
    have lost their process (kill -9, crash, reboot): say so in the instance."""
    import dagster as dg

    dead = []
    records = instance.get_run_records(
        dg.RunsFilter(
            job_name="nightly",
            statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING],
            tags={"socialwh/trigger": "cli"},
        )
    )
    for rec in records:
        instance.report_run_failed(
            rec.dagster_run,
            message=(
                "The run's process stopped before the run finished (killed, out of memory or "
                "the machine stopped). Nothing it did was published; the next run picked up "
                "its files."
            ),
        )
        dead.append(rec.dagster_run.run_id)
    return dead
