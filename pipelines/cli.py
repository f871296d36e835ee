"""The `socialwh` command line: run, demo-data, status, ui."""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

from pipelines.instance import instance_home
from pipelines.settings import ENGINES, PROJECT_ROOT, engine, paths


def cmd_demo_data(args: argparse.Namespace) -> int:
    from pipelines.demo.generate import KINDS, generate

    end = date.fromisoformat(args.end) if args.end else None
    kinds = tuple(k.strip() for k in args.kinds.split(",")) if args.kinds else KINDS
    unknown = set(kinds) - set(KINDS)
    if unknown:
        print(
            f"socialwh: unknown --kinds {', '.join(sorted(unknown))}; choose from "
            f"{', '.join(KINDS)}",
            file=sys.stderr,
        )
        return 2
    summary = generate(
        Path(args.out),
        clients=args.clients,
        days=args.days,
        seed=args.seed,
        language=args.language,
        kinds=kinds,
        quirks=not args.no_quirks,
        real_quirks=args.quirks,
        **({"end": end} if end else {}),
    )
    print(
        f"Generated {summary.files} export files ({summary.rows} rows) for "
        f"{summary.clients} clients in {args.out}"
    )
    if summary.clients_csv:
        print(f"Client register: {summary.clients_csv}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from data_checks.run_rules import MARTS
    from pipelines.run import run_nightly

    accepted = [t if "." in t else f"marts.{t}" for t in args.accept_drop]
    unknown = [t for t in accepted if t.removeprefix("marts.") not in MARTS or "." in t[6:]]
    if unknown:
        print(
            f"socialwh run: --accept-drop {', '.join(unknown)}: not a mart whose row count is "
            f"checked; one of: {', '.join('marts.' + m for m in MARTS)}",
            file=sys.stderr,
        )
        return 2
    try:
        chosen = args.engine or engine()  # the run's steps are handed it (no environment)
    except ValueError as bad:
        print(f"socialwh run: {bad}", file=sys.stderr)
        return 2
    if chosen == "spark":
        from pipelines.spark.build import SparkUnavailable, check_available

        try:
            check_available()
        except SparkUnavailable as missing:
            print(f"socialwh run --engine spark: {missing}", file=sys.stderr)
            return 2
    p = paths()
    try:
        return run_nightly(p, engine=chosen, full_refresh=args.full_refresh, accept_drop=accepted)
    except Exception as exc:  # a full disk fails wherever it is met (SQLite, DuckDB, dbt)
        from pipelines import disk

        if not disk.is_disk_full(exc, p.data_dir):
            raise
        print(f"socialwh run: NOT PUBLISHED: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(f"What to do: {disk.advice(p.data_dir)}", file=sys.stderr)
        return 1


def cmd_status(args: argparse.Namespace) -> int:
    from pipelines.status import print_status

    return print_status(paths())


def cmd_report(args: argparse.Namespace) -> int:
    from pipelines.report.build import ReportError, write_report

    try:
        out = write_report(paths(), Path(args.out), args.client, args.period, args.lang)
    except ReportError as exc:
        print(f"socialwh report: {exc}", file=sys.stderr)
        return 2
    print(f"Report written to {out} (one self-contained file: open it in any browser)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pipelines.export import ExportError, export_csv

    try:
        rows = export_csv(paths(), args.table, Path(args.out), client=args.client)
    except ExportError as exc:
        print(f"socialwh export: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {rows} rows of {args.table} to {args.out}")
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    from pipelines.sql_shell import SqlError, run_sql

    try:
        return run_sql(paths(), args.query, max_rows=args.max_rows, csv=args.csv)
    except SqlError as exc:
        print(f"socialwh sql: {exc}", file=sys.stderr)
        return 2


def cmd_ui(args: argparse.Namespace) -> int:
    p = paths().ensure()
    home = instance_home(p)
    # The webserver runs from the project root: its environment pins the data dir the user
    # meant and the instance.
    env = dict(os.environ, SOCIALWH_DATA_DIR=str(p.data_dir), DAGSTER_HOME=home)
    # the dbt manifest, prepared before the webserver loads the definitions
    from pipelines.project import prepared_project

    prepared_project(p)

    cmd = [
        str(Path(sys.executable).parent / "dagster"),
        "dev",
        "-w",
        str(PROJECT_ROOT / "workspace.yaml"),
        "-h",
        args.host,
        "-p",
        str(args.port),
    ]
    print(
        f"Dagster UI on http://{args.host}:{args.port} (schedules and sensors live); "
        f"instance {home}"
    )
    return subprocess.call(cmd, cwd=PROJECT_ROOT, env=env)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="socialwh",
        description="Social-media analytics warehouse. Data dir: $SOCIALWH_DATA_DIR "
        "(default ./data).",
    )
    sub = ap.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo-data", help="generate realistic exports in the real formats")
    demo.add_argument("--out", required=True, help="folder to write into (e.g. data/landing)")
    demo.add_argument("--clients", type=int, default=3)
    demo.add_argument("--days", type=int, default=90, help="daily exports per client")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--language", choices=["en", "fr", "mixed"], default="mixed")
    demo.add_argument("--end", help="last export day, YYYY-MM-DD (default 2026-03-31)")
    demo.add_argument(
        "--kinds",
        help="comma-separated subset of: facebook, instagram, page, "
        "ads, linkedin, conversions (default: all)",
    )
    demo.add_argument(
        "--no-quirks",
        action="store_true",
        help="leave out the duplicate, Windows-1252 and HTML-error-page files",
    )
    demo.add_argument(
        "--quirks",
        action="store_true",
        help="add a client whose exports carry every quirk of real exports (two-block "
        "page series, older layouts, short rows, Views all 0, LinkedIn .xls, ads without "
        "ids and broken down by age and gender)",
    )
    demo.set_defaults(func=cmd_demo_data)

    run = sub.add_parser("run", help="run the nightly job once (exit 1 if a blocking check failed)")
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild the incremental models from all loaded data",
    )
    run.add_argument(
        "--engine",
        choices=ENGINES,
        help="where dbt builds the models: duckdb (default) or spark (pip install -e "
        "'.[spark]', Java 17); default: $SOCIALWH_ENGINE, else duckdb",
    )
    run.add_argument(
        "--accept-drop",
        action="append",
        default=[],
        metavar="TABLE",
        help="publish although TABLE (e.g. marts.fct_post_daily) has fewer rows than the "
        "published warehouse: the drop is expected (an export removed on purpose); this run only",
    )
    run.set_defaults(func=cmd_run)

    status = sub.add_parser("status", help="last runs, freshness, quarantine")
    status.set_defaults(func=cmd_status)

    report = sub.add_parser("report", help="the analysts' HTML report, with charts")
    report.add_argument("--client", help="one client's slug (default: all clients)")
    report.add_argument(
        "--period", help="2026-Q1, 2026-03 or 2026 (default: the latest quarter with posts)"
    )
    report.add_argument("--lang", choices=["fr", "en"], default="fr")
    report.add_argument("--out", required=True, help="the HTML file to write")
    report.set_defaults(func=cmd_report)

    export = sub.add_parser(
        "export",
        help="a published table as CSV for a spreadsheet (formula-like cells made inert)",
    )
    export.add_argument("table", help="e.g. marts.fct_post_performance")
    export.add_argument("--out", required=True, help="the CSV file to write")
    export.add_argument("--client", help="only this client's rows")
    export.set_defaults(func=cmd_export)

    sql = sub.add_parser(
        "sql", help="SQL on the published warehouse, read-only (a shell when given no query)"
    )
    sql.add_argument("query", nargs="?", help='e.g. "SELECT * FROM analytics.posts LIMIT 5"')
    sql.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    sql.add_argument("--max-rows", type=int, default=40, help="rows shown in a table (40)")
    sql.set_defaults(func=cmd_sql)

    ui = sub.add_parser("ui", help="Dagster webserver and daemon (schedules, sensors)")
    ui.add_argument("--host", default="127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(func=cmd_ui)
    return ap


def main(argv: list[str] | None = None) -> int:
    # Everything socialwh writes (exports copied, reports, the build, the instance, and what
    # the UI's runs write) is private to its user, whatever the shell's umask.
    os.umask(0o077)
    # `socialwh status | head` ends quietly, as other commands do, not in a traceback
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    args = parser().parse_args(argv)  # argparse exits 2 on bad usage
    if getattr(args, "clients", 1) < 1 or getattr(args, "days", 1) < 1:
        print("socialwh: --clients and --days must be at least 1", file=sys.stderr)
        return 2
    return args.func(args)


def entry() -> None:
    """The `socialwh` command (and `python -m pipelines.cli`): main, then an exit that skips
    tearing the interpreter down."""
    # Every module's objects freed one by one after the work is done: 0.5 s of a 2.4 s
    # quiet night at L (Dagster, pydantic, SQLAlchemy loaded), more after a full run. The
    # exit comes after Python's own shutdown steps (threads joined, every atexit hook
    # registered after this one: logging, multiprocessing, Dagster's), which is what
    # writes anything pending; only the freeing of memory the OS takes back is skipped.
    # Not in main: a caller in the same process (a test) keeps its interpreter.
    code = [1]  # an exception escaping main: Python has printed it; exit 1 as it would
    atexit.register(_exit_now, code)
    try:
        code[0] = main()
    except SystemExit as stop:  # argparse's usage errors (2), --help (0)
        code[0] = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if not isinstance(stop.code, int | None):
            print(stop.code, file=sys.stderr)
    sys.exit(code[0])


def _exit_now(code: list[int]) -> None:
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`socialwh status | head`)
            pass
    os._exit(code[0])


if __name__ == "__main__":
    entry()
