"""Publishing the warehouse analysts open, atomically, copying only what changed.

The new file is made beside the published one: a copy of the published file in which
only the tables whose content changed since are replaced from the build database (their
fingerprints, kept in the file's `ops.published_relations`, say which), or, when there is
no usable published file (the first night, a damaged one) or when over
REWRITE_WHEN_FREE of the published file's blocks are free, and at least
REWRITE_WHEN_FREE_MB (space freed by replaced tables, which DuckDB reuses but never gives
back to the file system), a file written whole. It is checkpointed and fsynced, then
renamed over the published one. A rename never disturbs a reader: an analyst's open
session keeps the file it opened, and the next connection sees the new one. A crash at
any point leaves the published file as it was; leftovers of a crashed publish are removed
by the next one.

The file is written in DuckDB's v1.0 storage format so that analysts' DuckDB 1.x
clients (CLI, Python, DBeaver) open it as well as 2.x ones (a copy keeps the format).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.bulk_insert import insert_rows
from pipelines.settings import Paths

PUBLISHED_SCHEMAS = ("marts", "ops")
VIEW_SCHEMAS = ("analytics",)  # analysts' friendly views over the marts
STORAGE_VERSION = "v1.0.0"
FINGERPRINTS = "ops.published_relations"  # in the published file only
# Each client's part of the fingerprint of each mart with a client column (its rows' count
# and two sums of their hashes), in the published file only: a build of some clients then
# reads their rows in the build alone, not also in the published file (at L, ten clients'
# rows of every mart, read twice, were 0.35 s of a 1.2 s publish).
CLIENT_FINGERPRINTS = "ops.published_client_fingerprints"
VIEWS = "views"  # its row for the views: their SQL and comments
BUILT = "build"  # its row for the build it holds (dbt_scope's build_id)
# The share of free blocks in the published file, and their size, above which the next
# night writes it whole. A replaced table's old blocks are reused by the next night's
# writes, never returned to the file system: what is free is about what the last night
# replaced (at L 7 blocks of 925), more after a night that replaced much (a full
# refresh). Every seventh night, as before, rewrote 242 MB at L for those 7 blocks (5.8 s
# of a 13 s night); the size keeps a small file, whose one replaced table is a third of
# it, from being written whole every other night.
REWRITE_WHEN_FREE, REWRITE_WHEN_FREE_MB = 0.25, 16
# Large tables a night changes a little of (the posts it touched, the reporting windows of
# its ads, its own run's files): replaced key by key when under half their keys changed,
# not copied whole (fct_post_daily has 6.7 million rows at L, the per-post marts 188,000,
# fct_campaign_daily 876,000 rows of 30 columns: 1.4 s to copy, file_loads 214,000).
PATCHED_BY_KEY = {
    "marts.fct_post_daily": ("post_key",),
    "marts.fct_post_performance": ("post_key",),
    "marts.fct_post_at_age": ("post_key",),
    "marts.fct_post_benchmarks": ("post_key",),
    "marts.dim_post": ("post_key",),
    # its dbt model's own unit of rebuilding: a client's reporting window
    "marts.fct_campaign_daily": ("client", "date", "date_end"),
    "ops.file_loads": ("run_id",),
}


# Marts a night rebuilds key by key (dbt: delete+insert of every row of each key with a row
# loaded since the last build; their grain test's `rebuilt_by`): on a night with a scope,
# only those keys' rows can differ from the build before, and only they are read. At L a
# night of ten clients rebuilds a few hundred posts of fct_post_daily's 6.7 million rows,
# where the touched clients' rows are 335,000 (6.7 million on a night of every client).
REBUILT_BY = {"marts.fct_post_daily": "post_key"}
# Above this share of the clients, a build is published from its whole tables: by client,
# each table is read on both sides, twice the reading when every client was touched (at
# L, a night of all 200 clients, one night each: 3.8 s by client; 2.9 and 3.5 s whole).
BY_CLIENT_UP_TO = 0.5


@dataclass(frozen=True)
class ClientScope:
    """The build to publish, named `build_id` (pipelines/dbt_scope.published_scope): when
    `clients` is not None, its marts differ from those of the build `previous_build_id`
    only in those clients' rows, and a mart of REBUILT_BY only in the rows of the keys
    with a row loaded after `loaded_since` (None: unknown, all those clients' rows)."""

    build_id: str | None = None
    clients: tuple[str, ...] | None = None
    previous_build_id: str | None = None
    loaded_since: str | None = None

    def rows(self, name: str) -> str:
        """The rows of mart `name` (schema.table) this build may have changed."""
        where = _clients_in(self.clients)
        key = REBUILT_BY.get(name)
        if key is None or self.loaded_since is None:
            return where
        since = self.loaded_since.replace("'", "''")
        schema, table = name.split(".", 1)
        return (
            f'{where} AND {key} IN (SELECT {key} FROM build.{schema}."{table}" '
            f"WHERE loaded_at > CAST('{since}' AS TIMESTAMPTZ))"
        )


@dataclass
class PublishResult:
    path: Path
    tables: dict[str, int]  # schema.table -> rows (tables only; views are not evaluated)
    size_bytes: int
    copied: list[str] = field(default_factory=list)  # tables written by this publish
    patched: list[str] = field(default_factory=list)  # of those, the ones written key by key
    whole: bool = True  # the file was written whole (not a copy of the last one)
    written: bool = True  # False: the published file already held this build, kept as is


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


def _fingerprints(
    con: duckdb.DuckDBPyConnection, tables: list[tuple[str, str]], with_client: set[str]
) -> tuple[dict, dict]:
    """(schema.table -> (rows, fingerprint) of the build's tables: the columns, their types
    and comments, the table's comment, and two sums of its rows' hashes (one is blind to
    rows that cancel out, the other to order: neither is read alone); schema.table ->
    {client: (rows, xor, sum)} of those in `with_client`, whose sums are combined from
    their clients' in the same reading)."""
    out, clients = {}, {}
    for schema, table in tables:
        name, relation = f"{schema}.{table}", f'build.{schema}."{table}"'
        if name in with_client:
            clients[name] = _client_hashes(con, relation)
            rows, xor, total = _combined(clients[name].values())
        else:
            rows, xor, total = _row_hashes(con, relation)
        out[name] = (rows, f"{xor}:{total}:{_shape(con, schema, table)}")
    return out, clients


# a relation's rows (aliased sw_row): their count and two sums of their hashes; one
# expression for whole tables and for some clients' rows, whose sums are combined
ROW_HASHES = "count(*), bit_xor(hash(sw_row)), sum(hash(sw_row)::HUGEINT)"


def _row_hashes(con: duckdb.DuckDBPyConnection, relation: str, where: str = "true") -> tuple:
    return con.execute(f"SELECT {ROW_HASHES} FROM {relation} AS sw_row WHERE {where}").fetchone()


def _client_hashes(con: duckdb.DuckDBPyConnection, relation: str) -> dict:
    return {
        client: (rows, xor, total)
        for client, rows, xor, total in con.execute(
            f"SELECT client, {ROW_HASHES} FROM {relation} AS sw_row GROUP BY client"
        ).fetchall()
    }


def _combined(parts) -> tuple[int, int | None, int | None]:
    """(rows, xor, sum) of the rows of several parts, each (rows, xor, sum) as ROW_HASHES
    gives it (None, None for no row, as for an empty table)."""
    rows, xor, total = 0, 0, 0
    for n, x, t in parts:
        if n:
            rows, xor, total = rows + n, xor ^ x, total + t
    return (rows, xor, total) if rows else (0, None, None)


def _moved(
    kept: tuple | None, old: tuple | None, new: tuple | None
) -> tuple[int, int | None, int | None]:
    """`kept` (rows, xor, sum) with the rows `old` taken out and `new` put in."""
    zero = (0, None, None)
    (n, x, t), (on, ox, ot), (nn, nx, nt) = kept or zero, old or zero, new or zero
    rows = n - on + nn
    if rows == 0:
        return zero
    return rows, (x or 0) ^ (ox or 0) ^ (nx or 0), (t or 0) - (ot or 0) + (nt or 0)


def _shape(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> str:
    (shape,) = con.execute(
        "SELECT string_agg(column_name || ' ' || data_type || ' ' || coalesce(c.comment, ''),"
        " '|' ORDER BY column_index) || '|' || coalesce(any_value(t.comment), '') "
        "FROM duckdb_columns() AS c JOIN duckdb_tables() AS t "
        "USING (database_name, schema_name, table_name) "
        "WHERE database_name = 'build' AND schema_name = ? AND table_name = ?",
        [schema, table],
    ).fetchone()
    return shape


def _clients_in(clients: tuple[str, ...]) -> str:
    if not clients:
        return "false"
    quoted = ", ".join("'" + c.replace("'", "''") + "'" for c in clients)
    return f"client IN ({quoted})"


def _few_of_the_clients(con: duckdb.DuckDBPyConnection, clients: tuple[str, ...]) -> bool:
    """Whether a build of `clients` is published by client (their rows read in the build
    and in the published file) rather than from the build's whole tables (read once): by
    client only while they are at most BY_CLIENT_UP_TO of the clients."""
    try:
        (every,) = con.execute("SELECT count(*) FROM build.marts.dim_client").fetchone()
    except duckdb.CatalogException:  # a build without its client dimension: read it whole
        return False
    return len(clients) <= BY_CLIENT_UP_TO * every


def _client_marts(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The build's marts with a client column (schema.table): published client by client."""
    return {
        f"marts.{t}"
        for (t,) in con.execute(
            "SELECT table_name FROM duckdb_columns() WHERE database_name = 'build' "
            "AND schema_name = 'marts' AND column_name = 'client'"
        ).fetchall()
    }


def _stored_client_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """The published file's (`last`) CLIENT_FINGERPRINTS: schema.table -> {client: (rows,
    xor, sum)}; none for a file written before they were kept."""
    try:
        rows = con.execute(
            f"SELECT relation, client, rows, xor, total FROM last.{CLIENT_FINGERPRINTS}"
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    out: dict[str, dict] = {}
    for relation, client, n, xor, total in rows:
        out.setdefault(relation, {})[client] = (n, int(xor), int(total))
    return out


def _by_client(
    con: duckdb.DuckDBPyConnection,
    listing: list[tuple[str, str]],
    had: dict,
    scope: ClientScope,
    with_client: set[str],
) -> dict[str, tuple[int, str, bool, dict | None]]:
    """The marts whose fingerprints follow from the published ones and the rows of
    the scope's clients alone (the published file holds the build before this one, which
    differs from it only in those rows: ClientScope.rows): schema.table -> (rows,
    fingerprint, changed, {client: (rows, xor, sum)} or None when not known).
    The fingerprint is the one of the whole table (its row hashes' XOR and sum, with the
    clients' old rows taken out and their new rows put in), not read from every row.
    The clients' old rows are known from the published file's CLIENT_FINGERPRINTS when the
    build recomputed them whole; else (a mart rebuilt key by key, REBUILT_BY; a file
    without them) they are read in the published file, attached as `last`."""
    out = {}
    stored = _stored_client_hashes(con)
    shapes = {}
    for schema, table in listing:
        name = f"{schema}.{table}"
        if name not in with_client or name not in had:
            continue
        shape = _shape(con, schema, table)
        if shape == had[name][1].split(":", 2)[2]:  # else columns or comments changed:
            shapes[name] = shape  # copied whole
    whole_clients = _clients_in(scope.clients)
    old_known = {n for n in shapes if n in stored and scope.rows(n) == whole_clients}
    # every side read in one statement: DuckDB reads them side by side (at L the touched
    # clients' rows of each mart, read twice, were 0.5 s one query at a time)
    hashes: dict[tuple[str, str], dict] = {(n, side): {} for n in shapes for side in SIDES}
    reads = [
        f"SELECT '{name}', '{side}', client, {ROW_HASHES} "
        f'FROM {side}.{name.split(".")[0]}."{name.split(".", 1)[1]}" AS sw_row '
        f"WHERE {scope.rows(name)} GROUP BY client"
        for name in shapes
        for side in SIDES
        if side == "build" or name not in old_known
    ]
    if reads:
        for name, side, client, rows, xor, total in con.execute(
            " UNION ALL ".join(reads)
        ).fetchall():
            hashes[(name, side)][client] = (rows, xor, total)
    for name, shape in shapes.items():
        rows_before, fingerprint = had[name]
        xor_before, sum_before, _ = fingerprint.split(":", 2)
        before = (
            rows_before,
            int(xor_before) if xor_before != "None" else None,
            int(sum_before) if sum_before != "None" else None,
        )
        new = hashes[(name, "build")]
        kept = stored.get(name)
        if name in old_known:
            old = {c: kept[c] for c in scope.clients if c in kept}
        else:
            old = hashes[(name, "last")]
        rows, xor, total = _moved(before, _combined(old.values()), _combined(new.values()))
        clients = None
        if kept is not None:  # each client's part, moved as the whole table's is
            clients = dict(kept)
            for c in old.keys() | new.keys():
                moved = _moved(kept.get(c), old.get(c), new.get(c))
                if moved[0]:
                    clients[c] = moved
                else:
                    clients.pop(c, None)
        out[name] = (rows, f"{xor}:{total}:{shape}", new != old, clients)
    return out


SIDES = ("build", "last")


def _views_fingerprint(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """(views, a digest of their SQL, comments and column comments) of the build."""
    views = con.execute(
        "SELECT schema_name, view_name, sql, comment FROM duckdb_views() "
        f"WHERE database_name = 'build' AND schema_name IN ({', '.join('?' * len(VIEW_SCHEMAS))}) "
        "ORDER BY ALL",
        list(VIEW_SCHEMAS),
    ).fetchall()
    columns = con.execute(
        "SELECT c.schema_name, c.table_name, c.column_name, c.comment FROM duckdb_columns() AS c "
        "JOIN duckdb_views() AS v ON v.database_name = c.database_name AND v.schema_name = "
        "c.schema_name AND v.view_name = c.table_name WHERE c.database_name = 'build' "
        "ORDER BY ALL"
    ).fetchall()
    return len(views), hashlib.sha256(repr((views, columns)).encode()).hexdigest()


@dataclass(frozen=True)
class Published:
    """What the next publish builds on: the published file's fingerprints, how many
    nights it has been copied since it was written whole, and its free blocks (their
    share of the file's, and their size)."""

    fingerprints: dict
    copies: int
    free_share: float
    free_mb: float


def _previous(published: Path) -> Published | None:
    """The published file as the next night builds on it, or None when it cannot be
    built upon (missing, unreadable, written before fingerprints)."""
    if not published.exists():
        return None
    try:
        with duckdb.connect(str(published), read_only=True) as con:
            rows = con.execute(
                f"SELECT relation, rows, fingerprint, copies FROM {FINGERPRINTS}"
            ).fetchall()
            free, total, block = con.execute(
                "SELECT free_blocks, total_blocks, block_size FROM pragma_database_size()"
            ).fetchone()
    except duckdb.Error:
        return None
    return Published(
        {r: (n, f) for r, n, f, _ in rows},
        max((c for *_, c in rows), default=0),
        free / total if total else 0.0,
        free * block / 2**20,
    )


def publish(p: Paths, run_id: str, scope: ClientScope | None = None) -> PublishResult:
    p.warehouse_dir.mkdir(parents=True, exist_ok=True)
    remove_leftovers(p)
    tmp = p.warehouse_dir / f".social.duckdb.{run_id}.tmp"
    with duckdb.connect() as con:
        con.execute("ATTACH ? AS build (READ_ONLY)", [str(p.build_db)])
        listing = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = 'build' AND schema_name IN "
            f"({', '.join('?' * len(PUBLISHED_SCHEMAS + VIEW_SCHEMAS))}) "
            # what a dbt run killed mid-model leaves behind; the next dbt run drops it
            "AND NOT regexp_matches(table_name, '__dbt_(tmp|backup)$') ORDER BY 1, 2",
            # a Spark build makes the analytics relations tables (pipelines/spark)
            list(PUBLISHED_SCHEMAS + VIEW_SCHEMAS),
        ).fetchall()
        scope = scope or ClientScope()
        previous = _previous(p.warehouse)
        whole = previous is None or (
            previous.free_share > REWRITE_WHEN_FREE and previous.free_mb >= REWRITE_WHEN_FREE_MB
        )
        had = {} if whole else dict(previous.fingerprints)
        built_before = had.pop(BUILT, (None, None))[1]
        by_client = {}
        with_client = _client_marts(con)
        if (
            scope.clients is not None
            and scope.previous_build_id
            and built_before == scope.previous_build_id
            and _few_of_the_clients(con, scope.clients)
        ):
            con.execute("ATTACH ? AS last (READ_ONLY)", [str(p.warehouse)])
            try:
                by_client = _by_client(con, listing, had, scope, with_client)
            finally:
                con.execute("DETACH last")
        wanted, client_hashes = _fingerprints(
            con, [t for t in listing if ".".join(t) not in by_client], with_client
        )
        for name, (rows, fp, _, clients) in by_client.items():
            wanted[name] = (rows, fp)
            if clients is not None:
                client_hashes[name] = clients
        wanted_views = _views_fingerprint(con)
        if had.pop(VIEWS, None) == wanted_views and had == wanted:
            # the published file is what this build would publish: nothing is written
            os.utime(p.warehouse)  # `socialwh status`: published (confirmed) now
            tables = {name: rows for name, (rows, _) in wanted.items()}
            return PublishResult(
                p.warehouse, tables, p.warehouse.stat().st_size, whole=False, written=False
            )
        if not whole:
            shutil.copyfile(p.warehouse, tmp)
        con.execute(f"ATTACH ? AS published (STORAGE_VERSION '{STORAGE_VERSION}')", [str(tmp)])
        for schema in PUBLISHED_SCHEMAS + VIEW_SCHEMAS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS published.{schema}")
        _drop_views(con)  # made again below from the build's: cheap, and never stale
        for gone in sorted(had.keys() - wanted.keys()):
            schema, table = gone.split(".", 1)
            con.execute(f'DROP TABLE IF EXISTS published.{schema}."{table}"')
        copied = [name for name in wanted if had.get(name) != wanted[name]]
        # the file holds the build before this one: what that build's scope says holds
        follows = not whole and built_before is not None and built_before == scope.previous_build_id
        patched = [
            name
            for name in copied
            if (follows and _replaced_rebuilt(con, name, had.get(name), wanted[name], scope))
            or _replaced_by_client(con, name, by_client, scope)
            or _patched(con, name, had.get(name), wanted[name])
        ]
        for name in copied:
            if name in patched:
                continue
            schema, table = name.split(".", 1)
            con.execute(
                f'CREATE OR REPLACE TABLE published.{schema}."{table}" AS '
                f'SELECT * FROM build.{schema}."{table}"'
            )
        copies = 0 if whole else previous.copies + 1
        con.execute(
            f"CREATE OR REPLACE TABLE published.{FINGERPRINTS} (relation VARCHAR, "
            "rows BIGINT, fingerprint VARCHAR, copies INTEGER)"
        )
        insert_rows(
            con,
            f"published.{FINGERPRINTS}",
            [
                (name, rows, fp, copies)
                for name, (rows, fp) in (
                    wanted | {VIEWS: wanted_views, BUILT: (0, scope.build_id)}
                ).items()
            ],
        )
        _keep_client_hashes(con, client_hashes)
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
        for comment_sql in _comments(con, set(copied)):
            con.execute(comment_sql)
        con.execute("USE memory")
        con.execute("DETACH published")  # checkpoints: the file is complete on its own
    _keep_access(p.warehouse, tmp)
    _fsync(tmp)
    os.replace(tmp, p.warehouse)
    _fsync(p.warehouse_dir)
    tables = {name: rows for name, (rows, _) in wanted.items()}
    size = p.warehouse.stat().st_size
    return PublishResult(p.warehouse, tables, size, copied, patched=patched, whole=whole)


def _keep_client_hashes(con: duckdb.DuckDBPyConnection, client_hashes: dict) -> None:
    """The published copy's CLIENT_FINGERPRINTS: each client's part of each mart's (its
    sums as text, as FINGERPRINTS holds them: they are 64-bit unsigned and 128-bit)."""
    con.execute(
        f"CREATE OR REPLACE TABLE published.{CLIENT_FINGERPRINTS} (relation VARCHAR, "
        "client VARCHAR, rows BIGINT, xor VARCHAR, total VARCHAR)"
    )
    insert_rows(
        con,
        f"published.{CLIENT_FINGERPRINTS}",
        [
            (name, client, rows, str(xor), str(total))
            for name, clients in sorted(client_hashes.items())
            for client, (rows, xor, total) in clients.items()
        ],
    )


def _replaced_by_client(
    con: duckdb.DuckDBPyConnection, name: str, by_client: dict, scope: ClientScope
) -> bool:
    """A mart whose changed rows are those of the build's clients (_by_client): of the rows
    the build may have changed (ClientScope.rows), the keys whose rows changed (a table of
    PATCHED_BY_KEY), else all, replaced in the published copy; nothing else read (a mart
    rebuilt key by key is _replaced_rebuilt's)."""
    if name not in by_client or scope.clients is None:
        return False
    where = scope.rows(name)
    if _patched(con, name, None, None, where):
        return True
    _replace_rows(con, name, where)
    return True


def _replace_rows(con: duckdb.DuckDBPyConnection, name: str, where: str) -> None:
    """The published copy's rows of `name` that `where` says, replaced by the build's."""
    schema, table = name.split(".", 1)
    con.execute(f'DELETE FROM published.{schema}."{table}" WHERE {where}')
    con.execute(
        f'INSERT INTO published.{schema}."{table}" '
        f'SELECT * FROM build.{schema}."{table}" WHERE {where}'
    )


def _replaced_rebuilt(
    con: duckdb.DuckDBPyConnection, name: str, had: tuple | None, wanted: tuple, scope: ClientScope
) -> bool:
    """A mart rebuilt key by key (REBUILT_BY) over the build the published copy holds, its
    columns unchanged: only the keys with rows loaded since that build can differ, and each
    of them has (rows loaded that night), so their rows are replaced without comparing any
    key: by client (at L, ten clients: 0.13 s of a 1.1 s publish spent finding that every
    rebuilt post had changed) as from the whole tables (every client: comparing
    fct_post_daily's 188,000 posts on both sides took 0.57 s)."""
    if name not in REBUILT_BY or scope.loaded_since is None or scope.clients is None:
        return False
    if had is None or had[1].split(":", 2)[2] != wanted[1].split(":", 2)[2]:
        return False
    where = scope.rows(name)
    _replace_rows(con, name, where)
    return True


def _patched(
    con: duckdb.DuckDBPyConnection,
    name: str,
    had: tuple | None,
    wanted: tuple | None,
    where: str = "",
) -> bool:
    """Replace, in the published copy, only the rows of the keys whose rows differ from the
    build's (compared key by key: row count and the two sums of the rows' hashes, as for a
    whole table), among the rows `where` says (the clients a build recomputed, whose shape
    _by_client compared; else every row). False, and nothing done, when the table is not
    patched that way: not in PATCHED_BY_KEY, new, of another shape (columns, types,
    comments), half changed, or with a NULL key."""
    key = PATCHED_BY_KEY.get(name)
    if key is None:
        return False
    if not where and (had is None or had[1].split(":", 2)[2] != wanted[1].split(":", 2)[2]):
        return False
    where = where or "true"
    schema, table = name.split(".", 1)
    cols = ", ".join(key)
    by_key = (
        f"SELECT {cols}, count(*) AS n, bit_xor(hash(sw_row)) AS x, "
        f'sum(hash(sw_row)::HUGEINT) AS s FROM {{}}.{schema}."{table}" AS sw_row '
        f"WHERE {where} GROUP BY {cols}"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE sw_changed AS SELECT {cols} "
        f"FROM ({by_key.format('build')}) AS b FULL JOIN ({by_key.format('published')}) AS p "
        f"USING ({cols}) WHERE b.n IS DISTINCT FROM p.n OR b.x IS DISTINCT FROM p.x "
        "OR b.s IS DISTINCT FROM p.s"
    )
    any_null = " OR ".join(f"{c} IS NULL" for c in key)
    changed, null_keys = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {any_null}) FROM sw_changed"
    ).fetchall()[0]
    distinct_keys = (
        f'SELECT count(*) FROM (SELECT DISTINCT {cols} FROM build.{schema}."{table}" WHERE {where})'
    )
    (keys,) = con.execute(distinct_keys).fetchall()[0]
    if null_keys or changed * 2 > keys:
        return False
    for sql in (
        f'DELETE FROM published.{schema}."{table}" '
        f"WHERE ({cols}) IN (SELECT {cols} FROM sw_changed)",
        f'INSERT INTO published.{schema}."{table}" SELECT * FROM build.{schema}."{table}" '
        f"WHERE ({cols}) IN (SELECT {cols} FROM sw_changed)",
    ):
        con.execute(sql)
    return True


def _drop_views(con: duckdb.DuckDBPyConnection) -> None:
    for schema, view in con.execute(
        "SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = 'published' "
        "AND NOT internal"
    ).fetchall():
        con.execute(f'DROP VIEW published.{schema}."{view}"')


def _comments(con: duckdb.DuckDBPyConnection, copied: set[str]) -> list[str]:
    """Carry table and column descriptions (dbt's docs) over to the published copy: of the
    views, and of the tables written now (a table kept from the last file keeps its own,
    which its fingerprint says are the build's)."""
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
            if schema in schemas and (kind == "VIEW" or f"{schema}.{relation}" in copied)
        ]
    rows = con.execute(
        "SELECT c.schema_name, c.table_name, c.column_name, c.comment, v.view_name IS NOT NULL "
        "FROM duckdb_columns() AS c LEFT JOIN duckdb_views() AS v ON v.database_name = "
        "c.database_name AND v.schema_name = c.schema_name AND v.view_name = c.table_name "
        "WHERE c.database_name = 'build' AND c.comment IS NOT NULL AND c.comment <> ''"
    ).fetchall()
    for schema, table, column, comment, is_view in rows:
        if schema in PUBLISHED_SCHEMAS + VIEW_SCHEMAS and (
            is_view or f"{schema}.{table}" in copied
        ):
            out.append(
                f'COMMENT ON COLUMN published.{schema}."{table}"."{column}" IS '
                f"'{comment.replace(chr(39), chr(39) * 2)}'"
            )
    return out
