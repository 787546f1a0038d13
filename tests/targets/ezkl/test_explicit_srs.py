"""zkc hands EZKL the artifact's checked SRS on every call: nothing in ~/.ezkl is ever read.

EZKL falls back to `$EZKL_REPO_PATH/srs/kzg{k}.srs` (default `~/.ezkl/srs`) when a call gets
no SRS path; a polycommit witness then silently carries no commitments (or ones made with
another SRS). These tests run zkc in fresh processes with HOME pointing at a directory that
has no `.ezkl`, or one holding a different SRS.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import _compile, subdir

pytestmark = pytest.mark.slow

ZKC = [sys.executable, "-c", "from zkc.cli.main import entry; entry()"]


def _env(home: Path) -> dict:
    """The environment of a fresh user: this HOME, no EZKL or XDG variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EZKL_", "XDG_"))}
    env["HOME"] = str(home)
    return env


def _run(home: Path, argv: list) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(a) for a in argv], env=_env(home), capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stderr
    return result


def _zkc(home: Path, *args) -> subprocess.CompletedProcess:
    return _run(home, [*ZKC, *args])


def test_a_sliced_artifact_compiles_proves_and_verifies_with_no_ezkl_home(
    zoo_files, srs_dir, tmp_path
):
    home = subdir(tmp_path, "home")
    onnx_path, calib, holdout = zoo_files["mlp_digits"]
    art = tmp_path / "mlp.zkc"
    _zkc(
        home,
        "compile",
        onnx_path,
        "--calibration",
        calib,
        "--eval",
        holdout,
        "-o",
        art,
        "--slices",
        "2",
        "--dev-srs",
        "--srs-dir",
        srs_dir,
        "--no-cache",
    )
    manifest = json.loads((art / "manifest.json").read_text())
    # The compile-time link check saw real commitments on both sides of the cut.
    circuits = manifest["circuit"]["circuits"]
    assert [(c["input_commitments"], c["output_commitments"]) for c in circuits] == [
        ([0], [1]),
        ([1], [0]),
    ]
    request = {"x": np.load(holdout)["x"][0].reshape(64).tolist()}
    (tmp_path / "in.json").write_text(json.dumps(request))
    _zkc(
        home,
        "prove",
        art,
        tmp_path / "in.json",
        "-o",
        tmp_path / "proof.json",
        "--srs-dir",
        srs_dir,
    )
    _zkc(home, "verify", art, tmp_path / "proof.json", "--srs-dir", srs_dir)
    assert not (home / ".ezkl").exists()


_COMMITMENTS = """
import json, sys, tempfile
from pathlib import Path
import numpy as np
from zkc.targets import open_artifact
from zkc.targets.ezkl.chain_prove import commit_keys, runnable
from zkc.targets.ezkl.witness import witness_dag
art = open_artifact(Path(sys.argv[1]), Path(sys.argv[2]))
inputs = {"x": np.asarray(json.loads(sys.argv[3]))}
with tempfile.TemporaryDirectory() as tmp:
    keys = commit_keys(art.path, art.facts, art.target.srs)
    chain = witness_dag(runnable(art.path, art.facts), art.spec, inputs, Path(tmp), keys)
print(json.dumps([[w.witness.get("processed_inputs"), w.witness.get("processed_outputs")]
                  for w in chain]))
"""


@pytest.fixture(scope="module")
def sliced_mlp(zoo_files, srs_dir, module_tmp):
    return _compile("mlp_digits", zoo_files, srs_dir, subdir(module_tmp, "sliced"), slices=2)


def test_a_different_srs_in_home_changes_nothing(sliced_mlp, zoo_files, srs_dir, tmp_path):
    """The slices' commitments come from the artifact's SRS whether ~/.ezkl holds nothing or a
    different SRS of the same logrows; and a proof made there verifies."""
    import ezkl

    from zkc.targets.ezkl._native import call_ezkl

    logrows = sliced_mlp.manifest.circuit.first.srs.logrows
    planted = subdir(tmp_path, "planted")
    (planted / ".ezkl" / "srs").mkdir(parents=True)
    call_ezkl(
        "gen_srs", ezkl.gen_srs, str(planted / ".ezkl" / "srs" / f"kzg{logrows}.srs"), logrows
    )
    empty = subdir(tmp_path, "empty")
    x = json.dumps(np.load(zoo_files["mlp_digits"][2])["x"][0].reshape(64).tolist())
    seen = {}
    for name, home in (("empty", empty), ("planted", planted)):
        out = _run(home, [sys.executable, "-c", _COMMITMENTS, sliced_mlp.path, srs_dir, x])
        seen[name] = json.loads(out.stdout)
    points = seen["empty"][0][1]["polycommit"]
    assert points and points == seen["empty"][1][0]["polycommit"]  # the link, both sides
    assert seen["planted"] == seen["empty"]
    request = {"x": json.loads(x)}
    (tmp_path / "in.json").write_text(json.dumps(request))
    _zkc(
        planted,
        "prove",
        sliced_mlp.path,
        tmp_path / "in.json",
        "-o",
        tmp_path / "proof.json",
        "--srs-dir",
        srs_dir,
    )
    _zkc(planted, "verify", sliced_mlp.path, tmp_path / "proof.json", "--srs-dir", srs_dir)
