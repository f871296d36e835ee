"""The Dagster code location as `dagster dev` loads it, its lineage, schedule and sensor."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from tests.conftest import ROOT


def test_workspace_loads_like_dagster_dev(data_dir: Path) -> None:
    env = dict(os.environ, SOCIALWH_DATA_DIR=str(data_dir), DAGSTER_HOME=str(data_dir / "dh"))
    (data_dir / "dh").mkdir()
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "dagster"),
            "definitions",
            "validate",
            "-w",
            str(ROOT / "workspace.yaml"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "All code locations passed validation" in proc.stdout + proc.stderr


def _defs() -> dg.Definitions:
    from pipelines.definitions import defs

    return defs()


def test_one_lineage_graph_from_raw_files_to_published_warehouse(data_dir: Path) -> None:
    graph = _defs().resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {
        "raw/facebook_posts",
        "raw/clients",
        "staging/stg_meta__facebook_posts",
        "marts/dim_client",
        "marts/dim_post",
        "marts/fct_post_performance",
        "warehouse/social",
    } <= keys

    def upstream(key: str) -> set[str]:
        seen, todo = set(), [dg.AssetKey.from_user_string(key)]
        while todo:
            for parent in graph.get(todo.pop()).parent_keys:
                if parent.to_user_string() not in seen:
                    seen.add(parent.to_user_string())
                    todo.append(parent)
        return seen

    assert {
        "raw/facebook_posts",
        "raw/clients",
        "marts/fct_post_performance",
        "ops/file_loads",
    } <= upstream("warehouse/social")
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert ("marts/fct_post_performance", "reach_le_impressions") in checks
    assert ("marts/fct_post_performance", "clicks_le_impressions") in checks
    assert ("marts/fct_post_performance", "unique_fct_post_performance_post_key") in checks
    # every rule of data_checks/ shows as a check on the asset it guards
    from data_checks.run_rules import volume_rules
    from data_checks.suites import SUITES

    expected = {(s.table.replace(".", "/"), r.name) for s in SUITES for r in s.rules}
    expected |= {
        ("marts/dim_client", "client_data_fresh"),
        ("marts/fct_post_performance", "reconciles_with_loaded_posts"),
        ("marts/fct_campaign_daily", "reconciles_with_loaded_ads"),
        ("marts/fct_conversions", "reconciles_with_loaded_conversions"),
    }
    expected |= {(r.asset.replace(".", "/"), r.name) for pair in volume_rules() for r in pair}
    assert expected <= checks
    spec = next(
        s for s in _defs().resolve_all_asset_specs() if s.key.to_user_string() == "warehouse/social"
    )
    assert spec.group_name == "publish"


def test_nightly_schedule_runs_at_2am_montreal_time(data_dir: Path) -> None:
    defs = _defs()
    schedule = defs.resolve_schedule_def("nightly_at_2am")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "America/Toronto"
    assert schedule.job_name == "nightly"
    with dg.build_schedule_context() as ctx:
        assert isinstance(schedule.evaluate_tick(ctx).run_requests[0], dg.RunRequest)


def test_sensor_waits_for_settled_new_files(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALWH_SETTLE_SECONDS", "30")
    defs = _defs()  # the sensor's warehouse resource comes with them
    sensor = defs.resolve_sensor_def("new_landing_files")
    instance = dg.DagsterInstance.ephemeral()  # no run yet: every settled file is new
    with dg.build_sensor_context(instance=instance, resources=defs.resources) as ctx:
        assert sensor.evaluate_tick(ctx).skip_message.startswith("no new files")
    export = data_dir / "landing" / "pharmacie-dupont" / "fb.csv"
    export.parent.mkdir()
    export.write_text("Post ID\n1\n")
    with dg.build_sensor_context(
        instance=instance, resources=defs.resources
    ) as ctx:  # just written: still downloading?
        result = sensor.evaluate_tick(ctx)
        assert result.run_requests == [] and "still being written" in result.skip_message
    old = time.time() - 120
    os.utime(export, (old, old))
    with dg.build_sensor_context(instance=instance, resources=defs.resources) as ctx:
        result = sensor.evaluate_tick(ctx)
        assert len(result.run_requests) == 1
        cursor = result.cursor
    with dg.build_sensor_context(cursor=cursor, resources=defs.resources) as ctx:
        assert sensor.evaluate_tick(ctx).run_requests == []


def test_what_the_tools_write_into_the_project_is_not_a_change_of_it(tmp_path: Path) -> None:
    """A change of the dbt project forces a parse and a full rebuild; a log that dbt or
    Spark's metastore (derby.log, rewritten by every Spark build) leaves in the project
    folder is not one. An edited model is."""
    from pipelines.dbt_files import project_fingerprint

    project = tmp_path / "dbt_project"
    shutil.copytree(ROOT / "dbt_project", project, ignore=shutil.ignore_patterns(*NOT_COPIED))
    before = project_fingerprint(project)
    (project / "derby.log").write_text("Booting Derby version ...\n")
    (project / "logs").mkdir(exist_ok=True)
    (project / "logs" / "dbt.log").write_text("a run by hand\n")
    assert project_fingerprint(project) == before
    model = next((project / "models" / "marts").glob("*.sql"))
    model.write_text(model.read_text() + "\n-- an edit\n")
    assert project_fingerprint(project) != before


NOT_COPIED = ("target", "logs", "dbt_packages", "derby.log")


def test_loading_the_definitions_imports_no_great_expectations(data_dir: Path) -> None:
    """2.7 s of every night's start, and of the UI's: only the process that validates
    imports it (pipelines/gx_warm.py, or a check step run by the UI)."""
    env = dict(os.environ, SOCIALWH_DATA_DIR=str(data_dir))
    probe = (
        "import sys\n"
        "from pipelines.definitions import for_data_dir\n"
        "from pipelines.settings import paths\n"
        "for_data_dir(paths(), 'duckdb').resolve_job_def('nightly')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'great_expectations'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
