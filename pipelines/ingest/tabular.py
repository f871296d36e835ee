"""Loading a tabular export into `raw`, generic over export kinds.

A kind declares its fields (canonical name, type, header aliases, parser). The file's
rows sit as text in temp table `sw_file` (see csv_source.stage_csv and
workbook.stage_sheets); DuckDB parses every field in SQL and splits the rows: those that
parse go to `raw.<table>`, the others to `ops.rejected_rows` with the reason and the
record (its recognised columns only: nothing outside a kind's allow-list is stored).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from pipelines.bulk_insert import insert_rows
from pipelines.ingest import day_order, ownership
from pipelines.ingest.errors import UnreadableFile, nothing_loaded
from pipelines.ingest.headers import Aliases, match_columns
from pipelines.ingest.parsers import PARSER_MACROS

TYPES = {
    "text": ("VARCHAR", "sw_text"),
    "count": ("BIGINT", "sw_count"),
    "decimal": ("DOUBLE", "sw_decimal"),
    "rate": ("DOUBLE", "sw_rate"),
    "local_timestamp": ("TIMESTAMP", "sw_local_timestamp"),
    "date": ("DATE", "sw_date"),
    "window": ("VARCHAR", "sw_window"),
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


_MATCHES: dict[tuple[str, tuple[str, ...]], tuple[dict[str, str], str, list[str]]] = {}


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
    # computed columns: (name, type, SQL over the parsed fields and the $-constants)
    extra_columns: tuple[tuple[str, str, str], ...] = field(default=())
    # row-level rules beyond parsing: (SQL true when the row is bad, SQL message)
    row_rules: tuple[tuple[str, str], ...] = field(default=())
    # DOMAIN.md's invariants on the parsed values: (rule name, SQL true when broken);
    # a row that breaks one is kept out and stored in ops.rejected_rows with the rule
    invariants: tuple[tuple[str, str], ...] = field(default=())
    # what a whole file's values can say about a column: (note for ops.file_loads, SQL
    # over the file's parsed rows true when it applies, UPDATE's SET, WHERE on the rows)
    file_rules: tuple[tuple[str, str, str, str], ...] = field(default=())
    # the field naming whose page or account the export is (misfiled exports are kept out)
    owner_id: str | None = None
    # text fields holding dates parsed by the kind's own SQL ($day_first: the file's order)
    dated_text: tuple[str, ...] = ()

    @property
    def aliases(self) -> Aliases:
        return {f.name: (f.en, f.fr) for f in self.fields}

    def match(self, headers: list[str]) -> tuple[dict[str, str], str, list[str]]:
        """(mapping, language, missing required headers) for this kind."""
        # thousands of daily exports share a handful of headers: match each header once
        key = (self.name, tuple(headers))
        if key not in _MATCHES:
            _MATCHES[key] = self._match(headers)
        mapping, language, missing = _MATCHES[key]
        return dict(mapping), language, list(missing)

    def _match(self, headers: list[str]) -> tuple[dict[str, str], str, list[str]]:
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
        # a build database made before a field was added gains its column (NULL before)
        added = "".join(
            f";\nALTER TABLE raw.{self.table} ADD COLUMN IF NOT EXISTS {col}" for col in cols
        )
        return (
            f"CREATE TABLE IF NOT EXISTS raw.{self.table} ({LINEAGE_COLUMNS},\n    "
            + ",\n    ".join(cols)
            + ")"
            + added
        )


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass
class LoadCounts:
    loaded: int
    rejected: int
    notes: list[str] = field(default_factory=list)  # what the loader noticed and did


# judges each staged, parsed file as a whole: {sw_file_id: problems} (files without any are
# absent); the data_checks package provides it, the Dagster asset passes it in
Validate = Callable[[duckdb.DuckDBPyConnection, "TabularKind"], dict[int, list[str]]]


def detect(kinds: list[TabularKind], headers: list[str]):
    """(kind, mapping, language) of the first kind whose signature the header holds, else
    (None, nearest kind, its missing headers)."""
    best = None
    for kind in kinds:
        mapping, language, missing = kind.match(headers)
        if not missing:
            return kind, mapping, language
        if best is None or len(missing) < len(best[1]):
            best = (kind, missing)
    return None, best[0] if best else None, best[1] if best else []


def _inline(sql: str) -> str:
    """$name in a kind's SQL is a file-level constant: column sw_<name> of sw_files."""
    return re.sub(r"\$([a-z_]+)\b", r"sw_\1", sql)


def _on_parsed_fields(sql: str, kind: TabularKind) -> str:
    """Row rules name canonical text fields: they read the fields' parsed text."""
    for f in kind.fields:
        if f.type == "text":
            sql = re.sub(rf"\b{f.name}\b", f'"{f.name}__v"', sql)
    return sql


