"""`socialwh sql`: the published file, read-only, from the command line and a pipe."""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb

from tests.conftest import SOCIALWH, socialwh, socialwh_env


def published(data_dir: Path) -> Path:
    warehouse = data_dir / "warehouse" / "social.duckdb"
    warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE SCHEMA analytics")
        con.execute(
            "CREATE TABLE analytics.posts AS SELECT * FROM (VALUES "
            "('pharmacie-dupont', 120), ('clinique-sante-plus', 80)) t(client, impressions)"
        )
    return warehouse


def test_sql_runs_a_query_and_never_writes(data_dir: Path) -> None:
    nothing = socialwh("sql", "SELECT 1", data=data_dir)
    assert nothing.returncode == 2 and "no published warehouse" in nothing.stderr

    warehouse = published(data_dir)
    before = warehouse.read_bytes()
    shown = socialwh(
        "sql", "--csv", "SELECT client, impressions FROM analytics.posts ORDER BY 2 DESC",
        data=data_dir, check=True,
    )  # fmt: skip
    assert shown.stdout.splitlines() == [
        "client,impressions",
        "pharmacie-dupont,120",
        "clinique-sante-plus,80",
    ]
    table = socialwh("sql", "SELECT sum(impressions) AS total FROM analytics.posts", data=data_dir)
    assert table.returncode == 0 and "200" in table.stdout

    refused = socialwh("sql", "DROP TABLE analytics.posts", data=data_dir)
    assert refused.returncode == 2 and "read-only" in refused.stderr
    assert warehouse.read_bytes() == before


def test_sql_reads_a_script_from_a_pipe(data_dir: Path) -> None:
    published(data_dir)
    piped = subprocess.run(
        [str(SOCIALWH), "sql", "--csv"],
        input="SELECT count(*) AS n FROM analytics.posts;",
        capture_output=True,
        text=True,
        env=socialwh_env(data_dir),
        timeout=120,
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.splitlines() == ["n", "2"]


def test_a_long_answer_reaches_the_pipe_whole_before_the_quick_exit(data_dir: Path) -> None:
    # socialwh exits without tearing the interpreter down (pipelines/cli.py:entry): what it
    # printed, and its exit status, must come out all the same
    published(data_dir)
    long = socialwh("sql", "--csv", "SELECT range AS n FROM range(200000)", data=data_dir)
    assert long.returncode == 0, long.stderr
    assert long.stdout.splitlines() == ["n", *map(str, range(200000))]
    unknown = socialwh("sql", "SELECT * FROM analytics.nope", data=data_dir)
    assert unknown.returncode == 2 and "nope" in unknown.stderr
    assert socialwh("no-such-command", data=data_dir).returncode == 2
