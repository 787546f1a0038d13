"""One small case per ONNX op family EZKL's op mapping (tract's) covers, beyond the rewrite
cases in `op_cases`: element-wise, comparison and logic, reductions, shape and indexing,
normalisation, pooling and recurrent ops. `make ops` measures every case on plain EZKL and
through zkc; the EZKL target's op table (targets/ezkl/op_table.json) is derived from it.

Inputs are float; integer operands (indices, shapes, axes) are constants in the model, and
boolean results pass through Where, so every case reads and writes float tensors.
"""

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from zkc.model_zoo.op_cases import OpCase, _model, _w

X = (1, 16)


def _unary(op: str, low: float = -1.0, high: float = 1.0, shape=X, **attrs) -> OpCase:
    def build():
        node = helper.make_node(op, ["x"], ["y"], name=f"{op.lower()}0", **attrs)
        return _model([node], {"x": shape}, ["y"])

    return OpCase(op.lower(), op, build, {"x": shape}, low, high)


def _with_consts(
    name: str, op: str, nodes_fn, shape=X, low=-1.0, high=1.0, inputs: dict | None = None
) -> OpCase:
    """A case whose graph `nodes_fn()` returns (nodes, float weights), reading x (and `inputs`)."""

    def build():
        nodes, weights = nodes_fn()
        return _model(nodes, inputs or {"x": shape}, ["y"], weights)

    return OpCase(name, op, build, inputs or {"x": shape}, low, high)


def _const(name: str, value: np.ndarray):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(value, name))


def _i64(*values) -> np.ndarray:
    return np.array(values, np.int64)


def _binary(op: str, low=-1.0, high=1.0, second=(0.5, 2.0)) -> OpCase:
    def build():
        node = helper.make_node(op, ["x", "z"], ["y"], name=f"{op.lower()}0")
        return _model([node], {"x": X, "z": X}, ["y"])

    case = OpCase(op.lower(), op, build, {"x": X, "z": X}, low, high)
    if op == "Div":  # a divisor away from zero
        return OpCase("div", op, build, {"x": X, "z": X}, second[0], second[1])
    return case


def _compare(op: str) -> OpCase:
    """Where(op(x, c), x, -x): the comparison's boolean result selects."""

    def nodes():
        return [
            helper.make_node(op, ["x", "c"], ["b"], name=f"{op.lower()}0"),
            helper.make_node("Neg", ["x"], ["n"]),
            helper.make_node("Where", ["b", "x", "n"], ["y"], name="where0"),
        ], [("c", _w(20, *X))]

    return _with_consts(f"{op.lower()}_where", op, nodes)


def _logic(op: str) -> OpCase:
    """Where(op(x > 0, x < 0.5), x, 0)."""

    def nodes():
        return [
            _const("zero", np.zeros(1, np.float32)),
            _const("half", np.full(1, 0.5, np.float32)),
            helper.make_node("Greater", ["x", "zero"], ["a"]),
            helper.make_node("Less", ["x", "half"], ["b"]),
            helper.make_node(op, ["a", "b"], ["c"], name=f"{op.lower()}0"),
            helper.make_node("Where", ["c", "x", "zero"], ["y"]),
        ], []

    return _with_consts(f"{op.lower()}_logic", op, nodes)


def _reduce(op: str, low=-1.0, high=1.0, axes_input: bool = False) -> OpCase:
    shape = (1, 4, 6)

    def nodes():
        if axes_input:
            return [
                _const("axes", _i64(2)),
                helper.make_node(op, ["x", "axes"], ["y"], name=f"{op.lower()}0", keepdims=1),
            ], []
        return [helper.make_node(op, ["x"], ["y"], name=f"{op.lower()}0", axes=[2], keepdims=1)], []

    return _with_consts(op.lower(), op, nodes, shape, low, high)


def _arg(op: str) -> OpCase:
    def nodes():
        return [
            helper.make_node(op, ["x"], ["i"], name=f"{op.lower()}0", axis=1, keepdims=1),
            helper.make_node("Cast", ["i"], ["y"], to=TensorProto.FLOAT),
        ], []

    return _with_consts(op.lower(), op, nodes, (1, 8))


def _shape_case(name: str, op: str, shape, make) -> OpCase:
    return _with_consts(name, op, lambda: (make(), []), shape)


def _gather_elements():
    idx = np.array([[0, 2, 1], [3, 0, 2]], np.int64)
    return [
        _const("i", idx),
        helper.make_node("GatherElements", ["x", "i"], ["y"], name="ge0", axis=1),
    ]


def _gather_nd():
    return [
        _const("i", np.array([[0, 1], [1, 2]], np.int64)),
        helper.make_node("GatherND", ["x", "i"], ["y"], name="gnd0"),
    ]


def _onehot():
    return [
        _const("i", _i64(0, 3, 1)),
        _const("d", _i64(4)),
        _const("v", np.array([0.0, 1.0], np.float32)),
        helper.make_node("OneHot", ["i", "d", "v"], ["o"], name="onehot0", axis=-1),
        helper.make_node("MatMul", ["o", "x"], ["y"]),
    ]


