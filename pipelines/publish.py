"""Publishing the warehouse analysts open, atomically.

The marts and the audit trail are copied from the build database into a new file
beside the published one, checkpointed and fsynced, then renamed over it. A rename
never disturbs a reader: an analyst's open session keeps the file it opened, and the
next connection sees the new one. A crash at any point leaves the published file as
it was; leftovers of a crashed publish are removed by the next one.

The file is written in DuckDB's v1.0 storage format so that analysts' DuckDB 1.x
clients (CLI, Python, DBeaver) open it as well as 2.x ones.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.settings import Paths

PUBLISHED_SCHEMAS = ("marts", "ops")
VIEW_SCHEMAS = ("analytics",)  # analysts' friendly views over the marts
STORAGE_VERSION = "v1.0.0"


@dataclass
class PublishResult:
    path: Path
    tables: dict[str, int]  # schema.table -> rows (tables only; views are not evaluated)
    size_bytes: int


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# The published file is readable by the owner's group at most, never by every user.
FIRST_PUBLISH_MODE, WIDEST_MODE = 0o640, 0o750


def _keep_access(published: Path, new: Path) -> None:
    """The new file gets the published file's permissions (at most WIDEST_MODE) and group,
    so read-only access granted to analysts (README: chgrp analysts) survives every night."""
    if not published.exists():
        os.chmod(new, FIRST_PUBLISH_MODE)
        return
    st = published.stat()
    os.chmod(new, st.st_mode & WIDEST_MODE)
    try:
        os.chown(new, -1, st.st_gid)
    except PermissionError:
        pass  # not a member of that group: the mode is kept, the group is ours


def remove_leftovers(p: Paths) -> None:
    for leftover in p.warehouse_dir.glob(".social.duckdb.*.tmp*"):
        leftover.unlink(missing_ok=True)


def publish(p: Paths, run_id: str) -> PublishResult:
    p.warehouse_dir.mkdir(parents=True, exist_ok=True)
    remove_leftovers(p)
    tmp = p.warehouse_dir / f".social.duckdb.{run_id}.tmp"
    tables: dict[str, int] = {}
    with duckdb.connect() as con:
        con.execute("ATTACH ? AS build (READ_ONLY)", [str(p.build_db)])
        con.execute(f"ATTACH ? AS published (STORAGE_VERSION '{STORAGE_VERSION}')", [str(tmp)])
        listing = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = 'build' AND schema_name IN "
            f"({', '.join('?' * len(PUBLISHED_SCHEMAS + VIEW_SCHEMAS))}) "
            # what a dbt run killed mid-model leaves behind; the next dbt run drops it
            "AND NOT regexp_matches(table_name, '__dbt_(tmp|backup)$') ORDER BY 1, 2",
            # a Spark build makes the analytics relations tables (pipelines/spark)
            list(PUBLISHED_SCHEMAS + VIEW_SCHEMAS),
        ).fetchall()
        for schema in PUBLISHED_SCHEMAS + VIEW_SCHEMAS:
            con.execute(f"CREATE SCHEMA published.{schema}")
        for schema, table in listing:
            name = f'{schema}."{table}"'
            con.execute(f"CREATE TABLE published.{name} AS SELECT * FROM build.{name}")
            tables[f"{schema}.{table}"] = con.execute(
                f'SELECT count(*) FROM published.{schema}."{table}"'
            ).fetchone()[0]
        views = con.execute(
            "SELECT sql FROM duckdb_views() WHERE database_name = "
            f"'build' AND schema_name IN ({', '.join('?' * len(VIEW_SCHEMAS))}) ORDER BY view_name",
            list(VIEW_SCHEMAS),
        ).fetchall()
        # The views name their tables without a catalog: created from inside the new file,
        # they read its marts, and so they do wherever an analyst opens it.
        con.execute("USE published")
        for (sql,) in views:
            con.execute(sql)  # not counted: a view's count would compute it all again
        for comment_sql in _comments(con):
            con.execute(comment_sql)
        con.execute("USE memory")
        con.execute("DETACH published")  # checkpoints: the file is complete on its own
    _keep_access(p.warehouse, tmp)
    _fsync(tmp)
    os.replace(tmp, p.warehouse)
    _fsync(p.warehouse_dir)
    return PublishResult(p.warehouse, tables, p.warehouse.stat().st_size)


def _comments(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Carry table and column descriptions (dbt's docs) over to the published copy."""
    out = []
    for kind, listing, schemas in (
        ("TABLE", "duckdb_tables()", PUBLISHED_SCHEMAS + VIEW_SCHEMAS),
        ("VIEW", "duckdb_views()", VIEW_SCHEMAS),
    ):
        name = "table_name" if kind == "TABLE" else "view_name"
        rows = con.execute(
            f"SELECT schema_name, {name}, comment FROM {listing} "
            "WHERE database_name = 'build' AND comment IS NOT NULL AND comment <> ''"
        ).fetchall()
        out += [
            f'COMMENT ON {kind} published.{schema}."{relation}" IS '
            f"'{comment.replace(chr(39), chr(39) * 2)}'"
            for schema, relation, comment in rows
            if schema in schemas
        ]
    rows = con.execute(
        "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
        "WHERE database_name = 'build' AND comment IS NOT NULL AND comment <> ''"
    ).fetchall()
    for schema, table, column, comment in rows:
        if schema in PUBLISHED_SCHEMAS + VIEW_SCHEMAS:
            out.append(
                f'COMMENT ON COLUMN published.{schema}."{table}"."{column}" IS '
                f"'{comment.replace(chr(39), chr(39) * 2)}'"
            )
    return out
