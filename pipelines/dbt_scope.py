"""Which clients a night recomputes and checks: those it touched.

Every model is partitioned by client (a client's rows are made from that client's raw
rows, its register row and the seeds), so a client with no raw row loaded since the last
successful whole build keeps the rows that build made. That build's watermark — the
newest `loaded_at` of the raw rows it read, the md5 of the client register, the row count
of each model table it left — is kept in build/dbt_scope.json. Before dbt runs, the
clients with raw rows loaded since are named to dbt's commands (SOCIALWH_DBT_SCOPE): the
client-scoped models delete and recompute those clients' rows, and dbt's tests read those
clients' rows (dbt_project/macros/touched_clients.sql). The watermark goes along: a
day-scoped model recomputes the days from the first one loaded since, and the grain test
of a model rebuilt post by post reads the posts with rows loaded since. The run-level
reconciliation and the mart suites then check those clients' rows too (`checked_clients`).

Every client, as before, when the build is a full refresh, part of the graph or Spark's,
when no whole build is recorded (a build forgets the record as it starts, and makes it
again when it succeeds whole: after a failed or partial one, every client), when the
register changed (a sector or time zone shapes every row of its client), and when a model
table's row count is not the one the last build left (rows lost by a crash or by hand:
the old full rebuild repaired it, so this does too). And once a week (WHOLE_CHECKS_EVERY),
so that what a night's checks did not read — a value an incremental model got wrong, or
edited by hand, in an untouched client's rows — is rebuilt and checked within the week.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import duckdb

from pipelines.settings import Paths

WHOLE_CHECKS_EVERY = timedelta(days=7)
# the scope, given to the dbt commands of one build: a dbt run by hand (no such variable)
# recomputes and tests every client
ENV = "SOCIALWH_DBT_SCOPE"
BUILT_SCHEMAS = ("staging", "intermediate", "marts")

_REGISTER_MD5 = "SELECT md5(string_agg(c::VARCHAR, '|' ORDER BY client)) FROM raw.clients AS c"


@dataclass(frozen=True)
class Scope:
    """What a build reads (raw rows loaded up to `loaded_through`, the register
    `clients_md5`), the clients it recomputes, tests and checks (`touched`; None: every
    client, every row), and why every client when it is so."""

    loaded_through: str | None
    clients_md5: str | None
    touched: tuple[str, ...] | None = None
    since: str | None = None  # the build before (its build_id): `touched` loaded after it
    whole_checks_at: str | None = None  # when every client was last rebuilt and checked
    # the relations with a client column (schema.table, lower case) when dbt starts: the
    # ones a test may read only the touched clients of
    by_client: tuple[str, ...] = ()
    why_every_client: str = ""
    # the last whole build's watermark, when `touched` is named: the rows a model rebuilt
    # post by post this night are those of the posts with rows loaded after it
    loaded_since: str | None = None

    @property
    def whole_checks(self) -> bool:
        return self.touched is None

    def for_dbt(self) -> str:
        if self.touched is None:
            return "{}"  # every client, every row
        return json.dumps(
            {
                "clients": list(self.touched),
                "by_client": list(self.by_client),
                "loaded_since": self.loaded_since,
            }
        )


def _state_file(p: Paths):
    return p.build_dir / "dbt_scope.json"


def _kept(p: Paths) -> dict:
    try:
        return json.loads(_state_file(p).read_text())
    except (OSError, ValueError):
        return {}


def _built_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = con.execute(
        "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name IN "
        f"({', '.join(repr(s) for s in BUILT_SCHEMAS)}) ORDER BY 1"
    ).fetchall()
    return {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 — catalog names
        for (t,) in tables
    }


def prepare(con: duckdb.DuckDBPyConnection, p: Paths, *, scoped: bool) -> Scope:
    """This build's scope: every client unless it is `scoped` (not a full refresh, the
    whole graph, DuckDB) and the last whole build is recorded as this database still is."""
    tables = [
        t
        for (t,) in con.execute(
            "SELECT table_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'raw' AND column_name = 'loaded_at' ORDER BY 1"
        ).fetchall()
    ]
    newest = " UNION ALL ".join(f'SELECT max(loaded_at) AS t FROM raw."{t}"' for t in tables)
    (loaded_through,) = con.execute(
        f"SELECT max(t)::VARCHAR FROM ({newest})" if tables else "SELECT NULL"
    ).fetchone()
    (clients_md5,) = con.execute(_REGISTER_MD5).fetchone()
    kept = _kept(p)
    why = ""
    if not scoped:
        why = (
            "a full refresh (asked for, or of every model after a project edit), part of "
            "the models, or Spark"
        )
    elif not kept.get("loaded_through"):
        why = "no successful build of every model is recorded"
    elif kept.get("clients_md5") != clients_md5:
        why = "the client register changed"
    elif kept.get("built") != _built_counts(con):
        why = "a model table does not have the rows the last build left (lost or added since)"
    elif kept.get("whole_checks_at") is None or (
        datetime.now(UTC) - datetime.fromisoformat(kept["whole_checks_at"]) >= WHOLE_CHECKS_EVERY
    ):
        why = f"the whole rebuild and checks of every {WHOLE_CHECKS_EVERY.days} days"
    touched = None
    if not why:
        # raw rows are appended in load order: DuckDB skips the older row groups by their
        # min/max statistics
        since = " UNION ".join(
            f'SELECT client FROM raw."{t}" WHERE loaded_at > CAST($since AS TIMESTAMPTZ)'
            for t in tables
        )
        touched = tuple(
            c
            for (c,) in con.execute(
                f"SELECT DISTINCT client FROM ({since}) ORDER BY 1",
                {"since": kept["loaded_through"]},
            ).fetchall()
        )
    by_client = tuple(
        r
        for (r,) in con.execute(
            "SELECT DISTINCT lower(schema_name || '.' || table_name) FROM duckdb_columns() "
            "WHERE database_name = current_database() AND column_name = 'client' ORDER BY 1"
        ).fetchall()
    )
    since = kept.get("build_id") if touched is not None else None
    return Scope(
        loaded_through,
        clients_md5,
        touched,
        since,
        kept.get("whole_checks_at"),
        by_client,
        why,
        kept["loaded_through"] if touched is not None else None,
    )


@contextmanager
def given_to_dbt(scope: Scope) -> Iterator[None]:
    """The dbt commands started meanwhile read this build's scope (dagster-dbt passes
    them this process's environment)."""
    before = os.environ.pop(ENV, None)
    os.environ[ENV] = scope.for_dbt()
    try:
        yield
    finally:
        os.environ.pop(ENV, None)
        if before is not None:
            os.environ[ENV] = before


