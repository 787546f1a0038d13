"""Whole slices (zkc.compiler.pieces.slices): the sub-graph between boundary tensors cut from the
saved model, reading tensors written in parts (assembled) and writing its tensors cut into
parts, checked with onnxruntime; the same slice is the same bytes."""

import numpy as np
import onnx
import pytest
from onnx import helper
from onnxruntime import InferenceSession

from tests.graphs import save_xy_model
from zkc.compiler.artifacts.facts import PartRef
from zkc.compiler.pieces.slices import SliceSource, extract_submodel, slice_dir
from zkc.compiler.target.chain import cut_part

RNG = np.random.default_rng(13)
SHAPE = (1, 2, 6, 4)
NODES = [
    helper.make_node("Relu", ["x"], ["a"], name="relu"),
    helper.make_node("Sigmoid", ["a"], ["b"], name="sig"),
    helper.make_node("Add", ["b", "a"], ["c"], name="add"),
    helper.make_node("Neg", ["c"], ["y"], name="neg"),
]


@pytest.fixture
def model_path(tmp_path):
    # saved without value_info: the boundary tensors' shapes must be inferred
    return save_xy_model(tmp_path / "model.onnx", NODES, list(SHAPE), list(SHAPE))


def _run(data: bytes, feeds):
    session = InferenceSession(data, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(None, feeds), strict=True))


def _reference(x):
    a = np.maximum(x, 0)
    b = 1 / (1 + np.exp(-a))
    return a, b, b + a


def test_slice_directories_are_numbered_in_two_digits():
    assert (slice_dir(3), slice_dir(12)) == ("slices/03", "slices/12")


def test_extract_submodel_cuts_the_graph_between_its_boundaries(model_path):
    proto = onnx.load(str(model_path))
    assert not proto.graph.value_info
    sub = extract_submodel(proto, ["a"], ["b", "c"])
    assert sub.graph.name == "zkc_slice"
    assert [n.op_type for n in sub.graph.node] == ["Sigmoid", "Add"]
    assert [i.name for i in sub.graph.input] == ["a"]
    dims = [d.dim_value for d in sub.graph.input[0].type.tensor_type.shape.dim]
    assert dims == list(SHAPE)  # inferred
    x = RNG.normal(size=SHAPE).astype(np.float32)
    a, b, c = _reference(x)
    got = _run(sub.SerializeToString(), {"a": a})
    np.testing.assert_allclose(got["b"], b, rtol=1e-6)
    np.testing.assert_allclose(got["c"], c, rtol=1e-6)


def _rows(tensor, rows):
    return [PartRef(tensor=tensor, box=[(0, 1), (0, 2), r, (0, 4)]) for r in rows]


def test_a_slice_reads_and_writes_its_tensors_in_parts(model_path):
    source = SliceSource(model_path)
    reads = [_rows("a", [(0, 2), (2, 6)])]
    writes = [_rows("b", [(0, 1), (1, 6)]), _rows("c", [(0, 6)])]
    shapes = {"a": SHAPE, "b": SHAPE, "c": SHAPE}
    data = source.slice_model(["a"], ["b", "c"], reads, writes, shapes)
    model = onnx.load_from_string(data)
    assert [i.name for i in model.graph.input] == ["a__in_0", "a__in_1"]
    assert [o.name for o in model.graph.output] == ["b__part0", "b__part1", "c"]
    x = RNG.normal(size=SHAPE).astype(np.float32)
    a, b, c = _reference(x)
    feeds = {f"a__in_{k}": cut_part(a, p) for k, p in enumerate(reads[0])}
    got = _run(data, feeds)
    for k, part in enumerate(writes[0]):
        np.testing.assert_allclose(got[f"b__part{k}"], cut_part(b, part), rtol=1e-6)
    np.testing.assert_allclose(got["c"], c, rtol=1e-6)
    again = SliceSource(model_path).slice_model(["a"], ["b", "c"], reads, writes, shapes)
    assert again == data  # byte-identical


def test_a_slice_of_whole_tensors_is_the_extracted_sub_graph(model_path):
    whole = [[PartRef(tensor="c", box=[(0, d) for d in SHAPE])]]
    out = [[PartRef(tensor="y", box=[(0, d) for d in SHAPE])]]
    data = SliceSource(model_path).slice_model(["c"], ["y"], whole, out, {})
    model = onnx.load_from_string(data)
    assert [n.op_type for n in model.graph.node] == ["Neg"]
    c = RNG.normal(size=SHAPE).astype(np.float32)
    np.testing.assert_array_equal(_run(data, {"c": c})["y"], -c)
