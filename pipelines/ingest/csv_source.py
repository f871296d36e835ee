"""Opening a landed CSV with DuckDB: encoding, separator and header are sniffed, never assumed."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.ingest.errors import UnreadableFile

HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<?xml")
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx (or any zip) renamed to .csv


def sniff_encoding(path: Path) -> str:
    """DuckDB's name for the file's encoding, from its byte-order mark or a UTF-8 trial."""
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    if not head.strip():
        raise UnreadableFile("the file is empty", "Export it again from the platform.")
    if head.startswith(ZIP_MAGIC):
        raise UnreadableFile(
            "the file is a spreadsheet (zip/xlsx) saved with a .csv name",
            "Export it as CSV from the platform, or drop the .xlsx itself.",
        )
    lowered = head.lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if lowered.startswith(HTML_MARKERS):
        raise UnreadableFile(
            "the file is a web page (HTML), not an export — usually a login or error page "
            "saved instead of the download",
            "Download the export again while logged in.",
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut in the middle of a multi-byte character at the 64 KiB boundary is still UTF-8.
        if exc.start < len(head) - 4:
            return "latin-1"
    return "utf-8"


def header_of(
    con: duckdb.DuckDBPyConnection, path: Path, encoding: str, skip: int = 0
) -> list[str]:
    """The column names DuckDB sees in the file (reads the first lines only)."""
    try:
        rel = con.sql(
            "SELECT * FROM read_csv(?, all_varchar = true, header = true, encoding = ?, "
            "skip = ?, sample_size = 2048) LIMIT 0",
            params=[str(path), encoding, skip],
        )
        return list(rel.columns)
    except duckdb.Error as exc:
        raise UnreadableFile(
            f"DuckDB could not read it as CSV ({str(exc).splitlines()[0]})",
            "Check that the download finished and export it again.",
        ) from exc
