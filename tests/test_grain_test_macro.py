"""The grain test (dbt_project/macros/test_unique_combination.sql) run as DuckDB runs it:
rows sharing the columns are reported, with their count, and nothing else; hashing first
must not change what it finds."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import jinja2
from conftest import ROOT

MACRO = ROOT / "dbt_project" / "macros" / "test_unique_combination.sql"


def _grain_test_sql(
    model: str, columns: list[str], rebuilt_by: str | None = None, since: str | None = None
) -> str:
    """The test's SQL as dbt renders it; `since`: the watermark of a night with a scope
    (the macro loaded_since(), None on a night that tests every row)."""
    text = MACRO.read_text(encoding="utf-8")
    body = re.search(r"\{% test unique_combination\(.*?\) %\}(.*)\{% endtest %\}", text, re.S)
    return jinja2.Template(body.group(1)).render(
        model=model, columns=columns, rebuilt_by=rebuilt_by, loaded_since=lambda: since
    )


def test_the_grain_test_reports_each_repeated_combination_once() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE daily AS SELECT 'c/facebook/' || (range // 10) AS post_key, "
        "DATE '2026-03-01' + CAST(range % 10 AS INTEGER) AS date FROM range(100000)"
    )
    assert con.execute(_grain_test_sql("daily", ["post_key", "date"])).fetchall() == []
    con.execute(
        "INSERT INTO daily VALUES ('c/facebook/7', DATE '2026-03-02'), "
        "('c/facebook/7', DATE '2026-03-02'), ('c/facebook/9', DATE '2026-03-05'), "
        "(NULL, DATE '2026-03-01'), (NULL, DATE '2026-03-01')"
    )
    found = con.execute(_grain_test_sql("daily", ["post_key", "date"]) + " ORDER BY ALL")
    assert found.fetchall() == [
        ("c/facebook/7", date(2026, 3, 2), 3),
        ("c/facebook/9", date(2026, 3, 5), 2),
        (None, date(2026, 3, 1), 2),  # as GROUP BY sees NULLs: equal
    ]


def test_on_a_scoped_night_the_grain_test_reads_the_rebuilt_posts_rows_only() -> None:
    """A model rebuilt post by post (delete+insert): its rows of the posts with a row loaded
    since the last build are read, old and new days alike; the other posts' rows, not
    rebuilt, are not."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE daily AS SELECT 'c/facebook/' || (range // 10) AS post_key, "
        "DATE '2026-03-01' + CAST(range % 10 AS INTEGER) AS date, "
        "TIMESTAMPTZ '2026-03-01 05:00:00+00' AS loaded_at FROM range(1000)"
    )
    con.execute(
        "INSERT INTO daily VALUES "
        # a post rebuilt tonight: a new day, and an old day repeated by the rebuild
        "('c/facebook/3', DATE '2026-03-11', TIMESTAMPTZ '2026-03-12 05:00:00+00'), "
        "('c/facebook/3', DATE '2026-03-02', TIMESTAMPTZ '2026-03-01 05:00:00+00'), "
        # a repeat in a post not rebuilt: tested the night it was written
        "('c/facebook/8', DATE '2026-03-05', TIMESTAMPTZ '2026-03-01 05:00:00+00')"
    )
    scoped = _grain_test_sql("daily", ["post_key", "date"], "post_key", "2026-03-02 00:00:00+00")
    assert con.execute(scoped).fetchall() == [("c/facebook/3", date(2026, 3, 2), 2)]
    every_row = _grain_test_sql("daily", ["post_key", "date"], "post_key", None)
    assert len(con.execute(every_row).fetchall()) == 2
