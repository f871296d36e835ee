"""Whether two builds of the dbt project hold the same relations, row for row.

Each side is a DuckDB catalog attached to one connection (the DuckDB build file, or views
over the Parquet folders Spark wrote). Columns are compared by name, after the types the
engines spell differently are brought to one form: instants as UTC wall-clock time,
floating numbers to 9 decimals, integers of any width as BIGINT. EXCEPT ALL both ways, so
a row present twice on one side and once on the other is a difference too.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# Fingerprints of the engine's own SQL text or seed rendering, stored by incremental models
# to notice a changed rule, and the raw row id the staging post views carry for DuckDB's
# deduplication (NULL on Spark): they differ by engine by construction and say nothing of
# data.
BOOKKEEPING_COLUMNS = {"content_map_version", "theme_rules_version", "raw_row_id"}


def _normalised(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    columns = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    out = {}
    for name, dtype, *_ in columns:
        if name in BOOKKEEPING_COLUMNS:
            continue
        quoted = f'"{name}"'
        if dtype == "TIMESTAMP WITH TIME ZONE":
            expr = f"timezone('UTC', {quoted})"
        elif dtype.startswith("TIMESTAMP"):
            expr = f"CAST({quoted} AS TIMESTAMP)"
        elif dtype in ("DOUBLE", "FLOAT") or dtype.startswith("DECIMAL"):
            expr = f"round(CAST({quoted} AS DOUBLE), 9)"
        elif dtype in ("HUGEINT", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT"):
            expr = f"CAST({quoted} AS BIGINT)"
        else:
            expr = quoted
        out[name.lower()] = f"{expr} AS {quoted}"
    return out


def differences(con: duckdb.DuckDBPyConnection, left: str, right: str) -> list[str]:
    """What differs between relations `left` and `right` (empty when equal)."""
    a, b = _normalised(con, left), _normalised(con, right)
    if set(a) != set(b):
        return [
            f"columns differ: only left {sorted(set(a) - set(b))}, "
            f"only right {sorted(set(b) - set(a))}"
        ]
    names = sorted(a)
    select_a = ", ".join(a[n] for n in names)
    select_b = ", ".join(b[n] for n in names)
    out = []
    for label, first, second in (
        ("only left", f"SELECT {select_a} FROM {left}", f"SELECT {select_b} FROM {right}"),
        ("only right", f"SELECT {select_b} FROM {right}", f"SELECT {select_a} FROM {left}"),
    ):
        rows = con.execute(f"{first} EXCEPT ALL {second}").fetchall()
        if rows:
            sample = dict(zip(names, rows[0], strict=True))
            out.append(f"{len(rows)} row(s) {label}, e.g. {sample}")
    return out


def warehouse_differences(
    left: Path, right: Path, schemas: tuple[str, ...] = ("marts", "analytics")
) -> dict[str, list[str]]:
    """What differs between two published warehouse files, relation by relation (tables
    and views of `schemas`; a relation missing on the right is a difference too)."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{left}' AS left_file (READ_ONLY)")
    con.execute(f"ATTACH '{right}' AS right_file (READ_ONLY)")
    listed = ", ".join(f"'{s}'" for s in schemas)
    relations = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'left_file' "
        f"AND schema_name IN ({listed}) UNION ALL SELECT schema_name, view_name FROM "
        f"duckdb_views() WHERE database_name = 'left_file' AND schema_name IN ({listed}) "
        "ORDER BY ALL"
    ).fetchall()
    if not relations:
        return {"": [f"{left} holds no relation in {', '.join(schemas)}"]}
    found = {}
    for schema, name in relations:
        try:
            unequal = differences(
                con, f'left_file."{schema}"."{name}"', f'right_file."{schema}"."{name}"'
            )
        except duckdb.CatalogException as missing:
            unequal = [str(missing).splitlines()[0]]
        if unequal:
            found[f"{schema}.{name}"] = unequal
    return found
