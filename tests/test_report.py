"""The analysts' report, opened in a real browser, and the friendly `analytics` views."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import duckdb
import pytest

from pipelines.report import charts
from pipelines.report.build import Period, ReportError, _link
from tests.conftest import ROOT, socialwh

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SECTIONS = (
    "kpi", "content", "trend", "qoq", "outliers", "best_time", "campaigns", "conversions",
)  # fmt: skip


def rendered_dom(html: Path, profile: Path) -> str:
    """The page as Debian's headless Chromium laid it out (after its load event)."""
    if CHROMIUM is None:
        pytest.skip(
            "Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)"
        )
    proc = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}", "--window-size=1000,3000",
            "--dump-dom", html.as_uri(),
        ],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_report_renders_every_section_with_the_marts_numbers(data_dir: Path, tmp_path: Path):
    socialwh(
        "demo-data", "--out", str(data_dir / "landing"), "--clients", "2", "--days", "45",
        "--no-quirks", data=data_dir, check=True,
    )  # fmt: skip
    socialwh("run", data=data_dir, check=True)
    out = tmp_path / "rapport.html"
    made = socialwh(
        "report", "--client", "pharmacie-dupont", "--period", "2026-Q1", "--lang", "en",
        "--out", str(out), data=data_dir, check=True,
    )  # fmt: skip
    assert str(out) in made.stdout
    html = out.read_text(encoding="utf-8")

    # Self-contained: nothing to fetch (the only URLs are the posts' links).
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=", html)
    assert not re.search(r"https?://(?!www\.(facebook|instagram|linkedin)\.com/)", html)

    for section in SECTIONS:
        body = re.search(rf'<section id="{section}">(.*?)</section>', html, re.S)
        assert body and 'class="empty"' not in body.group(1), section
        assert 'class="how"' in body.group(1)  # each says how to read it

    # The headline figures are the marts' own.
    warehouse = data_dir / "warehouse" / "social.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        posts, impressions, er = con.execute(
            """
            SELECT count(*), sum(p.impressions), sum(p.engagements) / sum(p.impressions)
            FROM marts.fct_post_performance p JOIN marts.dim_client c USING (client)
            WHERE client = 'pharmacie-dupont'
              AND timezone(c.timezone, p.published_at)::DATE BETWEEN '2026-01-01' AND '2026-03-31'
            """
        ).fetchone()
    shown = dict(re.findall(r'data-metric="(\w+)" data-value="([^"]*)"', html))
    assert int(shown["posts"]) == posts > 0
    assert int(float(shown["impressions"])) == impressions
    assert float(shown["engagement_rate"]) == pytest.approx(er)

    # The UI shows each model's row count and first rows (the data dir's instance).
    import dagster as dg

    with dg.DagsterInstance.from_config(str(data_dir / "dagster_home")) as instance:
        event = instance.get_latest_materialization_event(
            dg.AssetKey(["marts", "fct_post_performance"])
        )
        meta = event.asset_materialization.metadata
    with duckdb.connect(str(warehouse), read_only=True) as con:
        total = con.execute("SELECT count(*) FROM marts.fct_post_performance").fetchone()[0]
    assert meta["dagster/row_count"].value == total
    assert len(meta["preview"].value.records) == 5

    dom = rendered_dom(out, tmp_path / "chromium")
    charts_in_file = html.count('<svg class="chart"')
    drawn = re.search(r'data-charts-drawn="(\d+)"', dom)
    assert drawn, "the page's load script did not run"
    assert charts_in_file >= len(SECTIONS) and int(drawn.group(1)) == charts_in_file
    assert "0" not in re.findall(r'data-marks-drawn="(\d+)"', dom)

    french = tmp_path / "rapport-fr.html"
    socialwh("report", "--period", "2026-Q1", "--out", str(french), data=data_dir, check=True)
    text = unescape(french.read_text(encoding="utf-8"))
    assert 'lang="fr"' in text and "Taux d'engagement" in text and "Tous les clients" in text


def test_report_errors_are_plain(data_dir: Path, tmp_path: Path):
    none_yet = socialwh("report", "--out", str(tmp_path / "r.html"), data=data_dir)
    assert none_yet.returncode == 2 and "no published warehouse" in none_yet.stderr
    with pytest.raises(ReportError, match="use 2026-Q1"):
        Period.parse("Q1 2026")
    assert Period.parse("2026-Q4").end.isoformat() == "2027-01-01"
    assert Period.parse("2026-02").end.isoformat() == "2026-03-01"


def test_outside_text_is_escaped_in_the_report():
    svg = charts.hbar(['<script>alert("x")</script>'], {"a&b": [1.0]})
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a&amp;b" in svg
    assert _link("javascript:alert(1)") == "" and _link("data:text/html,x") == ""
    assert _link('https://www.facebook.com/1/posts/2"onmouseover="x') == (
        '<a href="https://www.facebook.com/1/posts/2&#34;onmouseover=&#34;x" '
        'rel="noopener noreferrer">↗</a>'
    )


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A published demo warehouse (3 clients, 20 days), shared by the tests below."""
    data = tmp_path_factory.mktemp("demo") / "data"
    socialwh(
        "demo-data", "--out", str(data / "landing"), "--clients", "3", "--days", "20",
        "--no-quirks", data=data, check=True,
    )  # fmt: skip
    socialwh("run", data=data, check=True)
    return data / "warehouse" / "social.duckdb"


def test_readme_examples_run_against_the_analytics_views(demo_warehouse: Path):
    """Every ```sql block of the README runs on a published warehouse and returns rows."""
    blocks = re.findall(r"```sql\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert len(blocks) >= 5
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        for sql in blocks:
            assert con.execute(sql).fetchall(), sql


