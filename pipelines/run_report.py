"""What a run did, in plain words: printed by `socialwh run`, kept under <data dir>/runs/.

The report is built from the run's events in the Dagster instance only (never from the
build database, which the next run may already hold), so the same text comes out for
a run started from cron, by the schedule, by the sensor or from the UI. A failed run's
report says which step, file or check failed and what to do; `socialwh status` shows the
latest one and the UI shows its headline as the run's `socialwh/outcome` tag.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import dagster as dg

from pipelines.settings import Paths

PUBLISHED_ASSET = "warehouse/social"
FILE_LOADS_ASSET = "ops/file_loads"
REJECTED_ROWS_ASSET = "ops/rejected_rows"
CLIENTS_ASSET = "raw/clients"


@dataclass
class RunReport:
    run_id: str
    status: str
    published: bool
    headline: str
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        rule = "=" * 72
        return f"{rule}\n{self.headline}\n{rule}\n" + "\n".join(self.lines) + "\n"


def _meta(event) -> dict:
    return {k: getattr(v, "value", v) for k, v in event.metadata.items()}


def _innermost(error) -> str:
    while error is not None and error.cause is not None:  # the user-facing error is innermost
        error = error.cause
    return error.message.strip().splitlines()[0] if error else "unknown error"


def build_report(p: Paths, instance: dg.DagsterInstance, run_id: str) -> RunReport:
    run = instance.get_run_by_id(run_id)
    events = [e.dagster_event for e in instance.all_logs(run_id) if e.dagster_event is not None]
    materialized = {
        ev.asset_key.to_user_string(): _meta(ev.event_specific_data.materialization)
        for ev in events
        if ev.event_type_value == "ASSET_MATERIALIZATION"
    }
    published = PUBLISHED_ASSET in materialized
    when = datetime.now().astimezone()
    status = run.status.value if run else "UNKNOWN"
    trigger = run.tags.get("socialwh/trigger", "ui") if run else "?"
    headline = (
        f"socialwh nightly run {run_id[:8]} ({trigger}, {when:%Y-%m-%d %H:%M %Z}): "
        f"{'PUBLISHED' if published else 'NOT PUBLISHED'}"
    )
    out: list[str] = []

    loads = materialized.get(FILE_LOADS_ASSET)
    if loads is not None:
        rejected = materialized.get(REJECTED_ROWS_ASSET, {}).get("rows_rejected_this_run", 0)
        out.append(
            f"Files: {loads.get('files_loaded', 0)} loaded ({loads.get('rows_loaded_this_run', 0)} "
            f"rows, {rejected} rows rejected — see ops.rejected_rows), "
            f"{loads.get('files_duplicate', 0)} duplicate, "
            f"{loads.get('files_quarantined', 0)} quarantined"
        )
        quarantined = loads.get("quarantined_this_run") or []
        for q in quarantined:
            out.append(f"  quarantined landing/{q['path']}: {q['reason']}")
        if quarantined:
            out.append(f"  (files moved to {p.quarantine}, each beside a .reason.txt)")
        for kind, d in (loads.get("columns_dropped_this_run") or {}).items():
            for path, columns in d["personal"].items():
                out.append(
                    f"  personal columns dropped, never stored, from landing/{path}: "
                    + ", ".join(columns)
                )
            if d["other"]:
                shown = ", ".join(d["other"][:10]) + (" …" if len(d["other"]) > 10 else "")
                out.append(
                    f"  {kind} ({d['files']} file(s)): columns socialwh does not use, not "
                    f"stored: {shown}"
                )
        for noted in loads.get("notes_this_run") or []:
            out.append(f"  noted in landing/{noted['path']}: " + "; ".join(noted["notes"]))
        for path in loads.get("files_still_being_written") or []:
            out.append(f"  still being written, left for the next run: landing/{path}")
    if any(m.get("rebuilt") is False for m in materialized.values()):
        out.append(
            "Models: up to date, nothing new since the last build (dbt not run; the checks "
            "below ran on them again)"
        )
    unlisted = materialized.get(CLIENTS_ASSET, {}).get("unlisted_clients", "none")
    if unlisted and unlisted != "none":
        out.append(unlisted_clients_line(unlisted.split(", "), p.clients_csv.name))

    evaluations = [
        ev.event_specific_data for ev in events if ev.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    failed = [e for e in evaluations if not e.passed]
    if evaluations:
        out.append(f"Checks: {len(evaluations) - len(failed)} passed, {len(failed)} failed")
    blocking_failed = []
    for ev in failed:
        meta = _meta(ev)
        warning = ev.severity is not None and ev.severity.value == "WARN"
        if not warning:
            blocking_failed.append(ev)
        out.append(
            f"  FAILED {ev.check_name} on {ev.asset_key.to_user_string()}"
            f"{' (warning)' if warning else ' (blocking)'}: "
            f"{meta.get('failing_rows', '?')} failing row(s); sample: "
            f"{meta.get('failing_keys_sample', meta.get('sample', 'n/a'))}"
        )
        if ev.description:
            out.append(f"    why it matters: {ev.description}")

    failed_steps = []
    for ev in events:
        if ev.event_type_value == "STEP_FAILURE":
            message = _innermost(ev.event_specific_data.error)
            if "DagsterAssetCheckFailedError" in message:
                continue  # the failed checks are listed above
            failed_steps.append(ev.step_key)
            out.append(f"Step {ev.step_key} failed: {message}")
    crash = next(
        (
            ev
            for ev in events
            if ev.event_type == dg.DagsterEventType.RUN_FAILURE and not failed_steps
        ),
        None,
    )
    if crash is not None and not blocking_failed and crash.message:
        out.append(f"Run failed: {crash.message.strip().splitlines()[0]}")

    if published:
        out.append(f"Warehouse published: {p.warehouse}")
        out.append(
            "Query it read-only, e.g.:\n"
            f"  SOCIALWH_DATA_DIR={p.data_dir} {Path(sys.executable).parent / 'socialwh'} sql "
            '"SELECT * FROM analytics.posts LIMIT 10"\n'
            f"  python -c \"import duckdb; print(duckdb.connect('{p.warehouse}', "
            "read_only=True).sql('FROM marts.dim_client'))\""
        )
    else:
        previous = (
            "the previous warehouse stays published"
            if p.warehouse.exists()
            else "no warehouse has been published yet"
        )
        out.append(f"Nothing published: {previous} ({p.warehouse}).")
        out.append("What to do: " + _advice(blocking_failed, failed_steps, crash))
        drops = [
            e.asset_key.to_user_string().replace("/", ".")
            for e in blocking_failed
            if e.check_name == "volume_no_drop"
        ]
        if drops:
            out.append(
                "If fewer rows are expected (an export removed from landing/ on purpose, a "
                "rebuild after one left), publish this once with: socialwh run "
                + " ".join(f"--accept-drop {table}" for table in drops)
            )
    out.append(f"Run recorded in the Dagster instance at {p.dagster_home} (see `make ui`).")
    return RunReport(run_id, status, published, headline, out)


def _advice(blocking_failed, failed_steps, crash) -> str:
    if blocking_failed:
        return (
            "look at the failing rows named above (query the build database read-only, "
            "or the check's metadata in the UI); fix or re-export the files they come from "
            "(move a bad file out of landing/, or drop a corrected one in), then run "
            "`socialwh run` again. A model that drifted is repaired by "
            "`socialwh run --full-refresh`."
        )
    if failed_steps:
        return (
            "read the step's error above (its full log is in the UI, run page); once fixed, "
            "`socialwh run` starts again from the files: nothing needs cleaning up."
        )
    if crash is not None:
        return (
            "the run's process stopped before it finished (killed, out of memory or the "
            "machine stopped); nothing half-done was published, and the next run "
            "(`socialwh run`, or tonight's schedule) picks up on its own."
        )
    return "see the run's log in the UI (`make ui`)."


def runs_dir(p: Paths) -> Path:
    return p.data_dir / "runs"


def save_report(p: Paths, instance: dg.DagsterInstance, report: RunReport) -> Path:
    """Keep the report as a file and its headline on the run, where the UI shows it."""
    folder = runs_dir(p)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{datetime.now():%Y%m%d-%H%M%S}-{report.run_id[:8]}.txt"
    path.write_text(report.text, encoding="utf-8")
    (folder / "latest.txt").write_text(report.text, encoding="utf-8")
    problems = [
        line.strip()
        for line in report.lines
        if line.startswith(("  FAILED", "Step", "Run failed")) and "(warning)" not in line
    ]
    warnings = sum(1 for line in report.lines if "(warning)" in line)
    if report.published:
        outcome = "published" + (f", {warnings} warning(s)" if warnings else "")
    else:
        outcome = "not published" + (f": {problems[0]}" if problems else "")
    instance.add_run_tags(
        report.run_id,
        {
            "socialwh/outcome": outcome[:250],
            "socialwh/report": str(path),
        },
    )
    return path


def unlisted_clients_line(names: list[str], register: str, shown: int = 10) -> str:
    """The report's line on client folders missing from the register: the first few by
    name (an agency that never wrote the register would get 200 names in one line)."""
    listed = ", ".join(names[:shown])
    if len(names) > shown:
        listed += (
            f" … and {len(names) - shown} more (marts.dim_client, where is_listed_in_register "
            "is false)"
        )
    return f"{len(names)} client(s) not in {register} (loaded as sector 'other'): {listed}"
