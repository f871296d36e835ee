"""`socialwh status`: last runs, the latest report, per-client freshness, quarantine.

Reads only the Dagster instance, the run reports and the published warehouse (opened
read-only), never the build database: status works while a run holds that one.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from data_checks.run_rules import FRESHNESS_HOURS as STALE_AFTER_HOURS
from pipelines import run_lock
from pipelines.instance import use_instance
from pipelines.run_report import runs_dir
from pipelines.settings import Paths


def print_status(p: Paths) -> int:
    use_instance(p)
    import dagster as dg

    instance = dg.DagsterInstance.get()
    holder = run_lock.held_by(p)
    if holder:
        print(f"Now: a run is in progress ({holder}).")

    print("Last runs:")
    records = instance.get_run_records(dg.RunsFilter(job_name="nightly"), limit=5)
    for rec in records:
        run = rec.dagster_run
        started = rec.start_time and datetime.fromtimestamp(rec.start_time).astimezone()
        took = (
            f"{(rec.end_time - rec.start_time) / 60:4.1f} min"
            if rec.end_time and rec.start_time
            else "        "
        )
        print(
            f"  {run.run_id[:8]}  {run.status.value:<9} "
            f"{f'{started:%Y-%m-%d %H:%M}' if started else '—':<16}  {took}  "
            f"{run.tags.get('socialwh/trigger', 'ui'):<9} {run.tags.get('socialwh/outcome', '')}"
        )
    if not records:
        print("  none yet: run `socialwh run`")

    latest = runs_dir(p) / "latest.txt"
    if latest.exists():
        lines = latest.read_text(encoding="utf-8").splitlines()
        important = [
            line
            for line in lines
            if line.startswith(
                (
                    "socialwh nightly",
                    "Files:",
                    "Checks:",
                    "  FAILED",
                    "Step",
                    "Run failed",
                    "Nothing published",
                    "What to do",
                    "  still being written",
                )
            )
        ]
        print(f"Latest run report ({latest}):")
        for line in important:
            print(f"  {line.strip()}")

    if p.warehouse.exists():
        published = datetime.fromtimestamp(p.warehouse.stat().st_mtime).astimezone()
        print(f"Published warehouse: {p.warehouse} (published {published:%Y-%m-%d %H:%M})")
        _freshness(p)
    else:
        print("Published warehouse: none yet")

    reasons = sorted(p.quarantine.rglob("*.reason.txt")) if p.quarantine.exists() else []
    print(f"In quarantine: {len(reasons)} file(s) in {p.quarantine}")
    for r in reasons[:20]:
        name = r.relative_to(p.quarantine).as_posix().removesuffix(".reason.txt")
        problem = next(
            (
                ln[len("Problem: ") :]
                for ln in r.read_text(encoding="utf-8").splitlines()
                if ln.startswith("Problem: ")
            ),
            "",
        )
        print(f"  {name}: {problem[:160]}")
    if len(reasons) > 20:
        print(f"  … and {len(reasons) - 20} more")
    return 0


def _freshness(p: Paths) -> None:
    now = datetime.now(UTC)
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT c.client, max(f.snapshot_date), count(f.path) FROM marts.dim_client c "
            "LEFT JOIN ops.file_loads f ON f.client = c.client AND f.status = 'loaded' "
            "GROUP BY c.client ORDER BY c.client"
        ).fetchall()
    print(f"Newest export per client (stale after {STALE_AFTER_HOURS} h):")
    for client, newest, files in rows:
        if newest is None:
            print(f"  {client:<32} no export loaded")
            continue
        # an export dated D holds data through the end of day D
        age_h = (now - datetime(newest.year, newest.month, newest.day, tzinfo=UTC)).total_seconds()
        age_h = max(age_h / 3600 - 24, 0)
        flag = "STALE" if age_h > STALE_AFTER_HOURS else "fresh"
        print(f"  {client:<32} {newest}  {flag:<5}  ({files} files)")
