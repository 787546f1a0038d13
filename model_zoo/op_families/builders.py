"""Builders of the op-family cases (zkc.model_zoo.op_families): one small model around one op,
its inputs float, integer operands constants, boolean results through Where or Cast."""

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from zkc.model_zoo.op_case import OpCase, model, random_weights

X = (1, 16)


def unary(op: str, low: float = -1.0, high: float = 1.0, shape=X, **attrs) -> OpCase:
    def build():
        node = helper.make_node(op, ["x"], ["y"], name=f"{op.lower()}0", **attrs)
        return model([node], {"x": shape}, ["y"])

    return OpCase(op.lower(), op, build, {"x": shape}, low, high)


def with_consts(
    name: str, op: str, nodes_fn, shape=X, low=-1.0, high=1.0, inputs: dict | None = None
) -> OpCase:
    """A case whose graph `nodes_fn()` returns (nodes, float weights), reading x (and `inputs`)."""

    def build():
        nodes, weights = nodes_fn()
        return model(nodes, inputs or {"x": shape}, ["y"], weights)

    return OpCase(name, op, build, inputs or {"x": shape}, low, high)


def const_node(name: str, value: np.ndarray):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(value, name))


def i64(*values) -> np.ndarray:
    return np.array(values, np.int64)


def binary(op: str, low=-1.0, high=1.0, second=(0.5, 2.0)) -> OpCase:
    def build():
        node = helper.make_node(op, ["x", "z"], ["y"], name=f"{op.lower()}0")
        return model([node], {"x": X, "z": X}, ["y"])

    case = OpCase(op.lower(), op, build, {"x": X, "z": X}, low, high)
    if op == "Div":  # a divisor away from zero
        return OpCase("div", op, build, {"x": X, "z": X}, second[0], second[1])
    return case


def compare(op: str) -> OpCase:
    """Where(op(x, c), x, -x): the comparison's boolean result selects."""

    def nodes():
        return [
            helper.make_node(op, ["x", "c"], ["b"], name=f"{op.lower()}0"),
            helper.make_node("Neg", ["x"], ["n"]),
            helper.make_node("Where", ["b", "x", "n"], ["y"], name="where0"),
        ], [("c", random_weights(20, *X))]

    return with_consts(f"{op.lower()}_where", op, nodes)


def logic(op: str) -> OpCase:
    """Where(op(x > 0, x < 0.5), x, 0)."""

    def nodes():
        return [
            const_node("zero", np.zeros(1, np.float32)),
            const_node("half", np.full(1, 0.5, np.float32)),
            helper.make_node("Greater", ["x", "zero"], ["a"]),
            helper.make_node("Less", ["x", "half"], ["b"]),
            helper.make_node(op, ["a", "b"], ["c"], name=f"{op.lower()}0"),
            helper.make_node("Where", ["c", "x", "zero"], ["y"]),
        ], []

    return with_consts(f"{op.lower()}_logic", op, nodes)


def reduction(op: str, low=-1.0, high=1.0, axes_input: bool = False) -> OpCase:
    shape = (1, 4, 6)

    def nodes():
        if axes_input:
            return [
                const_node("axes", i64(2)),
                helper.make_node(op, ["x", "axes"], ["y"], name=f"{op.lower()}0", keepdims=1),
            ], []
        return [helper.make_node(op, ["x"], ["y"], name=f"{op.lower()}0", axes=[2], keepdims=1)], []

    return with_consts(op.lower(), op, nodes, shape, low, high)


def arg_case(op: str) -> OpCase:
    def nodes():
        return [
            helper.make_node(op, ["x"], ["i"], name=f"{op.lower()}0", axis=1, keepdims=1),
            helper.make_node("Cast", ["i"], ["y"], to=TensorProto.FLOAT),
        ], []

    return with_consts(op.lower(), op, nodes, (1, 8))


def shape_case(name: str, op: str, shape, make) -> OpCase:
    return with_consts(name, op, lambda: (make(), []), shape)


def gather_elements_nodes():
    idx = np.array([[0, 2, 1], [3, 0, 2]], np.int64)
    return [
        const_node("i", idx),
        helper.make_node("GatherElements", ["x", "i"], ["y"], name="ge0", axis=1),
    ]


def gather_nd_nodes():
    return [
        const_node("i", np.array([[0, 1], [1, 2]], np.int64)),
        helper.make_node("GatherND", ["x", "i"], ["y"], name="gnd0"),
    ]


def onehot_nodes():
    return [
        const_node("i", i64(0, 3, 1)),
        const_node("d", i64(4)),
        const_node("v", np.array([0.0, 1.0], np.float32)),
        helper.make_node("OneHot", ["i", "d", "v"], ["o"], name="onehot0", axis=-1),
        helper.make_node("MatMul", ["o", "x"], ["y"]),
    ]


def resize_nodes():
    return [
        const_node("s", np.array([1, 1, 2, 2], np.float32)),
        helper.make_node("Resize", ["x", "", "s"], ["y"], name="resize0", mode="nearest"),
    ]


def topk_nodes():
    return [
        const_node("k", i64(3)),
        helper.make_node("TopK", ["x", "k"], ["y", "i"], name="topk0", axis=-1),
    ]


def normalization(op: str):
    def nodes():
        weights = [
            ("g", 1 + random_weights(21, 3, scale=0.1)),
            ("b", random_weights(22, 3, scale=0.1)),
        ]
        ins = ["x", "g", "b"]
        if op == "BatchNormalization":
            weights += [
                ("m", random_weights(23, 3, scale=0.1)),
                ("v", 1 + np.abs(random_weights(24, 3, scale=0.2))),
            ]
            ins += ["m", "v"]
        return [helper.make_node(op, ins, ["y"], name=f"{op.lower()}0")], weights

    return with_consts(op.lower(), op, nodes, (1, 3, 4, 4))


def rnn_case():
    hidden, features = 5, 3

    def nodes():
        weights = [
            ("W", random_weights(25, 1, hidden, features, scale=0.4)),
            ("R", random_weights(26, 1, hidden, hidden, scale=0.4)),
            ("B", random_weights(27, 1, 2 * hidden, scale=0.2)),
        ]
        return [
            helper.make_node(
                "RNN", ["x", "W", "R", "B"], ["Y", "y"], name="rnn0", hidden_size=hidden
            )
        ], weights

    return with_consts("rnn", "RNN", nodes, (4, 1, features))


def scatter_nd_nodes():
    """x (4, 3) with rows 1 and 3 replaced by constant updates."""
    return [
        const_node("i", np.array([[1], [3]], np.int64)),
        const_node("u", np.array([[0.5, -0.5, 0.25], [1.0, 0.0, -1.0]], np.float32)),
        helper.make_node("ScatterND", ["x", "i", "u"], ["y"], name="scatternd0"),
    ]


def scatter_elements_nodes():
    """x (2, 4) with elements at constant column indices replaced."""
    return [
        const_node("i", np.array([[1, 3], [0, 2]], np.int64)),
        const_node("u", np.array([[0.5, -0.5], [0.25, 1.0]], np.float32)),
        helper.make_node("ScatterElements", ["x", "i", "u"], ["y"], name="scatterel0", axis=1),
    ]
