"""Crash-safe compile and cache: a compile killed at any point leaves no entry a later run
trusts, and the rerun succeeds; two compiles of one model into one cache both succeed and
leave one entry; a full disk is one line naming the path and the room needed, nothing
half-written left."""

import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from tests.cli.helpers import assert_one_error_line
from zkc.compiler.artifacts.manifest import load_verified
from zkc.compiler.faults import KILL_AT, POINTS

pytestmark = pytest.mark.slow


def _compile(zoo_files, srs_dir, out, cache, kill_at=None):
    onnx_path, calib, holdout = zoo_files["mlp_digits"]
    cmd = [sys.executable, "-m", "zkc.cli", "compile", onnx_path, "--calibration", calib]
    cmd += ["--eval", holdout, "-o", out, "--cache-dir", cache, "--srs-dir", srs_dir]
    cmd += ["--dev-srs", "--quantize", "ezkl"]
    env = {**os.environ, **({KILL_AT: kill_at} if kill_at else {})}
    return subprocess.run([str(c) for c in cmd], env=env, capture_output=True, text=True)


def _entries(cache):
    root = cache / "artifacts"
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


# Three of the five checkpoints in CI (early, the final rename, after the cache entry);
# bench/faults.py kills a compile at all five and audits every rerun.
CI_POINTS = ("calibrated", "renaming", "cached")


@pytest.mark.parametrize("point", CI_POINTS)
def test_a_compile_killed_at_any_point_is_rebuilt_and_trusted_only_whole(
    zoo_files, srs_dir, tmp_path, point
):
    out, cache = tmp_path / "mlp.zkc", tmp_path / "cache"
    killed = _compile(zoo_files, srs_dir, out, cache, kill_at=point)
    assert killed.returncode == -9, killed.stderr[-500:]
    assert not out.exists()
    rerun = _compile(zoo_files, srs_dir, out, cache)
    assert rerun.returncode == 0, rerun.stderr[-800:]
    assert point in POINTS
    assert ("cache hit" in rerun.stderr) == (point == "cached")  # only a whole entry is reused
    (entry,) = _entries(cache)  # the leftovers of the killed build were swept
    assert load_verified(cache / "artifacts" / entry).key == load_verified(out).key == entry


def test_two_compiles_of_one_model_into_one_cache_both_succeed(zoo_files, srs_dir, tmp_path):
    cache = tmp_path / "cache"
    outs = [tmp_path / "a.zkc", tmp_path / "b.zkc"]
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda o: _compile(zoo_files, srs_dir, o, cache), outs))
    assert [r.returncode for r in runs] == [0, 0], [r.stderr[-500:] for r in runs]
    assert sum("cache hit" in r.stderr for r in runs) == 1  # one built, the other waited
    assert len(_entries(cache)) == 1
    assert load_verified(outs[0]).key == load_verified(outs[1]).key


@contextmanager
def _small_disk(path, size):
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)])
    if mounted.returncode != 0:
        pytest.skip("SKIPPED LOUDLY: cannot mount a tmpfs here (needs root): full disk untested")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


@pytest.mark.parametrize("size,message", [("16k", "no space left on device"), ("24m", "MB free")])
def test_a_full_disk_is_one_line_and_leaves_nothing(zoo_files, srs_dir, tmp_path, size, message):
    with _small_disk(tmp_path / f"disk-{uuid.uuid4().hex[:6]}", size) as disk:
        run = _compile(zoo_files, srs_dir, disk / "mlp.zkc", disk / "cache")
        assert run.returncode == 1, run.stderr[-800:]
        assert message in run.stderr and str(disk) in run.stderr
        assert_one_error_line(run.stderr)
        left = [p for p in disk.rglob("*") if p.is_file() and "locks" not in p.parts]
        assert left == [], left