# Each type parses in two steps so that the costly text clean-up runs once per cell:
# a base value in a CTE, then the final cast. (Nesting the macros made DuckDB's planner
# take over a second for a 20-column sheet.)
NUMERIC = ("count", "decimal", "rate")
DATED = ("local_timestamp", "date")
BASE_PARSER = {
    "text": "sw_text",
    "local_timestamp": "sw_local_timestamp_in",  # (cell, the file's day order)
    "date": "sw_date_in",
    "window": "sw_window",
}


def _base(f: Field) -> str:
    raw, sq = f'"{f.name}__raw"', f'"{f.name}__sq"'
    if f.type == "rate":
        return (
            f"sw_number_squeezed({raw}, {sq}) / CASE WHEN contains({raw}, '%') THEN 100 ELSE 1 END"
        )
    if f.type in NUMERIC:
        return f"sw_number_squeezed({raw}, {sq})"
    if f.type in ("local_timestamp", "date"):
        return f"{BASE_PARSER[f.type]}({raw}, sw_day_first)"
    return f"{BASE_PARSER[f.type]}({raw})"


def _final(f: Field) -> str:
    v = f'"{f.name}__v"'
    if f.type == "count":
        return f"CASE WHEN {v} = round({v}) THEN CAST({v} AS BIGINT) END"
    return v


FILES_DDL = """CREATE OR REPLACE TEMP TABLE sw_files (
    sw_file_id INTEGER PRIMARY KEY, sw_client VARCHAR, sw_path VARCHAR, sw_sha256 VARCHAR,
    sw_loaded_at TIMESTAMPTZ, sw_snapshot_date DATE, sw_timezone VARCHAR,
    sw_header_currency VARCHAR, sw_day_first BOOLEAN DEFAULT false)"""


def register_files(con: duckdb.DuckDBPyConnection, files: dict[int, dict[str, object]]) -> None:
    """Temp table sw_files: per staged file (by its sw_file_id) its lineage and the
    constants its kind's SQL refers to as $client, $timezone, $header_currency,
    $snapshot_date, $day_first."""
    con.execute(FILES_DDL)
    keys = ("client", "path", "sha256", "loaded_at", "snapshot_date", "timezone")
    insert_rows(
        con,
        "sw_files",
        [[i, *(f[k] for k in keys), f.get("header_currency") or ""] for i, f in files.items()],
        ["sw_file_id", *(f"sw_{k}" for k in keys), "sw_header_currency"],
    )


def unstage(con: duckdb.DuckDBPyConnection, file_ids) -> None:
    """Leave staged files out of the batch being loaded (their rows and their lineage)."""
    if file_ids:
        ids = ", ".join(str(int(i)) for i in file_ids)
        con.execute(f"DELETE FROM sw_file WHERE sw_file_id IN ({ids})")
        con.execute(f"DELETE FROM sw_files WHERE sw_file_id IN ({ids})")


