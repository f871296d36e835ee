"""One pass over the landing folder: new files are detected, validated, loaded or quarantined.

Every file seen ends up in exactly one place: loaded into `raw` (its bad rows in
`ops.rejected_rows`), recorded as a duplicate of a file already loaded, or moved
to `quarantine/` beside a `.reason.txt`. Each file loads in its own transaction.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from pipelines.ingest import clients as client_register
from pipelines.ingest import csv_source
from pipelines.ingest.errors import UnreadableFile
from pipelines.ingest.facebook_posts import KIND as FACEBOOK_POSTS
from pipelines.ingest.tabular import TabularKind, load_tabular
from pipelines.ingest.warehouse_schema import ensure_schema
from pipelines.settings import Paths

KINDS: list[TabularKind] = [FACEBOOK_POSTS]
# Names that browsers and editors use for files still being written, or their own scratch.
IGNORED_SUFFIXES = (".crdownload", ".part", ".partial", ".tmp", ".download", ".reason.txt")

log = logging.getLogger(__name__)


@dataclass
class FileOutcome:
    path: str
    status: str  # loaded, duplicate, quarantined
    client: str | None = None
    kind: str | None = None
    language: str | None = None
    rows_loaded: int = 0
    rows_rejected: int = 0
    reason: str | None = None


@dataclass
class IngestSummary:
    files: list[FileOutcome] = field(default_factory=list)
    unlisted_clients: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)


def landed_files(landing: Path) -> list[Path]:
    return sorted(
        p
        for p in landing.rglob("*")
        if p.is_file()
        and not p.name.startswith((".", "~$"))
        and not p.name.lower().endswith(IGNORED_SUFFIXES)
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def detect_kind(headers: list[str]) -> tuple[TabularKind, dict[str, str], str]:
    """The kind whose signature columns the header holds; else a reason naming the nearest."""
    best: tuple[int, TabularKind, list[str]] | None = None
    for kind in KINDS:
        mapping, language, missing = kind.match(headers)
        if not missing:
            return kind, mapping, language
        if best is None or len(missing) < best[0]:
            best = (len(missing), kind, missing)
    shown = ", ".join(f'"{h}"' for h in headers[:8]) + (" …" if len(headers) > 8 else "")
    nearest = ""
    if best is not None and best[0] < len(best[1].signature):
        nearest = (
            f" It looks closest to the {best[1].label} export, which also needs "
            f"{', '.join(best[2])}."
        )
    raise UnreadableFile(
        f"the header does not match any export kind socialwh knows (columns: {shown})"
        f"{'.' + nearest if nearest else ''}",
        "Check that this is an unmodified platform export; supported kinds are listed in the "
        "README.",
    )


class LandingLoader:
    """Loads what is new in landing/ into the build database."""

    def __init__(self, paths: Paths, run_id: str, progress: Callable[[str], None] = log.info):
        self.paths = paths
        self.run_id = run_id
        self.progress = progress
        self.loaded_at = datetime.now(UTC)

    def run(self) -> IngestSummary:
        self.paths.ensure()
        summary = IngestSummary()
        with duckdb.connect(str(self.paths.build_db)) as con:
            ensure_schema(con, KINDS)
            register, summary.warnings = client_register.read_register(con, self.paths.clients_csv)
            files = landed_files(self.paths.landing)
            folders = {
                f.relative_to(self.paths.landing).parts[0]
                for f in files
                if len(f.relative_to(self.paths.landing).parts) > 1
            }
            folders = {f for f in folders if client_register.SLUG.match(f)}
            clients, summary.unlisted_clients = client_register.with_unlisted(register, folders)
            client_register.write_clients(con, clients)
            seen = self._already_seen(con)
            new = [f for f in files if self._fingerprint(f) not in seen]
            self.progress(f"{len(files)} file(s) in landing, {len(new)} new")
            for i, path in enumerate(new, 1):
                outcome = self._load_one(con, path, clients)
                summary.files.append(outcome)
                self.progress(
                    f"[{i}/{len(new)}] {outcome.path}: {outcome.status}"
                    + (
                        f" ({outcome.rows_loaded} rows"
                        + (f", {outcome.rows_rejected} rejected)" if outcome.rows_rejected else ")")
                        if outcome.status == "loaded"
                        else ""
                    )
                    + (f" — {outcome.reason}" if outcome.status != "loaded" else "")
                )
            con.execute("CHECKPOINT")
        return summary

    def _fingerprint(self, path: Path) -> tuple[str, int, float]:
        st = path.stat()
        return (self._rel(path), st.st_size, round(st.st_mtime, 3))

    def _already_seen(self, con: duckdb.DuckDBPyConnection) -> set[tuple[str, int, float]]:
        """Files recorded before with the same path, size and mtime are not re-read or re-hashed."""
        rows = con.execute(
            "SELECT path, size_bytes, round(epoch(modified_at), 3) FROM ops.file_loads "
            "WHERE status IN ('loaded', 'duplicate')"
        ).fetchall()
        return {(p, s, m) for p, s, m in rows}

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.paths.landing).as_posix()

    def _load_one(self, con, path: Path, clients) -> FileOutcome:
        rel = self._rel(path)
        st = path.stat()
        modified_at = datetime.fromtimestamp(st.st_mtime, UTC)
        parts = Path(rel).parts
        client = parts[0] if len(parts) > 1 else None
        sha = sha256_of(path)
        base = {
            "path": rel,
            "sha256": sha,
            "client": client,
            "size_bytes": st.st_size,
            "modified_at": modified_at,
        }
        try:
            if client is None:
                raise UnreadableFile(
                    "it is not inside a client folder",
                    "Move it to landing/<client>/, where <client> is the client's slug "
                    "(e.g. landing/pharmacie-dupont/).",
                )
            if not client_register.SLUG.match(client):
                raise UnreadableFile(
                    f"its client folder '{client}' is not a valid client slug",
                    "Rename the folder to lower-case letters, digits and hyphens "
                    "(e.g. pharmacie-dupont).",
                )
            earlier = con.execute(
                "SELECT path FROM ops.file_loads WHERE sha256 = ? AND status = 'loaded' LIMIT 1",
                [sha],
            ).fetchone()
            if earlier:
                reason = f"same content as {earlier[0]}, already loaded"
                self._record(con, base, status="duplicate", reason=reason)
                return FileOutcome(rel, "duplicate", client, reason=reason)
            encoding = csv_source.sniff_encoding(path)
            headers = csv_source.header_of(con, path, encoding)
            kind, mapping, language = detect_kind(headers)
            snapshot_date = modified_at.astimezone(ZoneInfo(clients[client].timezone)).date()
            con.execute("BEGIN TRANSACTION")
            try:
                counts = load_tabular(
                    con,
                    kind,
                    path,
                    encoding=encoding,
                    mapping=mapping,
                    lineage={
                        "client": client,
                        "path": rel,
                        "sha256": sha,
                        "loaded_at": self.loaded_at,
                        "snapshot_date": snapshot_date,
                    },
                )
                if counts.loaded == 0 and counts.rejected == 0:
                    raise UnreadableFile(
                        "the file has a header but no rows",
                        "Export it again; check the date range selected.",
                    )
                self._record(
                    con,
                    base,
                    status="loaded",
                    kind=kind.name,
                    language=language,
                    rows_loaded=counts.loaded,
                    rows_rejected=counts.rejected,
                    snapshot_date=snapshot_date,
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            return FileOutcome(
                rel, "loaded", client, kind.name, language, counts.loaded, counts.rejected
            )
        except UnreadableFile as exc:
            reason = f"{exc.problem.rstrip('.')}. {exc.advice}"
            self._quarantine(path, rel, reason)
            self._record(con, base, status="quarantined", reason=reason)
            return FileOutcome(rel, "quarantined", client, reason=reason)
        except duckdb.Error as exc:
            reason = (
                f"DuckDB could not parse it ({str(exc).splitlines()[0]}). "
                "Check that the download finished, and export it again."
            )
            self._quarantine(path, rel, reason)
            self._record(con, base, status="quarantined", reason=reason)
            return FileOutcome(rel, "quarantined", client, reason=reason)

    def _record(self, con, base: dict, *, status: str, **values) -> None:
        row = base | {"status": status, "loaded_at": self.loaded_at, "run_id": self.run_id} | values
        cols = list(row)
        con.execute(
            f"INSERT INTO ops.file_loads ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [row[c] for c in cols],
        )

    def _quarantine(self, path: Path, rel: str, reason: str) -> None:
        target = self.paths.quarantine / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        stem, n = target, 1
        while target.exists():
            target = stem.with_name(f"{stem.stem}.{n}{stem.suffix}")
            n += 1
        shutil.move(str(path), target)
        target.with_name(target.name + ".reason.txt").write_text(
            f"File: landing/{rel}\nQuarantined: {self.loaded_at:%Y-%m-%d %H:%M} UTC\n"
            f"Problem: {reason}\n",
            encoding="utf-8",
        )
