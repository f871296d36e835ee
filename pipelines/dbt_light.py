"""dagster-dbt, imported without dbt-core's Python modules.

This process never runs dbt in-process: dbt runs as its own process (`dbt build`,
`dbt parse`), and dagster-dbt here reads the manifest and dbt's event stream only. When
dagster-dbt finds dbt-core importable it imports dbt's adapters and contracts with it
(1.7 of its 2.9 s, `python -X importtime`, paid by every run that builds and every load
of the code location); when it does not, it uses its own copies of dbt's few enums, the
mode it has for a dbt installed apart (dbt Fusion). So `dbt.version`, the module it probes,
is hidden for the time of that one import, and only if nothing imported dbt before.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

PROBED = "dbt.version"  # dagster_dbt.compat: `from dbt.version import __version__`


def _import_without_dbt_core() -> ModuleType:
    if "dagster_dbt" in sys.modules:
        return sys.modules["dagster_dbt"]
    hide = PROBED not in sys.modules
    if hide:
        sys.modules[PROBED] = None  # type: ignore[assignment]  # the import fails at once
    try:
        return importlib.import_module("dagster_dbt")
    finally:
        if hide and PROBED in sys.modules and sys.modules[PROBED] is None:
            del sys.modules[PROBED]


dagster_dbt = _import_without_dbt_core()
