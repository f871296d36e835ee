"""The data dir's Dagster instance keeps its event log files open (pipelines/dagster_storage.py):
the same files as Dagster's own SQLite storage, read by it and by the UI as they are written."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import dagster as dg

from pipelines.dagster_storage import KeptOpenSqliteEventLogStorage
from pipelines.instance import instance_home, open_instance
from pipelines.settings import Paths

DAGSTER_OWN = "storage:\n  sqlite:\n    base_dir: {home}\ntelemetry:\n  enabled: false\n"


@dg.asset
def reach() -> int:
    return 1


def night(instance: dg.DagsterInstance, run_id: str | None = None) -> str:
    job = dg.Definitions(assets=[reach]).resolve_implicit_global_asset_job_def()
    return job.execute_in_process(instance=instance, run_id=run_id).run_id


def test_runs_written_either_way_are_read_either_way_and_followed_live(tmp_path: Path) -> None:
    p = Paths(tmp_path / "data").ensure()
    home = Path(instance_home(p))
    own = tmp_path / "dagster_own"  # Dagster's own storage over the same files
    own.mkdir()
    (own / "dagster.yaml").write_text(DAGSTER_OWN.format(home=home))
    # a data dir from before: its instance file written by socialwh with Dagster's storage
    (home / "dagster.yaml").write_text(
        "# Written by socialwh (version 2).\n" + DAGSTER_OWN.format(home=home)
    )
    with dg.DagsterInstance.from_config(str(home)) as before:
        earlier = night(before)

    instance = open_instance(p)  # rewrites its dagster.yaml: the kept-open storage
    assert isinstance(instance.event_log_storage, KeptOpenSqliteEventLogStorage)
    assert instance.get_run_by_id(earlier).is_success
    assert any(
        e.dagster_event and e.dagster_event.is_step_success for e in instance.all_logs(earlier)
    )

    # the UI, another instance over the same files, follows a run as it is written
    ui = dg.DagsterInstance.from_config(str(home))
    seen: list[dg.EventLogEntry] = []
    run_id = str(uuid.uuid4())
    ui.event_log_storage.watch(run_id, None, lambda entry, _cursor: seen.append(entry))
    night(instance, run_id)
    deadline = time.monotonic() + 20
    while not any(
        e.dagster_event and e.dagster_event_type == dg.DagsterEventType.RUN_SUCCESS for e in seen
    ):
        assert time.monotonic() < deadline, f"the UI saw {len(seen)} of the run's events"
        time.sleep(0.1)
    ui.dispose()

    with dg.DagsterInstance.from_config(str(own)) as theirs:
        assert len(theirs.all_logs(run_id)) == len(instance.all_logs(run_id))
        latest = theirs.get_latest_materialization_event(dg.AssetKey("reach"))
        assert latest is not None and latest.run_id == run_id
    instance.dispose()  # the last close folds each file's WAL back into it
    assert not list((home / "history" / "runs").glob(f"{run_id}.db-wal"))
