"""The raw tables handed to Spark as Parquet: one folder per table, one sub-folder per
client (`client=<slug>`, Spark's partition layout), written again only for the clients
whose rows changed since the last export. A night that loads one client's files writes
that client's folders; a new column in a raw table rewrites that table whole (Spark reads
one schema per table).

The export is a cache of the build database: its state file is written last, so a run
killed midway exports the same clients again next time.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

STATE_FILE = "_export_state.json"  # Spark skips files whose name starts with _
EMPTY_PARTITION = "client=__none__"  # zero rows: gives Spark the schema of an empty table


@dataclass
class ExportResult:
    written: dict[str, list[str]] = field(default_factory=dict)  # table -> clients written
    removed: dict[str, list[str]] = field(default_factory=dict)  # table -> clients gone

    def summary(self) -> str:
        parts = [f"{t}: {len(c)} client(s)" for t, c in self.written.items() if c]
        return "; ".join(parts) or "nothing changed"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _client_fingerprints(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    # rows are only ever added or replaced by a later load: count, newest load and a hash
    # of the rows' lineage change whenever a client's rows do
    rows = con.execute(
        f"SELECT client, count(*), max(loaded_at)::VARCHAR, "
        f'bit_xor(hash(source_sha256, source_row_number)) FROM raw."{table}" GROUP BY client'
    ).fetchall()
    return {client: f"{n}|{newest}|{h}" for client, n, newest, h in rows}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> str:
    described = con.execute(f'DESCRIBE raw."{table}"').fetchall()
    return hashlib.sha256(repr([(c[0], c[1]) for c in described]).encode()).hexdigest()


def export_raw(build_db: Path, root: Path) -> ExportResult:
    root.mkdir(parents=True, exist_ok=True)
    state_path = root / STATE_FILE
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    result, new_state = ExportResult(), {}
    with duckdb.connect(str(build_db), read_only=True) as con:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' ORDER BY 1"
            ).fetchall()
        ]
        for table in tables:
            folder = root / table
            if table == "clients":  # the register: a few rows, written whole
                folder.mkdir(exist_ok=True)
                con.execute(
                    f"COPY raw.clients TO {_quote(str(folder / 'part-0.parquet'))} (FORMAT parquet)"
                )
                continue
            columns = _columns(con, table)
            clients = _client_fingerprints(con, table)
            before = state.get(table, {})
            if before.get("columns") != columns:
                shutil.rmtree(folder, ignore_errors=True)
                before = {}
            old = before.get("clients", {})
            changed = sorted(c for c, fp in clients.items() if old.get(c) != fp)
            gone = sorted(set(old) - set(clients))
            for client in changed + gone:
                shutil.rmtree(folder / f"client={client}", ignore_errors=True)
            if changed:
                listed = ", ".join(_quote(c) for c in changed)
                con.execute(
                    f'COPY (SELECT * FROM raw."{table}" WHERE client IN ({listed})) '
                    f"TO {_quote(str(folder))} (FORMAT parquet, PARTITION_BY (client), "
                    "OVERWRITE_OR_IGNORE, FILENAME_PATTERN 'part-{i}')"
                )
            empty = folder / EMPTY_PARTITION
            if not empty.exists():
                empty.mkdir(parents=True)
                con.execute(
                    f'COPY (SELECT * EXCLUDE (client) FROM raw."{table}" LIMIT 0) '
                    f"TO {_quote(str(empty / 'part-0.parquet'))} (FORMAT parquet)"
                )
            result.written[table], result.removed[table] = changed, gone
            new_state[table] = {"columns": columns, "clients": clients}
    tmp = state_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(new_state, indent=1, sort_keys=True))
    tmp.replace(state_path)
    return result
