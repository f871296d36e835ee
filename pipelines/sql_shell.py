"""`socialwh sql`: SQL on the published warehouse, read-only, with nothing else to install.

`socialwh sql "SELECT ..."` runs one query (or a script) and prints the result; with no
query it reads one from a pipe, or, at a terminal, opens a small shell where a statement
ends with `;`. The file is opened read-only: nothing an analyst types can change it, and
the nightly run publishes around it (it swaps in a new file; a shell left open keeps
reading the one it opened until it is reopened).
"""

from __future__ import annotations

import sys

import duckdb

from pipelines.settings import Paths

PROMPT, MORE = "socialwh> ", "      ...> "


class SqlError(Exception):
    pass


def _show(con: duckdb.DuckDBPyConnection, sql: str, max_rows: int, csv: bool) -> None:
    try:
        result = con.sql(sql)
    except duckdb.Error as exc:
        raise SqlError(str(exc).splitlines()[0]) from exc
    if result is None:  # a statement without rows (SET, PRAGMA...)
        return
    if csv:
        result.write_csv("/dev/stdout")
    else:
        result.show(max_rows=max_rows, max_width=200)


def run_sql(p: Paths, query: str | None, max_rows: int = 40, csv: bool = False) -> int:
    if not p.warehouse.exists():
        raise SqlError(f"no published warehouse at {p.warehouse} yet: run `socialwh run`")
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        if query is None and not sys.stdin.isatty():
            query = sys.stdin.read()
        if query is not None:
            _show(con, query, max_rows, csv)
            return 0
        print(
            f"{p.warehouse} (read-only). Schemas: marts, analytics, ops. End a statement with ;"
            " — Ctrl-D to leave.\nTry: SELECT * FROM analytics.posts LIMIT 5;"
        )
        buffer: list[str] = []
        while True:
            try:
                line = input(MORE if buffer else PROMPT)
            except EOFError:
                print()
                return 0
            except KeyboardInterrupt:
                print()
                buffer = []
                continue
            buffer.append(line)
            if line.rstrip().endswith(";"):
                try:
                    _show(con, "\n".join(buffer), max_rows, csv)
                except SqlError as exc:
                    print(f"error: {exc}", file=sys.stderr)
                buffer = []
