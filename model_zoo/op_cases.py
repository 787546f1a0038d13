"""Tiny one-op models: the op tests behind `make ops` (docs/ops.md) and the rewrite tests.

Each case builds an ONNX model around one op (with the attributes that matter) and random
inputs for it. `native` cases are ops EZKL handles as they are; the others are what zkc's
rewrite passes exist for.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


@dataclass(frozen=True)
class OpCase:
    """One op test: the op, a model builder, its input shapes and value range."""

    name: str
    op: str
    build: Callable[[], onnx.ModelProto]
    inputs: dict[str, tuple[int, ...]]
    low: float = -1.0
    high: float = 1.0

    def samples(self, count: int, seed: int = 0) -> dict[str, np.ndarray]:
        """Random inputs shaped (count, *shape), uniform in [low, high)."""
        rng = np.random.default_rng(seed)
        return {
            name: rng.uniform(self.low, self.high, (count, *shape)).astype(np.float32)
            for name, shape in self.inputs.items()
        }


def _model(nodes, inputs, outputs, weights=()) -> onnx.ModelProto:
    ins = [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs.items()]
    outs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in outputs]
    inits = [numpy_helper.from_array(a.astype(np.float32), n) for n, a in weights]
    graph = helper.make_graph(nodes, "op", ins, outs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    return onnx.shape_inference.infer_shapes(model)


def _w(seed: int, *shape: int, scale: float = 0.5) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, scale, shape)


def _one(op: str, x_shape, weights=(), inputs_extra=(), **attrs) -> Callable[[], onnx.ModelProto]:
    def build():
        names = ["x", *[n for n, _ in weights], *inputs_extra]
        node = helper.make_node(op, names, ["y"], name=f"{op.lower()}0", **attrs)
        return _model([node], {"x": x_shape}, ["y"], weights)

    return build


def _const_input(op: str, x_shape, const: np.ndarray, **attrs):
    def build():
        node = helper.make_node(op, ["x", "c"], ["y"], name=f"{op.lower()}0", **attrs)
        return _model([node], {"x": x_shape}, ["y"], [("c", const)])

    return build


def _int_const_input(op: str, x_shape, const: np.ndarray, **attrs):
    def build():
        c = helper.make_node("Constant", [], ["c"], value=numpy_helper.from_array(const, "c"))
        node = helper.make_node(op, ["x", "c"], ["y"], name=f"{op.lower()}0", **attrs)
        return _model([c, node], {"x": x_shape}, ["y"])

    return build


def _gelu():
    nodes = [
        helper.make_node("Div", ["x", "s2"], ["d"]),
        helper.make_node("Erf", ["d"], ["e"]),
        helper.make_node("Add", ["e", "one"], ["a"]),
        helper.make_node("Mul", ["x", "a"], ["m"]),
        helper.make_node("Mul", ["m", "half"], ["y"], name="gelu_out"),
    ]
    weights = [("s2", np.array(np.sqrt(2.0))), ("one", np.array(1.0)), ("half", np.array(0.5))]
    return _model(nodes, {"x": (1, 16)}, ["y"], weights)


def _rnn(op: str, gates: int, hidden: int = 6, seq: int = 4, features: int = 3):
    def build():
        w = _w(11, 1, gates * hidden, features, scale=0.4)
        r = _w(12, 1, gates * hidden, hidden, scale=0.4)
        b = _w(13, 1, 2 * gates * hidden, scale=0.2)
        node = helper.make_node(
            op, ["x", "W", "R", "B"], ["Y", "y"], name=f"{op.lower()}0", hidden_size=hidden
        )
        return _model([node], {"x": (seq, 1, features)}, ["y"], [("W", w), ("R", r), ("B", b)])

    return build


def _split():
    sizes = helper.make_node(
        "Constant", [], ["s"], value=numpy_helper.from_array(np.array([2, 4], np.int64), "s")
    )
    node = helper.make_node("Split", ["x", "s"], ["y1", "y2"], name="split0", axis=1)
    relu = helper.make_node("Relu", ["y2"], ["z"], name="relu0")
    return _model([sizes, node, relu], {"x": (1, 6, 3)}, ["y1", "z"])


CASES: list[OpCase] = [
    # native: EZKL computes these as they are
    OpCase(
        "gemm",
        "Gemm",
        _one("Gemm", (1, 8), [("W", _w(1, 4, 8)), ("b", _w(2, 4))], transB=1),
        {"x": (1, 8)},
    ),
    OpCase(
        "conv2d",
        "Conv",
        _one("Conv", (1, 2, 6, 6), [("W", _w(3, 3, 2, 3, 3))], pads=[1, 1, 1, 1]),
        {"x": (1, 2, 6, 6)},
    ),
    OpCase("relu", "Relu", _one("Relu", (1, 16)), {"x": (1, 16)}),
    OpCase("sigmoid", "Sigmoid", _one("Sigmoid", (1, 16)), {"x": (1, 16)}),
    OpCase("tanh", "Tanh", _one("Tanh", (1, 16)), {"x": (1, 16)}),
    OpCase(
        "maxpool",
        "MaxPool",
        _one("MaxPool", (1, 1, 6, 6), kernel_shape=[2, 2], strides=[2, 2]),
        {"x": (1, 1, 6, 6)},
    ),
    OpCase(
        "avgpool",
        "AveragePool",
        _one("AveragePool", (1, 1, 6, 6), kernel_shape=[2, 2], strides=[2, 2]),
        {"x": (1, 1, 6, 6)},
    ),
    OpCase("softmax", "Softmax", _one("Softmax", (1, 10), axis=-1), {"x": (1, 10)}, -3.0, 3.0),
    OpCase("erf", "Erf", _one("Erf", (1, 16)), {"x": (1, 16)}, -2.0, 2.0),
    OpCase("gelu_erf", "Erf", _gelu, {"x": (1, 16)}, -3.0, 3.0),
    OpCase(
        "layernorm",
        "LayerNormalization",
        _one(
            "LayerNormalization",
            (1, 4, 8),
            [("g", 1 + _w(4, 8, scale=0.1)), ("b", _w(5, 8, scale=0.1))],
            axis=-1,
        ),
        {"x": (1, 4, 8)},
    ),
    # what zkc rewrites
    OpCase(
        "conv1d_dilated",
        "Conv",
        _one("Conv", (1, 2, 12), [("W", _w(6, 3, 2, 3))], dilations=[2]),
        {"x": (1, 2, 12)},
    ),
    OpCase(
        "conv2d_dilated",
        "Conv",
        _one("Conv", (1, 2, 8, 8), [("W", _w(7, 2, 2, 3, 3))], dilations=[2, 2], pads=[2, 2, 2, 2]),
        {"x": (1, 2, 8, 8)},
    ),
    OpCase(
        "conv3d_dilated",
        "Conv",
        _one("Conv", (1, 1, 6, 6, 6), [("W", _w(8, 2, 1, 2, 2, 2))], dilations=[2, 2, 2]),
        {"x": (1, 1, 6, 6, 6)},
    ),
    OpCase(
        "convtranspose2d",
        "ConvTranspose",
        _one(
            "ConvTranspose",
            (1, 2, 4, 4),
            [("W", _w(9, 2, 3, 3, 3))],
            strides=[2, 2],
            pads=[1, 1, 1, 1],
        ),
        {"x": (1, 2, 4, 4)},
    ),
    OpCase(
        "convtranspose1d",
        "ConvTranspose",
        _one("ConvTranspose", (1, 2, 5), [("W", _w(10, 2, 2, 4))], strides=[2], output_padding=[1]),
        {"x": (1, 2, 5)},
    ),
    OpCase(
        "pad_reflect",
        "Pad",
        _int_const_input(
            "Pad", (1, 1, 4, 4), np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64), mode="reflect"
        ),
        {"x": (1, 1, 4, 4)},
    ),
    OpCase(
        "pad_edge",
        "Pad",
        _int_const_input(
            "Pad", (1, 1, 4, 4), np.array([0, 0, 2, 1, 0, 0, 1, 2], np.int64), mode="edge"
        ),
        {"x": (1, 1, 4, 4)},
    ),
    OpCase(
        "pad_constant_value",
        "Pad",
        lambda: _model(
            [
                helper.make_node(
                    "Constant",
                    [],
                    ["p"],
                    value=numpy_helper.from_array(
                        np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64), "p"
                    ),
                ),
                helper.make_node("Pad", ["x", "p", "v"], ["y"], name="pad0", mode="constant"),
            ],
            {"x": (1, 1, 4, 4)},
            ["y"],
            [("v", np.array(0.75))],
        ),
        {"x": (1, 1, 4, 4)},
    ),
    OpCase(
        "pad_constant",
        "Pad",
        _int_const_input(
            "Pad", (1, 1, 4, 4), np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64), mode="constant"
        ),
        {"x": (1, 1, 4, 4)},
    ),
    OpCase(
        "prelu_channel",
        "PRelu",
        _const_input("PRelu", (1, 3, 4, 4), np.array([0.1, 0.25, 0.5]).reshape(3, 1, 1)),
        {"x": (1, 3, 4, 4)},
    ),
    OpCase(
        "expand",
        "Expand",
        _int_const_input("Expand", (1, 1, 4), np.array([1, 3, 4], np.int64)),
        {"x": (1, 1, 4)},
    ),
    OpCase("pow2", "Pow", _const_input("Pow", (1, 8), np.array(2.0)), {"x": (1, 8)}),
    OpCase("pow3", "Pow", _const_input("Pow", (1, 8), np.array(3.0)), {"x": (1, 8)}),
    OpCase(
        "tile",
        "Tile",
        _int_const_input("Tile", (1, 2, 3), np.array([1, 2, 2], np.int64)),
        {"x": (1, 2, 3)},
    ),
    OpCase(
        "maxpool_pads",
        "MaxPool",
        _one("MaxPool", (1, 1, 5, 5), kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
        {"x": (1, 1, 5, 5)},
    ),
    OpCase(
        "maxpool_dilated",
        "MaxPool",
        _one("MaxPool", (1, 1, 7, 7), kernel_shape=[2, 2], dilations=[2, 2]),
        {"x": (1, 1, 7, 7)},
    ),
    OpCase(
        "convtranspose2d_outpad",
        "ConvTranspose",
        _one(
            "ConvTranspose",
            (1, 2, 3, 3),
            [("W", _w(14, 2, 2, 3, 3))],
            strides=[2, 2],
            output_padding=[1, 1],
        ),
        {"x": (1, 2, 3, 3)},
    ),
    OpCase(
        "prelu_2d",
        "PRelu",
        _const_input("PRelu", (1, 4), np.array([0.1, 0.2, 0.3, 0.4])),
        {"x": (1, 4)},
    ),
    OpCase("pow_sqrt", "Pow", _const_input("Pow", (1, 8), np.array(0.5)), {"x": (1, 8)}, 0.1, 2.0),
    OpCase(
        "pow_tensor",
        "Pow",
        lambda: _model(
            [helper.make_node("Pow", ["x", "e"], ["y"], name="pow0")],
            {"x": (1, 4), "e": (1, 4)},
            ["y"],
        ),
        {"x": (1, 4), "e": (1, 4)},
        0.5,
        1.5,
    ),
    OpCase(
        "expand_4d",
        "Expand",
        _int_const_input("Expand", (1, 2, 1, 3), np.array([2, 2, 3, 3], np.int64)),
        {"x": (1, 2, 1, 3)},
    ),
    OpCase(
        "maxpool_dilated_strided",
        "MaxPool",
        _one("MaxPool", (1, 1, 7, 7), kernel_shape=[2, 2], dilations=[2, 2], strides=[1, 1]),
        {"x": (1, 1, 7, 7)},
    ),
    OpCase(
        "conv2d_strided",
        "Conv",
        _one("Conv", (1, 2, 6, 6), [("W", _w(3, 3, 2, 3, 3))], pads=[1, 1, 1, 1], strides=[2, 2]),
        {"x": (1, 2, 6, 6)},
    ),
    OpCase(
        "softmax_axis1", "Softmax", _one("Softmax", (1, 4, 5), axis=1), {"x": (1, 4, 5)}, -3.0, 3.0
    ),
    OpCase("split", "Split", _split, {"x": (1, 6, 3)}),
    OpCase("lstm", "LSTM", _rnn("LSTM", 4), {"x": (4, 1, 3)}),
    OpCase("gru", "GRU", _rnn("GRU", 3), {"x": (4, 1, 3)}),
]

BY_NAME = {case.name: case for case in CASES}
