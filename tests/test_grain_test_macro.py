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


def _grain_test_sql(model: str, columns: list[str]) -> str:
    text = MACRO.read_text(encoding="utf-8")
    body = re.search(
        r"\{% test unique_combination\(model, columns\) %\}(.*)\{% endtest %\}", text, re.S
    )
    return jinja2.Template(body.group(1)).render(model=model, columns=columns)


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