def _resize():
    return [
        _const("s", np.array([1, 1, 2, 2], np.float32)),
        helper.make_node("Resize", ["x", "", "s"], ["y"], name="resize0", mode="nearest"),
    ]


def _topk():
    return [
        _const("k", _i64(3)),
        helper.make_node("TopK", ["x", "k"], ["y", "i"], name="topk0", axis=-1),
    ]


def _norm(op: str):
    def nodes():
        weights = [("g", 1 + _w(21, 3, scale=0.1)), ("b", _w(22, 3, scale=0.1))]
        ins = ["x", "g", "b"]
        if op == "BatchNormalization":
            weights += [("m", _w(23, 3, scale=0.1)), ("v", 1 + np.abs(_w(24, 3, scale=0.2)))]
            ins += ["m", "v"]
        return [helper.make_node(op, ins, ["y"], name=f"{op.lower()}0")], weights

    return _with_consts(op.lower(), op, nodes, (1, 3, 4, 4))


def _rnn():
    hidden, features = 5, 3

    def nodes():
        weights = [
            ("W", _w(25, 1, hidden, features, scale=0.4)),
            ("R", _w(26, 1, hidden, hidden, scale=0.4)),
            ("B", _w(27, 1, 2 * hidden, scale=0.2)),
        ]
        return [
            helper.make_node(
                "RNN", ["x", "W", "R", "B"], ["Y", "y"], name="rnn0", hidden_size=hidden
            )
        ], weights

    return _with_consts("rnn", "RNN", nodes, (4, 1, features))


