"""Shared test helpers: a fresh data dir per test, the real fixtures, and running the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures" / "meta-real"
SOCIALWH = Path(sys.executable).parent / "socialwh"


@pytest.fixture
def real_fixtures() -> Path:
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(f"real Meta exports not found at {SHARED_FIXTURES} (../shared is absent)")
    return SHARED_FIXTURES


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    (data / "landing").mkdir(parents=True)
    monkeypatch.setenv("SOCIALWH_DATA_DIR", str(data))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("SOCIALWH_CLIENTS", raising=False)
    # A test's exports are complete once written; the tests of the wait set their own.
    monkeypatch.setenv("SOCIALWH_SETTLE_SECONDS", "0")
    if DBT_TARGET is not None:  # definitions loaded in the test's process share it too
        monkeypatch.setenv("SOCIALWH_DBT_TARGET", str(DBT_TARGET))
    return data


@pytest.fixture(scope="session", autouse=True)
def shared_dbt_target(tmp_path_factory: pytest.TempPathFactory):
    """One parsed dbt project for the whole session: each test's data dir would otherwise
    parse it again (the manifest depends on the code, not on the data)."""
    global DBT_TARGET
    DBT_TARGET = tmp_path_factory.mktemp("dbt_target")
    # The conversion-key salt lives outside the repository and the data dirs; the tests
    # keep theirs in the session's temp folder rather than in ~/.config.
    os.environ["SOCIALWH_SALT_FILE"] = str(tmp_path_factory.mktemp("secrets") / "salt")
    yield


DBT_TARGET: Path | None = None


def socialwh_env(data: Path) -> dict[str, str]:
    """The environment of a user's shell pointed at this data dir."""
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "SOCIALWH_CLIENTS")}
    env["SOCIALWH_DATA_DIR"] = str(data)
    if DBT_TARGET is not None:
        env["SOCIALWH_DBT_TARGET"] = str(DBT_TARGET)
    return env


def socialwh(*args: str, data: Path, check: bool = False) -> subprocess.CompletedProcess:
    """Run the real `socialwh` command, as a user or cron would."""
    proc = subprocess.run(
        [str(SOCIALWH), *args],
        env=socialwh_env(data),
        cwd=data.parent,
        text=True,
        capture_output=True,
        timeout=900,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"socialwh {' '.join(args)} exited {proc.returncode}:\n"
            f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )
    return proc


def copy_of_the_code(into: Path) -> Path:
    """The code a user installs (pipelines, checks, dbt project), copied into `into`: a
    test that edits the dbt project or moves the folder does it there, never here."""
    skip = shutil.ignore_patterns("target", "logs", "__pycache__", "*.log")
    for folder in ("pipelines", "data_checks", "dbt_project"):
        shutil.copytree(ROOT / folder, into / folder, ignore=skip)
    return into


def socialwh_from(checkout: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`socialwh ARGS` run from the code in `checkout`; fails the test if it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        env=env | {"PYTHONPATH": str(checkout)},
        cwd=checkout,
        text=True,
        capture_output=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done
