"""The same dbt project on Spark: every relation equal to DuckDB's, row for row.

`make test-spark` runs this module (pyspark, dbt-spark and Java 17 installed; it fails
rather than skips there). The demo data covers a daylight-saving change inside the 56-day
benchmark window (2026-03-08, America/Toronto) and, once edited here, accented names
beyond French (Polish, Czech, Lithuanian, Turkish, Vietnamese) in captions that the theme
rules must still read, and in a client's name.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import socialwh

from pipelines.spark.build import SparkUnavailable, check_available
from pipelines.spark.equality import differences, warehouse_differences

pytestmark = pytest.mark.spark

REQUIRED = os.environ.get("SOCIALWH_REQUIRE_SPARK") == "1"  # set by `make test-spark`


def _spark_missing() -> str | None:
    try:
        check_available()
    except SparkUnavailable as missing:
        return str(missing)
    return None


# Theme keywords written with letters French does not use: folded, they read "concours"
# and "contest" again (DuckDB's strip_accents and Spark's translate table must agree).
ACCENTED = {"Concours": "Cöncóurş", "Contest": "Cöntėšt", "concours": "cöncoùrş"}
CLIENT_NAME = "Pharmacie Łódź Nguyễn Ševčík"


def _edit_exports(data: Path) -> int:
    edited = 0
    for export in (data / "landing").rglob("*.csv"):
        if export.parent.name not in ("facebook", "instagram"):
            continue
        raw = export.read_bytes()
        new = raw
        for plain, accented in ACCENTED.items():
            new = new.replace(plain.encode(), accented.encode())
        if new != raw:
            stat = export.stat()
            export.write_bytes(new)
            os.utime(export, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # its download day
            edited += 1
    register = data / "clients.csv"
    register.write_text(
        register.read_text(encoding="utf-8").replace("Pharmacie Dupont", CLIENT_NAME),
        encoding="utf-8",
    )
    return edited


@pytest.fixture(scope="module")
def both_builds(tmp_path_factory: pytest.TempPathFactory):
    missing = _spark_missing()
    if missing:
        if REQUIRED:
            pytest.fail(f"make test-spark needs {missing} (pip install -e '.[spark]', Java 17)")
        pytest.skip(f"Spark engine not installed ({missing}): pip install -e '.[spark]'")
    data = tmp_path_factory.mktemp("spark") / "data"
    (data / "landing").mkdir(parents=True)
    os.environ["SOCIALWH_SETTLE_SECONDS"] = "0"
    os.environ["SOCIALWH_SPARK_MASTER"] = "local[2]"
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    os.environ.pop("SOCIALWH_ENGINE", None)
    socialwh(
        "demo-data",
        "--out",
        str(data / "landing"),
        "--clients",
        "2",
        "--days",
        "60",
        "--no-quirks",
        data=data,
        check=True,
    )
    assert _edit_exports(data) > 0, "no caption held a theme keyword to accent"
    socialwh("run", data=data, check=True)
    kept = data.parent / "kept"
    kept.mkdir()
    shutil.copy(data / "build" / "social.duckdb", kept / "duckdb_build.duckdb")
    shutil.copy(data / "warehouse" / "social.duckdb", kept / "duckdb_published.duckdb")
    spark_run = socialwh("run", "--engine", "spark", data=data)
    assert "PUBLISHED" in spark_run.stdout, spark_run.stdout[-3000:] + spark_run.stderr[-3000:]
    return data, kept


def _spark_relations(data: Path) -> list[tuple[str, str, Path]]:
    manifest = json.loads((data / "build" / "dbt_target_spark" / "manifest.json").read_text())
    out = []
    for node in manifest["nodes"].values():
        if node["resource_type"] in ("model", "seed"):
            folder = data / "build" / "spark" / "warehouse" / f"{node['schema']}.db" / node["name"]
            out.append((node["schema"], node["name"], folder))
    return sorted(out)


def _attach_spark_folder(con: duckdb.DuckDBPyConnection, name: str, folder: Path) -> bool:
    if not any(folder.glob("*.parquet")):
        return False  # Spark writes no file for a seed without rows
    con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{folder}/*.parquet')")
    return True


def test_every_relation_built_on_spark_equals_duckdb(both_builds) -> None:
    data, kept = both_builds
    con = duckdb.connect()
    con.execute(f"ATTACH '{kept / 'duckdb_build.duckdb'}' AS duck (READ_ONLY)")
    compared, unequal = [], {}
    for schema, name, folder in _spark_relations(data):
        view = f"spark_{schema}_{name}"
        if not _attach_spark_folder(con, view, folder):
            (rows,) = con.execute(f'SELECT count(*) FROM duck."{schema}"."{name}"').fetchone()
            assert rows == 0, f"{schema}.{name}: Spark wrote nothing, DuckDB has {rows} rows"
            continue
        compared.append(f"{schema}.{name}")
        found = differences(con, f'duck."{schema}"."{name}"', view)
        if found:
            unequal[f"{schema}.{name}"] = found
    assert unequal == {}
    layers = {c.split(".")[0] for c in compared}
    assert {"staging", "intermediate", "marts", "analytics", "reference"} <= layers
    assert len(compared) >= 30, compared

    # what the equality had to get right: DST inside a post's 56-day window, accents
    (spanning,) = con.execute(
        "SELECT count(*) FROM duck.marts.fct_post_benchmarks WHERE baseline_posts > 0 "
        "AND published_at >= TIMESTAMPTZ '2026-03-09 00:00:00-04' "
        "AND published_at < TIMESTAMPTZ '2026-05-03 00:00:00-04'"
    ).fetchone()
    assert spanning > 0, "no post's baseline window spans the DST change of 2026-03-08"
    accented = con.execute(
        "SELECT theme, count(*) FROM duck.intermediate.int_posts_classified "
        "WHERE regexp_matches(caption, 'Cöncóurş|Cöntėšt|cöncoùrş') GROUP BY ALL"
    ).fetchall()
    assert accented and {theme for theme, _ in accented} == {"contest_poll"}, accented
    (name,) = con.execute(
        f"SELECT count(*) FROM duck.marts.dim_client WHERE name = '{CLIENT_NAME}'"
    ).fetchone()
    assert name == 1


def test_a_changed_value_is_caught(both_builds) -> None:
    data, kept = both_builds
    con = duckdb.connect()
    con.execute(f"ATTACH '{kept / 'duckdb_build.duckdb'}' AS duck (READ_ONLY)")
    folder = data / "build" / "spark" / "warehouse" / "marts.db" / "fct_post_daily"
    assert _attach_spark_folder(con, "spark_daily", folder)
    con.execute(
        "CREATE VIEW changed AS SELECT * REPLACE (CASE WHEN row_number() OVER "
        "(ORDER BY post_key, date) = 1 THEN impressions + 1 ELSE impressions END "
        "AS impressions) FROM spark_daily"
    )
    assert differences(con, "duck.marts.fct_post_daily", "spark_daily") == []
    found = differences(con, "duck.marts.fct_post_daily", "changed")
    assert len(found) == 2 and all("1 row(s)" in f for f in found), found
    # a timestamp off by one hour (a time zone slip) is caught as well
    con.execute(
        "CREATE VIEW shifted AS SELECT * REPLACE (published_at + INTERVAL 1 HOUR AS "
        f"published_at) FROM read_parquet('{folder.parent / 'dim_post'}/*.parquet')"
    )
    assert differences(con, "duck.marts.dim_post", "shifted")


def test_the_spark_run_publishes_the_duckdb_runs_warehouse(both_builds) -> None:
    data, kept = both_builds
    published = data / "warehouse" / "social.duckdb"
    assert warehouse_differences(kept / "duckdb_published.duckdb", published) == {}
    con = duckdb.connect()
    con.execute(f"ATTACH '{published}' AS spark (READ_ONLY)")
    # analysts keep the docs: the marts' column comments came over from dbt's yml
    (commented,) = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE database_name = 'spark' "
        "AND schema_name = 'marts' AND comment IS NOT NULL"
    ).fetchone()
    assert commented > 50
