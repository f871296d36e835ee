"""The Facebook posts loader on the real export (as-is) and on files that must be quarantined."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from data_checks.runner import FileValidator
from pipelines.ingest.landing import LandingLoader
from pipelines.settings import paths

REAL_FB = "facebook_posts_Sep-01-2025_Sep-30-2025.csv"


def load(data_dir: Path):
    summary = LandingLoader(
        paths(), run_id="test", validate=FileValidator().problems, progress=lambda _: None
    ).run()
    return summary, duckdb.connect(str(data_dir / "build" / "social.duckdb"), read_only=True)


def test_real_facebook_export_loads_as_is(data_dir: Path, real_fixtures: Path) -> None:
    client_dir = data_dir / "landing" / "pc-merch"
    client_dir.mkdir()
    shutil.copy(real_fixtures / REAL_FB, client_dir / REAL_FB)
    with (real_fixtures / REAL_FB).open(encoding="utf-8-sig", newline="") as fh:
        expected = {r["Post ID"]: r for r in csv.DictReader(fh)}

    summary, con = load(data_dir)

    assert [(f.status, f.kind, f.language) for f in summary.files] == [
        ("loaded", "facebook_posts", "en")
    ]
    rows = con.execute(
        "SELECT post_id, impressions, impressions_source, reach, reactions, comments, shares, "
        "publish_time, permalink, source_row_number, source_sha256, client FROM raw.facebook_posts"
    ).fetchall()
    assert len(rows) == len(expected) == 81
    for post_id, imp, src, reach, reac, comm, shares, published, link, row_no, sha, client in rows:
        e = expected[post_id]
        assert (imp, reach) == (int(e["Views"]), int(e["Reach"]))
        assert src == "Views"
        assert (reac, comm, shares) == (int(e["Reactions"]), int(e["Comments"]), int(e["Shares"]))
        assert published.strftime("%m/%d/%Y %H:%M") == e["Publish time"]
        assert link == e["Permalink"]
        assert client == "pc-merch" and len(sha) == 64 and row_no >= 1
    # Captions with emoji, math-bold letters and embedded newlines survive intact.
    titles = dict(con.execute("SELECT post_id, title FROM raw.facebook_posts").fetchall())
    assert all(titles[p] == (e["Title"].strip() or None) for p, e in expected.items())
    assert con.execute("SELECT status, rows_loaded FROM ops.file_loads").fetchall() == [
        ("loaded", 81)
    ]


def test_same_file_twice_loads_once(data_dir: Path, real_fixtures: Path) -> None:
    for name in ("a", "b"):
        d = data_dir / "landing" / "pc-merch" / name
        d.mkdir(parents=True)
        shutil.copy(real_fixtures / REAL_FB, d / REAL_FB)
    summary, con = load(data_dir)
    assert sorted(f.status for f in summary.files) == ["duplicate", "loaded"]
    assert con.execute("SELECT count(*) FROM raw.facebook_posts").fetchone()[0] == 81
    con.close()
    again, _ = load(data_dir)  # nothing new: nothing re-read
    assert again.files == []


def test_french_headers_and_fr_ca_numbers(data_dir: Path) -> None:
    d = data_dir / "landing" / "pharmacie-dupont"
    d.mkdir()
    header = (
        "Identifiant de la publication,Identifiant de la Page,Heure de publication,"
        "Permalien,Type de publication,Date,Vues,Couverture,Réactions,Commentaires,"
        "Partages,Durée (s)\n"
    )
    row = (
        "123,456,01/15/2026 09:30,https://www.facebook.com/456/posts/123,Photos,Global,"
        '"1\u00a0234",987,10,2,1,"12,5"\n'
    )
    (d / "publications.csv").write_text(header + row, encoding="utf-8-sig")
    summary, con = load(data_dir)
    assert [(f.status, f.language) for f in summary.files] == [("loaded", "fr")]
    assert con.execute(
        "SELECT impressions, reach, duration_sec FROM raw.facebook_posts"
    ).fetchone() == (1234, 987, 12.5)


def test_bad_rows_are_rejected_not_lost(data_dir: Path) -> None:
    d = data_dir / "landing" / "clinique-x"
    d.mkdir()
    header = "Post ID,Page ID,Publish time,Permalink,Post type,Views,Reach,Reactions\n"
    rows = (
        "1,9,01/15/2026 09:30,https://x/1,Photos,100,80,3\n"
        "2,9,01/15/2026 09:30,https://x/2,Photos,-40,30,1\n"
        "3,9,not a date,https://x/3,Photos,100,80,3\n"
    )
    (d / "fb.csv").write_text(header + rows, encoding="utf-8")
    summary, con = load(data_dir)
    assert (summary.files[0].rows_loaded, summary.files[0].rows_rejected) == (1, 2)
    rejected = con.execute(
        "SELECT row_number, reason, raw_record FROM ops.rejected_rows ORDER BY row_number"
    ).fetchall()
    assert [r[0] for r in rejected] == [2, 3]
    assert "Views is negative" in rejected[0][1]
    assert "Publish time is not a valid local timestamp" in rejected[1][1]
    assert "not a date" in rejected[1][2]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.csv", b"", "empty"),
        ("error.csv", b"<!DOCTYPE html><html><body>Session expired</body></html>", "web page"),
        ("sheet.csv", b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet"),
        ("other.csv", b"Name,Email\nA,a@b.c\n", "does not match any export kind"),
    ],
)
def test_unloadable_files_go_to_quarantine_with_a_reason(
    data_dir: Path, name: str, content: bytes, reason: str
) -> None:
    d = data_dir / "landing" / "pharmacie-dupont"
    d.mkdir()
    (d / name).write_bytes(content)
    summary, con = load(data_dir)
    assert [f.status for f in summary.files] == ["quarantined"]
    assert not (d / name).exists()
    moved = data_dir / "quarantine" / "pharmacie-dupont" / name
    assert moved.read_bytes() == content
    text = moved.with_name(name + ".reason.txt").read_text(encoding="utf-8")
    assert reason in text and f"landing/pharmacie-dupont/{name}" in text
    assert con.execute("SELECT status FROM ops.file_loads").fetchall() == [("quarantined",)]


def test_file_outside_client_folder_is_quarantined(data_dir: Path, real_fixtures: Path) -> None:
    shutil.copy(real_fixtures / REAL_FB, data_dir / "landing" / REAL_FB)
    summary, _ = load(data_dir)
    assert summary.files[0].status == "quarantined"
    assert "not inside a client folder" in summary.files[0].reason


def test_a_post_published_after_its_export_day_is_kept_out_alone(data_dir: Path) -> None:
    """One future Publish time (a typo, a re-save with day and month swapped) in an export
    dated Jan 20 (Meta's range name): that row goes to ops.rejected_rows with the rule it
    breaks; the rest of the file loads, so the night publishes for every client."""
    d = data_dir / "landing" / "clinique-x"
    d.mkdir()
    header = "Post ID,Page ID,Publish time,Permalink,Post type,Views,Reach,Reactions\n"
    rows = (
        "1,9,01/15/2026 09:30,https://x/1,Photos,100,80,3\n"
        "2,9,01/20/2026 23:50,https://x/2,Photos,50,40,1\n"  # the export's own last day
        "3,9,11/01/2026 09:30,https://x/3,Photos,100,80,3\n"  # after the export: impossible
    )
    (d / "Jan-01-2026_Jan-20-2026_1.csv").write_text(header + rows, encoding="utf-8")
    summary, con = load(data_dir)
    assert (summary.files[0].status, summary.files[0].rows_loaded) == ("loaded", 2)
    assert con.execute("SELECT row_number, reason FROM ops.rejected_rows").fetchall() == [
        (3, "breaks published_before_export")
    ]