def load_parsed(
    con: duckdb.DuckDBPyConnection,
    kind: TabularKind,
    mapping: dict[str, str],
    validate=None,
    each_file_needs_rows: bool = True,
) -> dict[int, LoadCounts | UnreadableFile]:
    """Parse sw_file's rows in DuckDB; good rows into raw.<table>, bad ones into ops.

    sw_file holds the rows of one or more files of this kind (sw_file_id), sw_files their
    lineage (see register_files). Runs inside the caller's transaction. `validate(con,
    kind)` judges each parsed file as a whole before anything is inserted and returns
    {sw_file_id: problems} (see data_checks.file_suites); a file with problems, or (with
    `each_file_needs_rows`) none of whose rows parse, is left out entirely — nothing of
    it is inserted — and comes back as an UnreadableFile; the others as their counts.
    """
    con.execute(PARSER_MACROS)
    dated = [
        mapping[f.name]
        for f in kind.fields
        if (f.type in DATED or f.name in kind.dated_text) and f.name in mapping
    ]
    mixed_orders = day_order.decide(con, dated)
    cells, base, final, problems = [], [], [], []
    for f in kind.fields:
        if f.name not in mapping:
            final.append(f"CAST(NULL AS {TYPES[f.type][0]}) AS {f.name}")
            base.append(f'CAST(NULL AS {TYPES[f.type][0]}) AS "{f.name}__v"')  # for row rules
            if f.required:
                problems.append(f"'missing column {f.en[0]}'")
            continue
        src = quote_ident(mapping[f.name])
        raw = f'"{f.name}__raw"'
        cells.append(f"{src} AS {raw}")
        if f.type in NUMERIC:
            cells.append(f'sw_squeeze({src}) AS "{f.name}__sq"')
        base.append(f'{_base(f)} AS "{f.name}__v"')
        final.append(f"{_final(f)} AS {f.name}")
        label = mapping[f.name].replace("'", "''")
        if f.type not in ("text", "window"):
            problems.append(
                f"CASE WHEN NOT sw_blank({raw}) AND ({_final(f)}) IS NULL "
                f"THEN '{label} is not a valid {f.type.replace('_', ' ')}: ' || {raw} END"
            )
        if f.type in ("count", "decimal"):
            problems.append(f"CASE WHEN {_final(f)} < 0 THEN '{label} is negative' END")
        if f.required:
            problems.append(f"CASE WHEN sw_blank({raw}) THEN '{label} is empty' END")
    for bad, message in kind.row_rules:
        bad_sql = _inline(_on_parsed_fields(bad, kind))
        problems.append(f"CASE WHEN {bad_sql} THEN {_on_parsed_fields(message, kind)} END")
    record = ", ".join(f"{sql_literal(h)}: {quote_ident(h)}" for h in mapping.values())
    constants = "sw_client, sw_timezone, sw_header_currency, sw_snapshot_date, sw_day_first"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE sw_parsed AS "
        f"WITH cells AS (SELECT sw_row, sw_file_id, {constants}, "
        f"to_json({{{record}}})::VARCHAR AS sw_record, "
        f"{', '.join(cells) or 'NULL AS sw_none'} FROM sw_file JOIN sw_files USING (sw_file_id)), "
        f"base AS (SELECT *, {', '.join(base) or 'NULL AS sw_none2'} FROM cells) "
        f"SELECT sw_file_id, sw_row, sw_record, {constants}, "
        f"concat_ws('; ', {', '.join(problems) or 'NULL'}) AS sw_problem, "
        f"{', '.join(final)} FROM base"
    )
    notes: dict[int, list[str]] = {}
    for note, applies, assignment, rows in kind.file_rules:
        ids = [i for (i,) in con.execute(
            f"SELECT sw_file_id FROM sw_parsed GROUP BY sw_file_id HAVING {applies}"
        ).fetchall()]  # fmt: skip
        if ids:
            con.execute(
                f"UPDATE sw_parsed SET {assignment} WHERE ({rows}) AND sw_file_id IN "
                f"({', '.join(str(int(i)) for i in ids)})"
            )
            for i in ids:
                notes.setdefault(i, []).append(note)
    if kind.extra_columns:
        extras = [f"{_inline(sql)} AS {name}" for name, _, sql in kind.extra_columns]
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE sw_parsed AS SELECT *, {', '.join(extras)} "
            "FROM sw_parsed"
        )
    for rule, broken in kind.invariants:
        con.execute(
            "UPDATE sw_parsed SET sw_problem = concat_ws('; ', nullif(sw_problem, ''), "
            f"{sql_literal('breaks ' + rule)}) WHERE {_inline(broken)}"
        )
    verdicts: dict[int, UnreadableFile] = dict(mixed_orders)
    if kind.owner_id:
        owner_label = next(f.en[0] for f in kind.fields if f.name == kind.owner_id)
        verdicts |= ownership.misfiled(con, kind.table, kind.owner_id, owner_label)
    for file_id, found in (validate(con, kind) if validate else {}).items():
        verdicts[file_id] = UnreadableFile(
            f"as a {kind.label}, {'; '.join(found)}",
            "Check that the columns hold what their names say (a re-ordered or "
            "hand-edited export), and export it again.",
        )
    counts = con.execute(
        "SELECT sw_file_id, count(sw_row) FILTER (WHERE sw_problem = ''), "
        "count(sw_row) FILTER (WHERE sw_problem <> ''), "
        "mode(sw_problem) FILTER (WHERE sw_problem <> '') "
        "FROM sw_files LEFT JOIN sw_parsed USING (sw_file_id) GROUP BY sw_file_id"
    ).fetchall()
    for file_id, loaded, rejected, top in counts:
        if loaded == 0 and each_file_needs_rows and file_id not in verdicts:
            verdicts[file_id] = nothing_loaded(rejected, top)
    if verdicts:
        con.execute(
            "DELETE FROM sw_parsed WHERE sw_file_id IN "
            f"({', '.join(str(int(i)) for i in verdicts)})"
        )
    columns = [f.name for f in kind.fields] + [name for name, _, _ in kind.extra_columns]
    con.execute(
        f"INSERT INTO raw.{kind.table} (client, source_path, source_sha256, source_row_number, "
        f"loaded_at, snapshot_date, {', '.join(columns)}) "
        f"SELECT sw_files.sw_client, sw_path, sw_sha256, sw_row, sw_loaded_at, "
        f"sw_files.sw_snapshot_date, {', '.join(columns)} FROM sw_parsed JOIN sw_files "
        "USING (sw_file_id) "
        "WHERE sw_problem = '' ORDER BY sw_file_id, sw_row"
    )
    con.execute(
        "INSERT INTO ops.rejected_rows (path, row_number, reason, raw_record, client, kind, "
        "rejected_at) SELECT sw_path, sw_row, sw_problem, sw_record, sw_files.sw_client, ?, "
        "sw_loaded_at FROM sw_parsed JOIN sw_files USING (sw_file_id) "
        "WHERE sw_problem <> '' ORDER BY sw_file_id, sw_row",
        [kind.name],
    )
    con.execute("DROP TABLE sw_parsed")
    return {
        file_id: verdicts.get(file_id) or LoadCounts(loaded, rejected, notes.get(file_id, []))
        for file_id, loaded, rejected, _ in counts
    }
