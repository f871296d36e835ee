"""Publishing copies what changed: the last published file, with only the tables whose
content differs from the build's replaced, and the whole file written again once much of
it is free space."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.publish import REWRITE_WHEN_FREE, REWRITE_WHEN_FREE_MB, ClientScope, publish
from pipelines.settings import Paths


def _build(p: Paths) -> None:
    p.build_dir.mkdir(parents=True)
    with duckdb.connect(str(p.build_db)) as con:
        con.execute("CREATE SCHEMA marts; CREATE SCHEMA ops; CREATE SCHEMA analytics")
        con.execute("CREATE TABLE marts.a AS SELECT range AS id, range * 2 AS v FROM range(1000)")
        con.execute("CREATE TABLE marts.b AS SELECT range AS id FROM range(10)")
        con.execute("CREATE TABLE marts.c AS SELECT 'x' AS name")
        con.execute("CREATE TABLE ops.check_results AS SELECT 1 AS run")
        con.execute("CREATE VIEW analytics.a_view AS SELECT id, v FROM marts.a WHERE v > 10")
        con.execute("COMMENT ON COLUMN marts.a.v IS 'EN: twice the id'")
        con.execute("COMMENT ON COLUMN analytics.a_view.v IS 'EN: twice the id, over 10'")


def _published(p: Paths, sql: str):
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def _first_night_of(tmp_path: Path, table: str, select: str) -> Paths:
    """A build of one mart, published (whole: the first night)."""
    p = Paths(tmp_path / "data")
    p.build_dir.mkdir(parents=True)
    with duckdb.connect(str(p.build_db)) as con:
        con.execute("CREATE SCHEMA marts; CREATE SCHEMA ops; CREATE SCHEMA analytics")
        con.execute(f"CREATE TABLE {table} AS {select}")
    assert publish(p, "run1").whole
    return p


def _published_as_built(p: Paths, table: str) -> None:
    """The published table holds the build's rows, every one, no more (EXCEPT ALL both ways)."""
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        con.execute(f"ATTACH '{p.build_db}' AS build (READ_ONLY)")
        for a, b in ((table, f"build.{table}"), (f"build.{table}", table)):
            assert con.execute(
                f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})"
            ).fetchall() == [(0,)]


def _client_parts_as_published(p: Paths, table: str) -> None:
    """What the published file keeps of each client's part of `table`'s fingerprint is
    what its rows give, client by client (a by-client publish reads it instead of them)."""
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        kept = con.execute(
            "SELECT client, rows, xor, total FROM ops.published_client_fingerprints "
            "WHERE relation = ? ORDER BY client",
            [table],
        ).fetchall()
        rows = con.execute(
            "SELECT client, count(*), bit_xor(hash(r))::VARCHAR, sum(hash(r)::HUGEINT)::VARCHAR "
            f"FROM {table} AS r GROUP BY client ORDER BY client"
        ).fetchall()
    assert kept == rows and kept


