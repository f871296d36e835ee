"""`make bench-spark [SIZE=S,M]`: the full dbt build on DuckDB and on Spark, side by side
(a script, not a test; needs `pip install -e '.[spark]'` and Java 17).

For each size it generates the demo exports (bench/work/<size>/exports, shared with
`make bench`), loads them once, then times in fresh processes, one after the other:
the DuckDB full build (`dbt build --full-refresh`) and the Spark build (the raw tables
exported to Parquet, then `dbt build --target spark` on `local[*]`, or
$SOCIALWH_SPARK_MASTER). Peak memory is the largest sum of the resident sizes of the
process tree, sampled every 0.2 s (Spark's JVM is a grandchild that `time` does not see).
Then every mart is compared between the two builds (exit 1 if one differs). Prints a
table and writes bench/spark_results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.run import BIN, ROOT, SIZES, timed  # noqa: E402
from pipelines.spark.equality import differences  # noqa: E402

RESULTS = ROOT / "bench" / "spark_results.json"


def _tree_rss_mb(root_pid: int) -> float:
    """Resident size of a process and all its descendants, in MB (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parent, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
        rss[int(entry.name)] = pages
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def sampled(cmd: list[str], env: dict) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB of the whole process tree)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    peak = 0.0
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(proc.stdout.read()))
    reader.start()
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.2)
    reader.join()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{b''.join(output).decode()[-4000:]}")
    return wall, peak


def bench_size(size: str, work: Path) -> dict:
    clients, days = SIZES[size]
    base = work / size
    exports, data = base / "exports", base / "spark_data"
    env = {
        **os.environ,
        "SOCIALWH_DATA_DIR": str(data),
        # the salt must live outside the repository (pipelines/privacy.py)
        "SOCIALWH_SALT_FILE": str(Path(tempfile.gettempdir()) / "socialwh-bench" / "salt"),
        "SOCIALWH_SETTLE_SECONDS": "0",
        "SPARK_LOCAL_IP": os.environ.get("SPARK_LOCAL_IP", "127.0.0.1"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DAGSTER_HOME", None)
    data.mkdir(parents=True, exist_ok=True)
    if not exports.exists():
        print(f"[{size}] generating {clients} clients x {days} days of exports…", flush=True)
        timed([str(BIN / "socialwh"), "demo-data", "--out", str(exports), "--clients",
               str(clients), "--days", str(days), "--no-quirks"], env)  # fmt: skip
    shutil.rmtree(data / "landing", ignore_errors=True)
    shutil.rmtree(data / "build", ignore_errors=True)
    (data / "landing").mkdir(parents=True)
    shutil.copytree(exports, data / "landing", dirs_exist_ok=True)
    print(f"[{size}] loading…", flush=True)
    timed([sys.executable, str(ROOT / "bench" / "phase.py"), "load", str(data)], env)
    out: dict = {"clients": clients, "days": days}
    for engine, phase in (("duckdb", "full_build"), ("spark", "spark_build")):
        print(f"[{size}] full build on {engine}…", flush=True)
        wall, rss = sampled(
            [sys.executable, str(ROOT / "bench" / "phase.py"), phase, str(data)], env
        )
        out[engine] = {"wall_s": round(wall, 1), "peak_rss_mb": round(rss)}
        if engine == "duckdb":
            kept = base / "duckdb_build.duckdb"
            shutil.copy2(data / "build" / "social.duckdb", kept)
    out["spark / duckdb"] = round(out["spark"]["wall_s"] / out["duckdb"]["wall_s"], 1)
    out["marts_differing"] = _compare_marts(base / "duckdb_build.duckdb", data)
    return out


def _compare_marts(duck_build: Path, data: Path) -> list[str]:
    warehouse = data / "build" / "spark" / "warehouse" / "marts.db"
    con = duckdb.connect()
    con.execute(f"ATTACH '{duck_build}' AS duck (READ_ONLY)")
    differing = []
    for folder in sorted(warehouse.iterdir()):
        con.execute(
            f"CREATE VIEW spark_{folder.name} AS SELECT * FROM read_parquet('{folder}/*.parquet')"
        )
        if differences(con, f"duck.marts.{folder.name}", f"spark_{folder.name}"):
            differing.append(folder.name)
    return differing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M")
    args = parser.parse_args()
    work = ROOT / "bench" / "work"
    results = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "spark_master": os.environ.get("SOCIALWH_SPARK_MASTER", "local[*]"),
        "sizes": {},
    }
    for size in args.sizes.split(","):
        results["sizes"][size] = bench_size(size, work)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nFull build, {results['machine']}, Spark {results['spark_master']}:")
    print(f"{'size':<6}{'DuckDB s':>10}{'MB':>8}{'Spark s':>10}{'MB':>8}{'ratio':>8}  marts")
    failed = False
    for size, r in results["sizes"].items():
        same = "all equal" if not r["marts_differing"] else f"DIFFER: {r['marts_differing']}"
        failed |= bool(r["marts_differing"])
        duck, spark = r["duckdb"], r["spark"]
        print(
            f"{size:<6}{duck['wall_s']:>10}{duck['peak_rss_mb']:>8}{spark['wall_s']:>10}"
            f"{spark['peak_rss_mb']:>8}{r['spark / duckdb']:>8}  {same}"
        )
    print(f"Written to {RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
