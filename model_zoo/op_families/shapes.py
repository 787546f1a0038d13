"""Shape and indexing op families."""

from onnx import TensorProto, helper

from zkc.model_zoo.op_case import OpCase, random_weights
from zkc.model_zoo.op_families.builders import (
    X,
    const_node,
    gather_elements_nodes,
    gather_nd_nodes,
    i64,
    onehot_nodes,
    resize_nodes,
    scatter_elements_nodes,
    scatter_nd_nodes,
    shape_case,
    topk_nodes,
    with_consts,
)

SHAPES: list[OpCase] = [
    shape_case(
        "reshape",
        "Reshape",
        (1, 4, 6),
        lambda: [
            const_node("s", i64(1, 24)),
            helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape0"),
        ],
    ),
    shape_case(
        "flatten",
        "Flatten",
        (1, 2, 3, 4),
        lambda: [helper.make_node("Flatten", ["x"], ["y"], name="flatten0", axis=1)],
    ),
    shape_case(
        "transpose",
        "Transpose",
        (1, 2, 3, 4),
        lambda: [helper.make_node("Transpose", ["x"], ["y"], name="transpose0", perm=[0, 3, 1, 2])],
    ),
    shape_case(
        "squeeze",
        "Squeeze",
        (1, 4, 1, 6),
        lambda: [
            const_node("a", i64(2)),
            helper.make_node("Squeeze", ["x", "a"], ["y"], name="squeeze0"),
        ],
    ),
    shape_case(
        "unsqueeze",
        "Unsqueeze",
        (1, 4, 6),
        lambda: [
            const_node("a", i64(1)),
            helper.make_node("Unsqueeze", ["x", "a"], ["y"], name="unsqueeze0"),
        ],
    ),
    with_consts(
        "concat",
        "Concat",
        lambda: (
            [helper.make_node("Concat", ["x", "c"], ["y"], name="concat0", axis=1)],
            [("c", random_weights(32, 1, 4))],
        ),
    ),
    shape_case(
        "slice",
        "Slice",
        (1, 4, 6),
        lambda: [
            const_node("s", i64(1, 1)),
            const_node("e", i64(3, 5)),
            const_node("a", i64(1, 2)),
            helper.make_node("Slice", ["x", "s", "e", "a"], ["y"], name="slice0"),
        ],
    ),
    shape_case(
        "gather",
        "Gather",
        (1, 6, 3),
        lambda: [
            const_node("i", i64(4, 0, 2)),
            helper.make_node("Gather", ["x", "i"], ["y"], name="gather0", axis=1),
        ],
    ),
    shape_case("gather_elements", "GatherElements", (2, 4), gather_elements_nodes),
    shape_case("gather_nd", "GatherND", (2, 3), gather_nd_nodes),
    shape_case("onehot", "OneHot", (4, 2), onehot_nodes),
    shape_case(
        "trilu",
        "Trilu",
        (1, 4, 4),
        lambda: [helper.make_node("Trilu", ["x"], ["y"], name="trilu0", upper=1)],
    ),
    shape_case("resize_nearest", "Resize", (1, 1, 3, 3), resize_nodes),
    shape_case(
        "depth_to_space",
        "DepthToSpace",
        (1, 4, 2, 2),
        lambda: [helper.make_node("DepthToSpace", ["x"], ["y"], name="d2s0", blocksize=2)],
    ),
    shape_case(
        "space_to_depth",
        "SpaceToDepth",
        (1, 1, 4, 4),
        lambda: [helper.make_node("SpaceToDepth", ["x"], ["y"], name="s2d0", blocksize=2)],
    ),
    shape_case("topk", "TopK", (1, 8), topk_nodes),
    shape_case("scatter_nd", "ScatterND", (4, 3), scatter_nd_nodes),
    shape_case("scatter_elements", "ScatterElements", (2, 4), scatter_elements_nodes),
    shape_case(
        "cast_roundtrip",
        "Cast",
        X,
        lambda: [
            helper.make_node("Cast", ["x"], ["h"], to=TensorProto.DOUBLE),
            helper.make_node("Cast", ["h"], ["y"], name="cast0", to=TensorProto.FLOAT),
        ],
    ),
]
