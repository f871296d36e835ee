"""dbt started before it is needed: a night that has work starts a dbt process at once,
which imports dbt (2.3 s of the 4 s between dagster-dbt launching dbt and dbt's first
model at M, on a core the night leaves idle: the run is importing Great Expectations and
loading files meanwhile) and waits. When the dbt step launches dbt, the executable it
runs is a small stdlib-only Python script (`dbt` in the warm process's folder) that hands
its arguments, environment, folder and its own stdin/stdout/stderr to the waiting
process, which runs dbt's own command line with them and answers its exit status: dbt
writes straight into the pipe dagster-dbt reads, as a dbt it had started itself would.

One dbt command per warm process. The script runs the installed dbt itself when no warm
process answers (not started, already used, gone), so nothing depends on it but speed.
The warm process exits when its parent does, and the run stops it when it ends.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ENV = "SOCIALWH_DBT_WARM"  # the warm process's folder: its socket and the script
SOCKET, SCRIPT = "socket", "dbt"

# stdlib only, started with -I -S: 20 ms, not the 2.3 s of importing dbt
_SCRIPT = """\
#!{python} -IS
import json, os, signal, socket, sys
REAL = {real!r}
here = os.path.dirname(os.path.abspath(__file__))
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(os.path.join(here, {socket!r}))
except OSError:  # no warm dbt waiting: the installed one
    os.execvp(REAL, [REAL, *sys.argv[1:]])
body = json.dumps({{"args": sys.argv[1:], "cwd": os.getcwd(), "env": dict(os.environ)}}).encode()
socket.send_fds(s, [len(body).to_bytes(8, "big")], [0, 1, 2])
s.sendall(body)
pid = int.from_bytes(s.recv(8) or b"\\0", "big")
for sig in (signal.SIGINT, signal.SIGTERM):  # dagster-dbt stops dbt with SIGINT
    signal.signal(sig, lambda n, _f: pid and os.kill(pid, n))
code = s.recv(1)
if not code:
    sys.stderr.write("socialwh: the warm dbt process ended without an exit status\\n")
sys.exit(code[0] if code else 2)
"""


class Warm:
    """A dbt process (waiting, or about to be started) and its folder."""

    def __init__(self, folder: Path, listener: socket.socket):
        self.folder, self.listener = folder, listener
        self.process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def launch(self) -> None:
        """Starts the process (once; never after close). A dbt command that comes before
        waits for it in the socket's queue."""
        with self._lock:
            if self.listener is None:
                return
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pipelines.dbt_warm", str(self.folder),
                 str(os.getpid()), str(self.listener.fileno())],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                pass_fds=[self.listener.fileno()],
            )  # fmt: skip
            self.listener.close()  # bound here, listened to there
            self.listener = None

    def command_waiting(self) -> bool:
        """True when a dbt command waits for a process not launched yet."""
        with self._lock:
            return self.listener is not None and bool(select.select([self.listener], [], [], 0)[0])

    def close(self) -> None:
        """Stops the process if it still waits (a night whose models were up to date: the
        dbt step, when it ran, has had its answer) and removes its folder."""
        with self._lock:
            if self.listener is not None:  # never started
                self.listener.close()
                self.listener = None
        if self.process is not None:
            end_process(self.process)
        shutil.rmtree(self.folder, ignore_errors=True)
        if os.environ.get(ENV) == str(self.folder):
            del os.environ[ENV]


def end_process(process: subprocess.Popen, grace_s: float = 10) -> None:
    """Ends one of the run's waiting processes (dbt's, Great Expectations'): asked to stop,
    killed if it has not within the grace time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def installed_dbt() -> str:
    """The dbt installed beside this Python, found without PATH (a virtualenv used without
    activation has it there)."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def start(launch: bool = True) -> Warm:
    """Points this process's dbt executable at the warm dbt's script (pipelines.project.
    dbt_executable reads ENV: the Dagster definitions take it when they are made) and
    starts the process, or leaves that to `launch()` (pipelines/run.py starts it once
    Great Expectations is imported in its own process)."""
    real_dbt = installed_dbt()
    folder = Path(tempfile.mkdtemp(prefix="socialwh-dbt-"))
    script = folder / SCRIPT
    script.write_text(_SCRIPT.format(python=sys.executable, real=real_dbt, socket=SOCKET))
    script.chmod(0o700)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(folder / SOCKET))
    listener.listen(1)
    os.environ[ENV] = str(folder)
    warm = Warm(folder, listener)
    if launch:
        warm.launch()
    return warm


def _serve(folder: Path, parent: int, listening: int) -> int:
    listener = socket.socket(fileno=listening)
    import dbt.adapters.duckdb  # noqa: F401  # the adapter dbt loads first thing
    from dbt.cli.main import cli  # the point of it all

    listener.settimeout(1.0)
    while True:
        try:
            conn, _ = listener.accept()
            break
        except TimeoutError:
            if os.getppid() != parent:  # the run is gone
                return 0
    listener.close()
    os.unlink(folder / SOCKET)  # one command: a later caller runs the installed dbt
    conn.settimeout(None)
    head, fds, _, _ = socket.recv_fds(conn, 8, 3)
    size, body = int.from_bytes(head, "big"), b""
    while len(body) < size:
        body += conn.recv(size - len(body))
    request = json.loads(body)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    conn.sendall(os.getpid().to_bytes(8, "big"))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # dbt's own handling of a stop
    sys.argv = [str(folder / SCRIPT), *request["args"]]
    try:
        cli.main(args=request["args"], prog_name="dbt")  # click ends it with SystemExit
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except KeyboardInterrupt:
        code = 130
    sys.stdout.flush()
    sys.stderr.flush()
    if _release_databases():
        # dagster-dbt reads dbt's output until every process writing it has closed it:
        # this one's copies are closed now, not when its interpreter has been torn down
        # (dbt's modules freed one by one: 0.5-0.9 s of every night, the run waiting)
        devnull = os.open(os.devnull, os.O_RDWR)
        for target in (0, 1, 2):
            os.dup2(devnull, target)
        os.close(devnull)
    conn.sendall(bytes([code & 0xFF]))
    return 0


def _release_databases() -> bool:
    """dbt-duckdb keeps the build database open to the end of its process: closed here
    (and so checkpointed), since the run opens the file the moment dbt's output ends.
    True when no DuckDB file is open any more; else (another dbt-duckdb, not Linux) the
    output ends with the process, as a dbt the run started itself."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        with DuckDBConnectionManager._LOCK:
            env, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
        if env is not None:
            env.close()
        fds = Path("/proc/self/fd")
        return fds.is_dir() and not any(
            ".duckdb" in os.readlink(fd) for fd in fds.iterdir() if fd.is_symlink()
        )
    except Exception:  # noqa: BLE001 — the slower way is still right
        return False


def _exit_now(code: list[int]) -> None:
    """The last of the process's exit steps (registered first): every other one has run
    (dbt's, logging's, multiprocessing's, which removes the semaphores dbt made: its
    resource tracker would otherwise warn on dbt's stderr), then the exit, without freeing
    dbt's modules one by one."""
    import logging

    logging.shutdown()
    os._exit(code[0])


if __name__ == "__main__":
    import atexit

    status = [1]  # an exception escaping _serve: Python has printed it
    atexit.register(_exit_now, status)
    status[0] = _serve(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
    sys.exit(status[0])
