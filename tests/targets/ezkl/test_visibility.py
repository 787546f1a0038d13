"""Visibility end to end: the model's inputs and outputs public, private or hashed, its
weights fixed, hashed or private; whole and sliced. What a proof states is what the mode says
(a private input's values are nowhere in the proof file), hashed weights are checked against
the commitment the artifact records, and combinations that make no sense are refused at
compile time in one line."""

import json
import subprocess
import sys

import numpy as np
import onnx
import pytest

import zkc
from tests.targets.ezkl.tiny_mlp import X, compile_mlp, mlp
from zkc.compiler.artifacts.proof import ProofEnvelope
from zkc.targets.ezkl import proving

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("inputs", "outputs", "params", "slices"),
    [
        ("private", "public", "fixed", None),
        ("hashed", "public", "hashed", None),
        ("public", "hashed", "private", None),
        ("private", "public", "hashed", 2),
        ("public", "public", "hashed", 2),
        ("hashed", "hashed", "fixed", 2),
    ],
)
def test_each_mode_proves_verifies_and_states_only_what_it_says(
    srs_dir, tmp_path, inputs, outputs, params, slices
):
    artifact = compile_mlp(
        srs_dir,
        tmp_path / "a.zkc",
        input_visibility=inputs,
        output_visibility=outputs,
        param_visibility=params,
        slices=slices,
    )
    facts = artifact._compiled.facts
    assert facts.visibility == {"inputs": inputs, "outputs": outputs, "params": params}
    assert len(facts.pieces) == (slices or 1)
    proof = artifact.prove(X)
    assert artifact.verify(proof)
    text = proof.save(tmp_path / "proof.json").read_text()
    assert bool(proof.envelope.inputs) == (inputs == "public")
    assert bool(proof.envelope.outputs) == (outputs == "public")
    if inputs != "public":  # the input's field elements are nowhere in the proof file
        scale = facts.first.input_scales[0]
        assert not [f for f in proving.felts(X.reshape(1, 3), scale) if f in text]
    if params == "hashed":
        assert all(c.param_hashes for c in facts.circuits)
    # a proof that states values its mode hides is refused
    if inputs != "public":
        stated = proof.envelope.model_copy(update={"inputs": {"x": X.reshape(1, 3).tolist()}})
        with pytest.raises(zkc.VerificationError, match=f"inputs are {inputs}"):
            artifact.check(stated)


def test_hashed_weights_bind_the_proof_to_the_artifacts_weights(srs_dir, tmp_path):
    mine = compile_mlp(srs_dir, tmp_path / "mine.zkc", param_visibility="hashed")
    other = compile_mlp(srs_dir, tmp_path / "other.zkc", seed=5, param_visibility="hashed")
    a, b = mine._compiled.facts.circuits[0], other._compiled.facts.circuits[0]
    # with hashed weights the verifying key does not fix them: only the commitment does
    assert a.vk_sha256 == b.vk_sha256 and a.param_hashes != b.param_hashes
    theirs = other.prove(X).envelope
    forged = ProofEnvelope.model_validate(theirs.model_dump() | {"artifact_key": mine.key})
    with pytest.raises(zkc.VerificationError, match="weights commitment is not the artifact's"):
        mine.check(forged)
    shown = subprocess.run(
        [sys.executable, "-m", "zkc.cli", "inspect", str(mine.path), "--no-verify"],
        capture_output=True,
        text=True,
    )
    assert shown.returncode == 0 and a.param_hashes[0] in shown.stdout


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--input-visibility", "private", "--output-visibility", "private"], "both private"),
        (["--param-visibility", "public"], "is not one of"),
    ],
)
def test_combinations_that_make_no_sense_are_refused_in_one_line(tmp_path, flags, message):
    onnx.save(mlp(0), str(tmp_path / "m.onnx"))
    np.savez(tmp_path / "c.npz", x=np.zeros((4, 1, 3), dtype=np.float32))
    run = subprocess.run(
        [sys.executable, "-m", "zkc.cli", "compile", str(tmp_path / "m.onnx")]
        + ["--calibration", str(tmp_path / "c.npz"), "-o", str(tmp_path / "m.zkc"), *flags],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and message in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "m.zkc").exists()


def test_the_target_refuses_what_the_cli_cannot_express():
    from zkc.targets.ezkl.config import configure_options

    for options, message in [
        ({"input_visibility": "fixed"}, "not for a model's inputs"),
        ({"output_visibility": "polycommit"}, "not for a model's outputs"),
        ({"param_visibility": "public"}, "every weight"),
    ]:
        with pytest.raises(zkc.UserInputError, match=message):
            configure_options(options)
    assert json.dumps(configure_options({"param_visibility": "hashed"}))
