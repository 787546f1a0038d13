"""A small CNN forced into tiles (--max-logrows 12): convolutions cut into bands and channel
groups, tiles of one function sharing a circuit, every piece linked; and the attacks on a
tiled proof: tiles exchanged, a piece dropped or duplicated, a tile proved on a shifted
window, one halo element changed: each refused."""

import copy
import dataclasses
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from tests.conftest import dev_target
from zkc.compiler.artifacts.proof import ProofEnvelope
from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.compile import CompileRequest, compile_model
from zkc.compiler.errors import VerificationError
from zkc.targets import open_artifact
from zkc.targets.ezkl import lowering as ezkl_lowering
from zkc.targets.ezkl import planning as ezkl_planning
from zkc.targets.ezkl.circuit import MODEL_FILE
from zkc.targets.ezkl.cost_model import default_cost_model

pytestmark = pytest.mark.slow
HW = 12


def _cnn(path, rng):
    """conv(1->4)-relu-conv(4->8)-relu-avgpool(4)-flatten-gemm(->3) on 1x12x12."""
    consts = {
        "w1": rng.normal(scale=0.5, size=(4, 1, 3, 3)),
        "w2": rng.normal(scale=0.3, size=(8, 4, 3, 3)),
        "fc": rng.normal(scale=0.2, size=(3, 8 * (HW // 4) ** 2)),
    }
    conv = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1])
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1", **conv),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2"], ["c2"], name="conv2", **conv),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node(
            "AveragePool", ["r2"], ["p"], name="pool", kernel_shape=[4, 4], strides=[4, 4]
        ),
        helper.make_node("Flatten", ["p"], ["f"], name="flat"),
        helper.make_node("Gemm", ["f", "fc"], ["y"], name="fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes,
        "cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 1, HW, HW])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 3])],
        [numpy_helper.from_array(v.astype(np.float32), k) for k, v in consts.items()],
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    proto.ir_version = 8
    onnx.save(proto, str(path))


def _compile_cnn(srs_dir, directory, lowering):
    rng = np.random.default_rng(3)
    _cnn(directory / "cnn.onnx", rng)
    np.savez(directory / "calib.npz", x=rng.random((20, 1, HW, HW)).astype(np.float32))
    config = CompileConfig(
        max_logrows=12,
        max_calibration_samples=12,
        max_eval_samples=6,
        options={"lowering": lowering},
    )
    request = CompileRequest(
        model_path=directory / "cnn.onnx",
        calibration_path=directory / "calib.npz",
        output=directory / f"cnn-{lowering}.zkc",
        config=config,
        cache_dir=None,
    )
    result = compile_model(request, dev_target(srs_dir))
    return open_artifact(result.path, srs_dir)


@pytest.fixture(scope="module")
def tiled(srs_dir, module_tmp):
    # Convolutions as they are: lowered, the cheapest plan of this small CNN fuses conv2, its
    # relu and the pool into tiles of one channel each, and none share a circuit (lowered
    # tiles: test_lowered_tiles_prove_and_verify).
    return _compile_cnn(srs_dir, module_tmp, "none")


def test_lowered_tiles_prove_and_verify(srs_dir, tmp_path, monkeypatch):
    rows_only = dataclasses.replace(default_cost_model(), freivalds_prove_factor=1.0)  # lower here
    for module in (ezkl_lowering, ezkl_planning):
        monkeypatch.setattr(module, "default_cost_model", lambda *_: rows_only)
    artifact = _compile_cnn(srs_dir, tmp_path, "measured")
    facts = artifact.facts
    assert len(facts.pieces) > len({p.slice for p in facts.pieces}) > 1  # tiled
    ops = [
        {node.op_type for node in onnx.load(artifact.path / c.directory / MODEL_FILE).graph.node}
        for c in facts.circuits
    ]
    assert any("MatMul" in o and "Conv" not in o for o in ops)  # convolutions lowered
    sample = {"x": np.random.default_rng(4).random((1, 1, HW, HW)).astype(np.float32)}
    artifact.verify(artifact.prove(sample, workers=1).envelope)
    assert artifact.manifest.fidelity.max_abs_error < 0.05


@pytest.fixture(scope="module")
def proved(tiled):
    sample = {"x": np.random.default_rng(4).random((1, 1, HW, HW)).astype(np.float32)}
    return sample, tiled.prove(sample, workers=1)


def _shared_pair(facts):
    """Two pieces that run one circuit (ones reading other pieces' parts when there are)."""
    pairs, seen = [], {}
    for piece in facts.pieces:
        if piece.circuit in seen:
            pairs.append((seen[piece.circuit], piece.index))
        seen[piece.circuit] = piece.index
    assert pairs, "no circuit is shared by two pieces"
    internal = [(a, b) for a, b in pairs if all(i.tensor != "x" for i in facts.pieces[a].inputs)]
    return (internal or pairs)[0]


# Position is bound twice: a piece reading the request by its public inputs, any other by
# the commitments it shares with the pieces that wrote its parts.
REFUSED = "link .* broken|public inputs are not the request"


def _edited(envelope: ProofEnvelope, edit) -> ProofEnvelope:
    doc = copy.deepcopy(envelope.model_dump())
    edit(doc["slices"])
    return ProofEnvelope.model_validate(doc)


def test_convolutions_are_tiled_and_tiles_share_circuits(tiled, proved):
    facts = tiled.facts
    tiled_slices = {
        p.slice
        for p in facts.pieces
        if facts.pieces.count(p) and sum(q.slice == p.slice for q in facts.pieces) > 1
    }
    assert tiled_slices and len(facts.pieces) > len(facts.circuits) > 1
    assert all(c.logrows <= 12 for c in facts.circuits)
    # Every input part of every piece is the request's or exactly a part a piece wrote.
    written = {(p.tensor, tuple(p.box)) for piece in facts.pieces for p in piece.outputs}
    for piece in facts.pieces:
        assert all(p.tensor == "x" or (p.tensor, tuple(p.box)) in written for p in piece.inputs)
    _, result = proved
    tiled.verify(result.envelope)
    assert tiled.manifest.fidelity.max_abs_error < 0.05


def test_two_tiles_of_one_circuit_exchanged_are_refused(tiled, proved):
    a, b = _shared_pair(tiled.facts)
    _, result = proved

    def swap(slices):
        slices[a]["proof"], slices[b]["proof"] = slices[b]["proof"], slices[a]["proof"]

    with pytest.raises(VerificationError, match=REFUSED):
        tiled.verify(_edited(result.envelope, swap))


def test_a_dropped_or_duplicated_piece_proof_is_refused(tiled, proved):
    a, b = _shared_pair(tiled.facts)
    _, result = proved
    with pytest.raises(VerificationError, match="slice proofs for"):
        tiled.verify(_edited(result.envelope, lambda s: s.pop(b)))

    def duplicate(slices):
        slices[b]["proof"] = slices[a]["proof"]

    with pytest.raises(VerificationError, match=REFUSED):
        tiled.verify(_edited(result.envelope, duplicate))


def _forged(tiled, sample, piece_index, change, tmp_path) -> dict:
    """A valid proof of one piece's circuit, on inputs its producers did not commit to."""
    from zkc.targets.ezkl import proving
    from zkc.targets.ezkl.chain_prove import commit_keys, runnable
    from zkc.targets.ezkl.circuit import COMPILED_FILE, PK_FILE
    from zkc.targets.ezkl.witness import witness_dag

    facts = tiled.facts
    keys = commit_keys(tiled.path, facts, tiled.target.srs)
    chain = witness_dag(runnable(tiled.path, facts), tiled.spec, sample, tmp_path, keys)
    data = json.loads((tmp_path / f"input_{piece_index:03d}.json").read_text())["input_data"]
    change(data, chain)
    (tmp_path / "forged.json").write_text(json.dumps({"input_data": data}))
    piece = facts.pieces[piece_index]
    circuit = facts.circuits[piece.circuit]
    directory = tiled.path / circuit.directory
    proving.gen_witness(
        tmp_path / "forged.json",
        directory / COMPILED_FILE,
        tmp_path / "forged_w.json",
        keys[piece.circuit].vk,
        keys[piece.circuit].srs,
    )
    return proving.prove(
        tmp_path / "forged_w.json",
        directory / COMPILED_FILE,
        directory / PK_FILE,
        tmp_path / "forged_p.json",
        keys[piece.circuit].srs,
    )


def _interior_reader(facts):
    """A piece reading parts other pieces wrote (not the request)."""
    return next(
        p
        for p in facts.pieces
        if p.inputs and all(i.tensor != "x" for i in p.inputs) and len(p.inputs) > 1
    )


def test_a_tile_proved_on_a_shifted_window_is_refused(tiled, proved, tmp_path):
    """The tile's parts shifted by one: each input replaced by the next one's values."""
    sample, result = proved
    piece = _interior_reader(tiled.facts)

    def shift(data, chain):
        data[:] = data[1:] + data[:1] if all(len(d) == len(data[0]) for d in data) else data[::-1]

    forged = _forged(tiled, sample, piece.index, shift, tmp_path)

    def replace(slices):
        slices[piece.index]["proof"] = forged

    with pytest.raises(VerificationError, match="link .* broken"):
        tiled.verify(_edited(result.envelope, replace))


def test_one_halo_element_changed_is_refused(tiled, proved, tmp_path):
    sample, result = proved
    piece = _interior_reader(tiled.facts)

    def nudge(data, chain):
        value = int.from_bytes(bytes.fromhex(data[0][0]), "little") + 1
        data[0][0] = value.to_bytes(32, "little").hex()

    forged = _forged(tiled, sample, piece.index, nudge, tmp_path)

    def replace(slices):
        slices[piece.index]["proof"] = forged

    with pytest.raises(VerificationError, match="link .* broken"):
        tiled.verify(_edited(result.envelope, replace))
