"""Before and after dbt builds on Spark: what Spark needs to start (Java, pyspark, its
folders, the raw tables as Parquet), then the Parquet tables Spark wrote read into the
DuckDB build database, where the checks and the publish step find them as after a DuckDB
build.

Spark runs inside the dbt process (dbt-spark's session method): `local[*]` by default,
bound to this machine only (127.0.0.1) unless SPARK_LOCAL_IP says otherwise.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
from pathlib import Path

import duckdb

from pipelines.settings import Paths
from pipelines.spark.raw_export import ExportResult, export_raw

INSTALL_ADVICE = (
    "the Spark engine needs pyspark and dbt-spark (pip install -e '.[spark]') and Java 17 "
    "(Debian: apt-get install openjdk-17-jre-headless); or run with --engine duckdb"
)


class SparkUnavailable(RuntimeError):
    pass


def spark_dir(p: Paths) -> Path:
    return p.build_dir / "spark"


def warehouse_dir(p: Paths) -> Path:
    return spark_dir(p) / "warehouse"


def target_path(p: Paths) -> Path:
    """dbt's target folder for Spark builds: its own, so that the DuckDB build's
    partial-parse cache and manifest are left as they are."""
    return p.build_dir / "dbt_target_spark"


def _installed(distribution: str) -> bool:
    # package metadata, not an import: importing pyspark costs seconds (and data_checks
    # keeps it out of the processes that import Great Expectations)
    try:
        importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def check_available() -> None:
    missing = [d for d in ("pyspark", "dbt-spark") if not _installed(d)]
    java = shutil.which("java") or (
        os.environ.get("JAVA_HOME") and Path(os.environ["JAVA_HOME"], "bin", "java").exists()
    )
    if missing or not java:
        what = ", ".join(missing + ([] if java else ["java"]))
        raise SparkUnavailable(f"{what} not found: {INSTALL_ADVICE}")


def prepare(p: Paths) -> ExportResult:
    """Export the raw tables for Spark (dbt_vars points dbt's Spark profile at them)."""
    check_available()
    root = spark_dir(p)
    root.mkdir(parents=True, exist_ok=True)
    return export_raw(p.build_db, root / "raw")


def dbt_vars(p: Paths) -> dict[str, str]:
    """What the Spark profile and the raw-source macro read (as dbt --vars): Spark's folder
    under the data dir, and the Parquet raw tables in it."""
    root = spark_dir(p)
    return {"socialwh_spark_dir": str(root), "socialwh_spark_raw": str(root / "raw")}


def _built_relations(manifest_path: Path) -> list[dict]:
    manifest = json.loads(manifest_path.read_text())
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed") and node["package_name"] == "socialwh"
    ]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _comments(node: dict, name: str) -> list[str]:
    """dbt's descriptions as COMMENTs (Spark keeps column comments only on Delta tables),
    for the layers whose docs are persisted (marts, analytics)."""
    persist = node["config"].get("persist_docs") or {}
    out = []
    if persist.get("relation") and node.get("description"):
        out.append(f"COMMENT ON TABLE {name} IS {_quote(node['description'])}")
    if persist.get("columns"):
        for column, spec in node.get("columns", {}).items():
            if spec.get("description"):
                out.append(f'COMMENT ON COLUMN {name}."{column}" IS {_quote(spec["description"])}')
    return out


def import_into_build_db(p: Paths, manifest_path: Path) -> list[str]:
    """Every model and seed Spark built, as a table of the DuckDB build database (its
    rows read from Spark's Parquet files). Returns the schema.table names read (the dbt
    asset counts their rows for the UI, as after a DuckDB build)."""
    imported = []
    with duckdb.connect(str(p.build_db)) as con:
        for node in _built_relations(manifest_path):
            schema, table = node["schema"], node["alias"] or node["name"]
            folder = warehouse_dir(p) / f"{schema}.db" / table
            types = node["config"].get("column_types") or {}
            if not folder.is_dir() or not (any(folder.glob("*.parquet")) or types):
                continue  # not built by this run (a failed or skipped model)
            name = f'"{schema}"."{table}"'
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            if con.execute(  # DuckDB built it as a view: the Spark build's is a table
                "SELECT 1 FROM duckdb_views() WHERE schema_name = ? AND view_name = ?",
                [schema, table],
            ).fetchall():
                con.execute(f"DROP VIEW {name}")
            if any(folder.glob("*.parquet")):
                con.execute(
                    f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_parquet("
                    f"{_quote(str(folder / '*.parquet'))})"
                )
            else:  # a seed without rows: Spark writes no file, its columns are declared
                columns = ", ".join(f'"{c}" {t}' for c, t in types.items())
                con.execute(f"CREATE OR REPLACE TABLE {name} ({columns})")
            for comment in _comments(node, name):
                con.execute(comment)
            imported.append(f"{schema}.{table}")
    return imported
