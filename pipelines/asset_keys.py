"""The Dagster asset keys other code reads by name (the run report reads their events):
defined once here, imported by the definitions and by the report, never copied."""

from __future__ import annotations

import dagster as dg

PUBLISHED_KEY = dg.AssetKey(["warehouse", "social"])
CLIENTS_KEY = dg.AssetKey(["raw", "clients"])
FILE_LOADS_KEY = dg.AssetKey(["ops", "file_loads"])
REJECTED_ROWS_KEY = dg.AssetKey(["ops", "rejected_rows"])
