"""Great Expectations imported before it is needed, beside the run: a night with work
starts a process at once that imports GX (2.7 s after Dagster, the largest part of a
night's start at every size) on the core the night's single-threaded start leaves idle,
and then validates for the run: the landing step's file profiles (read by the run from
its own connection, where the staged files are) and the mart suites (read by the process
from the build database, asked for as soon as dbt's step is done, while the run computes
its run-level rules; the run writes the file only once they are answered).

Nothing depends on it but speed: a validation the process cannot answer (not started, as
in a run launched from the UI, gone, or an error there) is done in the run's own process
with the same code (data_checks.runner), which imports GX then. The process exits when
its parent does, and the run stops it when it ends.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.dbt_warm import end_process

if TYPE_CHECKING:  # the run imports this module on quiet nights too: nothing of the checks
    from data_checks.results import RuleResult
    from data_checks.suites import TableSuite


READY_WAIT_S = 120  # for GX's import there (2.7 s on this machine), before doing it here


class Worker:
    """The waiting process and the run's end of its pipe (one request at a time)."""

    def __init__(self, process: subprocess.Popen, conn: Connection):
        self.process, self.conn = process, conn
        self.lock = threading.Lock()
        self.broken = False
        self.answered = 0
        self.ready = False  # GX imported there: its first message says so

    def wait_ready(self, timeout: float) -> bool:
        """True once the process has imported Great Expectations (False: not within the
        timeout, or gone)."""
        deadline = time.monotonic() + timeout
        while True:  # in slices: close() takes the lock meanwhile
            with self.lock:
                if self._read_ready(0.1) or self.broken or time.monotonic() > deadline:
                    return self.ready

    def _read_ready(self, timeout: float | None) -> bool:
        if not self.ready and not self.broken:
            try:
                if timeout is None or self.conn.poll(timeout):
                    self.ready = self.conn.recv() == ("ready", None)
            except (EOFError, OSError):
                self.broken = True
        return self.ready

    def ask(self, *request):
        """The process's answer, or None when it cannot give one (the caller does it)."""
        with self.lock:
            if not self._read_ready(READY_WAIT_S):
                self.broken = True  # not up in time: the run validates in its own process
                return None
            try:
                self.conn.send(request)  # pickled whole before a byte is written
            except OSError:
                self.broken = True
                return None
            except Exception:  # noqa: BLE001 — not picklable: the caller does it
                return None
            try:
                status, answer = self.conn.recv()
            except (EOFError, OSError):
                self.broken = True
                return None
            if status != "ok":
                return None
            self.answered += 1
            return answer

    def close(self) -> None:
        with self.lock:
            self.broken = True
            self.conn.close()
        end_process(self.process)


_worker: Worker | None = None


_starting = threading.Lock()


def start() -> Worker:
    """Starts the process (once: the early judgement's thread and the run may both ask);
    this process's validations go to it until it is stopped."""
    global _worker
    with _starting:
        if _worker is not None:
            return _worker
        ours, theirs = socket.socketpair()
        process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.gx_warm", str(theirs.fileno()), str(os.getpid())],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=[theirs.fileno()],
        )  # fmt: skip
        theirs.close()
        _worker = Worker(process, Connection(ours.detach()))
        return _worker


def stop() -> None:
    global _worker
    with _starting:
        worker, _worker = _worker, None
    if worker is not None:
        worker.close()  # a suite still asked for is answered None: done here, if asked
    _prefetched.clear()


# The mart suites asked for as soon as dbt's step is done, not one step at a time: the
# process reads the build database (read-only) while the run goes on with the run-level
# rules, which read it too (2 s of suites and 1.5 s of rules at L, one after the other
# before). A step that writes the build database first waits for these answers
# (wait_for_suites: a writer would lock the process's reads out), and each suite's step
# takes its answer. Keyed by database and table; dropped when the process is stopped.
_prefetched: dict[tuple[str, str], Future] = {}