def test_a_night_copies_the_tables_it_changed_and_keeps_the_rest(tmp_path: Path) -> None:
    p = Paths(tmp_path / "data")
    _build(p)
    first = publish(p, "run1")
    assert first.whole and sorted(first.copied) == [
        "marts.a", "marts.b", "marts.c", "ops.check_results",
    ]  # fmt: skip

    # the same content rebuilt by dbt (new tables, same rows, same views): nothing copied,
    # nothing written
    file = p.warehouse.stat()
    with duckdb.connect(str(p.build_db)) as con:
        con.execute("CREATE OR REPLACE TABLE marts.b AS SELECT range AS id FROM range(10)")
        con.execute("COMMENT ON COLUMN marts.a.v IS 'EN: twice the id'")
        con.execute(
            "CREATE OR REPLACE VIEW analytics.a_view AS SELECT id, v FROM marts.a WHERE v > 10"
        )
        con.execute("COMMENT ON COLUMN analytics.a_view.v IS 'EN: twice the id, over 10'")
    kept = publish(p, "run2")
    assert kept.copied == [] and not kept.written
    assert p.warehouse.stat().st_ino == file.st_ino and p.warehouse.stat().st_size == file.st_size

    # a view changed alone: the file is written again (its tables kept) with the new view
    with duckdb.connect(str(p.build_db)) as con:
        con.execute(
            "CREATE OR REPLACE VIEW analytics.a_view AS SELECT id, v FROM marts.a WHERE v > 100"
        )
    assert publish(p, "run2b").copied == []
    assert p.warehouse.stat().st_ino != file.st_ino
    assert _published(p, "SELECT count(*) FROM analytics.a_view") == [(949,)]
    with duckdb.connect(str(p.build_db)) as con:
        con.execute(
            "CREATE OR REPLACE VIEW analytics.a_view AS SELECT id, v FROM marts.a WHERE v > 10"
        )
        con.execute("COMMENT ON COLUMN analytics.a_view.v IS 'EN: twice the id, over 10'")

    # a night that changes two tables (a row of one, a comment of the other) copies two
    with duckdb.connect(str(p.build_db)) as con:
        con.execute("UPDATE marts.a SET v = -1 WHERE id = 500")
        con.execute("COMMENT ON COLUMN marts.c.name IS 'EN: a name'")
        con.execute("DROP TABLE marts.b")
    third = publish(p, "run3")
    assert not third.whole and sorted(third.copied) == ["marts.a", "marts.c"]
    assert _published(p, "SELECT v FROM marts.a WHERE id = 500") == [(-1,)]
    assert _published(p, "SELECT count(*) FROM analytics.a_view") == [(993,)]  # id 500 left it
    tables = _published(p, "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL")
    assert ("marts", "b") not in tables and ("marts", "a") in tables
    comments = dict(
        _published(
            p,
            "SELECT table_name || '.' || column_name, comment FROM duckdb_columns() "
            "WHERE comment IS NOT NULL",
        )
    )
    assert comments == {
        "a.v": "EN: twice the id",
        "c.name": "EN: a name",
        "a_view.v": "EN: twice the id, over 10",
    }
    assert third.tables["marts.a"] == 1000

    # nights of small changes copy the file however many they are: each frees a block or
    # two, reused by the next
    def night(i: int, big: str | None = None):
        with duckdb.connect(str(p.build_db)) as con:
            con.execute(f"UPDATE marts.a SET v = {i} WHERE id = 1")
            if big is not None:  # 4 million hashes: 32 MB that do not compress
                con.execute(f"CREATE OR REPLACE TABLE marts.big AS SELECT hash({big}) AS h "
                            "FROM range(4000000)")  # fmt: skip
        return publish(p, f"run{i}")

    assert not any(night(i).whole for i in range(4, 14))
    assert not night(14, big="range").whole and _free_share(p) < 0.05
    # a night that replaces most of the file frees most of its blocks: not given back to
    # the file system by DuckDB, they are by the next night, which writes the file whole
    assert not night(15, big="range + 1").whole and _free_share(p) > REWRITE_WHEN_FREE
    assert (
        _published(p, "SELECT free_blocks * block_size FROM pragma_database_size()")[0][0]
        >= REWRITE_WHEN_FREE_MB * 2**20
    )
    assert night(16).whole and _free_share(p) < 0.05
    assert _published(p, "SELECT count(*), max(v) FROM marts.a") == [(1000, 1998)]
    assert sorted(p.warehouse_dir.iterdir()) == [p.warehouse]  # no leftover


def _free_share(p: Paths) -> float:
    ((free, total),) = _published(p, "SELECT free_blocks, total_blocks FROM pragma_database_size()")
    return free / total


