"""The ONNX model of one tile of a split unit (zkc.compiler.tiling), with canonical names.

A tile reads whole parts that earlier pieces wrote (or the request): for each model tensor it
needs, the parts covering the window it reads are concatenated (a grid of boxes) and the
window sliced out, zero padding made explicit; then the unit's ops run on the tile with the
weights of its output channels, and the tile writes one part: its box of the unit's output.
Tensors, nodes and constants get canonical names (`in_0`, `t3`, `c1`, `out_0`), so tiles that
compute the same function serialise to the same bytes and share one circuit.
"""

import numpy as np
import onnx
from onnx import helper, numpy_helper

from zkc.compiler.errors import ToolError
from zkc.compiler.facts import PartRef

Box = list[tuple[int, int]]


class TileGraph:
    """Nodes, inputs and constants of one tile model, named canonically as they are added."""

    def __init__(self):
        self.nodes, self.inputs, self.constants = [], [], []
        self._count = 0

    def name(self, prefix: str = "t") -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def const(self, array: np.ndarray) -> str:
        name = self.name("c")
        self.constants.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def op(self, op_type: str, inputs: list[str], **attrs) -> str:
        out = self.name()
        self.nodes.append(
            helper.make_node(op_type, inputs, [out], name=f"n{len(self.nodes)}", **attrs)
        )
        return out

    def part_input(self, part: PartRef) -> str:
        name = f"in_{len(self.inputs)}"
        shape = [b - a for a, b in part.box]
        self.inputs.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, shape))
        return name


def covering(parts: list[PartRef], window: Box) -> list[PartRef]:
    """The parts that intersect `window`; ToolError unless together they cover it."""
    hit = [
        p
        for p in parts
        if all(a < we and ws < b for (a, b), (ws, we) in zip(p.box, window, strict=True))
    ]
    covered = sum(
        np.prod([min(b, we) - max(a, ws) for (a, b), (ws, we) in zip(p.box, window, strict=True)])
        for p in hit
    )
    if covered != np.prod([e - s for s, e in window]):
        raise ToolError(f"the parts written of {parts[0].tensor if parts else '?'} do not cover "
                        f"the window {window} a tile reads")  # fmt: skip
    return hit


def assemble(graph: TileGraph, parts: list[PartRef], names: list[str], window: Box) -> str:
    """Concatenate parts (a grid of boxes, `names` their tensors) and slice out `window`."""
    bounds = [(min(p.box[a][0] for p in parts), max(p.box[a][1] for p in parts))
              for a in range(len(window))]  # fmt: skip
    joined = _concat_grid(graph, parts, names, 0)
    starts = [w[0] - b[0] for w, b in zip(window, bounds, strict=True)]
    ends = [w[1] - b[0] for w, b in zip(window, bounds, strict=True)]
    if starts == [0] * len(window) and ends == [b[1] - b[0] for b in bounds]:
        return joined
    axes = list(range(len(window)))
    return graph.op("Slice", [joined, graph.const(np.array(starts, np.int64)),
                              graph.const(np.array(ends, np.int64)), graph.const(np.array(axes, np.int64))])  # fmt: skip


def _concat_grid(graph: TileGraph, parts: list[PartRef], names: list[str], axis: int) -> str:
    if len(parts) == 1:
        return names[0]
    while len({p.box[axis] for p in parts}) == 1:
        axis += 1
    groups: dict[tuple[int, int], list[int]] = {}
    for i, part in enumerate(parts):
        groups.setdefault(part.box[axis], []).append(i)
    joined = [_concat_grid(graph, [parts[i] for i in idx], [names[i] for i in idx], axis + 1)
              for _, idx in sorted(groups.items())]  # fmt: skip
    return graph.op("Concat", joined, axis=axis)


def conv_window(
    attrs: dict, in_shape: tuple, out_box: Box, out_per_group: int | None
) -> tuple[Box, list[int]]:
    """The input box a conv (or pool) tile reads for its output box, and the padding (ONNX
    order: begins then ends, over all four axes) it needs at the input's edges.
    `out_per_group`: output channels per group of a grouped conv, or per channel of a pool
    (None: a conv that is not grouped, reading every input channel)."""
    kh = attrs["kernel_shape"][0]
    sh = attrs.get("strides", [1, 1])[0]
    dh = attrs.get("dilations", [1, 1])[0]
    pt, pl, _, pr = attrs.get("pads", [0, 0, 0, 0])
    (o0, o1), (c0, c1) = out_box[2], out_box[1]
    start, end = o0 * sh - pt, (o1 - 1) * sh - pt + (kh - 1) * dh + 1
    rows = (max(start, 0), min(end, in_shape[2]))
    channels = (0, in_shape[1])
    if out_per_group is not None:
        in_per_group = in_shape[1] // (attrs.get("out_channels", in_shape[1]) // out_per_group)
        channels = (c0 // out_per_group * in_per_group, c1 // out_per_group * in_per_group)
    pads = [0, 0, max(0, -start), pl, 0, 0, max(0, end - in_shape[2]), pr]
    return [(0, 1), channels, rows, (0, in_shape[3])], pads


def slice_const(array: np.ndarray, box: Box, rank: int) -> np.ndarray:
    """A constant broadcast against a tensor of `rank` axes, cut to a box of that tensor
    (axes where the constant has extent 1, or none, are kept whole)."""
    index = []
    offset = rank - array.ndim
    for axis in range(array.ndim):
        start, stop = box[axis + offset]
        index.append(slice(start, stop) if array.shape[axis] > 1 else slice(None))
    return array[tuple(index)]


def finish(graph: TileGraph, out: str, shape: list[int], opset: int) -> onnx.ModelProto:
    """The tile's model: its graph with the one output `out_0`."""
    graph.nodes.append(helper.make_node("Identity", [out], ["out_0"], name=f"n{len(graph.nodes)}"))
    output = helper.make_tensor_value_info("out_0", onnx.TensorProto.FLOAT, shape)
    model = helper.make_model(
        helper.make_graph(graph.nodes, "zkc_tile", graph.inputs, [output], graph.constants),
        opset_imports=[helper.make_opsetid("", opset)],
    )
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model
