"""Where everything lives, read from the environment at the moment it is needed.

Paths are resolved on each call (not at import) so that one process — a test
session, the Dagster daemon — can serve several data dirs over its lifetime.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMEZONE = "America/Toronto"
SECTORS = ("pharmacy", "clinic", "pharma", "other")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


@dataclass(frozen=True)
class Paths:
    data_dir: Path

    @property
    def landing(self) -> Path:
        return self.data_dir / "landing"

    @property
    def quarantine(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def warehouse_dir(self) -> Path:
        return self.data_dir / "warehouse"

    @property
    def warehouse(self) -> Path:
        """The published file analysts open; only the publish step replaces it."""
        return self.warehouse_dir / "social.duckdb"

    @property
    def build_dir(self) -> Path:
        return self.data_dir / "build"

    @property
    def build_db(self) -> Path:
        """The pipeline's own database: raw, ops, dbt models. Never opened by analysts."""
        return self.build_dir / "social.duckdb"

    @property
    def dbt_target(self) -> Path:
        # SOCIALWH_DBT_TARGET lets several data dirs share one parsed project (the tests).
        override = os.environ.get("SOCIALWH_DBT_TARGET")
        return Path(override).resolve() if override else self.build_dir / "dbt_target"

    @property
    def dbt_logs(self) -> Path:
        return self.build_dir / "dbt_logs"

    @property
    def dagster_home(self) -> Path:
        return self.data_dir / "dagster_home"

    @property
    def clients_csv(self) -> Path:
        override = os.environ.get("SOCIALWH_CLIENTS")
        return Path(override).resolve() if override else self.data_dir / "clients.csv"

    def ensure(self) -> Paths:
        """The data dir's folders, private to the pipeline's user whatever the umask: they
        hold exports as delivered (names, e-mails, health notes in booking exports).
        Folders that exist keep their mode, except the pipeline's own (quarantine, build,
        instance, run reports), which are made private again on every run."""
        for d in (self.data_dir, self.landing, self.warehouse_dir):
            private_dir(d, only_if_new=True)
        for d in (self.quarantine, self.build_dir, self.dagster_home, self.data_dir / "runs"):
            private_dir(d)
        return self


PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600


def private_dir(path: Path, only_if_new: bool = False) -> None:
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True)
    if not (existed and only_if_new):
        os.chmod(path, PRIVATE_DIR)


def private_files(*paths: Path) -> None:
    for path in paths:
        os.chmod(path, PRIVATE_FILE)


ENGINES = ("duckdb", "spark")


def engine_named(value: str, said_as: str = "engine") -> str:
    """The engine a setting names (blank: duckdb), or a clear error naming the setting."""
    name = value.strip().lower() or "duckdb"
    if name not in ENGINES:
        raise ValueError(f"{said_as}={value!r} is not an engine: one of {', '.join(ENGINES)}")
    return name


def engine() -> str:
    """Where dbt builds the models: DuckDB (default, embedded) or Spark (SOCIALWH_ENGINE,
    `socialwh run --engine`)."""
    return engine_named(os.environ.get("SOCIALWH_ENGINE", ""), "SOCIALWH_ENGINE")


def paths() -> Paths:
    return Paths(Path(os.environ.get("SOCIALWH_DATA_DIR", "data")).resolve())
