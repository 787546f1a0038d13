"""Sliced artifacts proved and compiled on a Dask cluster, and in local worker processes that
end with the prove (killed outright, it leaves none behind)."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FAST, dev_target
from tests.targets.ezkl.conftest import mlp_sample
from zkc.compiler.compute.lifecycle import alive, descendants

pytestmark = pytest.mark.slow


def test_slices_prove_on_a_dask_cluster(compiled, zoo_files):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        result = compiled.prove(mlp_sample(zoo_files, 3), scheduler=cluster.scheduler_address)
    compiled.verify(result.envelope)
    assert len(set(result.run["slice_seconds"])) == 3


def test_compile_on_a_dask_cluster_builds_the_same_artifact(
    sliced_mlp, zoo_files, srs_dir, tmp_path
):
    """Calibration and setup of the circuits, and the held-out witnesses, on a real cluster:
    byte for byte the artifact the inline compile built."""
    from distributed import Client, LocalCluster

    from zkc.compiler.compute.runners import ProveRunner
    from zkc.compiler.config import CompileConfig
    from zkc.compiler.driver.compile import CompileRequest, compile_model

    onnx_path, calib, holdout = zoo_files["mlp_digits"]
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        request = CompileRequest(
            model_path=onnx_path,
            calibration_path=calib,
            eval_path=holdout,
            output=tmp_path / "m.zkc",
            config=CompileConfig(**{**FAST, "slices": 3}),
            cache_dir=None,
            runner=ProveRunner(1, cluster.scheduler_address),
        )
        result = compile_model(request, dev_target(srs_dir))
        with Client(cluster) as client:
            ran = client.run_on_scheduler(
                lambda dask_scheduler: {
                    p: t.state_counts["forgotten"] for p, t in dask_scheduler.task_prefixes.items()
                }
            )
    assert ran.get("calibrate_job") == ran.get("setup_job") == 3, ran  # one per circuit
    assert ran.get("outputs_job", 0) > 0, ran  # the held-out witnesses
    assert result.manifest.key == sliced_mlp.manifest.key
    assert (result.path / "manifest.json").read_bytes() == (
        sliced_mlp.path / "manifest.json"
    ).read_bytes()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _children(pid: int) -> list[int]:
    """The prove's worker processes, once it has started them."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = descendants(pid)
        if any(b"spawn_main" in _cmdline(p) for p in found):
            return found
        time.sleep(0.1)
    pytest.fail(f"zkc prove {pid} started no worker")


def test_a_killed_prove_leaves_no_worker_behind(sliced_mlp, srs_dir, zoo_files, tmp_path):
    import json

    import numpy as np

    sample = np.load(zoo_files["mlp_digits"][2])["x"][0].reshape(-1).tolist()
    (tmp_path / "in.json").write_text(json.dumps({"x": sample}))
    cmd = [sys.executable, "-m", "zkc.cli", "prove", sliced_mlp.path, tmp_path / "in.json"]
    cmd += ["-o", tmp_path / "p.json", "--workers", "2", "--srs-dir", srs_dir]
    proc = subprocess.Popen([str(c) for c in cmd], stderr=subprocess.DEVNULL)
    workers = _children(proc.pid)
    proc.kill()
    proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(alive(p) for p in workers):
        time.sleep(0.2)
    assert not [p for p in workers if alive(p)]
