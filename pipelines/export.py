"""`socialwh export`: a table of the published warehouse as a CSV an analyst opens in Excel.

Captions, titles and campaign names come from the outside world. A text cell starting
with `=`, `+`, `-`, `@` (or a tab or carriage return) would run as a formula in a
spreadsheet (CSV injection), so such cells are written with a leading apostrophe,
which spreadsheets show as plain text. DuckDB does the escaping and the writing.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.settings import Paths

FORMULA_START = r"^[=+\-@\t\r]"
EXPORTABLE_SCHEMAS = ("marts", "ops", "analytics")


class ExportError(Exception):
    pass


def export_csv(p: Paths, table: str, out: Path, client: str | None = None) -> int:
    """Write `schema.table` (optionally one client's rows) to `out`; return the row count."""
    if not p.warehouse.exists():
        raise ExportError(f"no published warehouse at {p.warehouse} yet: run `socialwh run`")
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        # The table must be one that exists: its name never reaches SQL unchecked.
        columns = con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name || '.' || "
            "table_name = ? AND schema_name IN (SELECT unnest(?)) ORDER BY column_index",
            [table, list(EXPORTABLE_SCHEMAS)],
        ).fetchall()
        if not columns:
            tables = [
                t
                for (t,) in con.execute(
                    "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
                    "WHERE schema_name = 'marts' UNION ALL SELECT schema_name || '.' || view_name "
                    "FROM duckdb_views() WHERE schema_name = 'analytics' ORDER BY 1"
                ).fetchall()
            ]
            raise ExportError(f"no table {table!r}; choose one of: {', '.join(tables)}")
        schema, name = table.split(".", 1)
        select = ", ".join(
            f"CASE WHEN regexp_matches({_q(c)}, '{FORMULA_START}') THEN '''' || {_q(c)} "
            f"ELSE {_q(c)} END AS {_q(c)}"
            if dtype == "VARCHAR"
            else _q(c)
            for c, dtype in columns
        )
        query = f"SELECT {select} FROM {_q(schema)}.{_q(name)}"
        params: list[str] = []
        if client is not None:
            if "client" not in {c for c, _ in columns}:
                raise ExportError(f"{table} has no client column to filter on")
            query += " WHERE client = ?"
            params.append(client)
        # Run the query once: into a temp table, then counted and written from there.
        con.execute(f"CREATE TEMP TABLE sw_export AS {query}", params)
        out.parent.mkdir(parents=True, exist_ok=True)
        con.table("sw_export").write_csv(str(out), header=True, overwrite=True)
        return con.execute("SELECT count(*) FROM sw_export").fetchone()[0]


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
