"""One benchmark phase, run in a fresh process by bench/run.py: prints one JSON line.

Usage: python bench/phase.py PHASE DATA_DIR. The environment (SOCIALWH_DATA_DIR, the
salt file, the memory limit) is set by bench/run.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from pipelines import build_state, dbt_scope
from pipelines.dbt_files import project_fingerprint, record_parse
from pipelines.settings import DBT_PROJECT_DIR, Paths

DBT = str(Path(sys.executable).parent / "dbt")


def dbt_vars(p: Paths, extra: dict | None = None) -> list[str]:
    """The build database (and Spark's folders) as the pipeline hands them to dbt."""
    return ["--vars", json.dumps({"socialwh_build_db": str(p.build_db), **(extra or {})})]


def load(p: Paths) -> dict:
    from data_checks.runner import FileValidator
    from pipelines.ingest.landing import LandingLoader

    summary = LandingLoader(
        p, "bench", validate=FileValidator().problems, progress=lambda _m: None
    ).run()
    return {"rows": summary.rows_loaded, "files": summary.count("loaded")}


def read_csv_floor(p: Paths) -> dict:
    """DuckDB's own read_csv over the same CSV files, nothing else: the loading floor."""
    files = sorted(str(f) for f in p.landing.rglob("*.csv"))
    rows = 0
    with duckdb.connect() as con:
        for f in files:
            try:
                rows += con.execute(
                    "SELECT count(*) FROM read_csv(?, all_varchar = true, ignore_errors = true)",
                    [f],
                ).fetchone()[0]
            except duckdb.Error:
                pass  # UTF-16 and damaged files: the pipeline sniffs them, the floor skips them
    return {"rows": rows, "files": len(files)}


def build(p: Paths, full_refresh: bool) -> dict:
    args = [DBT, "build", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
            str(DBT_PROJECT_DIR), "--target-path", str(p.dbt_target), "--quiet",
            *dbt_vars(p)]  # fmt: skip
    if full_refresh:
        args.append("--full-refresh")
    files = project_fingerprint()
    subprocess.run(args, check=True)
    # as the pipeline does after a build: the next nightly run may then be incremental,
    # and loads the manifest this build wrote without parsing the project again
    build_state.record_project(p)
    record_parse(p.dbt_target, files)
    with duckdb.connect(str(p.build_db), read_only=True) as con:
        # what this whole build read: the next night recomputes the clients loaded after it
        dbt_scope.record(con, p, dbt_scope.prepare(con, p, scoped=False))
        rows = con.execute(
            "SELECT sum(estimated_size) FROM duckdb_tables() WHERE schema_name = 'marts'"
        ).fetchone()[0]
    return {"rows": int(rows or 0)}


def spark_build(p: Paths) -> dict:
    """The same `dbt build` on Spark (bench/spark.py): the raw tables exported to Parquet
    first, as `socialwh run --engine spark` does."""
    from pipelines.spark import build as on_spark

    on_spark.prepare(p)
    subprocess.run(
        [DBT, "build", "--target", "spark", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(on_spark.target_path(p)),
         "--quiet", *dbt_vars(p, on_spark.dbt_vars(p))],
        check=True,
    )  # fmt: skip
    return {"rows": None}


def checks(p: Paths) -> dict:
    """Every mart and run-level rule; `own_s` leaves out Python's start and Great
    Expectations' import (~3-5 s), which a nightly run pays once, shared with the
    loader's file checks."""
    from data_checks import run_rules
    from data_checks.runner import run_suite
    from data_checks.suites import SUITES

    start = time.perf_counter()
    with duckdb.connect(str(p.build_db), read_only=True) as con:
        results = [r for suite in SUITES for r in run_suite(con, suite)]
        results += [run_rules.freshness(con), *run_rules.reconciliation(con)]
        results += run_rules.volume(con, p.warehouse)
    return {
        "rows": sum(r.checked_rows for r in results),
        "rules": len(results),
        "own_s": round(time.perf_counter() - start, 2),
    }


def duckdb_floor(p: Paths) -> dict:
    """The hand-written DuckDB script of every mart (bench/floor.py) on the raw tables;
    `own_s` leaves out Python's start, as dbt's own elapsed time leaves out dbt's."""
    from bench import floor

    with duckdb.connect(str(p.build_db), read_only=True) as con:
        start = time.perf_counter()
        rows = floor.compute(con)
        return {"rows": rows, "own_s": round(time.perf_counter() - start, 2)}


def pandas_reference(p: Paths) -> dict:
    from bench.references import pandas_reference as compute

    with duckdb.connect(str(p.build_db), read_only=True) as con:
        posts, content = compute(con)
    return {"rows": len(posts) + len(content)}


def publish(p: Paths) -> dict:
    """The publish step; `own_s` leaves out Python's start. Run twice by bench/run.py: the
    second time nothing changed since the first. With the build's scope, as the pipeline's
    step (pipelines/defs/publish.py): the file then names the build it holds, and the next
    night publishes by client from it, as a night after a night does."""
    from pipelines.publish import ClientScope
    from pipelines.publish import publish as do_publish

    start = time.perf_counter()
    result = do_publish(p, "bench", ClientScope(*dbt_scope.published_scope(p)))
    return {
        "rows": sum(n for t, n in result.tables.items() if t.startswith("marts.")),
        "own_s": round(time.perf_counter() - start, 2),
        "copied": len(result.copied),
    }


def main() -> None:
    phase, data_dir = sys.argv[1], Path(sys.argv[2])
    p = Paths(data_dir).ensure()
    out = {
        "load": lambda: load(p),
        "read_csv_floor": lambda: read_csv_floor(p),
        "full_build": lambda: build(p, full_refresh=True),
        "spark_build": lambda: spark_build(p),
        "duckdb_floor": lambda: duckdb_floor(p),
        "pandas_reference": lambda: pandas_reference(p),
        "checks": lambda: checks(p),
        "publish": lambda: publish(p),
        "publish_unchanged": lambda: publish(p),
    }[phase]()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
