"""Raw files: the landing folder loaded into the build database's `raw` and `ops` schemas."""

import dagster as dg
import duckdb

from pipelines import build_db, gx_warm, run_lock
from pipelines.asset_keys import CLIENTS_KEY, FILE_LOADS_KEY, REJECTED_ROWS_KEY
from pipelines.defs.preview import counts_and_preview
from pipelines.defs.resources import Warehouse
from pipelines.ingest.landing import RAW_TABLES, LandingLoader
from pipelines.privacy import looks_personal_header

# Waiting for a lock held elsewhere (another run, an orphaned dbt of a killed run):
# 30 s, 1, 2, 4, 8 min, then every 10 min, about 1.5 h in all before giving up.
LOCK_RETRIES = 12

RAW_TABLE_KEYS = [dg.AssetKey(["raw", table]) for table in RAW_TABLES]


@dg.multi_asset(
    name="landing_files",
    specs=[
        *[
            dg.AssetSpec(
                key,
                group_name="raw",
                kinds={"duckdb", "csv"},
                description=f"{RAW_TABLES[key.path[-1]]}: every landed export, "
                "one snapshot per export day, with file lineage.",
            )
            for key in RAW_TABLE_KEYS
        ],
        dg.AssetSpec(
            CLIENTS_KEY,
            group_name="raw",
            kinds={"duckdb"},
            description="Client register: clients.csv plus the client folders in landing/.",
        ),
        dg.AssetSpec(
            FILE_LOADS_KEY,
            group_name="ops",
            kinds={"duckdb"},
            description="Every landed file: loaded, duplicate or quarantined, and why.",
        ),
        dg.AssetSpec(
            REJECTED_ROWS_KEY,
            group_name="ops",
            kinds={"duckdb"},
            description="Every row kept out of the marts, with its reason and raw record.",
        ),
    ],
)
def landing_files(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Detect, validate and load the new files of landing/; quarantine what cannot be loaded."""
    p = warehouse.paths
    loader = LandingLoader(
        p, context.run_id, validate=gx_warm.FileChecks().problems, progress=context.log.info
    )
    try:
        # Held until this run's process ends: one run per data dir, whoever started it.
        run_lock.try_acquire(p, context.run_id)
        summary = loader.run()
    except (run_lock.RunInProgress, duckdb.IOException) as exc:
        if isinstance(exc, duckdb.IOException) and not build_db.busy(exc):
            raise  # a disk or file-system error is not worth waiting for
        wait = min(30 * 2**context.retry_number, 600)
        context.log.warning(f"The build database is busy ({exc}); retrying in {wait} s.")
        raise dg.RetryRequested(max_retries=LOCK_RETRIES, seconds_to_wait=wait) from exc
    for warning in summary.warnings:
        context.log.warning(warning)
    if summary.unlisted_clients:
        context.log.warning(
            "Client folders not in clients.csv (loaded with sector 'other'): "
            + ", ".join(summary.unlisted_clients)
        )
    with warehouse.connect(read_only=True) as con:

        def rows(table: str) -> int:
            return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

        for key in RAW_TABLE_KEYS:
            table = ".".join(key.path)
            new = con.execute(
                f"SELECT count(*) FROM {table} WHERE loaded_at = ?", [loader.loaded_at]
            ).fetchone()[0]
            yield dg.MaterializeResult(
                asset_key=key,
                metadata={**counts_and_preview(con, *key.path), "rows_loaded_this_run": new},
            )
        yield dg.MaterializeResult(
            asset_key=CLIENTS_KEY,
            metadata={
                "dagster/row_count": rows("raw.clients"),
                "unlisted_clients": ", ".join(summary.unlisted_clients) or "none",
                "register_warnings": dg.MetadataValue.json(summary.warnings),
            },
        )
        yield dg.MaterializeResult(
            asset_key=FILE_LOADS_KEY,
            metadata={
                "dagster/row_count": rows("ops.file_loads"),
                "files_loaded": summary.count("loaded"),
                "files_duplicate": summary.count("duplicate"),
                "files_quarantined": summary.count("quarantined"),
                "rows_loaded_this_run": summary.rows_loaded,
                "quarantined_this_run": dg.MetadataValue.json(
                    [
                        {"path": f.path, "reason": f.reason}
                        for f in summary.files
                        if f.status == "quarantined"
                    ][:100]
                ),
                "columns_dropped_this_run": dg.MetadataValue.json(_dropped_columns(summary)),
                "notes_this_run": dg.MetadataValue.json(
                    [{"path": f.path, "notes": f.notes} for f in summary.files if f.notes][:100]
                ),
                # not recorded in ops.file_loads: the next run loads them
                "files_still_being_written": dg.MetadataValue.json(
                    [f.path for f in summary.files if f.status == "deferred"]
                ),
            },
        )
        yield dg.MaterializeResult(
            asset_key=REJECTED_ROWS_KEY,
            metadata={
                "dagster/row_count": rows("ops.rejected_rows"),
                "rows_rejected_this_run": summary.rows_rejected,
            },
        )


def _dropped_columns(summary) -> dict[str, dict]:
    """Per export kind: the columns outside its allow-list (never read), how many files had
    them, and per file the personal-looking ones."""
    out: dict[str, dict] = {}
    for f in summary.files:
        if not f.columns_dropped:
            continue
        entry = out.setdefault(f.kind, {"files": 0, "personal": {}, "other": []})
        entry["files"] += 1
        personal = [c for c in f.columns_dropped if looks_personal_header(c)]
        if personal and len(entry["personal"]) < 50:
            entry["personal"][f.path] = personal
        entry["other"] += [
            c for c in f.columns_dropped if c not in personal and c not in entry["other"]
        ]
    return out
