"""Loading a tabular export into `raw`, generic over export kinds.

A kind declares its fields (canonical name, type, header aliases, parser);
DuckDB reads the file as text, parses every field in SQL, and splits the rows:
those that parse go to `raw.<table>`, the others to `ops.rejected_rows` with the
reason and the raw record, so nothing is lost and nothing is half-loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.ingest.headers import Aliases, match_columns

# SQL parsers for fr-CA and en exports; each returns NULL for "not reported" ('' or '-').
PARSER_MACROS = r"""
CREATE OR REPLACE TEMP MACRO sw_blank(x) AS x IS NULL OR trim(x) IN ('', '-', '--');
CREATE OR REPLACE TEMP MACRO sw_text(x) AS CASE WHEN sw_blank(x) THEN NULL ELSE trim(x) END;
CREATE OR REPLACE TEMP MACRO sw_count(x) AS CASE WHEN sw_blank(x) THEN NULL ELSE
    TRY_CAST(TRY_CAST(regexp_replace(trim(x), '[\s\x{00a0}\x{202f},]', '', 'g') AS DOUBLE)
             AS BIGINT) END;
CREATE OR REPLACE TEMP MACRO sw_decimal(x) AS CASE WHEN sw_blank(x) THEN NULL ELSE
    TRY_CAST(CASE
        WHEN contains(x, ',') AND contains(x, '.')
            THEN regexp_replace(trim(x), '[\s\x{00a0}\x{202f},%]', '', 'g')
        ELSE replace(regexp_replace(trim(x), '[\s\x{00a0}\x{202f}%]', '', 'g'), ',', '.')
    END AS DOUBLE) END;
CREATE OR REPLACE TEMP MACRO sw_local_timestamp(x) AS CASE WHEN sw_blank(x) THEN NULL ELSE
    try_strptime(trim(x), ['%m/%d/%Y %H:%M', '%m/%d/%Y %H:%M:%S', '%Y-%m-%d %H:%M:%S',
                           '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M', '%m/%d/%Y']) END;
