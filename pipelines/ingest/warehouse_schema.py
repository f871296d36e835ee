"""The build database's own tables: raw landing tables and the `ops` audit trail."""

from __future__ import annotations

import duckdb

from pipelines.ingest.tabular import TabularKind

OPS_DDL = """
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS ops;
CREATE TABLE IF NOT EXISTS ops.file_loads (
    path VARCHAR NOT NULL,          -- relative to the landing folder
    sha256 VARCHAR,
    client VARCHAR,
    kind VARCHAR,
    language VARCHAR,
    rows_loaded BIGINT,
    rows_rejected BIGINT,
    status VARCHAR NOT NULL,        -- loaded, duplicate, quarantined
    reason VARCHAR,
    loaded_at TIMESTAMPTZ NOT NULL,
    size_bytes BIGINT,
    modified_at TIMESTAMPTZ,
    snapshot_date DATE,
    run_id VARCHAR,
    columns_dropped VARCHAR         -- header names outside the kind's allow-list: never read
);
ALTER TABLE ops.file_loads ADD COLUMN IF NOT EXISTS columns_dropped VARCHAR;
-- what dated the file's snapshot: file name, last day of data, modified time
ALTER TABLE ops.file_loads ADD COLUMN IF NOT EXISTS snapshot_source VARCHAR;
-- what the loader noticed and did about it (e.g. Views all 0: stored as not reported)
ALTER TABLE ops.file_loads ADD COLUMN IF NOT EXISTS notes VARCHAR;
CREATE TABLE IF NOT EXISTS ops.rejected_rows (
    path VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    reason VARCHAR NOT NULL,
    raw_record VARCHAR,
    client VARCHAR,
    kind VARCHAR,
    rejected_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS ops.check_results (
    run_id VARCHAR,
    "check" VARCHAR NOT NULL,
    asset VARCHAR NOT NULL,
    passed BOOLEAN NOT NULL,
    failing_rows BIGINT,
    checked_at TIMESTAMPTZ NOT NULL,
    severity VARCHAR,
    description VARCHAR
);
CREATE TABLE IF NOT EXISTS raw.clients (
    client VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    sector VARCHAR NOT NULL,
    timezone VARCHAR NOT NULL,
    listed BOOLEAN NOT NULL         -- false: found in landing/ but not in clients.csv
);
"""


def ensure_schema(con: duckdb.DuckDBPyConnection, kinds: list[TabularKind]) -> None:
    con.execute(OPS_DDL)
    for kind in kinds:
        con.execute(kind.ddl())