FAMILY_CASES: list[OpCase] = [
    # element-wise
    *[
        _unary(op)
        for op in (
            "Abs",
            "Neg",
            "Sin",
            "Cos",
            "Atan",
            "Sign",
            "Softsign",
            "Identity",
            "Softplus",
            "Elu",
            "Selu",
            "HardSigmoid",
            "HardSwish",
            "Sinh",
            "Cosh",
            "Asinh",
        )
    ],
    _unary("Exp", -2.0, 2.0),
    _unary("Log", 0.1, 3.0),
    _unary("Sqrt", 0.1, 3.0),
    _unary("Reciprocal", 0.5, 2.0),
    _unary("Tan", -1.0, 1.0),
    _unary("Asin", -0.9, 0.9),
    _unary("Acos", -0.9, 0.9),
    _unary("Acosh", 1.1, 3.0),
    _unary("Atanh", -0.9, 0.9),
    _unary("Floor", -3.0, 3.0),
    _unary("Ceil", -3.0, 3.0),
    _unary("Round", -3.0, 3.0),
    _unary("Celu", alpha=1.0),
    _unary("LeakyRelu", alpha=0.1),
    _unary("ThresholdedRelu", alpha=0.2),
    _unary("Shrink", lambd=0.3, bias=0.1),
    _unary("LogSoftmax", -3.0, 3.0, axis=-1),
    _unary("Hardmax", axis=-1),
    _with_consts(
        "clip",
        "Clip",
        lambda: (
            [
                _const("lo", np.array(-0.5, np.float32)),
                _const("hi", np.array(0.5, np.float32)),
                helper.make_node("Clip", ["x", "lo", "hi"], ["y"], name="clip0"),
            ],
            [],
        ),
    ),
    # binary and variadic
    *[_binary(op) for op in ("Add", "Sub", "Mul", "Div", "Max", "Min")],
    _with_consts(
        "sum3",
        "Sum",
        lambda: (
            [helper.make_node("Sum", ["x", "a", "b"], ["y"], name="sum0")],
            [("a", _w(28, *X)), ("b", _w(29, *X))],
        ),
    ),
    _with_consts(
        "mean3",
        "Mean",
        lambda: (
            [helper.make_node("Mean", ["x", "a", "b"], ["y"], name="mean0")],
            [("a", _w(30, *X)), ("b", _w(31, *X))],
        ),
    ),
    # comparison and logic (boolean intermediates)
    *[_compare(op) for op in ("Greater", "Less", "Equal", "GreaterOrEqual", "LessOrEqual")],
    *[_logic(op) for op in ("And", "Or", "Xor")],
    _with_consts(
        "not_logic",
        "Not",
        lambda: (
            [
                _const("zero", np.zeros(1, np.float32)),
                helper.make_node("Greater", ["x", "zero"], ["a"]),
                helper.make_node("Not", ["a"], ["b"], name="not0"),
                helper.make_node("Cast", ["b"], ["y"], to=TensorProto.FLOAT),
            ],
            [],
        ),
    ),
    # reductions
    _reduce("ReduceSum", axes_input=True),
    _reduce("ReduceMean"),
    _reduce("ReduceMax"),
    _reduce("ReduceMin"),
    _reduce("ReduceProd", 0.5, 1.5),
    _reduce("ReduceL1"),
    _reduce("ReduceL2"),
    _reduce("ReduceSumSquare"),
    _reduce("ReduceLogSum", 0.5, 2.0),
    _reduce("ReduceLogSumExp"),
    _arg("ArgMax"),
    _arg("ArgMin"),
    _with_consts(
        "cumsum",
        "CumSum",
        lambda: (
            [_const("a", _i64(1)), helper.make_node("CumSum", ["x", "a"], ["y"], name="cumsum0")],
            [],
        ),
    ),
    # shape and indexing
    _shape_case(
        "reshape",
        "Reshape",
        (1, 4, 6),
        lambda: [
            _const("s", _i64(1, 24)),
            helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape0"),
        ],
    ),
    _shape_case(
        "flatten",
        "Flatten",
        (1, 2, 3, 4),
        lambda: [helper.make_node("Flatten", ["x"], ["y"], name="flatten0", axis=1)],
    ),
    _shape_case(
        "transpose",
        "Transpose",
        (1, 2, 3, 4),
        lambda: [helper.make_node("Transpose", ["x"], ["y"], name="transpose0", perm=[0, 3, 1, 2])],
    ),
    _shape_case(
        "squeeze",
        "Squeeze",
        (1, 4, 1, 6),
        lambda: [
            _const("a", _i64(2)),
            helper.make_node("Squeeze", ["x", "a"], ["y"], name="squeeze0"),
        ],
    ),
    _shape_case(
        "unsqueeze",
        "Unsqueeze",
        (1, 4, 6),
        lambda: [
            _const("a", _i64(1)),
            helper.make_node("Unsqueeze", ["x", "a"], ["y"], name="unsqueeze0"),
        ],
    ),
    _with_consts(
        "concat",
        "Concat",
        lambda: (
            [helper.make_node("Concat", ["x", "c"], ["y"], name="concat0", axis=1)],
            [("c", _w(32, 1, 4))],
        ),
    ),
    _shape_case(
        "slice",
        "Slice",
        (1, 4, 6),
        lambda: [
            _const("s", _i64(1, 1)),
            _const("e", _i64(3, 5)),
            _const("a", _i64(1, 2)),
            helper.make_node("Slice", ["x", "s", "e", "a"], ["y"], name="slice0"),
        ],
    ),
    _shape_case(
        "gather",
        "Gather",
        (1, 6, 3),
        lambda: [
            _const("i", _i64(4, 0, 2)),
            helper.make_node("Gather", ["x", "i"], ["y"], name="gather0", axis=1),
        ],
    ),
    _shape_case("gather_elements", "GatherElements", (2, 4), _gather_elements),
    _shape_case("gather_nd", "GatherND", (2, 3), _gather_nd),
    _shape_case("onehot", "OneHot", (4, 2), _onehot),
    _shape_case(
        "trilu",
        "Trilu",
        (1, 4, 4),
        lambda: [helper.make_node("Trilu", ["x"], ["y"], name="trilu0", upper=1)],
    ),
    _shape_case("resize_nearest", "Resize", (1, 1, 3, 3), _resize),
    _shape_case(
        "depth_to_space",
        "DepthToSpace",
        (1, 4, 2, 2),
        lambda: [helper.make_node("DepthToSpace", ["x"], ["y"], name="d2s0", blocksize=2)],
    ),
    _shape_case(
        "space_to_depth",
        "SpaceToDepth",
        (1, 1, 4, 4),
        lambda: [helper.make_node("SpaceToDepth", ["x"], ["y"], name="s2d0", blocksize=2)],
    ),
    _shape_case("topk", "TopK", (1, 8), _topk),
    _shape_case(
        "cast_roundtrip",
        "Cast",
        X,
        lambda: [
            helper.make_node("Cast", ["x"], ["h"], to=TensorProto.DOUBLE),
            helper.make_node("Cast", ["h"], ["y"], name="cast0", to=TensorProto.FLOAT),
        ],
    ),
    # linear algebra, normalisation, pooling, recurrent
    _with_consts(
        "matmul",
        "MatMul",
        lambda: (
            [helper.make_node("MatMul", ["x", "w"], ["y"], name="matmul0")],
            [("w", _w(33, 16, 4))],
        ),
    ),
    _with_consts(
        "einsum",
        "Einsum",
        lambda: (
            [helper.make_node("Einsum", ["x", "w"], ["y"], name="einsum0", equation="ij,jk->ik")],
            [("w", _w(34, 16, 4))],
        ),
    ),
    _norm("BatchNormalization"),
    _norm("InstanceNormalization"),
    _shape_case(
        "global_avgpool",
        "GlobalAveragePool",
        (1, 2, 4, 4),
        lambda: [helper.make_node("GlobalAveragePool", ["x"], ["y"], name="gap0")],
    ),
    _shape_case(
        "global_maxpool",
        "GlobalMaxPool",
        (1, 2, 4, 4),
        lambda: [helper.make_node("GlobalMaxPool", ["x"], ["y"], name="gmp0")],
    ),
    _shape_case(
        "lrn",
        "LRN",
        (1, 4, 3, 3),
        lambda: [helper.make_node("LRN", ["x"], ["y"], name="lrn0", size=3)],
    ),
    _rnn(),
]
