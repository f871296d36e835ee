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


def _filled(fields: list[str]) -> int:
    return sum(1 for f in fields if f.strip())


def _header_delimiter(lines: list[str], skip: int) -> str:
    """The separator that splits the header into the most columns. Above the header may
    sit a title line (`Views;` in a series re-saved by Excel): one filled field whatever
    the separator, so the next line decides."""
    line = lines[skip]
    if len(lines) > skip + 1 and max(_filled(_fields(line, s)) for s in SEPARATORS) <= 1:
        line = lines[skip + 1]
    return max(SEPARATORS, key=lambda s: len(_fields(line, s)))


def _ends_mid_record(path: Path, encoding: str, delimiter: str, columns: int) -> bool:
    """True when the file stops inside its last record: no line end after it and fewer
    fields than the header. (Meta's short rows end with a line end; a page series may
    lack the final line end, but its last row is whole.)"""
    size = path.stat().st_size
    with path.open("rb") as fh:
        start = max(0, size - 64 * 1024)
        start -= start % 2  # UTF-16 code units start at even offsets
        fh.seek(start)
        tail = fh.read()
    codec = {"utf-16": "utf-16-le", "windows-1252": "cp1252"}.get(encoding, "utf-8")
    text = tail.decode(codec, errors="ignore").rstrip("\x00")
    if not text or text.endswith(("\n", "\r")):
        return False
    last = text.splitlines()[-1]
    return len(_fields(last, delimiter)) < columns


def open_csv(path: Path, scratch: Path) -> CsvSource:
    head, encoding = _sniff_bytes(path)
    lines = _first_lines(head, encoding)
    skip, delimiter, title = 0, None, None
    if lines and lines[0].strip().lower().startswith("sep="):
        # `sep=<TAB>`: the separator is the character after '=', whitespace or not
        delimiter = lines[0].lstrip()[4:5].strip(" ") or ","
        skip = 1
    if len(lines) <= skip:
        raise UnreadableFile("the file has no header line", "Export it again from the platform.")
    if delimiter is None:
        delimiter = _header_delimiter(lines, skip)
    if len(lines) > skip + 1:
        first, second = _fields(lines[skip], delimiter), _fields(lines[skip + 1], delimiter)
        if _filled(first) == 1 and first[0].strip() and _filled(second) > 1:
            title, skip = first[0].strip(), skip + 1  # a title line above the real header
    headers = [h.strip().lstrip("\ufeff") for h in _fields(lines[skip], delimiter)]
    if _ends_mid_record(path, encoding, delimiter, len(headers)):
        raise UnreadableFile(
            "the file stops in the middle of its last row (no line end, fewer fields than "
            f"the {len(headers)} columns of the header) — the download was interrupted",
            "Download the export again and replace this file.",
        )
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
                              delim = ?, quote = '"', escape = '"', filename = true,
                              -- Meta leaves off trailing empty fields on some rows; DuckDB
                              -- pads them only when reading each file in one pass
                              null_padding = true, parallel = false))
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
        raise _read_error(exc) from exc


def _read_error(exc: duckdb.Error) -> UnreadableFile:
    """The real cause of a failed read, with the line DuckDB names."""
    text = str(exc)
    first_line = text.splitlines()[0]
    where = re.search(r"Line: (\d+)", text)
    at = f" at line {where.group(1)}" if where else ""
    lowered = text.lower()
    if "unterminated quote" in lowered:
        return UnreadableFile(
            f"a quoted field opened{at} is never closed — the file ends inside it, so the "
            f"download was probably interrupted (DuckDB: {first_line})",
            "Download the export again and replace this file.",
        )
    if "expected number of columns" in lowered or "too many columns" in lowered:
        return UnreadableFile(
            f"a row{at} has more fields than the header has columns (a separator inside an "
            f"unquoted value, or rows pasted from another export; DuckDB: {first_line})",
            "Export the file again from the platform without editing it.",
        )
    if "maximum line size" in lowered:
        return UnreadableFile(
            f"a line{at} is longer than any export line should be (a binary or damaged "
            f"file; DuckDB: {first_line})",
            "Check that this is an unmodified export and download it again.",
        )
    return UnreadableFile(
        f"DuckDB could not read it as CSV{at} ({first_line})",
        "Check that this is an unmodified export and download it again.",
    )
