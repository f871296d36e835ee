"""Dagster's SQLite storage with the event log's connections kept open (the instance's
`storage: custom:` in dagster.yaml, pipelines/instance.py).

Dagster's own SQLite event log creates a SQLAlchemy engine, opens a connection and
closes it for every write: some 500 events in a night with one day landed, each
written to the run's file and most mirrored in the index file. Closing the last
connection of a WAL database checkpoints the log into the file and deletes it, so each
event paid an engine, a connect, a commit with its sync and a checkpoint with its own:
8-13 ms an event, 4-6 s of every night at any size. Here each file keeps one open
connection (the few most recent runs' files and the index), and commits are synced as
SQLite's WAL mode allows (`synchronous=NORMAL`: a power cut may lose the last events
written, never corrupt the file). Same files, same schema, same locking between
processes: the UI and the daemon read them as before.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import os
import weakref
from collections.abc import Iterator

import sqlalchemy as db
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.runs import SqliteRunStorage
from dagster._core.storage.schedules import SqliteScheduleStorage
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from dagster._serdes import ConfigurableClassData

# the index and the files of the runs being written (a run, a retry beside it); the
# long-lived UI and daemon processes close the older ones rather than hold them all open
OPEN_FILES = 4


class KeptOpenSqliteEventLogStorage(SqliteEventLogStorage):
    """SQLite event log storage with one kept-open connection per recent file."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: collections.OrderedDict[str, db.engine.Engine] = collections.OrderedDict()
        super().__init__(base_dir, inst_data=inst_data)
        # closed at exit, `socialwh`'s quick exit included: the last close folds the WAL
        # back into each file, leaving no -wal beside it
        atexit.register(_close_at_exit, weakref.ref(self))

    @classmethod
    def from_config_value(cls, inst_data, config_value):  # ty: ignore[invalid-method-override]
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> db.engine.Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = db.create_engine(
                self.conn_string_for_shard(shard),
                # one connection, used under the storage's lock by one thread at a time
                poolclass=db.pool.StaticPool,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            db.event.listen(engine, "connect", _sync_as_wal_allows)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_FILES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextlib.contextmanager
    def _connect(self, shard: str) -> Iterator[db.engine.Connection]:
        with self._db_lock:
            with self._engine(shard).connect() as conn:
                sqlite = conn.connection.dbapi_connection
                changes = sqlite.total_changes
                with conn.begin():
                    yield conn
                wrote = sqlite.total_changes != changes
            if wrote and shard != INDEX_SHARD_NAME:
                # The UI follows a running run by watching its file for changes; a write
                # now lands in the file's WAL, which the closing checkpoint used to copy
                # back into the file: touch it instead.
                with contextlib.suppress(OSError):
                    os.utime(self.path_for_shard(shard))

    def _close_all(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._close_all()  # its files are deleted
        super().wipe()

    def upgrade(self) -> None:
        self._close_all()
        super().upgrade()

    def dispose(self) -> None:
        # the watchers first: a watcher thread reading after the close would open its
        # file again and hold it (and its WAL) past the dispose
        super().dispose()
        self._close_all()


def _close_at_exit(storage: weakref.ref) -> None:
    if (alive := storage()) is not None:
        alive._close_all()


def _sync_as_wal_allows(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class SqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (same folders as `storage: sqlite:`), its event log kept open."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self.base_dir = base_dir
        self._run_storage = SqliteRunStorage.from_local(_runs_directory(base_dir))
        self._event_log_storage = KeptOpenSqliteEventLogStorage(_event_logs_directory(base_dir))
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def from_config_value(cls, inst_data, config_value):  # ty: ignore[invalid-method-override]
        return cls.from_local(inst_data=inst_data, **config_value)

    @property
    def event_storage_data(self) -> ConfigurableClassData | None:
        # what a run launched in another process opens: the same kept-open storage
        data = super().event_storage_data
        return ConfigurableClassData(__name__, KeptOpenSqliteEventLogStorage.__name__,
                                     data.config_yaml)  # fmt: skip
