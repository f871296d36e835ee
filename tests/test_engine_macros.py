"""Spark's half of the engine macros that can be checked without Spark."""

from __future__ import annotations

import ast
import re
import unicodedata

import duckdb
from conftest import ROOT

ENGINE_MACROS = ROOT / "dbt_project" / "macros" / "engine.sql"


def _accent_table() -> tuple[str, str]:
    text = ENGINE_MACROS.read_text(encoding="utf-8")
    found = re.search(r"macro accent_table\(\) %\}\s*\{\{- return\((\[.*?\])\) -\}\}", text, re.S)
    accented, plain = ast.literal_eval(found.group(1))
    return accented, plain


def test_spark_accent_table_folds_like_duckdb_strip_accents() -> None:
    """translate(text, accented, plain) on Spark must give DuckDB's strip_accents(text)
    for every letter of the Latin blocks (French, Polish, Czech, Turkish, Vietnamese...)
    and drop the combining marks, or the theme rules read captions differently."""
    accented, plain = _accent_table()
    assert len(set(accented)) == len(accented)
    mapping = dict(zip(accented, plain + "\0" * (len(accented) - len(plain)), strict=True))
    con = duckdb.connect()
    checked = 0
    for block in (range(0xC0, 0x250), range(0x1E00, 0x1F00), range(0x300, 0x370)):
        for code in block:
            char = chr(code)
            (duck,) = con.execute("SELECT strip_accents(?)", [char]).fetchone()
            spark = mapping.get(char, char).replace("\0", "")
            assert spark == duck, (
                f"U+{code:04X} {unicodedata.name(char, '?')}: {spark!r} != {duck!r}"
            )
            checked += 1
    assert checked == 400 + 256 + 112
    for word, folded in (("Łódź", "Łodz"), ("Nguyễn", "Nguyen"), ("Ševčík", "Sevcik")):
        assert "".join(mapping.get(c, c).replace("\0", "") for c in word) == folded
