"""One op test case (`OpCase`) and the builders of tiny one-op ONNX models the cases use
(zkc.model_zoo.op_cases, zkc.model_zoo.op_families)."""

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
    integer: bool = False  # inputs are int64, whole numbers in [low, high)

    def samples(self, count: int, seed: int = 0) -> dict[str, np.ndarray]:
        """Random inputs shaped (count, *shape), uniform in [low, high) (whole numbers for an
        integer case)."""
        rng = np.random.default_rng(seed)
        if self.integer:
            return {
                name: rng.integers(int(self.low), int(self.high), (count, *shape))
                for name, shape in self.inputs.items()
            }
        return {
            name: rng.uniform(self.low, self.high, (count, *shape)).astype(np.float32)
            for name, shape in self.inputs.items()
        }


def model(nodes, inputs, outputs, weights=()) -> onnx.ModelProto:
    ins = [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs.items()]
    outs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in outputs]
    inits = [numpy_helper.from_array(a.astype(np.float32), n) for n, a in weights]
    graph = helper.make_graph(nodes, "op", ins, outs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    return onnx.shape_inference.infer_shapes(model)


def int_model(nodes, x_shape, out_type: int, consts=()) -> onnx.ModelProto:
    """x: int64 of `x_shape` -> y of `out_type`, with constants (int64, or float32 given as
    floats)."""
    ins = [helper.make_tensor_value_info("x", TensorProto.INT64, x_shape)]
    outs = [helper.make_tensor_value_info("y", out_type, None)]
    inits = [numpy_helper.from_array(_const_array(a), n) for n, a in consts]
    graph = helper.make_graph(nodes, "op", ins, outs, inits)
    built = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    built.ir_version = 8
    return onnx.shape_inference.infer_shapes(built)


def random_weights(seed: int, *shape: int, scale: float = 0.5) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, scale, shape)


def one_op(op: str, x_shape, weights=(), inputs_extra=(), **attrs) -> Callable[[], onnx.ModelProto]:
    def build():
        names = ["x", *[n for n, _ in weights], *inputs_extra]
        node = helper.make_node(op, names, ["y"], name=f"{op.lower()}0", **attrs)
        return model([node], {"x": x_shape}, ["y"], weights)

    return build


def const_input(op: str, x_shape, const: np.ndarray, **attrs):
    def build():
        node = helper.make_node(op, ["x", "c"], ["y"], name=f"{op.lower()}0", **attrs)
        return model([node], {"x": x_shape}, ["y"], [("c", const)])

    return build


def int_const_input(op: str, x_shape, const: np.ndarray, **attrs):
    def build():
        c = helper.make_node("Constant", [], ["c"], value=numpy_helper.from_array(const, "c"))
        node = helper.make_node(op, ["x", "c"], ["y"], name=f"{op.lower()}0", **attrs)
        return model([c, node], {"x": x_shape}, ["y"])

    return build


def gelu_model():
    nodes = [
        helper.make_node("Div", ["x", "s2"], ["d"]),
        helper.make_node("Erf", ["d"], ["e"]),
        helper.make_node("Add", ["e", "one"], ["a"]),
        helper.make_node("Mul", ["x", "a"], ["m"]),
        helper.make_node("Mul", ["m", "half"], ["y"], name="gelu_out"),
    ]
    weights = [("s2", np.array(np.sqrt(2.0))), ("one", np.array(1.0)), ("half", np.array(0.5))]
    return model(nodes, {"x": (1, 16)}, ["y"], weights)


def rnn_model(op: str, gates: int, hidden: int = 6, seq: int = 4, features: int = 3):
    def build():
        w = random_weights(11, 1, gates * hidden, features, scale=0.4)
        r = random_weights(12, 1, gates * hidden, hidden, scale=0.4)
        b = random_weights(13, 1, 2 * gates * hidden, scale=0.2)
        node = helper.make_node(
            op, ["x", "W", "R", "B"], ["Y", "y"], name=f"{op.lower()}0", hidden_size=hidden
        )
        return model([node], {"x": (seq, 1, features)}, ["y"], [("W", w), ("R", r), ("B", b)])

    return build


def split_model():
    sizes = helper.make_node(
        "Constant", [], ["s"], value=numpy_helper.from_array(np.array([2, 4], np.int64), "s")
    )
    node = helper.make_node("Split", ["x", "s"], ["y1", "y2"], name="split0", axis=1)
    relu = helper.make_node("Relu", ["y2"], ["z"], name="relu0")
    return model([sizes, node, relu], {"x": (1, 6, 3)}, ["y1", "z"])


def _const_array(value: object) -> np.ndarray:
    array = np.asarray(value)
    return array.astype(np.int64 if array.dtype.kind in "iub" else np.float32)
