"""socialwh: social-media exports into a DuckDB warehouse, orchestrated by Dagster and dbt."""
