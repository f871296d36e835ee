"""Nothing personal stored, nothing hostile obeyed (Québec's Law 25 and the open internet)."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from data_checks.runner import FileValidator
from pipelines.dbt_files import ready_parse_cache
from pipelines.export import export_csv
from pipelines.ingest.landing import LandingLoader
from pipelines.privacy import salt_file
from pipelines.settings import Paths
from tests.conftest import ROOT, socialwh

# A clinic's booking-tool export: French headers, no conversion id, personal columns,
# and campaign fields that a spreadsheet would run as formulas.
CLINIC_EXPORT = (
    "Date_heure;Type de conversion;Valeur;Devise;utm_source;utm_medium;utm_campaign;"
    "utm_content;Nom du patient;Courriel;Téléphone;Date de naissance;Notes\n"
    '2026-03-10 10:00;rendez-vous;;CAD;facebook;paid;"=HYPERLINK(""http://evil.example"")";'
    "@SUM(1+1);Geneviève Lachapelle-Ouimet;g.lachapelle@courriel.example;438-555-0172;"
    "1961-07-14;Suivi diabète type 2 — renouvellement insuline\n"
    "2026-03-11 14:30;appel;;CAD;+cmd;organic;printemps;-2+3;Maximilien Bergeron;"
    "max.bergeron@exemple.example;(514) 555-0119;1988-02-29;Rappeler pour résultats sanguins\n"
)
CLINIC_PERSONAL = [
    "Geneviève Lachapelle-Ouimet",
    "g.lachapelle@courriel.example",
    "438-555-0172",
    "1961-07-14",
    "Suivi diabète type 2",
    "Maximilien Bergeron",
    "max.bergeron@exemple.example",
    "(514) 555-0119",
    "résultats sanguins",
]


def demo_personal_values(landing: Path) -> set[str]:
    values: set[str] = set()
    for f in landing.rglob("conversions*.csv"):
        raw = f.read_bytes()
        text = raw.decode("utf-8-sig") if raw[:3] == b"\xef\xbb\xbf" else raw.decode("cp1252")
        try:
            text.encode("utf-8")
            rows = list(csv.DictReader(io.StringIO(text)))
        except UnicodeError:
            continue
        for row in rows:
            for column in ("patient_name", "email", "phone"):
                if row.get(column):
                    values.add(row[column])
    return values


def duckdb_hits(path: Path, values: list[str]) -> list[str]:
    """Every text cell of every table of a DuckDB file, searched for the values."""
    hits = []
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal"
        ).fetchall()
        for schema, table in tables:
            cols = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND "
                    "table_name = ?",
                    [schema, table],
                ).fetchall()
            ]
            cells = " || '|' || ".join(f"coalesce(\"{c}\"::VARCHAR, '')" for c in cols)
            found = con.execute(
                f'SELECT DISTINCT v FROM (SELECT {cells} AS cell FROM {schema}."{table}") '
                "JOIN (SELECT unnest(?) AS v) ON contains(cell, v)",
                [values],
            ).fetchall()
            hits += [f"{path.name}:{schema}.{table}: {v}" for (v,) in found]
    return hits


def file_hits(root: Path, values: list[str], skip: tuple[Path, ...]) -> list[str]:
    """Raw bytes of every other file (SQLite run storage, logs, reports, dbt logs,
    quarantine, reason files), in UTF-8 and UTF-16."""
    hits = []
    for f in root.rglob("*"):
        if not f.is_file() or any(f.is_relative_to(s) for s in skip):
            continue
        data = f.read_bytes()
        for v in values:
            if v.encode() in data or v.encode("utf-16-le") in data:
                hits.append(f"{f.relative_to(root)}: {v}")
    return hits


def test_personal_columns_never_reach_any_stored_byte(data_dir: Path, tmp_path: Path) -> None:
    socialwh(
        "demo-data", "--out", str(data_dir / "landing"), "--clients", "2", "--days", "4",
        "--kinds", "facebook,conversions", "--no-quirks",
        data=data_dir, check=True,
    )  # fmt: skip
    clinic = data_dir / "landing" / "clinique-sante-plus" / "rendez-vous"
    clinic.mkdir(parents=True)
    (clinic / "export_rdv_mars.csv").write_text(CLINIC_EXPORT, encoding="utf-8")
    personal = sorted(demo_personal_values(data_dir / "landing") | set(CLINIC_PERSONAL))
    assert len(personal) > 20

    run = socialwh("run", data=data_dir, check=True)
    assert (
        "personal columns dropped, never stored, from landing/clinique-sante-plus/rendez-vous/"
        "export_rdv_mars.csv: Nom du patient, Courriel, Téléphone, Date de naissance, Notes"
    ) in run.stdout
    assert ": patient_name, email, phone, notes" in run.stdout  # the demo's booking tool

    warehouse = data_dir / "warehouse" / "social.duckdb"
    build_db = data_dir / "build" / "social.duckdb"
    assert duckdb_hits(warehouse, personal) == []
    assert duckdb_hits(build_db, personal) == []
    skip = (data_dir / "landing", warehouse, build_db)
    assert file_hits(data_dir, personal, skip) == []

    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT split_part(conversion_id, '/', 2), utm_campaign FROM marts.fct_conversions "
            "WHERE client = 'clinique-sante-plus' AND occurred_at < '2026-03-12' "
            "AND conversion_type IN ('appointment', 'call') AND utm_campaign IN "
            "('=HYPERLINK(\"http://evil.example\")', 'printemps') ORDER BY 1"
        ).fetchall()
        dropped = con.execute(
            "SELECT columns_dropped FROM ops.file_loads WHERE path LIKE '%export_rdv_mars.csv'"
        ).fetchone()[0]
    assert dropped == "Nom du patient, Courriel, Téléphone, Date de naissance, Notes"
    # Rows without an id get a salted hash of their allowed fields: not the plain hash.
    assert len(rows) == 2 and all(len(r[0]) == 64 for r in rows)
    plain = hashlib.sha256(
        "|".join(
            ["clinique-sante-plus", "2026-03-10 10:00", "rendez-vous", "CAD", "facebook",
             "paid", '=HYPERLINK("http://evil.example")', "@SUM(1+1)"]
        ).encode()
    ).hexdigest()  # fmt: skip
    assert plain not in {r[0] for r in rows}

    # The salt: outside the repository and the data dir, private, and stored nowhere else.
    salt_path = salt_file()
    salt = salt_path.read_text().strip()
    assert not salt_path.is_relative_to(ROOT) and not salt_path.is_relative_to(data_dir)
    assert salt_path.stat().st_mode & 0o077 == 0
    assert file_hits(data_dir, [salt], skip=(warehouse, build_db)) == []
    assert duckdb_hits(build_db, [salt]) == [] and duckdb_hits(warehouse, [salt]) == []
    tracked = subprocess.run(
        ["git", "grep", "-l", salt], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert tracked == ""

    # Exported for a spreadsheet, formula-like cells stay inert text.
    out = tmp_path / "conversions.csv"
    export_csv(Paths(data_dir), "marts.fct_conversions", out, client="clinique-sante-plus")
    cells = [c for row in csv.reader(out.open(encoding="utf-8")) for c in row]
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or c.startswith("-2")]


def load(data_dir: Path) -> tuple[list, list[str]]:
    progress: list[str] = []
    summary = LandingLoader(
        Paths(data_dir), "run-1", validate=FileValidator().problems, progress=progress.append
    ).run()
    return summary.files, progress


def old(path: Path) -> None:
    # settled long ago, dated after the real export's posts (Sep 2025): its snapshot day
    os.utime(path, (1_760_000_000, 1_760_000_000))  # 2025-10-09


def test_hostile_file_and_folder_names_are_data_not_sql(data_dir: Path, real_fixtures: Path):
    export = (real_fixtures / "facebook_posts_Sep-01-2025_Sep-30-2025.csv").read_bytes()
    folder = data_dir / "landing" / "pharmacie-dupont"
    folder.mkdir()
    names = [
        "it's; DROP TABLE raw.facebook_posts; --.csv",
        'quote"d..posts.csv',
        "line\nbreak.csv",
        "esc\x1b[31mred.csv",
        "up..dir..csv",
    ]
    for i, name in enumerate(names):
        # a byte of difference so that each loads (identical files are duplicates)
        (folder / name).write_bytes(export + b"\n" * i)
        old(folder / name)
    hostile_client = data_dir / "landing" / "x'); DROP TABLE raw.clients; --"
    hostile_client.mkdir()
    (hostile_client / "posts.csv").write_bytes(export)
    old(hostile_client / "posts.csv")

    files, progress = load(data_dir)
    status = {f.path: f.status for f in files}
    for name in names:
        assert status[f"pharmacie-dupont/{name}"] == "loaded", name
    assert status["x'); DROP TABLE raw.clients; --/posts.csv"] == "quarantined"
    assert not any("\n" in line or "\x1b" in line for line in progress)
    # the batch's line names its first file, escaped
    assert any("esc\\x1b[31mred.csv" in line for line in progress)
    with duckdb.connect(str(data_dir / "build" / "social.duckdb"), read_only=True) as con:
        paths = {p for (p,) in con.execute("SELECT path FROM ops.file_loads").fetchall()}
        assert {f"pharmacie-dupont/{n}" for n in names} <= paths  # stored verbatim, as data
        assert con.execute("SELECT count(*) FROM raw.facebook_posts").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM raw.clients").fetchone()[0] == 1
    reason = next((data_dir / "quarantine").rglob("posts.csv.reason.txt")).read_text()
    assert "not a valid client slug" in reason


def test_links_huge_files_zip_bombs_and_headerless_personal_files_are_quarantined(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = data_dir / "landing" / "clinique-sante-plus"
    folder.mkdir()
    (folder / "passwd.csv").symlink_to("/etc/passwd")
    huge = folder / "huge_export.csv"
    with huge.open("wb") as fh:
        fh.truncate(2 * 2**30)  # 2 GB (sparse: costs no disk)
    bomb = folder / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 2**20))
    headerless = folder / "rdv_sans_entete.csv"
    headerless.write_text(
        "Geneviève Lachapelle-Ouimet,g.lachapelle@courriel.example,438-555-0172,2026-03-01\n"
        "Maximilien Bergeron,max.bergeron@exemple.example,(514) 555-0119,2026-03-02\n",
        encoding="utf-8",
    )
    for f in (huge, bomb, headerless):
        old(f)
    monkeypatch.setenv("SOCIALWH_MAX_FILE_MB", "16")  # the bomb expands to 40 MB

    files, progress = load(data_dir)
    reasons = {Path(f.path).name: f.reason for f in files}
    assert all(f.status == "quarantined" for f in files), files
    assert "symbolic link" in reasons["passwd.csv"]
    assert "2,048 MB, over the 16 MB limit" in reasons["huge_export.csv"]
    assert "would expand to 40 MB" in reasons["bomb.xlsx"]
    assert "4 columns, none of them known" in reasons["rdv_sans_entete.csv"]
    shown = "\n".join([*progress, *(r.read_text() for r in data_dir.rglob("*.reason.txt"))])
    for value in ("Geneviève", "g.lachapelle", "438-555", "root:"):
        assert value not in shown


def test_nothing_under_the_data_dir_is_readable_by_other_users(tmp_path: Path) -> None:
    """umask 022, as on most machines: a quarantined booking export (names, e-mails, health
    notes) dropped with mode 644 ends readable by the pipeline's user only, and so does every
    folder and file socialwh made; the published warehouse at most by the owner's group."""
    data = tmp_path / "data"  # made by socialwh itself
    before = os.umask(0o022)
    try:
        socialwh(
            "demo-data", "--out", str(data / "landing"), "--clients", "1", "--days", "3",
            "--kinds", "facebook,conversions", "--no-quirks", data=data, check=True,
        )  # fmt: skip
        booking = data / "landing" / "pharmacie-dupont" / "rendez-vous.csv"
        booking.write_text("Nom,Courriel,Note\nMarie Tremblay,marie@example.org,suivi diabète\n")
        booking.chmod(0o644)
        os.utime(booking, (time.time() - 3600,) * 2)  # dropped an hour ago: settled
        socialwh("run", data=data, check=True)
    finally:
        os.umask(before)
    quarantined = data / "quarantine" / "pharmacie-dupont" / "rendez-vous.csv"
    assert quarantined.exists()
    warehouse = data / "warehouse" / "social.duckdb"
    assert warehouse.stat().st_mode & 0o777 == 0o640
    wide = [
        f"{path.relative_to(data)} {path.stat().st_mode & 0o777:o}"
        for path in [data, *data.rglob("*")]
        if path != warehouse and not path.is_symlink() and path.stat().st_mode & 0o077
    ]
    assert wide == []


def test_a_parse_cache_left_by_a_hand_dbt_run_enters_the_data_dir_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An analyst's `dbt build` by hand in dbt_project/ leaves dbt's parse cache there,
    mode 644. dagster-dbt copies such a cache into a target that has none keeping its
    mode; the pipeline adopts it first, with its own private mode."""
    by_hand = tmp_path / "hand-target"  # where dagster-dbt looks (DBT_TARGET_PATH)
    by_hand.mkdir()
    (by_hand / "partial_parse.msgpack").write_bytes(b"cache")
    (by_hand / "partial_parse.msgpack").chmod(0o644)
    monkeypatch.setenv("DBT_TARGET_PATH", str(by_hand))
    target = tmp_path / "data" / "build" / "dbt_target"
    before = os.umask(0o077)  # socialwh's own
    try:
        ready_parse_cache(target)
    finally:
        os.umask(before)
    adopted = target / "partial_parse.msgpack"
    assert adopted.read_bytes() == b"cache"
    assert adopted.stat().st_mode & 0o777 == 0o600
