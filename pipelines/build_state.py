"""Whether the dbt models are already up to date, so that a night with nothing new skips dbt.

The models are a pure function of the raw tables, the client register, the dbt
project's files and the engine that builds them (no model reads the clock). The
fingerprint of those inputs, and of what the build made (each model table's row count,
so that a model table damaged since — rows lost by a crash or a hand-made change — is
rebuilt), is written after each successful full build. A run that finds the same
fingerprint has nothing to rebuild, which turns a quiet night's run from minutes of dbt
into seconds.

Incremental models rebuild only what new files touch, with the logic and seeds they were
built with. So the project's own fingerprint (models, macros, seeds) is also kept, after
every successful build: when it changed, or is unknown, the next build is a full refresh
(an analyst who edits the content-type map sees it applied to every post, not only to
tomorrow's).
"""

from __future__ import annotations

import hashlib

import duckdb

from pipelines.dbt_files import project_fingerprint
from pipelines.settings import Paths


def _state_file(p: Paths):
    return p.build_dir / "dbt_inputs.sha256"


def _project_file(p: Paths):
    return p.build_dir / "dbt_project.sha256"


def project_changed(p: Paths) -> bool:
    """True when the dbt project differs from the one of the last successful build."""
    state = _project_file(p)
    return not state.exists() or state.read_text().strip() != project_fingerprint()


def record_project(p: Paths) -> None:
    _project_file(p).write_text(project_fingerprint() + "\n")


def fingerprint(p: Paths, engine: str) -> str:
    digest = hashlib.sha256()
    digest.update(project_fingerprint().encode() + b"\0")
    # a build by the other engine is a new build (same numbers, but the tables are its)
    digest.update(engine.encode() + b"\0")
    with duckdb.connect(str(p.build_db), read_only=True) as con:
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' "
            "AND table_name <> 'clients' ORDER BY 1"
        ).fetchall()
        # rows are only ever added, each batch with its own loaded_at
        for (table,) in tables:
            counts = con.execute(f'SELECT count(*), max(loaded_at) FROM raw."{table}"').fetchone()
            digest.update(f"{table}:{counts}\0".encode())
        clients = con.execute(
            "SELECT md5(string_agg(c::VARCHAR, '|' ORDER BY client)) FROM raw.clients c"
        ).fetchone()
        digest.update(f"clients:{clients}\0".encode())
        built = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE schema_name IN ('intermediate', 'marts', 'reference') ORDER BY ALL"
        ).fetchall()
        for schema, table in built:
            (rows,) = con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()
            digest.update(f"{schema}.{table}:{rows}\0".encode())
    return digest.hexdigest()


def up_to_date(p: Paths, fingerprint: str) -> bool:
    state = _state_file(p)
    return state.exists() and state.read_text().strip() == fingerprint


def record_build(p: Paths, fingerprint: str) -> None:
    state = _state_file(p)
    state.write_text(fingerprint + "\n")


def forget_build(p: Paths) -> None:
    """A failed or partial build: the next run builds again, whatever its inputs."""
    _state_file(p).unlink(missing_ok=True)
