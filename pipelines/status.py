"""`socialwh status`: last runs, the latest report, per-client freshness, quarantine.

Reads only the Dagster instance, the run reports and the published warehouse (opened
read-only), never the build database: status works while a run holds that one.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from data_checks.freshness import FRESHNESS_HOURS, newest_exports
from pipelines import run_lock
from pipelines.instance import use_instance
from pipelines.run_report import latest_report, runs_dir
from pipelines.settings import Paths
from pipelines.warehouse_file import open_error


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

    latest = latest_report(p)
    if latest is not None:
        print(f"Latest run report ({runs_dir(p) / 'latest.txt'}):")
        for line in latest.summary():
            print(f"  {line}")

    broken = open_error(p.warehouse)
    if broken:
        print(
            f"Published warehouse: {p.warehouse} CANNOT BE OPENED ({broken}). Analysts cannot "
            "query it; the next good run (`socialwh run`, or tonight's schedule) replaces it."
        )
    elif p.warehouse.exists():
        published = datetime.fromtimestamp(p.warehouse.stat().st_mtime).astimezone()
        print(f"Published warehouse: {p.warehouse} (published {published:%Y-%m-%d %H:%M})")
        _freshness(p)
    else:
        print("Published warehouse: none yet")

    for where in (p.data_dir, p.landing, p.quarantine, p.build_dir):
        if where.exists() and where.stat().st_mode & 0o007:
            print(
                f"Warning: {where} is open to every user of this machine (mode "
                f"{where.stat().st_mode & 0o777:o}); it holds exports as delivered: chmod 700 it"
            )
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
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        rows = newest_exports(con)
    print(
        f"Newest export per client (stale {FRESHNESS_HOURS} h after its day ends, client's time):"
    )
    for client, newest, files, stale in rows:
        if newest is None:
            print(f"  {client:<32} no export loaded")
            continue
        print(f"  {client:<32} {newest}  {'STALE' if stale else 'fresh':<5}  ({files} files)")
