"""The dbt build on Spark (`socialwh run --engine spark`): raw tables handed over as
Parquet, dbt-spark builds the same models, the DuckDB build database is filled from the
Parquet tables Spark wrote, and publishing goes on as with DuckDB."""
