"""The benchmark's floor (bench/floor.py) computes every mart by hand from the raw tables:
it must keep giving the pipeline's numbers as the models change, or the full-build target
(dbt's time against the floor's) would compare dbt with something else."""

from __future__ import annotations

from pathlib import Path

import duckdb

from bench import floor
from tests.conftest import socialwh


def test_the_floor_gives_every_marts_numbers_as_the_pipeline_does(data_dir: Path) -> None:
    demo = ["demo-data", "--out", str(data_dir / "landing"), "--clients", "2", "--days", "21"]
    socialwh(*demo, "--no-quirks", data=data_dir, check=True)
    socialwh("run", data=data_dir, check=True)
    with duckdb.connect(str(data_dir / "build" / "social.duckdb"), read_only=True) as con:
        assert floor.compute(con) > 0
        assert {k: v for k, v in floor.disagreements(con).items() if v} == {}
        rows = {
            m: con.execute(f"SELECT count(*) FROM marts.{m}").fetchall()[0][0] for m in floor.MARTS
        }
        # not agreement on empty tables: the demo fills the marts that carry the rules
        for mart in ("fct_post_daily", "fct_post_at_age", "fct_campaign_daily",
                     "fct_conversions", "fct_account_daily", "fct_post_benchmarks"):  # fmt: skip
            assert rows[mart] > 0, mart
        (at_7_days,) = con.execute(
            "SELECT count(impressions_7d) FROM marts.fct_post_at_age"
        ).fetchall()[0]
        assert at_7_days > 0
        # and the comparison sees a difference: one credited conversion moved
        con.execute(
            "UPDATE floor_campaign_daily SET attributed_conversions = attributed_conversions + 1 "
            "WHERE rowid = (SELECT min(rowid) FROM floor_campaign_daily)"
        )
        moved = floor.disagreements(con)
    assert moved["duckdb_floor vs pipeline: fct_campaign_daily cells differing"] == 1
