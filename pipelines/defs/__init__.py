"""Dagster definitions, one module per stage: raw files, dbt models, checks, publish, automation."""
