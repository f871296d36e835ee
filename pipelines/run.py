"""`socialwh run`: the nightly job, in process, recorded in the data dir's Dagster instance."""

from __future__ import annotations

import sys

import duckdb

from pipelines.instance import use_instance
from pipelines.settings import Paths

PUBLISHED_ASSET = "warehouse/social"


def run_nightly(p: Paths, full_refresh: bool = False) -> int:
    p.ensure()
    use_instance(p)
    import dagster as dg

    from pipelines.definitions import defs

    instance = dg.DagsterInstance.get()
    job = defs.resolve_job_def("nightly")
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags={"socialwh/trigger": "cli"},
        run_config={
            "loggers": {"console": {"config": {"log_level": "INFO"}}},
            "ops": {"dbt_models": {"config": {"full_refresh": full_refresh}}},
        },
    )
    published = _published(result)
    print_summary(p, result, published)
    return 0 if result.success and published else 1


def _published(result) -> bool:
    return any(
        ev.event_type_value == "ASSET_MATERIALIZATION"
        and ev.asset_key.to_user_string() == PUBLISHED_ASSET
        for ev in result.all_events
    )


def print_summary(p: Paths, result, published: bool) -> None:
    out = sys.stdout
    line = "=" * 72
    print(
        f"\n{line}\nsocialwh nightly run {result.run_id[:8]}: "
        f"{'PUBLISHED' if published else 'NOT PUBLISHED'}\n{line}",
        file=out,
    )
    with duckdb.connect(str(p.build_db), read_only=True) as con:
        files = con.execute(
            "SELECT status, count(*), coalesce(sum(rows_loaded), 0), "
            "coalesce(sum(rows_rejected), 0) FROM ops.file_loads WHERE run_id = ? "
            "GROUP BY status ORDER BY status",
            [result.run_id],
        ).fetchall()
        quarantined = con.execute(
            "SELECT path, reason FROM ops.file_loads WHERE run_id = ? AND status = 'quarantined' "
            "ORDER BY path",
            [result.run_id],
        ).fetchall()
        unlisted = [
            c
            for (c,) in con.execute(
                "SELECT client FROM raw.clients WHERE NOT listed ORDER BY client"
            ).fetchall()
        ]
    counts = {s: (n, r, j) for s, n, r, j in files}
    loaded = counts.get("loaded", (0, 0, 0))
    print(
        f"Files: {loaded[0]} loaded ({loaded[1]} rows, {loaded[2]} rows rejected — see "
        f"ops.rejected_rows), {counts.get('duplicate', (0,))[0]} duplicate, "
        f"{counts.get('quarantined', (0,))[0]} quarantined",
        file=out,
    )
    for path, reason in quarantined:
        print(f"  quarantined landing/{path}: {reason}", file=out)
    if quarantined:
        print(f"  (files moved to {p.quarantine}, each beside a .reason.txt)", file=out)
    if unlisted:
        print(
            f"Clients not in {p.clients_csv.name} (loaded as sector 'other'): "
            f"{', '.join(unlisted)}",
            file=out,
        )

    evaluations = result.get_asset_check_evaluations()
    failed = [e for e in evaluations if not e.passed]
    print(f"Checks: {len(evaluations) - len(failed)} passed, {len(failed)} failed", file=out)
    for ev in failed:
        meta = {k: getattr(v, "value", v) for k, v in ev.metadata.items()}
        blocking = getattr(ev, "severity", None)
        print(
            f"  FAILED {ev.check_name} on {ev.asset_key.to_user_string()}"
            f"{' (warning)' if blocking is not None and blocking.value == 'WARN' else ''}: "
            f"{meta.get('failing_rows', '?')} failing row(s); sample: "
            f"{meta.get('failing_keys_sample', meta.get('sample', 'n/a'))}",
            file=out,
        )
        if ev.description:
            print(f"    why it matters: {ev.description}", file=out)
    for ev in result.all_events:
        if ev.event_type_value == "STEP_FAILURE":
            err = ev.event_specific_data.error
            while err is not None and err.cause is not None:  # the user-facing error is innermost
                err = err.cause
            message = err.message.strip().splitlines()[0] if err else "unknown error"
            if "DagsterAssetCheckFailedError" in message:
                continue  # the failed checks are listed above
            print(f"Step {ev.step_key} failed: {message}", file=out)

    if published:
        print(f"Warehouse published: {p.warehouse}", file=out)
        print(
            "Query it read-only, e.g.:\n"
            f'  duckdb -readonly {p.warehouse} "SELECT * FROM marts.fct_post_performance '
            'LIMIT 10"\n'
            f"  python -c \"import duckdb; print(duckdb.connect('{p.warehouse}', "
            "read_only=True).sql('FROM marts.dim_client'))\"",
            file=out,
        )
    else:
        previous = (
            "the previous warehouse stays published"
            if p.warehouse.exists()
            else "no warehouse has been published yet"
        )
        print(f"Nothing published: {previous} ({p.warehouse}).", file=out)
    print(f"Run recorded in the Dagster instance at {p.dagster_home} (see `make ui`).", file=out)
