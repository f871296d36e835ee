"""Past one machine, the Dagster side: the nightly job under the multiprocess executor
(each step a process of its own, as Celery or Kubernetes workers run them), and the
Celery code location of deploy/celery checked against dagster-celery's own config schema.

Run by `make test-spark` (marker `scale`), which installs the [spark] and [scale] extras.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
from pathlib import Path

import dagster as dg
import pytest
from conftest import ROOT, socialwh

from pipelines.definitions import nightly_job
from pipelines.instance import open_instance
from pipelines.settings import paths
from pipelines.spark.equality import warehouse_differences

pytestmark = pytest.mark.scale


def test_the_nightly_job_runs_unchanged_under_the_multiprocess_executor(data_dir: Path) -> None:
    socialwh(
        "demo-data", "--out", str(data_dir / "landing"), "--clients", "1", "--days", "21",
        "--no-quirks", data=data_dir, check=True,
    )  # fmt: skip
    p = paths().ensure()
    instance = open_instance(p)
    result = dg.execute_job(
        dg.reconstructable(nightly_job),
        instance=instance,
        run_config={"execution": {"config": {"multiprocess": {"max_concurrent": 3}}}},
    )
    assert result.success
    pids = {
        e.dagster_event.pid
        for e in instance.all_logs(result.run_id)
        if e.dagster_event and e.dagster_event.event_type_value == "STEP_START"
    }
    assert len(pids) > 3, "steps did not run in processes of their own"
    multiprocess = data_dir / "multiprocess.duckdb"
    shutil.copy(p.warehouse, multiprocess)

    # the same data built again in one process gives the same warehouse
    socialwh("run", "--full-refresh", data=data_dir, check=True)
    assert warehouse_differences(multiprocess, p.warehouse) == {}


def test_the_celery_code_location_loads_and_its_run_config_is_valid() -> None:
    if importlib.util.find_spec("dagster_celery") is None:
        if os.environ.get("SOCIALWH_REQUIRE_SPARK") == "1":
            pytest.fail("make test-spark installs dagster-celery (the [scale] extra)")
        pytest.skip("dagster-celery not installed: pip install -e '.[scale]'")
    # dagster-celery's minor version follows Dagster's (0.29 <-> 1.13)
    ours = importlib.metadata.version("dagster").split(".")[1]
    assert importlib.metadata.version("dagster-celery").split(".")[1] == str(int(ours) + 16)
    spec = importlib.util.spec_from_file_location(
        "celery_location", ROOT / "deploy" / "celery" / "definitions.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    location = module.defs()  # loaded as Dagster loads it (@dg.definitions)
    dg.Definitions.validate_loadable(location)
    job = location.resolve_job_def("nightly")
    assert job.executor_def.name == "celery"
    os.environ.setdefault("SOCIALWH_CELERY_BROKER", "pyamqp://guest@localhost//")
    os.environ.setdefault("SOCIALWH_CELERY_BACKEND", "rpc://")
    dg.validate_run_config(job, module.RUN_CONFIG)
    from dagster_celery.cli import get_validated_config  # what `worker start -y` reads

    worker = get_validated_config(str(ROOT / "deploy" / "celery" / "celery.yaml"))
    assert worker["config_source"] == {"worker_concurrency": 1}
    one_machine = nightly_job()
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == {
        k.to_user_string() for k in one_machine.asset_layer.executable_asset_keys
    }