def test_a_large_mart_a_night_touches_a_little_of_is_patched_key_by_key(tmp_path: Path) -> None:
    """fct_post_daily: the rows of the posts whose rows changed are replaced, the others
    kept; a night that changes most posts, or the columns, copies the table whole."""
    daily = (
        "SELECT 'c/facebook/' || (range // 10) AS post_key, DATE '2026-03-01' + "
        "CAST(range % 10 AS INTEGER) AS date, range AS impressions FROM range(1000)"
    )
    p = _first_night_of(tmp_path, "marts.fct_post_daily", daily)

    with duckdb.connect(str(p.build_db)) as con:  # a night: post 7 restated, post 99 gone,
        con.execute(  # post 100 new, the rows rebuilt by dbt in another order
            f"CREATE OR REPLACE TABLE marts.fct_post_daily AS SELECT * FROM ({daily}) "
            "WHERE post_key <> 'c/facebook/99' UNION ALL SELECT 'c/facebook/100', "
            "DATE '2026-03-10', 5 ORDER BY random()"
        )
        con.execute(
            "UPDATE marts.fct_post_daily SET impressions = -1 "
            "WHERE post_key = 'c/facebook/7' AND date = DATE '2026-03-02'"
        )
    night = publish(p, "run2")
    assert night.copied == night.patched == ["marts.fct_post_daily"]
    _published_as_built(p, "marts.fct_post_daily")
    assert _published(p, "SELECT count(*) FROM marts.fct_post_daily") == [(991,)]

    with duckdb.connect(str(p.build_db)) as con:  # most posts change: copied whole
        con.execute("UPDATE marts.fct_post_daily SET impressions = impressions + 1")
    assert publish(p, "run3").patched == []
    with duckdb.connect(str(p.build_db)) as con:  # a new column: copied whole
        con.execute("ALTER TABLE marts.fct_post_daily ADD COLUMN clicks INTEGER DEFAULT 0")
    later = publish(p, "run4")
    assert later.copied == ["marts.fct_post_daily"] and later.patched == []
    assert _published(p, "SELECT count(clicks) FROM marts.fct_post_daily") == [(991,)]


def test_campaign_rows_are_patched_by_reporting_window(tmp_path: Path) -> None:
    """fct_campaign_daily: the rows of a client's reporting window (its dbt model's unit of
    rebuilding) are replaced together; the others are kept."""
    ads = (
        "SELECT 'c' || (range % 4) AS client, 'ad' || (range % 7) AS ad_key, DATE '2026-01-05' "
        "+ CAST(7 * (range // 28) AS INTEGER) AS date, DATE '2026-01-11' + CAST(7 * (range // 28)"
        " AS INTEGER) AS date_end, range * 1.5 AS spend FROM range(2800)"
    )
    p = _first_night_of(tmp_path, "marts.fct_campaign_daily", ads)

    with duckdb.connect(str(p.build_db)) as con:  # a night: one window restated, one ad of
        con.execute(  # another window gone, a new window
            "UPDATE marts.fct_campaign_daily SET spend = -1 "
            "WHERE client = 'c1' AND date = DATE '2026-01-12' AND ad_key = 'ad3'"
        )
        con.execute(
            "DELETE FROM marts.fct_campaign_daily WHERE client = 'c2' AND ad_key = 'ad5' "
            "AND date = DATE '2026-01-19'"
        )
        con.execute(
            "INSERT INTO marts.fct_campaign_daily VALUES "
            "('c0', 'ad1', DATE '2027-01-04', DATE '2027-01-10', 2.5)"
        )
    night = publish(p, "run2")
    assert night.copied == night.patched == ["marts.fct_campaign_daily"]
    _published_as_built(p, "marts.fct_campaign_daily")