# Columns whose values are codes: their comments must name every code the data holds, and
# a snake_case word in a comment must be a code the column can take or a column's name.
CODED = {
    "platform", "content_type", "theme", "theme_source", "performance", "performance_flag",
    "attribution", "conversion_type", "period_grain", "hour_band", "sector", "breakdown",
}  # fmt: skip
# codes the demo data may not hold, which the comments rightly name
POSSIBLE = {"no_baseline", "too_young", "behind_the_scenes", "health_news", "contest_poll",
            "device_platform"}  # fmt: skip


def test_column_comments_name_the_values_the_data_takes(demo_warehouse: Path):
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        names = {
            c
            for (c,) in con.execute("SELECT DISTINCT column_name FROM duckdb_columns()").fetchall()
        }
        columns = con.execute(
            "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
            "WHERE schema_name IN ('marts', 'analytics') AND column_name IN (SELECT unnest(?))",
            [sorted(CODED)],
        ).fetchall()
        assert len(columns) >= 30
        wrong = []
        for schema, table, column, comment in columns:
            english = (comment or "").split("| FR:")[0].lower()
            words = set(re.findall(r"[a-z0-9][a-z0-9_-]*", english))
            values = {
                v
                for (v,) in con.execute(
                    f'SELECT DISTINCT "{column}"::VARCHAR FROM {schema}.{table} '
                    f'WHERE "{column}" IS NOT NULL'
                ).fetchall()
            }
            if values - words:
                wrong.append(f"{schema}.{table}.{column}: lacks {sorted(values - words)}")
            unknown = {w for w in words if "_" in w} - values - POSSIBLE - names
            if unknown:
                wrong.append(f"{schema}.{table}.{column}: names {sorted(unknown)}")
    assert wrong == []


# UI words and codes that must not reach a French reader (the client's own text aside)
ENGLISH = (
    "Impressions", "Reach", "Engagement rate", "Posts", "Objective", "Spend", "Results",
    "Campaign", "Conversions by source", "Appointments", "Calls", "Registrations",
    "Purchases", "Leads", "Platform only", "Unknown", "Awareness", "Traffic", "Sales",
    "Quarter", "Week", "Above normal", "Below normal", "Other", "Educational", "Promotional",
    "facebook", "instagram", "linkedin", "educational", "promotional", "testimonial",
    "behind_the_scenes", "health_news", "contest_poll", "appointment", "registration",
    "purchase", "carousel", "video", "none", "post", "campaign", "platform", "Q1", "Q2",
    "Q3", "Q4",
)  # fmt: skip


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style|title)>.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))  # NBSP kept


def test_the_french_report_reads_as_french(demo_warehouse: Path, tmp_path: Path):
    data = demo_warehouse.parent.parent
    out = tmp_path / "rapport.html"
    socialwh("report", "--out", str(out), data=data, check=True)
    text = visible_text(out.read_text(encoding="utf-8"))
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        own = [n for (n,) in con.execute(
            "SELECT DISTINCT campaign FROM marts.fct_campaign_daily UNION "
            "SELECT DISTINCT name FROM marts.dim_client"
        ).fetchall() if n]  # fmt: skip
    for name in sorted(own, key=len, reverse=True):  # the client's own text may be English
        text = text.replace(name, " ")
    english = [w for w in ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
    assert english == [], english
    # fr-CA numbers: a space between thousands, a decimal comma, "2,3 %", "3 684,17 $"
    assert not re.findall(r"\d,\d{3}(?!\d)|\d\.\d", text)
    assert re.search(r"\d\u00a0\d{3}", text) and re.search(r"\d,\d\u00a0%", text)
    assert re.search(r"\d,\d\d\u00a0\$", text) and re.search(r"T[1-4] 20\d\d", text)

    # as a French reader sees it: Chromium draws the page, the picture kept for a human look
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    shot = ROOT / "test-artifacts" / "report-fr.png"
    shot.parent.mkdir(exist_ok=True)
    subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={tmp_path / 'chromium'}",
            "--window-size=1000,2400", f"--screenshot={shot}", out.as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert shot.stat().st_size > 20_000  # a page, not a blank


def test_files_that_dropped_the_same_personal_columns_share_a_line() -> None:
    """One booking tool's exports, one per client: 200 lines a night at L otherwise."""
    from pipelines.run_report import Files, RunReport

    booking = ["patient_name", "email", "phone"]
    files = Files(
        loaded=6,
        personal_dropped={
            **{f"clinic-{n}/conversions/rdv.csv": booking for n in range(5)},
            "pharmacy/conversions/sales.csv": ["customer"],
        },
    )
    lines = RunReport("r1", "SUCCESS", "cli", "now", True, "w", True, files=files).lines()
    dropped = [line for line in lines if "personal columns dropped" in line]
    assert dropped == [
        "  personal columns dropped, never stored, from 5 files (landing/clinic-0/conversions/"
        "rdv.csv, landing/clinic-1/conversions/rdv.csv, landing/clinic-2/conversions/rdv.csv "
        "and 2 more; ops.file_loads.columns_dropped names each): patient_name, email, phone",
        "  personal columns dropped, never stored, from landing/pharmacy/conversions/sales.csv: "
        "customer",
    ]