def ask_for_suites(build_db: Path, tables: list[str], clients: list[str] | None = None) -> None:
    """Starts the process on these mart suites (the rows of `clients`; None: every row),
    one after the other, in a thread of this process; nothing when there is no process
    (the steps then validate here)."""
    worker = _worker
    if worker is None or worker.broken:
        return
    asked = {table: Future() for table in tables}
    key = tuple(clients) if clients is not None else None
    _prefetched.update({(str(build_db), table, key): f for table, f in asked.items()})

    def ask_each() -> None:
        for table, answer in asked.items():
            try:
                answer.set_result(worker.ask("suite", str(build_db), table, clients))
            except Exception:  # noqa: BLE001 — the step validates here instead
                answer.set_result(None)

    threading.Thread(target=ask_each, name="gx-suites", daemon=True).start()


def wait_for_suites() -> None:
    """Until the process has answered every suite asked for (so has closed the build
    database): before this process opens it for writing."""
    for answer in list(_prefetched.values()):
        answer.result()


@dataclass(frozen=True)
class _Field:
    name: str
    type: str
    required: bool


@dataclass(frozen=True)
class _Kind:
    """What a file suite reads of an export kind (data_checks.file_suites.TabularKind),
    sent instead of the kind itself, whose parsers are no business of the process."""

    name: str
    fields: tuple[_Field, ...]
    signature: tuple[str, ...]


def _portable(kind) -> _Kind:
    fields = tuple(_Field(f.name, f.type, f.required) for f in kind.fields)
    return _Kind(kind.name, fields, tuple(kind.signature))


class FileChecks:
    """validate(con, kind) for the landing step (pipelines.ingest.tabular.Validate): what
    makes each file staged in sw_parsed unacceptable as a whole, by sw_file_id."""

    def __init__(self) -> None:
        self._local = None

    def problems(self, con, kind) -> dict[int, list[str]]:
        from data_checks.file_suites import problems

        return problems(con, kind, self._failing)

    def _failing(self, kind, profile) -> list[tuple[int, str]]:
        failing = _worker.ask("file", _portable(kind), profile) if _worker else None
        if failing is None:
            if self._local is None:
                from data_checks.runner import FileValidator

                self._local = FileValidator()
            failing = self._local.failing(kind, profile)
        return failing


def run_suite(
    build_db: Path, suite: TableSuite, connect, clients: list[str] | None = None
) -> tuple[list[RuleResult], str]:
    """The suite's results on the build database (the rows of `clients`; None: every row),
    and where they were computed; `connect()` opens it read-only here when the process
    cannot answer."""
    key = tuple(clients) if clients is not None else None
    asked = _prefetched.pop((str(build_db), suite.table, key), None)
    if asked is not None:
        answer = asked.result()
    else:
        answer = _worker.ask("suite", str(build_db), suite.table, clients) if _worker else None
    if answer is not None:
        return answer, "in the run's Great Expectations process"
    from data_checks.runner import run_suite as run_here

    with connect() as con:
        return run_here(con, suite, clients), "in this process"


def _serve(conn: Connection, parent: int) -> int:
    import duckdb

    from data_checks.runner import FileValidator
    from data_checks.runner import run_suite as run_here
    from data_checks.suites import SUITES

    suites = {suite.table: suite for suite in SUITES}
    conn.send(("ready", None))

    files = FileValidator()
    while True:
        while not conn.poll(1.0):
            if os.getppid() != parent:  # the run is gone
                return 0
        try:
            request = conn.recv()
        except EOFError:
            return 0
        try:
            if request[0] == "file":
                _, kind, profile = request
                answer = files.failing(kind, profile)
            else:
                _, build_db, table, clients = request
                with duckdb.connect(build_db, read_only=True) as con:
                    answer = run_here(con, suites[table], clients)
            conn.send(("ok", answer))
        except Exception as exc:  # noqa: BLE001 — the run's own process does it instead
            conn.send(("error", repr(exc)))


if __name__ == "__main__":
    sys.exit(_serve(Connection(int(sys.argv[1])), int(sys.argv[2])))
