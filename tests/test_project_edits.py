"""An analyst edits a model and the next day's exports land: the night rebuilds from all
raw data what dbt finds changed since the last build (state:modified+, against the kept
manifest), the other models as on any night, and gives the marts a full refresh gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines import dbt_state
from pipelines.settings import Paths
from tests.conftest import copy_of_the_code, socialwh, socialwh_env, socialwh_from
from tests.test_nightly_job import marts_snapshot


def test_what_dbt_cannot_compare_is_rebuilt_whole(tmp_path: Path) -> None:
    """The plan of a build after an edit: dbt's state comparison only when dbt can make it."""
    p, target = Paths(tmp_path / "data"), tmp_path / "target"
    target.mkdir()
    (target / "manifest.json").write_text('{"metadata": {}, "nodes": {}}')

    def plan(engine: str = "duckdb", **how) -> dbt_state.BuildPlan:
        how = {"full_refresh": False, "project_changed": True, "whole": True} | how
        return dbt_state.plan(p, engine, **how)

    assert plan(project_changed=False).invocations == [["build", *dbt_state.NO_UNIT_TESTS]]
    assert plan(full_refresh=True) == dbt_state.BuildPlan([["build", "--full-refresh"]])
    first = plan()
    assert first.invocations == [["build", "--full-refresh"]]
    assert "no successful build of the whole project is recorded" in first.said

    dbt_state.save(p, "duckdb", target)
    kept = dbt_state.state_dir(p, "duckdb")
    edited = plan()
    assert edited.by_state and [a[:3] for a in edited.invocations] == [
        ["build", "--selector", dbt_state.UNCHANGED],
        ["build", "--full-refresh", "--selector"],
    ]
    assert all(a[a.index("--state") + 1] == str(kept) for a in edited.invocations)
    assert "part of the models" in plan(whole=False).said  # a subset from the UI
    assert "no successful build" in plan("spark").said  # each engine compares with its own

    (kept / dbt_state.PROJECT_FILE).write_text("vars: {attribution_days: 3}\n")
    assert "dbt_project.yml changed" in plan().said
    dbt_state.save(p, "duckdb", target)  # replaced whole, nothing left beside it
    assert sorted(f.name for f in kept.parent.iterdir()) == ["duckdb"]
    (kept / dbt_state.VERSION_FILE).write_text("1.0.0\n")
    assert "dbt was upgraded" in plan().said
    dbt_state.save(p, "duckdb", target)
    (kept / "manifest.json").write_text('{"metadata": {}, "nod')  # cut short
    assert "damaged" in plan().said


@pytest.mark.slow
def test_an_edited_model_is_rebuilt_with_what_follows_it_and_nothing_else(
    data_dir: Path, tmp_path: Path
) -> None:
    exports = tmp_path / "exports"
    demo = ["demo-data", "--out", str(exports), "--clients", "1", "--days", "5"]
    socialwh(*demo, "--kinds", "facebook,instagram", "--no-quirks", data=data_dir, check=True)
    files = [f for f in exports.rglob("*") if f.suffix in (".csv", ".xlsx")]
    last_day = max(f.stat().st_mtime for f in files)
    held_back = [f for f in files if f.stat().st_mtime >= last_day - 3600]
    assert held_back and len(held_back) < len(files)

    def land(batch: list[Path]) -> None:
        for f in batch:
            target = data_dir / "landing" / f.relative_to(exports)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, target)

    land([f for f in files if f not in held_back])
    # this test's own dbt target: the session's shared one is parsed from the checkout
    env = socialwh_env(data_dir) | {"SOCIALWH_DBT_TARGET": str(tmp_path / "dbt_target")}
    code = copy_of_the_code(tmp_path / "checkout")
    first = socialwh_from(code, "run", env=env)
    assert "no successful build of the whole project is recorded" in first.stdout + first.stderr

    # the analyst's edit of an incremental mart: a new column, which old rows need too
    model = code / "dbt_project" / "models" / "marts" / "fct_post_daily.sql"
    sql = model.read_text()
    assert "    loaded_at\nfrom with_previous" in sql
    model.write_text(sql.replace("    loaded_at\nfrom", "    loaded_at,\n    'v2' as rules\nfrom"))
    land(held_back)  # and the next day's exports land
    night = socialwh_from(code, "run", env=env)
    said = night.stdout + night.stderr

    assert "dbt compares it with that build's manifest (state:modified+)" in said
    rebuilt = next(line for line in said.splitlines() if "Rebuilt from all raw data" in line)
    # the edited model and what reads it; not the snapshots' or classification's
    # incremental models upstream, which only took the new day's posts
    assert "marts/fct_post_daily" in rebuilt and "analytics/trend" in rebuilt
    for untouched in ("int_post_snapshots_unioned", "int_posts_classified", "dim_post"):
        assert untouched not in rebuilt
    assert "PASS fct_post_daily::post_daily_increments" in night.stdout  # its unit test ran
    assert "PUBLISHED" in night.stdout
    warehouse = data_dir / "warehouse" / "social.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rules = con.execute("SELECT rules, count(*) FROM marts.fct_post_daily GROUP BY 1")
        assert rules.fetchall() == [("v2", con.sql("FROM marts.fct_post_daily").shape[0])]
        days = con.execute("SELECT count(DISTINCT date) FROM marts.fct_post_daily").fetchone()
        assert days == (5,)
    by_state = marts_snapshot(warehouse)

    again = socialwh_from(code, "run", env=env)  # the edit is now the recorded build's
    assert "Nothing new" in again.stdout + again.stderr

    socialwh_from(code, "run", "--full-refresh", env=env)
    assert marts_snapshot(warehouse) == by_state
