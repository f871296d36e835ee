"""Great Expectations in the run's waiting process (pipelines/gx_warm.py): the same
verdicts as in the run's own process, for the landing step's files and the mart suites;
the same again when the process is gone; stopped with the run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from test_data_checks import GOOD_AD, GOOD_DAY, GOOD_POST, warehouse

from data_checks.runner import FileValidator
from data_checks.runner import run_suite as run_here
from data_checks.suites import SUITES
from pipelines import dbt_warm, gx_warm
from pipelines.ingest.kinds import CSV_KINDS
from pipelines.ingest.records import modified_us
from tests.conftest import ROOT

FACEBOOK_POSTS = next(k for k in CSV_KINDS if k.name == "facebook_posts")


def _staged_files() -> duckdb.DuckDBPyConnection:
    """Three facebook_posts files staged as a batch is: good, no publish times, no rows."""
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE sw_files AS SELECT * FROM (VALUES (1), (2), (3)) t(sw_file_id)")
    con.execute(
        "CREATE TEMP TABLE sw_parsed AS SELECT * FROM (VALUES "
        "(1, 1, 'p1', TIMESTAMP '2026-03-01 10:00', 5), "
        "(1, 2, 'p2', TIMESTAMP '2026-03-01 11:00', 7), "
        "(2, 1, 'p3', NULL, 3), (2, 2, 'p4', NULL, -1)"
        ") t(sw_file_id, sw_row, post_id, publish_time, reach)"
    )
    return con


@pytest.fixture
def build_db(tmp_path: Path) -> Path:
    db = tmp_path / "social.duckdb"
    warehouse(
        [GOOD_POST, GOOD_POST | {"reach": 1200}],
        [GOOD_AD, GOOD_AD | {"spend": -5.0}],
        [GOOD_DAY, GOOD_DAY | {"new_followers": -2}],
        path=str(db),
    ).close()
    return db


def _refuse_here():
    raise AssertionError("validated in the run's process, not the waiting one")


def test_the_waiting_process_judges_as_the_run_would(build_db: Path) -> None:
    staged = _staged_files()
    expected_files = FileValidator().problems(staged, FACEBOOK_POSTS)
    assert set(expected_files) == {2, 3}  # the checks do find something here
    with duckdb.connect(str(build_db), read_only=True) as con:
        expected = {suite.table: run_here(con, suite) for suite in SUITES}
    assert all(any(not r.passed for r in results) for results in expected.values())

    worker = gx_warm.start()
    try:
        assert gx_warm.FileChecks().problems(staged, FACEBOOK_POSTS) == expected_files
        for suite in SUITES:
            assert gx_warm.run_suite(build_db, suite, _refuse_here)[0] == expected[suite.table]
        assert not worker.broken and worker.answered == 1 + len(SUITES)

        worker.process.kill()  # gone mid-run: the run's own process does the work
        worker.process.wait()
        assert gx_warm.FileChecks().problems(staged, FACEBOOK_POSTS) == expected_files
        asked_here = []

        def here():
            asked_here.append(True)
            return duckdb.connect(str(build_db), read_only=True)

        suite = SUITES[0]
        assert gx_warm.run_suite(build_db, suite, here) == (
            expected[suite.table],
            "in this process",
        )
        assert asked_here and worker.broken
    finally:
        gx_warm.stop()
    assert worker.process.poll() is not None and gx_warm._worker is None


def test_mart_suites_asked_for_ahead_are_answered_while_the_run_reads_then_writes(
    build_db: Path,
) -> None:
    """Once dbt is done the mart suites run in the process while the run computes its own
    rules on the same database; a write waits for them; each suite's step takes its
    answer; answers asked for are dropped with the process."""
    with duckdb.connect(str(build_db), read_only=True) as con:
        expected = {suite.table: run_here(con, suite) for suite in SUITES}
    tables = [suite.table for suite in SUITES]
    gx_warm.ask_for_suites(build_db, tables)  # no process: nothing asked, steps do it here
    assert gx_warm._prefetched == {}

    worker = gx_warm.start()
    try:
        gx_warm.ask_for_suites(build_db, tables)
        with duckdb.connect(str(build_db), read_only=True) as reader:  # the run's rules
            assert reader.execute("SELECT count(*) FROM marts.fct_post_performance").fetchone()
        gx_warm.wait_for_suites()
        with duckdb.connect(str(build_db)) as writer:  # the process has let the file go
            writer.execute("CREATE TABLE written_after AS SELECT 1 AS x")
        for suite in SUITES:
            assert gx_warm.run_suite(build_db, suite, _refuse_here) == (
                expected[suite.table],
                "in the run's Great Expectations process",
            )
        assert worker.answered == len(SUITES) and gx_warm._prefetched == {}

        gx_warm.ask_for_suites(build_db, tables)  # asked, never taken: the run ends
    finally:
        gx_warm.stop()
    assert gx_warm._prefetched == {}


def test_the_process_ends_with_the_run_and_is_stopped_by_it(build_db: Path) -> None:
    worker = gx_warm.start()
    gx_warm.stop()
    assert worker.process.poll() is not None
    # a run killed without its `finally`: the process notices its parent is gone
    parent = subprocess.Popen(
        [sys.executable, "-c", "from pipelines import gx_warm; import os; "
         "print(gx_warm.start().process.pid, flush=True); os._exit(0)"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    orphan = int(parent.stdout.readline())
    parent.wait()
    for _ in range(100):
        try:
            with open(f"/proc/{orphan}/stat") as stat:
                if stat.read().split(") ")[1].startswith("Z"):
                    break
        except FileNotFoundError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the waiting process outlived its run by 10 s")


def test_a_run_ended_early_stops_both_waiting_processes_at_once() -> None:
    """The run starts dbt's process once GX is imported in its own; a run that ends
    before (nothing to load, a failure) leaves neither behind, and does not wait."""
    from pipelines.run import _start_warm_processes

    started = time.monotonic()
    stop = _start_warm_processes("duckdb")
    worker = gx_warm._worker
    stop()
    assert time.monotonic() - started < 10
    assert worker.process.poll() is not None and gx_warm._worker is None
    stop = _start_warm_processes("duckdb")  # this time dbt's process does start
    worker = gx_warm._worker
    folder = Path(os.environ[dbt_warm.ENV])  # named at once: the definitions take it
    assert (folder / dbt_warm.SCRIPT).exists()
    assert worker.wait_ready(timeout=60)
    for _ in range(100):
        if _processes_naming(folder):  # dbt's process, started once GX was imported
            break
        time.sleep(0.1)
    else:
        pytest.fail("dbt's waiting process was not started")
    stop()
    assert worker.process.poll() is not None and not folder.exists()
    time.sleep(0.5)
    assert not _processes_naming(folder)


def _processes_naming(folder: Path) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
        except OSError:
            continue
        if str(folder).encode() in cmdline and state != "Z":
            found.append(int(pid))
    return found


class _Judge:
    def __init__(self, answer=None, error=None):
        self.answer, self.error = answer, error

    def result(self):
        time.sleep(0.2)
        if self.error:
            raise self.error
        return self.answer


def test_the_early_judgement_starts_what_a_night_with_work_needs_and_only_then() -> None:
    """GX's process starts the moment the judge finds work (pipelines/quiet_night.py), not
    when the run, busy importing Dagster, reads the verdict; a quiet night starts none."""
    from pipelines.quiet_night import _Heeded

    started = []
    busy = _Heeded(_Judge((False, [], "scan")), lambda: started.append(time.monotonic()))
    time.sleep(0.5)  # the run is importing Dagster meanwhile
    asked = time.monotonic()
    assert busy.result() == (False, [], "scan") and len(started) == 1 and started[0] < asked
    quiet = _Heeded(_Judge((True, [], None)), lambda: started.append(time.monotonic()))
    assert quiet.result() == (True, [], None) and len(started) == 1
    lost = _Heeded(_Judge(error=EOFError()), lambda: started.append(time.monotonic()))
    with pytest.raises(EOFError):
        lost.result()
    assert len(started) == 1


def test_the_forked_judge_says_it_met_a_new_file_before_its_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At L the judge lists 212,000 files: GX's process starts at the first new file it
    meets, not once the listing ends; a night whose listing meets none starts nothing
    before the verdict."""
    from pipelines import quiet_night
    from pipelines.ingest.scan import scan_against
    from pipelines.settings import Paths

    landing = tmp_path / "landing"
    (landing / "client-a" / "facebook").mkdir(parents=True)
    for name in ("old.csv", "new.csv"):
        (landing / "client-a" / "facebook" / name).write_text("Post ID\n1\n", encoding="utf-8")
    old = landing / "client-a" / "facebook" / "old.csv"
    seen = {("client-a/facebook/old.csv", old.stat().st_size, modified_us(old.stat()))}
    met = []
    assert [f.rel for f in scan_against(seen, landing, lambda: met.append(1)).new] == []  # settling
    assert met == [1]  # once, though settling: the head start is only a guess
    met.clear()
    everything = seen | {("client-a/facebook/new.csv", old.stat().st_size, modified_us(
        (landing / "client-a" / "facebook" / "new.csv").stat()))}  # fmt: skip
    scan_against(everything, landing, lambda: met.append(1))
    assert met == []

    def judged_slowly(p, engine, on_new=None):  # the listing goes on after the first new file
        if on_new is not None:
            on_new()
        time.sleep(0.5)
        return (False, [], None)

    monkeypatch.setattr(quiet_night, "nothing_new", judged_slowly)  # forked with the child
    started = []
    judge = quiet_night.judge_early(
        Paths(tmp_path), "duckdb", lambda: started.append(time.monotonic())
    )
    assert judge.result() == (False, [], None)
    answered = time.monotonic()
    assert len(started) == 1 and answered - started[0] > 0.3