"""

TYPES = {
    "text": ("VARCHAR", "sw_text"),
    "count": ("BIGINT", "sw_count"),
    "decimal": ("DOUBLE", "sw_decimal"),
    "local_timestamp": ("TIMESTAMP", "sw_local_timestamp"),
}

LINEAGE_COLUMNS = """
    client VARCHAR NOT NULL,
    source_path VARCHAR NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    source_row_number BIGINT NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL,
    snapshot_date DATE NOT NULL"""


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a key of TYPES
    en: tuple[str, ...]
    fr: tuple[str, ...] = ()
    required: bool = False  # the row is rejected when it has no value


@dataclass(frozen=True)
class TabularKind:
    """One export kind: its raw table, its fields, and the headers that identify it."""

    name: str
    table: str
    label: str  # what analysts call it, for messages
    fields: tuple[Field, ...]
    # canonical fields whose headers must all be present for a file to be of this kind
    signature: tuple[str, ...]
    # alternatives: at least one of each group must be present (e.g. Views or Impressions)
    one_of: tuple[tuple[str, ...], ...] = ()
    description: str = ""
    extra_columns: tuple[tuple[str, str, str], ...] = field(default=())  # (name, type, sql)

    @property
    def aliases(self) -> Aliases:
        return {f.name: (f.en, f.fr) for f in self.fields}

    def match(self, headers: list[str]) -> tuple[dict[str, str], str, list[str]]:
        """(mapping, language, missing required headers) for this kind."""
        mapping, language = match_columns(headers, self.aliases)
        missing = [self._label(n) for n in self.signature if n not in mapping]
        for group in self.one_of:
            if not any(n in mapping for n in group):
                missing.append(" or ".join(self._label(n) for n in group))
        return mapping, language, missing

    def _label(self, name: str) -> str:
        f = next(f for f in self.fields if f.name == name)
        return f'"{f.en[0]}"'

    def ddl(self) -> str:
        cols = [f"{f.name} {TYPES[f.type][0]}" for f in self.fields]
        cols += [f"{name} {typ}" for name, typ, _ in self.extra_columns]
        return (
            f"CREATE TABLE IF NOT EXISTS raw.{self.table} ({LINEAGE_COLUMNS},\n    "
            + ",\n    ".join(cols)
            + ")"
        )


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class LoadCounts:
    loaded: int
    rejected: int


def load_tabular(
    con: duckdb.DuckDBPyConnection,
    kind: TabularKind,
    path: Path,
    *,
    encoding: str,
    mapping: dict[str, str],
    lineage: dict[str, object],
    skip: int = 0,
) -> LoadCounts:
    """Parse every row of `path` in DuckDB and insert good rows into raw, bad ones into ops.

    Runs inside the caller's transaction: a failure leaves nothing behind.
    """
    con.execute(PARSER_MACROS)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE sw_file AS SELECT row_number() OVER () AS sw_row, * "
        "FROM read_csv(?, all_varchar = true, header = true, encoding = ?, skip = ?, "
        "sample_size = -1)",
        [str(path), encoding, skip],
    )
    parsed, problems = [], []
    for f in kind.fields:
        if f.name not in mapping:
            parsed.append(f"CAST(NULL AS {TYPES[f.type][0]}) AS {f.name}")
            if f.required:
                problems.append(f"'missing column {f.en[0]}'")
            continue
        src = quote_ident(mapping[f.name])
        fn = TYPES[f.type][1]
        parsed.append(f"{fn}({src}) AS {f.name}")
        label = mapping[f.name].replace("'", "''")
        if f.type != "text":
            problems.append(
                f"CASE WHEN NOT sw_blank({src}) AND {fn}({src}) IS NULL "
                f"THEN '{label} is not a valid {f.type.replace('_', ' ')}: ' || {src} END"
            )
        if f.type == "count":
            problems.append(f"CASE WHEN {fn}({src}) < 0 THEN '{label} is negative' END")
        if f.required:
            problems.append(f"CASE WHEN sw_blank({src}) THEN '{label} is empty' END")
    extras = [f"{sql} AS {name}" for name, _, sql in kind.extra_columns]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE sw_parsed AS SELECT sw_row, "
        f"concat_ws('; ', {', '.join(problems) or 'NULL'}) AS sw_problem, "
        f"{', '.join(parsed)} FROM sw_file"
    )
    if extras:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE sw_parsed AS SELECT *, {', '.join(extras)} "
            "FROM sw_parsed"
        )
    columns = [f.name for f in kind.fields] + [name for name, _, _ in kind.extra_columns]
    con.execute(
        f"INSERT INTO raw.{kind.table} (client, source_path, source_sha256, source_row_number, "
        f"loaded_at, snapshot_date, {', '.join(columns)}) "
        f"SELECT $client, $path, $sha256, sw_row, $loaded_at, $snapshot_date, "
        f"{', '.join(columns)} FROM sw_parsed WHERE sw_problem = '' ORDER BY sw_row",
        lineage,
    )
    con.execute(
        "INSERT INTO ops.rejected_rows (path, row_number, reason, raw_record, client, kind, "
        "rejected_at) SELECT $path, p.sw_row, p.sw_problem, to_json(f)::VARCHAR, $client, "
        "$kind, $loaded_at FROM sw_parsed p JOIN sw_file f USING (sw_row) "
        "WHERE p.sw_problem <> '' ORDER BY p.sw_row",
        {k: lineage[k] for k in ("path", "client", "loaded_at")} | {"kind": kind.name},
    )
    loaded, rejected = con.execute(
        "SELECT count(*) FILTER (WHERE sw_problem = ''), count(*) FILTER (WHERE sw_problem <> '') "
        "FROM sw_parsed"
    ).fetchone()
    con.execute("DROP TABLE sw_file; DROP TABLE sw_parsed")
    return LoadCounts(loaded, rejected)
