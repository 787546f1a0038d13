"""Shared fixtures: a test SRS cached per logrows, zoo exports and compiled zoo artifacts."""

import atexit
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from zkc.cli.main import main
from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.compile import CompileRequest, compile_model
from zkc.targets import make_target

# Insecure, test-only SRS files, generated once per logrows and reused across runs.
TEST_SRS_DIR = Path.home() / ".cache" / "zkc-tests" / "srs"

# Session artifacts keep EZKL's calibration (quantize "ezkl"): tests of the default search
# (test_quantize) compile their own.
FAST = {"max_calibration_samples": 24, "max_eval_samples": 120, "quantize": "ezkl"}


def _plant_trap_srs() -> Path:
    """EZKL reads `$EZKL_REPO_PATH/srs/kzg{k}.srs` when a call gets no SRS path. For the whole
    session (and the processes it starts) that directory holds files that are not SRS files, so
    any EZKL call zkc makes without an explicit SRS fails instead of silently using whatever a
    machine keeps in ~/.ezkl."""
    root = Path(tempfile.mkdtemp(prefix="zkc-ezkl-trap-"))
    (root / "srs").mkdir()
    for logrows in range(1, 27):
        (root / "srs" / f"kzg{logrows}.srs").write_bytes(b"not an SRS: pass srs_path to EZKL\n")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


EZKL_TRAP = _plant_trap_srs()
os.environ["EZKL_REPO_PATH"] = str(EZKL_TRAP)


@pytest.fixture(scope="session")
def srs_dir() -> Path:
    TEST_SRS_DIR.mkdir(parents=True, exist_ok=True)
    return TEST_SRS_DIR


@pytest.fixture(scope="session")
def zoo_files(tmp_path_factory):
    """Export each zoo model once per session: name -> (onnx, calib, holdout)."""
    from zkc.model_zoo.export import export_zoo_model

    root = tmp_path_factory.mktemp("zoo")
    files = {}
    for name in ("mlp_digits", "lenet_digits"):
        result = export_zoo_model(name, root / f"{name}.onnx", root / f"{name}.calib.npz")
        files[name] = (result.onnx_path, result.calibration_path, result.holdout_path)
    return files


def dev_target(srs_dir: Path):
    """The EZKL target with the session's test SRS files (generated when missing: insecure)."""
    return make_target("ezkl", srs_dir, allow_dev_srs=True)


def _compile(name, zoo_files, srs_dir, out_root, **overrides):
    onnx_path, calib, holdout = zoo_files[name]
    request = CompileRequest(
        model_path=onnx_path,
        calibration_path=calib,
        eval_path=holdout,
        output=out_root / f"{name}.zkc",
        config=CompileConfig(**{**FAST, **overrides}),
        cache_dir=out_root / "cache",
    )
    return compile_model(request, dev_target(srs_dir))


@pytest.fixture(scope="session")
def mlp_artifact(zoo_files, srs_dir, tmp_path_factory):
    """mlp_digits compiled once per session (the artifact tests must not modify it)."""
    return _compile("mlp_digits", zoo_files, srs_dir, tmp_path_factory.mktemp("mlp"))


@pytest.fixture(scope="session")
def lenet_artifact(zoo_files, srs_dir, tmp_path_factory):
    """lenet_digits compiled once per session, fidelity over the full held-out set."""
    return _compile(
        "lenet_digits", zoo_files, srs_dir, tmp_path_factory.mktemp("lenet"), max_eval_samples=400
    )


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory):
    """A directory for one test module's shared files, removed when the module ends: CI's disk is
    small and session-wide temporary directories would otherwise hold every module's keys."""
    path = tmp_path_factory.mktemp("module")
    yield path
    shutil.rmtree(path)


def subdir(root: Path, name: str) -> Path:
    path = root / name
    path.mkdir()
    return path


@pytest.fixture
def zkc(capsys):
    """Run the CLI in-process: returns (exit code, stdout, stderr)."""

    def run(*args):
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="session")
def mlp_package(mlp_artifact, srs_dir, tmp_path_factory):
    """mlp_digits packaged for the subnet (rebuilt with a nonce input): the PackageResult."""
    from tests.targets.subnet.conftest import package_request
    from zkc.targets.subnet.package import package_for_subnet

    out = tmp_path_factory.mktemp("subnet") / "deployment_layer"
    return package_for_subnet(package_request(mlp_artifact.path, out), dev_target(srs_dir))


SESSION_STARTED = time.time()

# The longest test modules (by `--durations` in CI), longest first: `make test`'s two processes
# take whole modules in collection order, so these start first and the two finish together
# instead of one running the longest alone at the end. Other modules keep their order.
HEAVY_MODULES = (
    "tests/model_zoo/test_transformer_e2e.py",
    "tests/model_zoo/test_lstm_e2e.py",
    "tests/cli/test_crash_safety.py",
    "tests/targets/subnet/test_serve_load.py",
    "tests/targets/ezkl/test_tiles.py",
    "tests/cli/test_reproducible.py",
    "tests/targets/subnet/test_lifecycle.py",
    "tests/cli/test_end_to_end.py",
    "tests/targets/registry/test_publish_pull.py",
    "tests/cli/test_compile.py",
    "tests/targets/ezkl/test_sliced_budgets.py",
)


def pytest_collection_modifyitems(session, config, items):
    """Heaviest modules first (HEAVY_MODULES), the rest in collection order."""
    rank = {module: i for i, module in enumerate(HEAVY_MODULES)}
    root = Path(str(config.rootpath))
    items.sort(key=lambda item: rank.get(str(Path(str(item.path)).relative_to(root)), len(rank)))


def pytest_sessionfinish(session, exitstatus):
    """The suite fails when it leaves a process behind (an orphaned prover, worker or server).
    Under pytest-xdist the controller checks, once every worker has ended (a worker would see
    the other's processes mid-test)."""
    from tests.orphans import wait_for_orphans

    if hasattr(session.config, "workerinput"):
        return

    left = wait_for_orphans(SESSION_STARTED)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = ["PROCESSES LEFT BEHIND by the test session (the suite fails):", *left]
        for line in lines:
            if reporter is not None:
                reporter.write_line(line, red=True, bold=True)
            else:
                print(line)
        session.exitstatus = 1
