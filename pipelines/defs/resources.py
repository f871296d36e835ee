"""The warehouse as a Dagster resource: every asset, check and sensor reaches the data dir
through it, configured once (the code location from $SOCIALWH_DATA_DIR, `socialwh run` from
its own data dir), never from a global read at the moment of use."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import duckdb

from pipelines import build_db
from pipelines.settings import Paths, engine_named


class Warehouse(dg.ConfigurableResource):
    """One data dir: landing/, the build database, the published file, and the engine dbt
    builds the models on."""

    data_dir: str
    engine: str = "duckdb"

    @classmethod
    def from_environment(cls) -> Warehouse:
        """The code location's warehouse (`dagster dev`, the daemon, `socialwh ui`):
        $SOCIALWH_DATA_DIR (default ./data) and $SOCIALWH_ENGINE (default duckdb), read by
        Dagster when a run starts."""
        return cls(
            data_dir=dg.EnvVar("SOCIALWH_DATA_DIR")
            if "SOCIALWH_DATA_DIR" in os.environ
            else "data",
            engine=dg.EnvVar("SOCIALWH_ENGINE") if os.environ.get("SOCIALWH_ENGINE") else "duckdb",
        )

    @property
    def paths(self) -> Paths:
        return Paths(Path(self.data_dir).resolve())

    @property
    def on_spark(self) -> bool:
        return engine_named(self.engine) == "spark"

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """The build database, waiting while another step's process holds it."""
        return build_db.connect(self.paths, read_only=read_only)
