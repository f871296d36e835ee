"""A night recomputes and checks the clients it loaded files of (pipelines/dbt_scope.py):
the other clients' rows stay what the last build made, every number equals a full
refresh, and the safety nets (a damaged table, the weekly whole checks) still work."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from tests.conftest import copy_of_the_code, socialwh, socialwh_env, socialwh_from
from tests.test_nightly_job import marts_snapshot

pytestmark = pytest.mark.slow


def _land_again(export: Path, times: int) -> None:
    """The same export downloaded again: the same rows, new bytes (more line ends)."""
    data = export.read_bytes()
    export.write_bytes(data + b"\n" * times)


def _landed(data_dir: Path, *demo: str) -> list[str]:
    """Demo exports landed (`socialwh demo-data` with `demo`): the client folders, sorted."""
    landing = data_dir / "landing"
    socialwh("demo-data", "--out", str(landing), *demo, "--no-quirks", data=data_dir, check=True)
    return sorted(p.name for p in landing.iterdir() if p.is_dir())


def test_a_night_recomputes_and_checks_only_the_clients_it_loaded(
    data_dir: Path, tmp_path: Path
) -> None:
    clients = _landed(data_dir, "--clients", "3", "--days", "4", "--seed", "5", "--kinds",
                      "facebook,ads,conversions")  # fmt: skip
    touched, untouched = clients[0], clients[1]
    landing = data_dir / "landing"
    socialwh("run", data=data_dir, check=True)
    build_db = data_dir / "build" / "social.duckdb"
    warehouse = data_dir / "warehouse" / "social.duckdb"

    # one client's Ads export downloaded again: that client only is recomputed
    ads = sorted((landing / touched).rglob("meta-ads/*.csv"))[0]
    _land_again(ads, 1)
    night = socialwh("run", data=data_dir, check=True)
    said = night.stdout + night.stderr
    assert "1 client(s) with rows loaded since the last build" in said
    scope = json.loads((data_dir / "build" / "dbt_scope.json").read_text())
    assert scope["checked_clients"] == [touched]  # what the night's checks read

    # an incremental model gets a value wrong in an untouched client's rows (a bug, or an
    # edit by hand; the row count unchanged): nights that touch another client neither
    # recompute nor check that client, so it is the week's whole rebuild and checks that
    # find it (the week made to have passed)
    with duckdb.connect(str(build_db)) as con:
        wrong = con.execute(
            "UPDATE intermediate.int_posts_classified SET impressions = impressions + 1 "
            "WHERE post_key = (SELECT min(post_key) FROM intermediate.int_posts_classified "
            "WHERE client = ? AND impressions IS NOT NULL) RETURNING post_key",
            [untouched],
        ).fetchone()[0]
    _land_again(ads, 2)
    scoped = socialwh("run", data=data_dir, check=True)
    assert "1 client(s) with rows loaded since the last build" in scoped.stdout + scoped.stderr
    assert "PUBLISHED" in scoped.stdout
    state = data_dir / "build" / "dbt_scope.json"
    kept = json.loads(state.read_text())
    kept["whole_checks_at"] = (datetime.now(UTC) - timedelta(days=8)).isoformat()
    state.write_text(json.dumps(kept))
    _land_again(ads, 3)
    weekly = socialwh("run", data=data_dir)
    assert "the whole rebuild and checks of every 7 days" in weekly.stdout + weekly.stderr
    assert weekly.returncode == 1
    assert "FAILED reconciles_with_loaded_posts on marts/fct_post_performance" in weekly.stdout
    assert wrong in weekly.stdout
    socialwh("run", "--full-refresh", data=data_dir, check=True)  # the report's way out

    # rows lost from a client-scoped table: every client is recomputed, the rows come back
    with duckdb.connect(str(build_db)) as con:
        con.execute("DELETE FROM marts.fct_post_performance WHERE client = ?", [untouched])
    _land_again(ads, 4)
    repaired = socialwh("run", data=data_dir, check=True)
    assert "a model table does not have the rows the last build left" in (
        repaired.stdout + repaired.stderr
    )
    incremental = marts_snapshot(warehouse)
    socialwh("run", "--full-refresh", data=data_dir, check=True)
    assert marts_snapshot(warehouse) == incremental


def test_a_model_edited_changes_every_clients_rows_in_the_published_warehouse(
    data_dir: Path, tmp_path: Path
) -> None:
    """After an analyst edits a client-scoped mart (its numbers, not its columns), the
    night rebuilds it from all raw data for every client (state:modified+): its checks and
    its publish then cover every client, not only the one whose files landed."""
    touched = _landed(data_dir, "--clients", "2", "--days", "3", "--seed", "7", "--kinds",
                      "facebook,ads")[0]  # fmt: skip
    landing = data_dir / "landing"
    env = socialwh_env(data_dir) | {"SOCIALWH_DBT_TARGET": str(tmp_path / "dbt_target")}
    code = copy_of_the_code(tmp_path / "checkout")
    socialwh_from(code, "run", env=env)

    model = code / "dbt_project" / "models" / "marts" / "fct_content_performance.sql"
    sql = model.read_text()
    assert "    sum(impressions) as impressions,\n" in sql
    model.write_text(
        sql.replace("sum(impressions) as impressions,", "sum(impressions) + 1 as impressions,")
    )
    _land_again(sorted((landing / touched).rglob("meta-ads/*.csv"))[0], 1)
    night = socialwh_from(code, "run", env=env)
    assert "Rebuilt from all raw data" in night.stdout + night.stderr
    assert (
        json.loads((data_dir / "build" / "dbt_scope.json").read_text())["checked_clients"] is None
    )
    warehouse = data_dir / "warehouse" / "social.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute(f"ATTACH '{data_dir / 'build' / 'social.duckdb'}' AS build (READ_ONLY)")
        for a, b in (("marts", "build.marts"), ("build.marts", "marts")):
            assert con.execute(
                f"SELECT count(*) FROM (SELECT * FROM {a}.fct_content_performance "
                f"EXCEPT ALL SELECT * FROM {b}.fct_content_performance)"
            ).fetchone() == (0,)
        clients = con.execute(
            "SELECT count(DISTINCT client) FROM marts.fct_content_performance"
        ).fetchone()
    assert clients == (2,)
