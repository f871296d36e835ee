"""Opening a landed CSV: encoding, preamble, separator and header are sniffed, never assumed.

Only the first few lines are read in Python (to find a `sep=` line, a title line and
the header); DuckDB reads the rows. Windows-1252 files, which DuckDB cannot decode, are
transcoded to UTF-8 beside the build database first.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.ingest.errors import UnreadableFile

HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<?xml", b"<body")
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx (or any zip)
SEPARATORS = (",", ";", "\t")
TRUNCATION_HINTS = ("expected number of columns", "unterminated quote", "maximum line size")


@dataclass(frozen=True)
class CsvSource:
    path: Path  # the file DuckDB reads (a UTF-8 copy for Windows-1252 files)
    encoding: str  # DuckDB's name: utf-8 or utf-16
    delimiter: str
    skip: int  # preamble lines before the header (`sep=`, a title)
    title: str | None  # Meta's page-level series put the metric's title above the header
    headers: list[str]
    source_encoding: str  # what the landed file was: utf-8, utf-16 or windows-1252


def _sniff_bytes(path: Path) -> tuple[bytes, str]:
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    if not head.strip(b" \r\n\t\x00\xef\xbb\xbf\xff\xfe"):
        raise UnreadableFile("the file is empty", "Export it again from the platform.")
    if head.startswith(ZIP_MAGIC):
        raise UnreadableFile(
            "the file is a spreadsheet (zip/xlsx) saved with a .csv name",
            "Drop the .xlsx file itself, or export CSV from the platform.",
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head, "utf-16"
    lowered = head.lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if lowered.startswith(HTML_MARKERS):
        raise UnreadableFile(
            "the file is a web page (HTML), not an export — usually a login or error page "
            "saved instead of the download",
            "Download the export again while logged in.",
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut inside a multi-byte character at the 64 KiB boundary is still UTF-8.
        if exc.start < len(head) - 4:
            return head, "windows-1252"
    return head, "utf-8"


def _first_lines(head: bytes, encoding: str) -> list[str]:
    codec = {"utf-16": "utf-16", "windows-1252": "cp1252"}.get(encoding, "utf-8-sig")
    text = head.decode(codec, errors="ignore").lstrip("\ufeff")
    return text.splitlines()[:6]


def _fields(line: str, delimiter: str) -> list[str]:
    return next(csv.reader(io.StringIO(line), delimiter=delimiter), [])


def _transcode(path: Path, scratch: Path) -> Path:
    scratch.mkdir(parents=True, exist_ok=True)
    target = scratch / (re.sub(r"[^A-Za-z0-9._-]", "_", path.name) + ".utf8")
    with path.open("rb") as src, target.open("wb") as dst:
        decoder = codecs.getincrementaldecoder("cp1252")(errors="replace")
        for block in iter(lambda: src.read(1 << 20), b""):
            dst.write(decoder.decode(block).encode("utf-8"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    return target


def open_csv(path: Path, scratch: Path) -> CsvSource:
    head, encoding = _sniff_bytes(path)
    lines = _first_lines(head, encoding)
    skip, delimiter, title = 0, None, None
    if lines and lines[0].strip().lower().startswith("sep="):
        delimiter = lines[0].strip()[4:5] or ","
        skip = 1
    if len(lines) <= skip:
        raise UnreadableFile("the file has no header line", "Export it again from the platform.")
    if delimiter is None:
        header_line = lines[skip]
        delimiter = max(SEPARATORS, key=lambda s: len(_fields(header_line, s)))
    if len(lines) > skip + 1:
        first, second = _fields(lines[skip], delimiter), _fields(lines[skip + 1], delimiter)
        if len(first) == 1 and len(second) > 1:  # a title line above the real header
            title, skip = first[0].strip(), skip + 1
    headers = [h.strip().lstrip("\ufeff") for h in _fields(lines[skip], delimiter)]
    readable = path
    if encoding == "windows-1252":
        readable = _transcode(path, scratch)
    return CsvSource(
        readable,
        "utf-8" if encoding == "windows-1252" else encoding,
        delimiter,
        skip,
        title,
        headers,
        encoding,
    )


def layout(src: CsvSource) -> tuple:
    """Files with the same layout can be read by one read_csv call."""
    return (src.encoding, src.delimiter, src.skip, tuple(src.headers))


def stage_csv(
    con: duckdb.DuckDBPyConnection,
    sources: list[CsvSource],
    columns: list[str] | None = None,
) -> None:
    """Rows as text into temp table sw_file: sw_row = the data row's number in its file
    (1 = first), sw_file_id = the file's position in `sources` (1 = first).

    All sources share one layout (see `layout`): DuckDB reads them in one pass, which
    costs far less than one read per file. `columns` (header names) is the kind's
    allow-list: only those columns are read (DuckDB projects them out of the files by
    position), so a file's other columns — patients' names, e-mails, notes — never
    enter DuckDB.
    """
    first = sources[0]
    assert all(layout(s) == layout(first) for s in sources), "one layout per read"
    if columns is None:
        picked = [(i + 1, h) for i, h in enumerate(first.headers)]
    else:
        picked = [(first.headers.index(c) + 1, c) for c in columns]
    select = ", ".join(f'#{i} AS "{h.replace(chr(34), chr(34) * 2)}"' for i, h in picked)
    names = ", ".join(f'"{h.replace(chr(34), chr(34) * 2)}"' for _, h in picked)
    ids = ", ".join(f"({i + 1}, ?)" for i in range(len(sources)))
    try:
        # read_csv keeps the files' and rows' order: a running row number minus the
        # file's first one numbers each file's rows from 1.
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE sw_file AS
            WITH ids(sw_file_id, sw_filename) AS (VALUES {ids}),
            rows_read AS (
                SELECT row_number() OVER () AS sw_n, filename AS sw_filename, {select}
                FROM read_csv(?, all_varchar = true, header = true, encoding = ?, skip = ?,
                              delim = ?, quote = '"', escape = '"', filename = true))
            SELECT sw_n - min(sw_n) OVER (PARTITION BY sw_filename) + 1 AS sw_row,
                   sw_file_id, {names}
            FROM rows_read JOIN ids USING (sw_filename)
            ORDER BY sw_file_id, sw_row""",
            [
                *(str(s.path) for s in sources),
                [str(s.path) for s in sources],
                first.encoding,
                first.skip,
                first.delimiter,
            ],
        )
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0]
        if any(h in str(exc).lower() for h in TRUNCATION_HINTS):
            raise UnreadableFile(
                f"some rows are cut short or have missing columns — the download was probably "
                f"interrupted (DuckDB: {first_line})",
                "Download the export again and replace this file.",
            ) from exc
        raise UnreadableFile(
            f"DuckDB could not read it as CSV ({first_line})",
            "Check that this is an unmodified export and download it again.",
        ) from exc
