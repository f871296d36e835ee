"""Row count and first rows of a table, as Dagster metadata: what the UI shows per asset."""

import dagster as dg
import duckdb

PREVIEW_ROWS, PREVIEW_COLUMNS = 5, 12


def counts_and_preview(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> dict:
    relation = f'{schema}."{table}"'
    count = con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
    cursor = con.execute(f"SELECT * FROM {relation} LIMIT {PREVIEW_ROWS}")
    columns = [d[0] for d in cursor.description][:PREVIEW_COLUMNS]
    records = [
        dg.TableRecord(
            {
                c: v if v is None or isinstance(v, bool | int | float | str) else str(v)
                for c, v in zip(columns, row, strict=False)
            }
        )
        for row in cursor.fetchall()
    ]
    return {
        "dagster/row_count": count,
        "preview": dg.MetadataValue.table(
            records=records,
            schema=dg.TableSchema(columns=[dg.TableColumn(c, "text") for c in columns]),
        ),
    }
