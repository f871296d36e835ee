"""What a run did, in plain words: printed by `socialwh run`, kept under <data dir>/runs/.

run_events.py builds it from the run's events in the Dagster instance only (never from
the build database, which the next run may already hold), so the same report comes out
for a run started from cron, by the schedule, by the sensor or from the UI. It is a typed
record (RunReport), saved as JSON beside its text; the text is rendered in one place
(RunReport.lines), and `socialwh status` and the run's `socialwh/outcome` tag read the
record, never the text. A failed run's report says which step, file or check failed and
what to do.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from pipelines import disk
from pipelines.settings import Paths

RULE = "=" * 72
PATHS_NAMED = 3  # files named in a line that stands for several


@dataclass
class Quarantined:
    path: str
    reason: str


@dataclass
class Files:
    loaded: int = 0
    rows: int = 0
    rows_rejected: int = 0
    duplicate: int = 0
    quarantined: int = 0
    quarantined_files: list[Quarantined] = field(default_factory=list)
    personal_dropped: dict[str, list[str]] = field(default_factory=dict)  # path -> columns
    other_dropped: list[tuple[str, int, list[str]]] = field(default_factory=list)  # kind…
    notes: list[tuple[str, list[str]]] = field(default_factory=list)  # path, notes
    still_being_written: list[str] = field(default_factory=list)


@dataclass
class CheckFailure:
    check: str
    asset: str
    blocking: bool
    failing_rows: object
    sample: str
    why: str | None = None


@dataclass
class RunReport:
    run_id: str
    status: str
    trigger: str
    finished: str  # local time, as printed
    published: bool
    warehouse: str
    previous_published: bool  # a warehouse from an earlier night stays in place
    files: Files | None = None
    models_up_to_date: bool = False
    nothing_new: bool = False  # a quiet night: nothing rebuilt, checked or published again
    unlisted_clients: list[str] = field(default_factory=list)
    register: str = "clients.csv"
    register_warnings: list[str] = field(default_factory=list)
    checks_passed: int = 0
    check_failures: list[CheckFailure] = field(default_factory=list)
    failed_steps: list[tuple[str, str]] = field(default_factory=list)  # step, error
    crash: str | None = None
    disk_full: bool = False  # a step or the run stopped on a full disk
    quarantine_dir: str = ""
    dagster_home: str = ""
    data_dir: str = ""

    @property
    def blocking_failures(self) -> list[CheckFailure]:
        return [f for f in self.check_failures if f.blocking]

    @property
    def warnings(self) -> list[CheckFailure]:
        return [f for f in self.check_failures if not f.blocking]

    @property
    def headline(self) -> str:
        said = "PUBLISHED" if self.published else "NOT PUBLISHED"
        if self.nothing_new:
            said = "UP TO DATE (nothing new; the published warehouse is current)"
        return f"socialwh nightly run {self.run_id[:8]} ({self.trigger}, {self.finished}): {said}"

    @property
    def outcome(self) -> str:
        """One line for the run's tag in the UI and `socialwh status`."""
        parts = []
        if self.nothing_new:
            parts.append("nothing new, warehouse current")
        elif self.published:
            parts.append("published")
        else:
            problems = [_failure_line(f) for f in self.blocking_failures]
            problems += [f"Step {step} failed: {error}" for step, error in self.failed_steps]
            problems += [f"Run failed: {self.crash}"] if self.crash else []
            problem = problems[0] if problems else None
            parts.append("not published" + (f": {problem}" if problem else ""))
        if self.warnings:
            parts.append(f"{len(self.warnings)} warning(s)")
        if self.files and self.files.quarantined:
            parts.append(f"{self.files.quarantined} file(s) quarantined")
        if self.register_warnings:
            parts.append(f"{len(self.register_warnings)} register warning(s)")
        return ", ".join(parts)

    @property
    def text(self) -> str:
        return f"{RULE}\n{self.headline}\n{RULE}\n" + "\n".join(self.lines()) + "\n"

    def lines(self) -> list[str]:
        return [
            *self._file_lines(detail=True),
            *self._model_lines(),
            *self._register_lines(),
            *self._check_lines(why=True),
            *self._failure_lines(),
            *self._outcome_lines(),
            f"Run recorded in the Dagster instance at {self.dagster_home} (see `make ui`).",
        ]

    def summary(self) -> list[str]:
        """What `socialwh status` shows of it: the same parts, without the detail."""
        outcome = [] if self.published else self._outcome_lines()[:2]
        return [
            self.headline,
            *self._file_lines(detail=False),
            *self._register_lines(),
            *self._check_lines(why=False),
            *self._failure_lines(),
            *outcome,
        ]

    def _file_lines(self, detail: bool) -> list[str]:
        f = self.files
        if f is None:
            return []
        out = [
            f"Files: {f.loaded} loaded ({f.rows} rows, {f.rows_rejected} rows rejected — see "
            f"ops.rejected_rows), {f.duplicate} duplicate, {f.quarantined} quarantined"
        ]
        out += [f"  quarantined landing/{q.path}: {q.reason}" for q in f.quarantined_files]
        out += [f"  still being written, left for the next run: landing/{path}"
                for path in f.still_being_written]  # fmt: skip
        if not detail:
            return out
        if f.quarantined_files:
            out.append(f"  (files moved to {self.quarantine_dir}, each beside a .reason.txt)")
        # files that dropped the same columns (one booking tool's exports, a client each)
        # on one line: 200 lines a night at L otherwise
        alike: dict[tuple[str, ...], list[str]] = {}
        for path, columns in f.personal_dropped.items():
            alike.setdefault(tuple(columns), []).append(path)
        for columns, paths in alike.items():
            named = ", ".join(f"landing/{path}" for path in paths[:PATHS_NAMED])
            if len(paths) > PATHS_NAMED:
                named = (
                    f"{len(paths)} files ({named} and {len(paths) - PATHS_NAMED} more; "
                    "ops.file_loads.columns_dropped names each)"
                )
            out.append(
                f"  personal columns dropped, never stored, from {named}: " + ", ".join(columns)
            )
        for kind, files, columns in f.other_dropped:
            shown = ", ".join(columns[:10]) + (" …" if len(columns) > 10 else "")
            out.append(
                f"  {kind} ({files} file(s)): columns socialwh does not use, not stored: " + shown
            )
        for path, notes in f.notes:
            out.append(f"  noted in landing/{path}: " + "; ".join(notes))
        return out

    def _model_lines(self) -> list[str]:
        if self.nothing_new:
            return [
                "Nothing new since the last run (no new export, same clients and dbt project): "
                "dbt, the checks and publishing were not run; the published warehouse is current"
            ]
        if self.models_up_to_date:
            return [
                "Models: up to date, nothing new since the last build (dbt not run; the checks "
                "below ran on them again)"
            ]
        return []

    def _register_lines(self) -> list[str]:
        out = []
        if self.unlisted_clients:
            out.append(unlisted_clients_line(self.unlisted_clients, self.register))
        return out + [f"Register ({self.register}): {w}" for w in self.register_warnings]

    def _check_lines(self, why: bool) -> list[str]:
        if not (self.checks_passed or self.check_failures):
            return []
        out = [f"Checks: {self.checks_passed} passed, {len(self.check_failures)} failed"]
        for c in self.check_failures:
            out.append(f"  {_failure_line(c)}")
            if why and c.why:
                out.append(f"    why it matters: {c.why}")
        return out

    def _failure_lines(self) -> list[str]:
        out = [f"Step {step} failed: {error}" for step, error in self.failed_steps]
        if self.crash and not self.blocking_failures:
            out.append(f"Run failed: {self.crash}")
        return out

    def _outcome_lines(self) -> list[str]:
        if self.published:
            exe = Path(sys.executable).parent / "socialwh"
            return [
                f"Warehouse published: {self.warehouse}",
                "Query it read-only, e.g.:\n"
                f"  SOCIALWH_DATA_DIR={self.data_dir} {exe} sql "
                '"SELECT * FROM analytics.posts LIMIT 10"\n'
                f"  python -c \"import duckdb; print(duckdb.connect('{self.warehouse}', "
                "read_only=True).sql('FROM marts.dim_client'))\"",
            ]
        previous = (
            "the previous warehouse stays published"
            if self.previous_published
            else "no warehouse has been published yet"
        )
        out = [
            f"Nothing published: {previous} ({self.warehouse}).",
            "What to do: " + self._advice(),
        ]
        drops = [
            c.asset.replace("/", ".") for c in self.blocking_failures if c.check == "volume_no_drop"
        ]
        if drops:
            out.append(
                "If fewer rows are expected (an export removed from landing/ on purpose, a "
                "rebuild after one left), publish this once with: socialwh run "
                + " ".join(f"--accept-drop {table}" for table in drops)
            )
        return out

    def _advice(self) -> str:
        if self.disk_full:
            return disk.advice(Path(self.data_dir))
        if self.blocking_failures:
            return (
                "look at the failing rows named above (query the build database read-only, "
                "or the check's metadata in the UI); fix or re-export the files they come "
                "from (move a bad file out of landing/, or drop a corrected one in), then run "
                "`socialwh run` again. A model that drifted is repaired by "
                "`socialwh run --full-refresh`."
            )
        if self.failed_steps:
            return (
                "read the step's error above (its full log is in the UI, run page); once "
                "fixed, `socialwh run` starts again from the files: nothing needs cleaning up."
            )
        if self.crash is not None:
            return (
                "the run's process stopped before it finished (killed, out of memory or the "
                "machine stopped); nothing half-done was published, and the next run "
                "(`socialwh run`, or tonight's schedule) picks up on its own."
            )
        return "see the run's log in the UI (`make ui`)."

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, default=str)

    @classmethod
    def from_json(cls, text: str) -> RunReport:
        data = json.loads(text)
        files = data.pop("files")
        failures = data.pop("check_failures")
        report = cls(**data)
        if files is not None:
            quarantined = [Quarantined(**q) for q in files.pop("quarantined_files")]
            report.files = Files(**files, quarantined_files=quarantined)
        report.check_failures = [CheckFailure(**c) for c in failures]
        return report


