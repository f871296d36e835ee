"""`socialwh status`: last runs, per-client freshness, quarantine, last failed checks."""

from __future__ import annotations

from datetime import datetime

import duckdb

from pipelines.instance import use_instance
from pipelines.settings import Paths


def print_status(p: Paths) -> int:
    use_instance(p)
    import dagster as dg

    instance = dg.DagsterInstance.get()
    records = instance.get_run_records(dg.RunsFilter(job_name="nightly"), limit=5)
    print("Last runs:")
    for rec in records:
        run = rec.dagster_run
        when = rec.start_time and datetime.fromtimestamp(rec.start_time)
        print(
            f"  {run.run_id[:8]}  {run.status.value:<9}  {when:%Y-%m-%d %H:%M}"
            if when
            else f"  {run.run_id[:8]}  {run.status.value}"
        )
    if not records:
        print("  none yet: run `socialwh run`")
    print(f"Published warehouse: {p.warehouse if p.warehouse.exists() else 'none yet'}")
    if p.build_db.exists():
        with duckdb.connect(str(p.build_db), read_only=True) as con:
            print("Newest export per client (snapshot date):")
            for client, newest, files in con.execute(
                "SELECT client, max(snapshot_date), count(*) FROM ops.file_loads "
                "WHERE status = 'loaded' GROUP BY client ORDER BY client"
            ).fetchall():
                print(f"  {client:<30} {newest}  ({files} files)")
            failed = con.execute(
                'SELECT "check", asset, failing_rows FROM ops.check_results WHERE run_id = '
                "(SELECT run_id FROM ops.check_results ORDER BY checked_at DESC LIMIT 1) "
                "AND NOT passed"
            ).fetchall()
            for check, asset, n in failed:
                print(f"Last run's failed check: {check} on {asset} ({n} rows)")
    reasons = sorted(p.quarantine.rglob("*.reason.txt")) if p.quarantine.exists() else []
    print(f"In quarantine: {len(reasons)} file(s)")
    for r in reasons[:20]:
        print(f"  {r.relative_to(p.quarantine).as_posix().removesuffix('.reason.txt')}")
    return 0
