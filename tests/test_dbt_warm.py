"""The warm dbt (pipelines/dbt_warm.py): its script runs a dbt command as the installed dbt
would (the caller's folder, environment, output and exit status), once; after that, or
without a warm process, the script runs the installed dbt itself."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pipelines import dbt_warm
from pipelines.project import dbt_executable


def test_the_warm_dbt_runs_one_command_as_the_installed_one_would(tmp_path: Path) -> None:
    env = {**os.environ, "DBT_PROFILES_DIR": str(tmp_path / "no-profiles")}
    missing = ["debug", "--project-dir", str(tmp_path / "missing")]
    warm = dbt_warm.start()
    try:
        script = dbt_executable()  # what the dbt step launches while the run has one
        assert script == str(warm.folder / dbt_warm.SCRIPT)
        # the caller's folder and environment, its own stdout, dbt's exit status
        first = subprocess.run(
            [script, "debug", "--config-dir"], cwd=tmp_path, env=env,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert first.returncode == 0 and str(tmp_path / "no-profiles") in first.stdout
        warm.process.wait(timeout=30)  # it ran that one (one command, then it is done)
        assert not (warm.folder / dbt_warm.SOCKET).exists()
        # the next command finds no warm dbt: the script runs the installed one
        second = subprocess.run(
            [script, *missing], cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        installed = subprocess.run(
            [dbt_warm.installed_dbt(), *missing], cwd=tmp_path, env=env,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert (second.returncode, second.stderr) == (installed.returncode, installed.stderr)
    finally:
        warm.close()
    assert not warm.folder.exists() and dbt_warm.ENV not in os.environ
    assert dbt_executable() == dbt_warm.installed_dbt()
    # a failing command through a warm dbt: dbt's own status and message
    warm = dbt_warm.start()
    try:
        failed = subprocess.run(
            [dbt_executable(), *missing], cwd=tmp_path, env=env, capture_output=True,
            text=True, timeout=120,
        )  # fmt: skip
        warm.process.wait(timeout=30)
    finally:
        warm.close()
    assert (failed.returncode, failed.stderr) == (2, installed.stderr)


def test_a_warm_dbt_never_used_is_stopped_with_the_run(tmp_path: Path) -> None:
    warm = dbt_warm.start()
    warm.close()  # a night whose models were up to date
    assert warm.process.poll() is not None and not warm.folder.exists()


def test_a_dbt_command_before_the_process_is_launched_is_seen_waiting() -> None:
    """The run launches dbt's process once GX is imported, or at once when a dbt command
    comes first (pipelines/run.py): the command waits in the socket's queue meanwhile."""
    import socket

    warm = dbt_warm.start(launch=False)
    try:
        assert not warm.command_waiting()
        caller = socket.socket(socket.AF_UNIX)
        caller.connect(str(warm.folder / dbt_warm.SOCKET))
        assert warm.command_waiting()
        warm.launch()
        assert warm.process is not None and not warm.command_waiting()
        caller.close()
    finally:
        warm.close()
    assert not warm.folder.exists()


def test_the_build_database_is_free_the_moment_a_warm_dbt_command_answers(
    tmp_path: Path,
) -> None:
    """The warm process closes the database dbt opened (and its copies of dbt's output)
    before it answers, and exits without tearing dbt down: the run opens the database for
    writing as soon as dbt's command has answered, never meeting the warm process's lock."""
    import duckdb

    from pipelines.settings import DBT_PROJECT_DIR

    database = tmp_path / "build.duckdb"
    debug = ["debug", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
             str(DBT_PROJECT_DIR), "--vars", f"{{socialwh_build_db: '{database}'}}"]  # fmt: skip
    warm = dbt_warm.start()
    try:
        done = subprocess.run(
            [dbt_executable(), *debug], cwd=tmp_path, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-2000:]
        assert "OK connection ok" in done.stdout  # dbt opened the database
        assert "leaked" not in done.stderr, done.stderr
        with duckdb.connect(str(database)) as con:  # for writing, at once
            con.execute("CREATE TABLE after_dbt AS SELECT 1 AS x")
        assert warm.process.wait(timeout=30) == 0
    finally:
        warm.close()
