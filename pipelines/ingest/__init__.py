"""Ingestion: detect each landed file's kind from its header and load it into `raw`."""
