"""Imports flow one way: entry points → Dagster definitions → the work (ingest, checks,
report, publish…) → shared settings. A folder never imports one above it, and the
folders of one layer never import each other (ingest and data_checks are peers: the
Dagster asset hands ingest its validator)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

# top to bottom; a package is a top-level module or folder of pipelines/, or data_checks
LAYERS: list[set[str]] = [
    {"pipelines.cli"},
    {"pipelines.run", "pipelines.status"},
    {"pipelines.quiet_night"},  # the run's early exit: reads ingest, build state, reports
    {"pipelines.definitions"},
    {"pipelines.defs"},
    {"pipelines.gx_warm"},  # the night's GX started early: run starts it, the checks use it
    {
        "pipelines.ingest",
        "data_checks",
        "pipelines.report",
        "pipelines.demo",
        "pipelines.publish",
        "pipelines.export",
        "pipelines.project",
        "pipelines.build_state",
        "pipelines.dbt_state",  # what a build after a project edit rebuilds (dbt's state)
        "pipelines.dbt_scope",  # the clients a night recomputes and checks
        "pipelines.run_events",
        "pipelines.run_lock",
        "pipelines.instance",
        "pipelines.dagster_storage",  # named by the instance's dagster.yaml, not imported
        "pipelines.sql_shell",
        "pipelines.spark",  # the dbt build on Spark: before and after dbt
        "pipelines.build_db",  # connections to the build database that wait their turn
    },
    {"pipelines.run_report"},  # the typed run report: read by status, written by runs
    {"pipelines.dbt_files"},  # the dbt project's fingerprint: build state and manifest
    {"pipelines.dbt_light"},  # dagster-dbt imported without dbt-core's modules
    {"pipelines.dbt_warm"},  # the night's dbt started early: run starts it, project uses it
    {
        "pipelines.settings",
        "pipelines.privacy",
        "pipelines.asset_keys",
        "pipelines.disk",
        "pipelines.warehouse_file",
        "pipelines.rules",  # each data rule defined once, read by ingest and data_checks
        "pipelines.bulk_insert",  # rows held by Python into a table, one statement
    },
]


def package_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "data_checks":
        return "data_checks"
    if parts[0] == "pipelines" and len(parts) > 1:
        return f"pipelines.{parts[1]}"
    return None


def imports(root: Path) -> list[tuple[str, str, str]]:
    """(importing package, imported package, file) for every import between packages,
    function-level imports included."""
    found = []
    for folder in ("pipelines", "data_checks"):
        for path in sorted((root / folder).rglob("*.py")):
            module = ".".join(path.relative_to(root).with_suffix("").parts)
            source = package_of(module) or module
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                else:
                    continue
                for target in {package_of(n) for n in names} - {None, source}:
                    found.append((source, target, str(path.relative_to(root))))
    return found


def back_imports(edges: list[tuple[str, str, str]]) -> list[str]:
    layer = {package: i for i, packages in enumerate(LAYERS) for package in packages}
    wrong = []
    for source, target, path in edges:
        if source not in layer or target not in layer:
            wrong.append(f"{path}: {source} or {target} has no layer (add it to LAYERS)")
        elif layer[target] <= layer[source]:
            wrong.append(f"{path}: {source} imports {target}, which is not below it")
    return sorted(set(wrong))


def test_no_import_points_back_up() -> None:
    assert back_imports(imports(ROOT)) == []


def test_the_walk_sees_function_level_and_peer_imports(tmp_path: Path) -> None:
    (tmp_path / "pipelines" / "ingest").mkdir(parents=True)
    (tmp_path / "data_checks").mkdir()
    (tmp_path / "pipelines" / "ingest" / "landing.py").write_text(
        "def f():\n    from data_checks.runner import FileValidator\n"
    )
    (tmp_path / "data_checks" / "runner.py").write_text("from pipelines.defs import raw\n")
    assert back_imports(imports(tmp_path)) == [
        "data_checks/runner.py: data_checks imports pipelines.defs, which is not below it",
        "pipelines/ingest/landing.py: pipelines.ingest imports data_checks, which is not below it",
    ]
