"""The Dagster instance under the data dir, shared by `socialwh run`, the UI and the daemon."""

from __future__ import annotations

import os

from pipelines.settings import Paths

MARKER = "# Written by socialwh"
DAGSTER_YAML = f"""\
{MARKER} (version 3). Delete this first line to keep your own edits: a file
# without it is never rewritten.
telemetry:
  enabled: false
# Run and event storage: SQLite files beside this one, in Dagster's own layout; the event
# log keeps its files open rather than reopen them for each event
# (pipelines/dagster_storage.py: `sqlite:` here gives Dagster's own storage back).
storage:
  custom:
    module: pipelines.dagster_storage
    class: SqliteStorage
    config:
      base_dir: {{home}}
concurrency:
  runs:
    # The build database has one writer: schedule, sensor and UI runs queue up.
    max_concurrent_runs: 1
run_monitoring:
  # The daemon notices a run whose process died (kill -9, out of memory) and marks it
  # failed, which hands it to run_retries below.
  enabled: true
  start_timeout_seconds: 300
  max_resume_run_attempts: 0
  poll_interval_seconds: 60
run_retries:
  enabled: true
  max_retries: 2
  # Retry runs whose process crashed, not runs stopped by bad data or a failed check:
  # those fail the same way until someone fixes the files. Transient failures inside
  # a run (a lock held) are retried with back-off by the step itself.
  retry_on_asset_or_op_failure: false
"""


def instance_home(p: Paths) -> str:
    """The data dir's instance folder (or $DAGSTER_HOME when the user set one), created with
    its dagster.yaml."""
    home = os.environ.get("DAGSTER_HOME") or str(p.dagster_home)
    os.makedirs(home, exist_ok=True)
    config = os.path.join(home, "dagster.yaml")
    wanted = DAGSTER_YAML.format(home=home)
    if os.path.exists(config):
        with open(config, encoding="utf-8") as fh:
            current = fh.read()
        if current == wanted or not current.startswith(MARKER):
            return home
    tmp = config + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(wanted)
    os.replace(tmp, config)
    return home


def open_instance(p: Paths):
    """The data dir's Dagster instance, opened from its folder (no DAGSTER_HOME needed)."""
    import dagster as dg

    return dg.DagsterInstance.from_config(instance_home(p))
