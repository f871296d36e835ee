"""Nights nobody watches: killed runs, analysts reading throughout, files still arriving,
two runs at once, and the UI that `make ui` serves."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data_checks.runner import FileValidator
from pipelines import run_lock
from pipelines.ingest.landing import LandingLoader
from pipelines.settings import Paths
from tests.conftest import ROOT, SOCIALWH, copy_of_the_code, socialwh, socialwh_env, socialwh_from


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def split_demo_by_day(data_dir: Path, staging: Path) -> list[Path]:
    """Put every export but the last day's into landing/; return the last day's files."""
    files = [f for f in staging.rglob("*") if f.is_file()]
    # the demo's damaged files are dated now, its exports on their export days: hold back
    # the last export day (real data, so that the next run has something for dbt to build)
    exported = [f for f in files if time.time() - f.stat().st_mtime > 86400]
    last_day = max(int(f.stat().st_mtime // 86400) for f in exported)
    later = []
    for f in files:
        target = data_dir / "landing" / f.relative_to(staging)
        if int(f.stat().st_mtime // 86400) == last_day:
            later.append(f)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, target)  # keeps the export's date, which dates its snapshot
    return later


def kill_run_when(data_dir: Path, seen, what: str) -> str:
    """Start `socialwh run`, kill -9 its whole process group (dbt included) the moment
    `seen(line)` is true or a publish is half-written; return the output up to then."""
    proc = subprocess.Popen(
        [str(SOCIALWH), "run"],
        env=socialwh_env(data_dir),
        cwd=data_dir.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    killed = threading.Event()

    def kill() -> None:
        if not killed.is_set():
            killed.set()
            os.killpg(proc.pid, signal.SIGKILL)

    def watch_publish() -> None:  # publish takes well under a second: poll closely
        while proc.poll() is None and not killed.is_set():
            if what == "publish" and any((data_dir / "warehouse").glob(".social.duckdb.*.tmp")):
                kill()
            time.sleep(0.002)

    watcher = threading.Thread(target=watch_publish, daemon=True)
    watcher.start()
    output = []
    for line in proc.stdout:
        output.append(line)
        if seen(line):
            kill()
            break
    proc.wait(timeout=120)
    watcher.join(timeout=5)
    text = "".join(output)
    assert killed.is_set(), f"the run ended before reaching {what}:\n{text[-3000:]}"
    return text


class Analysts:
    """Read-only sessions on the published file that keep querying, as analysts do all day."""

    def __init__(self, warehouse: Path, sessions: int = 2):
        self.conns = [duckdb.connect(str(warehouse), read_only=True) for _ in range(sessions)]
        self.queries = 0
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._query, args=(c,)) for c in self.conns]
        for t in self.threads:
            t.start()

    def _query(self, con: duckdb.DuckDBPyConnection) -> None:
        while not self.stop.is_set():
            try:
                con.execute(
                    "SELECT p.client, sum(p.impressions), count(DISTINCT d.date) "
                    "FROM marts.fct_post_performance p JOIN marts.fct_post_daily d USING "
                    "(post_key) GROUP BY ALL"
                ).fetchall()
                self.queries += 1
            except Exception as exc:  # noqa: BLE001 — any failure is what we count
                self.errors.append(repr(exc))
            time.sleep(0.05)

    def close(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()
        for c in self.conns:
            c.close()


def test_killed_runs_leave_the_warehouse_intact_and_analysts_never_notice(
    data_dir: Path, tmp_path: Path
) -> None:
    staging = tmp_path / "exports"
    socialwh(
        "demo-data",
        "--out",
        str(staging),
        "--clients",
        "2",
        "--days",
        "8",
        "--seed",
        "3",
        data=data_dir,
        check=True,
    )
    last_day = split_demo_by_day(data_dir, staging)
    socialwh("run", data=data_dir, check=True)
    warehouse = data_dir / "warehouse" / "social.duckdb"
    published = sha256(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files_before = con.execute("SELECT count(*) FROM ops.file_loads").fetchone()[0]

    for f in last_day:  # the next day's exports land
        target = data_dir / "landing" / f.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, target)

    analysts = Analysts(warehouse)
    try:
        kill_points = {
            "load": lambda line: "- landing_files - [1/" in line,
            "dbt": lambda line: " OK created sql " in line,
            "checks": lambda line: "Checking marts." in line,
            "publish": lambda line: False,
        }
        for what, seen in kill_points.items():
            kill_run_when(data_dir, seen, what)
            assert sha256(warehouse) == published, f"killed during {what}: warehouse changed"
            with duckdb.connect(str(warehouse), read_only=True) as con:  # opens cleanly
                assert con.execute("SELECT count(*) FROM marts.dim_client").fetchone()[0] == 2

        recovered = socialwh("run", data=data_dir)
        assert recovered.returncode == 0, recovered.stdout[-4000:] + recovered.stderr[-4000:]
        assert "PUBLISHED" in recovered.stdout
        assert "had stopped without finishing" in recovered.stdout  # the dead runs, recorded
        time.sleep(0.5)
    finally:
        analysts.close()

    assert analysts.errors == [] and analysts.queries > 50, (analysts.queries, analysts.errors)
    assert sha256(warehouse) != published
    assert not list((data_dir / "warehouse").glob(".social.duckdb.*"))  # no leftovers
    with duckdb.connect(str(warehouse), read_only=True) as con:  # a new session: new data
        files_now = con.execute("SELECT count(*) FROM ops.file_loads").fetchone()[0]
        assert files_now == files_before + len(last_day) > files_before
        # every file once: nothing lost, nothing loaded twice by the killed runs
        assert con.execute(
            "SELECT count(*) = count(DISTINCT path) FROM ops.file_loads WHERE status = 'loaded'"
        ).fetchone()[0]

    status = socialwh("status", data=data_dir, check=True).stdout
    assert status.count("FAILURE") == 4 and "SUCCESS" in status
    assert "Latest run report" in status and "PUBLISHED" in status
    reports = sorted((data_dir / "runs").glob("2*.txt"))
    crashed = [r.read_text() for r in reports if "NOT PUBLISHED" in r.read_text()]
    assert len(crashed) == 4 and all("What to do:" in r for r in crashed)


def test_a_file_still_being_written_waits_for_the_next_run(
    data_dir: Path, real_fixtures, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALWH_SETTLE_SECONDS", "30")
    p = Paths(data_dir)
    src = next(real_fixtures.glob("*.csv")).read_bytes()
    target = data_dir / "landing" / "pharmacie-dupont" / "facebook" / "posts.csv"
    target.parent.mkdir(parents=True)
    target.write_bytes(src[: len(src) // 2])

    def finish_download() -> None:
        time.sleep(0.5)
        with target.open("ab") as fh:
            fh.write(src[len(src) // 2 :])

    writer = threading.Thread(target=finish_download)
    writer.start()
    first = LandingLoader(p, "run-1", validate=FileValidator().problems).run()
    writer.join()
    assert [(f.path, f.status) for f in first.files] == [
        ("pharmacie-dupont/facebook/posts.csv", "deferred")
    ]
    assert not list(p.quarantine.rglob("*"))  # half a file is not a bad file

    old = time.time() - 3600  # the download finished an hour ago
    os.utime(target, (old, old))
    second = LandingLoader(p, "run-2", validate=FileValidator().problems).run()
    assert [f.status for f in second.files] == ["loaded"]
    with duckdb.connect(str(p.build_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM ops.file_loads").fetchone()[0] == 1


def test_a_file_written_in_pauses_is_taken_only_once_its_writer_is_done(
    data_dir: Path, real_fixtures, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that pauses longer than the settle time keeps the file open: the file, cut
    mid-row, is neither loaded short nor moved to quarantine under the writer's feet."""
    monkeypatch.setenv("SOCIALWH_SETTLE_SECONDS", "30")
    p = Paths(data_dir)
    src = next(real_fixtures.glob("facebook_posts_*.csv")).read_bytes()
    target = data_dir / "landing" / "pharmacie-dupont" / "facebook" / "posts.csv"
    target.parent.mkdir(parents=True)
    load = lambda run: LandingLoader(p, run, validate=FileValidator().problems).run()  # noqa: E731
    with target.open("wb") as writer:
        writer.write(src[: len(src) // 2 + 7])  # stops inside a row
        writer.flush()
        old = time.time() - 3600  # a pause far longer than the settle time
        os.utime(target, (old, old))
        first = load("run-1")
        assert [(f.path, f.status) for f in first.files] == [
            ("pharmacie-dupont/facebook/posts.csv", "deferred")
        ]
        writer.write(src[len(src) // 2 + 7 :])
    # closed a few seconds ago: still inside the settle time
    recent = time.time() - 5
    os.utime(target, (recent, recent))
    assert [f.status for f in load("run-2").files] == ["deferred"]
    assert target.exists() and not list(p.quarantine.rglob("*"))

    os.utime(target, (old, old))
    third = load("run-3")
    assert [f.status for f in third.files] == ["loaded"]
    with duckdb.connect(str(p.build_db), read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM raw.facebook_posts").fetchone()[0]
    assert rows == third.files[0].rows_loaded == len(pd.read_csv(io.BytesIO(src)))


@contextlib.contextmanager
def small_disk(mount_point: Path, size: str):
    """A tmpfs of `size` at mount_point for the test (skipped where mounting needs a root
    this machine does not give)."""
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr!r}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def test_a_full_disk_is_said_and_the_next_run_needs_no_cleanup(tmp_path: Path) -> None:
    """The disk fills during a night (dbt's manifest cut short, SQLite unable to grow): the
    run says the disk is full, and once space is back the next run publishes by itself."""
    with small_disk(tmp_path / "disk", "160m") as disk:
        data = disk / "data"
        env = socialwh_env(data) | {"SOCIALWH_SETTLE_SECONDS": "0"}
        env.pop("SOCIALWH_DBT_TARGET", None)  # the manifest on the small disk, as in production

        def run(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                [str(SOCIALWH), *args], env=env, text=True, capture_output=True, timeout=600
            )

        demo = ["demo-data", "--out", str(data / "landing"), "--clients", "1", "--days", "3"]
        assert run(*demo, "--no-quirks").returncode == 0
        assert run("run").returncode == 0
        manifest = data / "build" / "dbt_target" / "manifest.json"
        whole = manifest.read_bytes()

        # the next day lands (a re-export: other content), then the disk fills
        export = next((data / "landing").rglob("*.csv"))
        export.with_name("next-" + export.name).write_bytes(export.read_bytes() + b"\n")
        filler = disk / "filler"
        with filler.open("wb") as fh:
            os.posix_fallocate(fh.fileno(), 0, shutil.disk_usage(disk).free - 256 * 1024)
        # what dbt left when the disk filled, cut right after a `}` (as a cut may fall)
        manifest.write_bytes(whole[: whole.rindex(b"}", 0, len(whole) // 2) + 1])
        (data / "build" / "dbt_target" / "partial_parse.msgpack").unlink(missing_ok=True)
        full = run("run")
        said = full.stdout + full.stderr
        assert full.returncode == 1
        assert "is full" in said and "nothing needs cleaning up" in said, said[-3000:]
        assert "Traceback" not in said

        filler.unlink()  # space is back; nobody touches anything else
        after = run("run")
        assert after.returncode == 0 and "PUBLISHED" in after.stdout, after.stderr[-3000:]
        with duckdb.connect(str(data / "warehouse" / "social.duckdb"), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM marts.dim_post").fetchone()[0] > 0


def test_a_corrupted_published_file_is_said_and_replaced_by_the_next_run(data_dir: Path) -> None:
    demo = ["demo-data", "--out", str(data_dir / "landing"), "--clients", "1", "--days", "3"]
    socialwh(*demo, "--no-quirks", data=data_dir, check=True)
    socialwh("run", data=data_dir, check=True)
    warehouse = data_dir / "warehouse" / "social.duckdb"
    with warehouse.open("r+b") as fh:  # a copy cut short, a disk error: garbage inside
        fh.seek(4096)
        fh.write(os.urandom(64 * 1024))
        fh.truncate(200 * 1024)

    status = socialwh("status", data=data_dir)
    assert status.returncode == 0, status.stderr[-2000:]
    assert "CANNOT BE OPENED" in status.stdout and "replaces it" in status.stdout

    night = socialwh("run", data=data_dir)
    assert night.returncode == 0 and "PUBLISHED" in night.stdout, night.stdout[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.dim_client").fetchone()[0] == 1
    assert "CANNOT BE OPENED" not in socialwh("status", data=data_dir, check=True).stdout


def test_a_new_checkout_in_another_folder_builds_the_same_data_dir(
    data_dir: Path, tmp_path: Path
) -> None:
    """An upgrade installed as a fresh clone in a new folder serves the data dir the old
    folder built. dbt's partial-parse cache there holds the old folder's paths (its seeds
    are read from them): reused, every seed of the next build failed with "No files
    found" once the old folder was gone."""
    demo = ["demo-data", "--out", str(data_dir / "landing"), "--clients", "1", "--days", "3"]
    socialwh(*demo, "--no-quirks", "--kinds", "facebook", data=data_dir, check=True)
    # this test's own dbt target: the session's shared one belongs to this checkout
    env = socialwh_env(data_dir) | {"SOCIALWH_DBT_TARGET": str(tmp_path / "dbt_target")}
    old = copy_of_the_code(tmp_path / "old-checkout")
    new = tmp_path / "new-checkout"

    socialwh_from(old, "run", env=env)  # its nights leave dbt's parse cache
    old.rename(new)  # the old folder is gone; the same code now lives elsewhere

    # rebuilt whole: a night with nothing new would not start dbt
    night = socialwh_from(new, "run", "--full-refresh", env=env)
    assert "PUBLISHED" in night.stdout
    with duckdb.connect(str(data_dir / "warehouse" / "social.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.dim_post").fetchone()[0] > 0


def test_an_emptied_folder_of_an_unlisted_client_blocks_no_one(data_dir: Path) -> None:
    """A client missing from clients.csv whose folder is emptied (its exports archived)
    keeps its loaded data and stays a client: the night publishes for everyone."""
    demo = ["demo-data", "--out", str(data_dir / "landing"), "--clients", "1", "--days", "3"]
    socialwh(*demo, "--no-quirks", "--kinds", "facebook", data=data_dir, check=True)
    listed = next(d for d in (data_dir / "landing").iterdir() if d.is_dir())
    unlisted = data_dir / "landing" / "clinique-non-inscrite"
    for f in listed.rglob("*.csv"):  # other content (a line more), so not a duplicate
        copy = unlisted / f.relative_to(listed)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(f.read_bytes() + b"\n")
        shutil.copystat(f, copy)
    socialwh("run", data=data_dir, check=True)

    for f in unlisted.rglob("*.csv"):
        f.unlink()
    export = next(listed.rglob("*.csv"))  # and the listed client's next export lands
    export.with_name("next-" + export.name).write_bytes(export.read_bytes() + b"\n")
    night = socialwh("run", data=data_dir)
    assert night.returncode == 0 and "PUBLISHED" in night.stdout, night.stdout[-3000:]
    with duckdb.connect(str(data_dir / "warehouse" / "social.duckdb"), read_only=True) as con:
        clients = con.execute(
            "SELECT client, is_listed_in_register FROM marts.dim_client ORDER BY 1"
        ).fetchall()
    assert ("clinique-non-inscrite", False) in clients and len(clients) == 2


def test_a_read_only_landing_with_one_bad_file_blocks_no_one(tmp_path: Path) -> None:
    """landing/ on a read-only share: a bad file cannot be moved out. It is copied to
    quarantine/ with its reason, the good files load, the night publishes, and the next
    night neither reads it again nor counts it twice."""
    with small_disk(tmp_path / "share", "64m") as share:
        data = tmp_path / "data"
        (data).mkdir()
        demo = ["demo-data", "--out", str(share), "--clients", "1", "--days", "3"]
        socialwh(*demo, "--no-quirks", "--kinds", "facebook", data=data, check=True)
        client = next(d for d in share.iterdir() if d.is_dir())
        bad = client / "notes.csv"
        bad.write_text("<html><body>Session expired</body></html>\n")
        os.utime(bad, (time.time() - 3600,) * 2)
        for example in share.glob("clients.csv*"):  # the demo's register example
            example.unlink()
        (data / "landing").symlink_to(share)
        subprocess.run(["mount", "-o", "remount,ro", str(share)], check=True)

        first = socialwh("run", data=data)
        assert first.returncode == 0 and "PUBLISHED" in first.stdout, first.stdout[-3000:]
        assert "1 quarantined" in first.stdout and "copied to quarantine/" in first.stdout
        assert bad.exists() and (data / "quarantine" / client.name / "notes.csv").exists()

        second = socialwh("run", data=data, check=True)
        assert "UP TO DATE" in second.stdout  # the copied bad file is not new any more


def test_one_run_at_a_time_and_no_stale_lock_after_kill(data_dir: Path) -> None:
    p = Paths(data_dir)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from pipelines import run_lock; "
            "from pipelines.settings import Paths; "
            "run_lock.try_acquire(Paths(Path(sys.argv[1])), 'night-of-the-1st'); "
            "print('held', flush=True); time.sleep(600)",
            str(data_dir),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert "night-of" in run_lock.held_by(p)
        with pytest.raises(run_lock.RunInProgress, match="pid"):
            run_lock.try_acquire(p, "second")
        waits = []
        with pytest.raises(run_lock.RunInProgress):
            run_lock.acquire(p, "second", timeout_s=0.3, on_wait=waits.append, poll_s=0.1)
        assert waits and "Another socialwh run holds the data dir" in waits[0]
    finally:
        holder.kill()  # SIGKILL: no clean-up code runs
        holder.wait()
    assert run_lock.held_by(p) is None
    run_lock.try_acquire(p, "third")
    run_lock.release(p)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)["data"]


def test_make_ui_serves_the_asset_graph_on_localhost(data_dir: Path) -> None:
    port = _free_port()
    env = socialwh_env(data_dir)
    ui = subprocess.Popen(
        ["make", "--no-print-directory", "ui", f"UI_PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        nodes = None
        while time.monotonic() < deadline and ui.poll() is None:
            try:
                data = _graphql(
                    port,
                    "{ assetNodes { assetKey { path } dependencyKeys { path } groupName "
                    "description assetChecksOrError { ... on AssetChecks { checks { name } } } "
                    "} }",
                )
                nodes = data["assetNodes"]
                if nodes:
                    break
            except (OSError, KeyError, TypeError):
                pass
            time.sleep(2)
        log = ui.stdout.read() if ui.poll() is not None else "(still running)"
        assert nodes, f"the UI did not serve the asset graph:\n{log}"
        keys = {"/".join(n["assetKey"]["path"]) for n in nodes}
        assert {"raw/facebook_posts", "marts/fct_post_performance", "warehouse/social"} <= keys
        deps = {
            "/".join(n["assetKey"]["path"]): {"/".join(d["path"]) for d in n["dependencyKeys"]}
            for n in nodes
        }
        assert "marts/fct_post_performance" in deps["warehouse/social"]
        # Groups by layer, every asset described, the checks on the asset they guard.
        by_key = {"/".join(n["assetKey"]["path"]): n for n in nodes}
        groups = {n["groupName"] for n in nodes}
        assert {"raw", "staging", "intermediate", "marts", "analytics", "publish"} <= groups
        undescribed = [k for k, n in by_key.items() if not n["description"]]
        assert undescribed == []
        guarded = by_key["marts/fct_post_performance"]["assetChecksOrError"]["checks"]
        names = {c["name"] for c in guarded}
        assert "unique_fct_post_performance_post_key" in names
        assert any(n.endswith("_not_negative") for n in names)

        instigators = _graphql(
            port,
            "{ repositoriesOrError { ... on RepositoryConnection { nodes { "
            "schedules { name scheduleState { status } } "
            "sensors { name sensorState { status } } } } } }",
        )["repositoriesOrError"]["nodes"][0]
        states = {s["name"]: s["scheduleState"]["status"] for s in instigators["schedules"]}
        states |= {s["name"]: s["sensorState"]["status"] for s in instigators["sensors"]}
        assert states["nightly_at_2am"] == "RUNNING" and states["new_landing_files"] == "RUNNING"

        # Only this machine can reach it: nothing listens on the other interfaces.
        listening = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
        local = [line.split()[3] for line in listening.splitlines() if f":{port}" in line]
        assert local and all(addr.startswith("127.0.0.1:") for addr in local), local
    finally:
        os.killpg(ui.pid, signal.SIGTERM)
        try:
            ui.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(ui.pid, signal.SIGKILL)


def test_failure_sensor_writes_the_report_status_shows(data_dir: Path) -> None:
    """A run started by the schedule or the UI fails: the failure sensor writes its report
    (step, error, what to do) and tags the run with its outcome for the UI."""
    import dagster as dg

    from pipelines.defs.automation import nightly_report_on_failure
    from pipelines.defs.resources import Warehouse
    from pipelines.instance import open_instance

    p = Paths(data_dir).ensure()

    @dg.op
    def landing_files():
        raise OSError("No space left on device")

    @dg.job(name="nightly")
    def failing_nightly():
        landing_files()

    instance = open_instance(p)
    result = failing_nightly.execute_in_process(
        instance=instance, raise_on_error=False, tags={"socialwh/trigger": "schedule"}
    )
    assert not result.success
    failure = next(
        e.dagster_event
        for e in instance.all_logs(result.run_id)
        if e.dagster_event and e.dagster_event.event_type == dg.DagsterEventType.RUN_FAILURE
    )
    context = dg.build_run_status_sensor_context(
        sensor_name="nightly_report_on_failure",
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(result.run_id),
        dagster_event=failure,
        resources={"warehouse": Warehouse(data_dir=str(data_dir))},
    ).for_run_failure()
    nightly_report_on_failure(context)

    report = (data_dir / "runs" / "latest.txt").read_text()
    assert "NOT PUBLISHED" in report and "(schedule," in report
    assert "Step landing_files failed" in report and "No space left on device" in report
    assert "What to do:" in report
    tags = instance.get_run_by_id(result.run_id).tags
    assert tags["socialwh/outcome"].startswith("not published: Step landing_files failed")
    status = socialwh("status", data=data_dir, check=True).stdout
    assert "No space left on device" in status and "FAILURE" in status