def _failure_line(c: CheckFailure) -> str:
    return (
        f"FAILED {c.check} on {c.asset}{' (blocking)' if c.blocking else ' (warning)'}: "
        f"{c.failing_rows} failing row(s); sample: {c.sample}"
    )


def runs_dir(p: Paths) -> Path:
    return p.data_dir / "runs"


def _write_atomically(path: Path, text: str) -> None:
    """A report cut short by a full disk or a kill never replaces a whole one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def save_report(p: Paths, instance, report: RunReport) -> Path:
    """Keep the report (text and JSON) and its outcome on the run, where the UI shows it."""
    folder = runs_dir(p)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{datetime.now():%Y%m%d-%H%M%S}-{report.run_id[:8]}"
    path = folder / f"{stem}.txt"
    for name, text in (
        (f"{stem}.txt", report.text),
        (f"{stem}.json", report.to_json()),
        ("latest.txt", report.text),
        ("latest.json", report.to_json()),
    ):
        _write_atomically(folder / name, text)
    instance.add_run_tags(
        report.run_id,
        {"socialwh/outcome": report.outcome[:250], "socialwh/report": str(path)},
    )
    return path


def recent_reports(p: Paths, n: int) -> list[RunReport]:
    """The last n runs' reports, newest first (unreadable ones skipped)."""
    found = []
    named = (
        sorted((runs_dir(p)).glob("[0-9]*-*.json"), reverse=True) if runs_dir(p).is_dir() else []
    )
    for path in named:
        try:
            found.append(RunReport.from_json(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError):
            continue
        if len(found) == n:
            break
    return found


def latest_report(p: Paths) -> RunReport | None:
    """The last run's report, or None (none yet, or written by an older socialwh)."""
    try:
        return RunReport.from_json((runs_dir(p) / "latest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def unlisted_clients_line(names: list[str], register: str, shown: int = 10) -> str:
    """The report's line on client folders missing from the register: the first few by
    name (an agency that never wrote the register would get 200 names in one line)."""
    listed = ", ".join(names[:shown])
    if len(names) > shown:
        listed += (
            f" … and {len(names) - shown} more (marts.dim_client, where is_listed_in_register "
            "is false)"
        )
    return f"{len(names)} client(s) not in {register} (loaded as sector 'other'): {listed}"