def record(
    con: duckdb.DuckDBPyConnection, p: Paths, scope: Scope, *, some_rebuilt_whole: bool = False
) -> None:
    """After a successful whole build (`con` reads what it left): the next night recomputes
    what is loaded after it, and the checks of this night read what it recomputed — every
    row when `some_rebuilt_whole` (models rebuilt from all raw data after a project edit
    changed every client's rows of them; so does the publish)."""
    every_client = scope.touched is None  # recomputed and tested: the week's whole night
    if some_rebuilt_whole:
        scope = replace(scope, touched=None, since=None, loaded_since=None)
    state = {
        "loaded_through": scope.loaded_through,
        "clients_md5": scope.clients_md5,
        "built": _built_counts(con),
        "whole_checks_at": datetime.now(UTC).isoformat() if every_client else scope.whole_checks_at,
        # what the checks read until the next build, and the publish replaces: None for
        # every row
        "checked_clients": None if scope.touched is None else list(scope.touched),
        "build_id": uuid.uuid4().hex,  # names this build in the file it is published to
        "scoped_since": scope.since,
        # the build before's watermark: what the publish reads of a mart rebuilt key by key
        "loaded_since": scope.loaded_since,
    }
    tmp = _state_file(p).with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1) + "\n")
    tmp.replace(_state_file(p))


def forget(p: Paths) -> None:
    """A build starts (it may fail half done, or build part of the models): until one
    succeeds whole, nothing is vouched for; the next build recomputes every client."""
    _state_file(p).unlink(missing_ok=True)


def published_scope(
    p: Paths,
) -> tuple[str | None, tuple[str, ...] | None, str | None, str | None]:
    """(the build in the build database, the clients it recomputed or None, the build before
    it, that build's watermark), builds named by their build_id: publishing replaces only
    those clients' mart rows (of a mart rebuilt key by key, the keys with rows loaded after
    the watermark) when the published file holds the build before (pipelines/publish.py).
    Nothing is known while a build runs or after one failed (`forget`): all None."""
    kept = _kept(p)
    clients = kept.get("checked_clients")
    return (
        kept.get("build_id"),
        tuple(clients) if clients is not None else None,
        kept.get("scoped_since"),
        _since(kept),
    )


def checked_clients(p: Paths) -> list[str] | None:
    """The clients whose rows the run-level reconciliation and the mart suites read: those
    the last successful build recomputed, or None for every row (a whole build, the week's
    whole checks, no build recorded)."""
    return _kept(p).get("checked_clients")


def checked_since(p: Paths) -> str | None:
    """With checked_clients, the watermark of the build before (a timestamp, as text): the
    reconciliation reads the posts, ad windows and page-level days with raw rows loaded
    after it. None (every row of those clients) when unknown or every client is checked."""
    return _since(_kept(p))


def _since(kept: dict) -> str | None:
    """The build before's watermark, when the build kept names its clients."""
    return kept.get("loaded_since") if kept.get("checked_clients") is not None else None
