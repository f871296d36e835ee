"""`socialwh status`: last runs, the latest report, per-client freshness, quarantine.

Reads only the run reports and the published warehouse (opened read-only), never the
build database nor the Dagster instance: status answers at once, also while a run holds
them.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from data_checks.freshness import FRESHNESS_HOURS, newest_exports
from pipelines import run_lock
from pipelines.run_report import latest_report, recent_reports, runs_dir
from pipelines.settings import Paths
from pipelines.warehouse_file import open_error


def print_status(p: Paths) -> int:
    holder = run_lock.held_by(p)
    if holder:
        print(f"Now: a run is in progress ({holder}).")

    # The run reports are the runs' own records (every trigger writes one, a run that died
    # gets one from the next run): reading them answers without importing Dagster (1.4 s)
    # or opening its instance.
    print("Last runs:")
    shown = recent_reports(p, 5)
    for report in shown:
        print(
            f"  {report.run_id[:8]}  {report.status:<9} {report.finished:<21} "
            f"{report.trigger:<9} {report.outcome}"
        )
    if not shown:
        print("  none yet: run `socialwh run`")
    print(f"  (every run, with its logs: the Dagster instance at {p.dagster_home}, `make ui`)")

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
