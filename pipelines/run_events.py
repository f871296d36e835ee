"""A run's report (run_report.RunReport) from its events in the Dagster instance."""

from __future__ import annotations

from datetime import datetime

import dagster as dg

from pipelines import disk
from pipelines.asset_keys import CLIENTS_KEY, FILE_LOADS_KEY, PUBLISHED_KEY, REJECTED_ROWS_KEY
from pipelines.run_report import CheckFailure, Files, Quarantined, RunReport
from pipelines.settings import Paths
from pipelines.warehouse_file import open_error

PUBLISHED_ASSET = PUBLISHED_KEY.to_user_string()
FILE_LOADS_ASSET = FILE_LOADS_KEY.to_user_string()
REJECTED_ROWS_ASSET = REJECTED_ROWS_KEY.to_user_string()
CLIENTS_ASSET = CLIENTS_KEY.to_user_string()


def _meta(event) -> dict:
    return {k: getattr(v, "value", v) for k, v in event.metadata.items()}


def _innermost(error) -> str:
    while error is not None and error.cause is not None:  # the user-facing error is innermost
        error = error.cause
    return error.message.strip().splitlines()[0] if error else "unknown error"


def _files(loads: dict, rejected: int) -> Files:
    files = Files(
        loaded=loads.get("files_loaded", 0),
        rows=loads.get("rows_loaded_this_run", 0),
        rows_rejected=rejected,
        duplicate=loads.get("files_duplicate", 0),
        quarantined=loads.get("files_quarantined", 0),
        quarantined_files=[
            Quarantined(q["path"], q["reason"]) for q in loads.get("quarantined_this_run") or []
        ],
        notes=[(n["path"], n["notes"]) for n in loads.get("notes_this_run") or []],
        still_being_written=list(loads.get("files_still_being_written") or []),
    )
    for kind, d in (loads.get("columns_dropped_this_run") or {}).items():
        files.personal_dropped.update(d["personal"])
        if d["other"]:
            files.other_dropped.append((kind, d["files"], d["other"]))
    return files


def build_report(p: Paths, instance: dg.DagsterInstance, run_id: str) -> RunReport:
    run = instance.get_run_by_id(run_id)
    events = [e.dagster_event for e in instance.all_logs(run_id) if e.dagster_event is not None]
    materialized = {
        ev.asset_key.to_user_string(): _meta(ev.event_specific_data.materialization)
        for ev in events
        if ev.event_type_value == "ASSET_MATERIALIZATION"
    }
    clients = materialized.get(CLIENTS_ASSET, {})
    unlisted = clients.get("unlisted_clients", "none")
    report = RunReport(
        run_id=run_id,
        status=run.status.value if run else "UNKNOWN",
        trigger=run.tags.get("socialwh/trigger", "ui") if run else "?",
        finished=f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        published=PUBLISHED_ASSET in materialized,
        warehouse=str(p.warehouse),
        previous_published=p.warehouse.exists() and open_error(p.warehouse) is None,
        models_up_to_date=any(m.get("rebuilt") is False for m in materialized.values()),
        unlisted_clients=unlisted.split(", ") if unlisted and unlisted != "none" else [],
        register=p.clients_csv.name,
        register_warnings=list(clients.get("register_warnings") or []),
        quarantine_dir=str(p.quarantine),
        dagster_home=str(p.dagster_home),
        data_dir=str(p.data_dir),
    )
    loads = materialized.get(FILE_LOADS_ASSET)
    if loads is not None:
        rejected = materialized.get(REJECTED_ROWS_ASSET, {}).get("rows_rejected_this_run", 0)
        report.files = _files(loads, rejected)
    evaluations = [
        ev.event_specific_data for ev in events if ev.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    for ev in evaluations:
        if ev.passed:
            report.checks_passed += 1
            continue
        meta = _meta(ev)
        report.check_failures.append(
            CheckFailure(
                check=ev.check_name,
                asset=ev.asset_key.to_user_string(),
                blocking=not (ev.severity is not None and ev.severity.value == "WARN"),
                failing_rows=meta.get("failing_rows", "?"),
                sample=str(meta.get("failing_keys_sample", meta.get("sample", "n/a"))),
                why=ev.description,
            )
        )
    for ev in events:
        if ev.event_type_value == "STEP_FAILURE":
            message = _innermost(ev.event_specific_data.error)
            if "DagsterAssetCheckFailedError" not in message:  # the failed checks say it
                report.failed_steps.append((ev.step_key, message))
    crash = next((e for e in events if e.event_type == dg.DagsterEventType.RUN_FAILURE), None)
    if crash is not None and not report.failed_steps and crash.message:
        report.crash = crash.message.strip().splitlines()[0]
    errors = [e for _, e in report.failed_steps] + ([report.crash] if report.crash else [])
    report.disk_full = any(disk.is_disk_full(e, p.data_dir) for e in errors)
    return report
