"""The Dagster instance under the data dir, shared by `socialwh run`, the UI and the daemon."""

from __future__ import annotations

import os

from pipelines.settings import Paths

DAGSTER_YAML = """\
# Written by socialwh on first use; edit freely, it is not overwritten.
telemetry:
  enabled: false
concurrency:
  runs:
    # The build database has one writer at a time: schedule, sensor and manual runs queue up.
    max_concurrent_runs: 1
"""


def use_instance(p: Paths) -> None:
    """Point DAGSTER_HOME at the data dir's instance (unless the user set one) and create it."""
    home = os.environ.setdefault("DAGSTER_HOME", str(p.dagster_home))
    os.makedirs(home, exist_ok=True)
    config = os.path.join(home, "dagster.yaml")
    if not os.path.exists(config):
        with open(config, "w", encoding="utf-8") as fh:
            fh.write(DAGSTER_YAML)