def test_a_build_of_some_clients_replaces_their_rows_and_nothing_else_is_read(
    tmp_path: Path,
) -> None:
    """A build that recomputed clients c1 and c3 (pipelines/dbt_scope.py) over the build
    published before it: their rows are replaced, and the table's fingerprint follows from
    the published one and their rows alone — the same a full reading gives (the next
    publish of that same build finds nothing to write). Over a file holding another build,
    the table is compared whole, as before."""
    rows = "SELECT 'c' || (range % 5) AS client, range AS id, range * 2 AS v FROM range(5000)"
    p = _first_night_of(tmp_path, "marts.fct_account_daily", rows)
    with duckdb.connect(str(p.build_db)) as con:
        con.execute("CREATE TABLE marts.fct_post_at_age AS SELECT 1 AS post_key")
        _client_register(con, 10)
    assert publish(p, "run2", ClientScope("b2", None, None)).whole is False  # every client

    with duckdb.connect(str(p.build_db)) as con:  # c1 restated, c3 lost a row, c9 is new
        con.execute("UPDATE marts.fct_account_daily SET v = -v WHERE client = 'c1'")
        con.execute("DELETE FROM marts.fct_account_daily WHERE client = 'c3' AND id = 3")
        con.execute("INSERT INTO marts.fct_account_daily VALUES ('c9', 9999, 1)")
    scoped = ClientScope("b3", ("c1", "c3", "c9"), "b2")
    night = publish(p, "run3", scoped)
    assert night.copied == night.patched == ["marts.fct_account_daily"]
    _published_as_built(p, "marts.fct_account_daily")
    _client_parts_as_published(p, "marts.fct_account_daily")
    again = publish(p, "run4", ClientScope("b3", ("c1", "c3", "c9"), "b2"))
    assert again.written is False  # the combined fingerprint is the table's own

    # the clients' old parts are those the file keeps, not read from its rows: a change
    # made to c1's published rows by hand is not seen by a build that left c1 as it was...
    with duckdb.connect(str(p.warehouse)) as con:
        con.execute("UPDATE marts.fct_account_daily SET v = 7 WHERE client = 'c1' AND id = 1")
    assert publish(p, "run4b", ClientScope("b4", ("c1",), "b3")).written is False
    # ...while a file that keeps none has its rows read, as before
    with duckdb.connect(str(p.warehouse)) as con:
        con.execute("DROP TABLE ops.published_client_fingerprints")
    night = publish(p, "run4c", ClientScope("b4", ("c1",), "b3"))
    assert night.copied == night.patched == ["marts.fct_account_daily"]
    _published_as_built(p, "marts.fct_account_daily")

    with duckdb.connect(str(p.build_db)) as con:  # c2 changed too, but the scope says c1:
        con.execute("UPDATE marts.fct_account_daily SET v = 0 WHERE client IN ('c1', 'c2')")
    # the file holds build b3, not the b4 this scope was made against: compared whole
    stale = publish(p, "run5", ClientScope("b5", ("c1",), "b3"))
    assert stale.copied == ["marts.fct_account_daily"]
    _published_as_built(p, "marts.fct_account_daily")

    # a build of most clients is read whole, once (by client, every table would be read
    # on both sides): the table is copied, not replaced client by client
    with duckdb.connect(str(p.build_db)) as con:
        con.execute("UPDATE marts.fct_account_daily SET v = 1 WHERE client = 'c4'")
    most = publish(p, "run6", ClientScope("b6", tuple(f"c{i}" for i in range(6)), "b5"))
    assert most.copied == ["marts.fct_account_daily"] and most.patched == []
    _published_as_built(p, "marts.fct_account_daily")
    _client_parts_as_published(p, "marts.fct_account_daily")


def _client_register(con: duckdb.DuckDBPyConnection, clients: int) -> None:
    """The build's client dimension, of clients c0, c1...: how many clients there are."""
    con.execute(
        "CREATE TABLE marts.dim_client AS SELECT 'c' || range AS client FROM range(?)", [clients]
    )


