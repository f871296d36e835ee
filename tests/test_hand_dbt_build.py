"""An analyst edits a seed and runs `dbt build` by hand (the documented profile, no
--full-refresh): the incremental models rebuild what the seed shapes, and every mart is
the same as a full refresh's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, socialwh

pytestmark = pytest.mark.slow
DBT = Path(sys.executable).parent / "dbt"


def dbt_build(project: Path, build_db: Path, *args: str) -> None:
    env = {
        **os.environ,
        "SOCIALWH_BUILD_DB": str(build_db),
        "DBT_LOG_PATH": str(project / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    env.pop("SOCIALWH_DBT_TARGET", None)
    done = subprocess.run(
        [str(DBT), "build", "--quiet", "--project-dir", str(project), "--profiles-dir",
         str(project), "--target-path", str(project / "target"), *args],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_a_hand_dbt_build_after_a_seed_edit_equals_a_full_refresh(data_dir: Path, tmp_path):
    socialwh(
        "demo-data", "--out", str(data_dir / "landing"), "--clients", "1", "--days", "10",
        "--kinds", "facebook,instagram", "--no-quirks", data=data_dir, check=True,
    )  # fmt: skip
    socialwh("run", data=data_dir, check=True)

    project = tmp_path / "dbt_project"
    shutil.copytree(ROOT / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    # the analyst's edit: two everyday words now mean "testimonial", before every other rule
    with (project / "seeds" / "theme_keywords.csv").open("a", encoding="utf-8") as seed:
        seed.write("testimonial,de,0\ntestimonial,the,0\n")
    by_hand, full = tmp_path / "by_hand.duckdb", tmp_path / "full.duckdb"
    shutil.copy(data_dir / "build" / "social.duckdb", by_hand)
    shutil.copy(data_dir / "build" / "social.duckdb", full)
    dbt_build(project, by_hand)
    dbt_build(project, full, "--full-refresh")

    with duckdb.connect() as con:
        con.execute(f"ATTACH '{data_dir / 'build' / 'social.duckdb'}' AS before (READ_ONLY)")
        con.execute(f"ATTACH '{by_hand}' AS by_hand (READ_ONLY)")
        con.execute(f"ATTACH '{full}' AS full_refresh (READ_ONLY)")
        changed = con.execute(
            "SELECT count(*) FROM by_hand.marts.dim_post n JOIN before.marts.dim_post o "
            "USING (post_key) WHERE n.theme <> o.theme"
        ).fetchone()[0]
        assert changed > 0  # the edit reached posts loaded before it
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'full_refresh' "
                "AND schema_name = 'marts' ORDER BY 1"
            ).fetchall()
        ]
        assert "dim_post" in tables and "fct_content_performance" in tables
        differing = {
            t: con.execute(
                f"SELECT count(*) FROM ((SELECT * FROM by_hand.marts.{t} EXCEPT ALL "
                f"SELECT * FROM full_refresh.marts.{t}) UNION ALL (SELECT * FROM "
                f"full_refresh.marts.{t} EXCEPT ALL SELECT * FROM by_hand.marts.{t}))"
            ).fetchone()[0]
            for t in tables
        }
        assert differing == dict.fromkeys(tables, 0)