def test_a_mart_rebuilt_post_by_post_is_published_from_the_posts_loaded_since(
    tmp_path: Path,
) -> None:
    """fct_post_daily on a night with a scope: dbt rebuilt the posts with a row loaded
    since the build before (delete+insert by post), so only those posts' rows are read
    and replaced, and the table's fingerprint still follows (the next publish of the same
    build writes nothing). A post not rebuilt is not read, even in a touched client."""
    rows = (
        "SELECT 'c' || (range % 4) AS client, 'c' || (range % 4) || '/p' || (range // 40) "
        "AS post_key, DATE '2026-01-01' + CAST(range % 40 AS INTEGER) AS date, range AS v, "
        "TIMESTAMPTZ '2026-01-01 05:00:00+00' AS loaded_at FROM range(4000)"
    )
    p = _first_night_of(tmp_path, "marts.fct_post_daily", rows)
    with duckdb.connect(str(p.build_db)) as con:
        _client_register(con, 4)
    publish(p, "run1b")
    with duckdb.connect(str(p.warehouse)) as con:  # the file holds build b1
        con.execute(
            "UPDATE ops.published_relations SET fingerprint = 'b1' WHERE relation = 'build'"
        )
    with duckdb.connect(str(p.build_db)) as con:
        # post c1/p5 rebuilt tonight: a new day, old days restated, one day gone
        con.execute(
            "INSERT INTO marts.fct_post_daily VALUES "
            "('c1', 'c1/p5', DATE '2026-02-10', 1, TIMESTAMPTZ '2026-01-02 05:00:00+00')"
        )
        con.execute("UPDATE marts.fct_post_daily SET v = -v WHERE post_key = 'c1/p5' AND v > 210")
        con.execute("DELETE FROM marts.fct_post_daily WHERE post_key = 'c1/p5' AND v = 201")
    scope = ClientScope("b2", ("c1",), "b1", "2026-01-01 12:00:00+00")
    night = publish(p, "run2", scope)
    assert night.copied == ["marts.fct_post_daily"] and not night.whole
    _published_as_built(p, "marts.fct_post_daily")
    _client_parts_as_published(p, "marts.fct_post_daily")  # moved by the posts read
    assert (
        publish(p, "run3", ClientScope("b2", ("c1",), "b1", "2026-01-01 12:00:00+00")).written
        is False
    )

    with duckdb.connect(str(p.build_db)) as con:
        con.execute(
            "INSERT INTO marts.fct_post_daily VALUES "  # c1/p5 rebuilt again
            "('c1', 'c1/p5', DATE '2026-02-11', 2, TIMESTAMPTZ '2026-01-03 05:00:00+00')"
        )
        # not rebuilt (no row loaded since), though its client was touched: not read
        con.execute("UPDATE marts.fct_post_daily SET v = 0 WHERE post_key = 'c1/p9'")
    publish(p, "run4", ClientScope("b3", ("c1",), "b2", "2026-01-02 12:00:00+00"))
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        con.execute(f"ATTACH '{p.build_db}' AS build (READ_ONLY)")
        differs = "SELECT DISTINCT post_key FROM (SELECT * FROM {} EXCEPT ALL SELECT * FROM {})"
        published, built = "marts.fct_post_daily", "build.marts.fct_post_daily"
        assert con.execute(differs.format(built, published)).fetchall() == [("c1/p9",)]
        assert con.execute(differs.format(published, built)).fetchall() == [("c1/p9",)]

    # a build of most clients is published from its whole tables, and still only the posts
    # rebuilt are replaced: c0/p3 rebuilt, c2/p7 not (changed by hand, not read)
    with duckdb.connect(str(p.build_db)) as con:
        con.execute(
            "INSERT INTO marts.fct_post_daily VALUES "
            "('c0', 'c0/p3', DATE '2026-02-12', 3, TIMESTAMPTZ '2026-01-04 05:00:00+00')"
        )
        con.execute("UPDATE marts.fct_post_daily SET v = 0 WHERE post_key = 'c2/p7'")
    most = publish(p, "run5", ClientScope("b4", ("c0", "c1", "c2"), "b3", "2026-01-03 12:00:00+00"))
    assert most.copied == most.patched == ["marts.fct_post_daily"]
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        con.execute(f"ATTACH '{p.build_db}' AS build (READ_ONLY)")
        assert sorted(con.execute(differs.format(built, published)).fetchall()) == [
            ("c1/p9",),
            ("c2/p7",),
        ]
        assert con.execute(
            "SELECT count(*) FROM marts.fct_post_daily WHERE post_key = 'c0/p3' AND v = 3"
        ).fetchall() == [(1,)]
