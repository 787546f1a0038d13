"""Build the model of each tile of a split unit from the whole model (zkc.compiler.pieces)."""

from dataclasses import dataclass

import numpy as np
import onnx
from onnx import helper, numpy_helper

from zkc.compiler.errors import ToolError
from zkc.compiler.facts import PartRef
from zkc.compiler.pieces import Box, TileGraph, assemble, conv_window, covering, finish, slice_const
from zkc.compiler.tiling import TilePlan


@dataclass
class ModelIndex:
    """Lookups into an ONNX model with inferred shapes: nodes, constants, tensor shapes."""

    nodes: dict[str, onnx.NodeProto]
    constants: dict[str, np.ndarray]
    shapes: dict[str, tuple[int, ...]]
    opset: int

    @classmethod
    def of(cls, model: onnx.ModelProto) -> "ModelIndex":
        graph = model.graph
        constants = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
        for node in graph.node:
            if node.op_type == "Constant":
                value = helper.get_attribute_value(node.attribute[0])
                constants[node.output[0]] = numpy_helper.to_array(value)
        shapes = {}
        for info in (*graph.input, *graph.value_info, *graph.output):
            dims = [d.dim_value for d in info.type.tensor_type.shape.dim]
            shapes[info.name] = tuple(dims)
        opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 17)
        return cls({n.name: n for n in graph.node}, constants, shapes, opset)


def _attrs(node: onnx.NodeProto) -> dict:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


class TileBuilder:
    """One tile's graph: reads windows of tensors from the parts written so far."""

    def __init__(self, index: ModelIndex, written: dict[str, list[PartRef]]):
        self.index, self.written = index, written
        self.graph = TileGraph()
        self.reads: list[PartRef] = []
        self._names: dict[tuple, str] = {}

    def read(self, tensor: str, window: Box) -> str:
        """The window of a tensor, assembled from the parts covering it."""
        if tensor not in self.written:
            raise ToolError(f"a tile reads '{tensor}', which no earlier piece writes")
        parts = covering(self.written[tensor], window)
        names = []
        for part in parts:
            key = (part.tensor, tuple(part.box))
            if key not in self._names:
                self._names[key] = self.graph.part_input(part)
                self.reads.append(part)
            names.append(self._names[key])
        return assemble(self.graph, parts, names, window)

    def operand(self, name: str, running: str, current: str, box: Box, rank: int) -> str:
        """An input of an element-wise op in the tile: the running tensor, a constant cut to
        the box, or a same-shaped tensor's window."""
        if name == running:
            return current
        if name in self.index.constants:
            return self.graph.const(slice_const(self.index.constants[name], box, rank))
        return self.read(name, box)


def build_tile(index: ModelIndex, nodes: list[str], plan: TilePlan, box: Box,
               written: dict[str, list[PartRef]]) -> tuple[onnx.ModelProto, list[PartRef], PartRef]:  # fmt: skip
    """The model of the tile of `nodes` (a unit) computing `box` of the unit's output; the
    parts it reads (its inputs, in order) and the part it writes."""
    builder = TileBuilder(index, written)
    head = index.nodes[nodes[0]]
    rank = len(box)
    if plan.kind == "conv":
        current, rest = _conv(builder, head, box), nodes[1:]
    elif plan.kind == "pool":
        current, rest = _pool(builder, head, box), nodes[1:]
    elif plan.kind == "gemm":
        current, rest = _gemm(builder, head, box), nodes[1:]
    else:
        current, rest = None, nodes
    running = head.output[0] if current is not None else None
    for name in rest:
        node = index.nodes[name]
        if current is None:  # an element-wise head: its tensor inputs are read as windows
            ins = [builder.operand(v, "", "", box, rank) for v in node.input]
        else:
            ins = [builder.operand(v, running, current, box, rank) for v in node.input]
        current, running = builder.graph.op(node.op_type, ins, **_attrs(node)), node.output[0]
    output = PartRef(tensor=running, box=box)
    model = finish(builder.graph, current, [b - a for a, b in box], index.opset)
    return model, builder.reads, output


def _conv(builder: TileBuilder, node: onnx.NodeProto, box: Box) -> str:
    index, attrs = builder.index, _attrs(node)
    weight = index.constants[node.input[1]]
    group = attrs.get("group", 1)
    attrs["out_channels"] = weight.shape[0]
    per_group = weight.shape[0] // group if group > 1 else None
    window, pads = conv_window(attrs, index.shapes[node.input[0]], box, per_group)
    x = builder.read(node.input[0], window)
    if any(pads):
        x = builder.graph.op(
            "Pad", [x, builder.graph.const(np.array(pads, np.int64))], mode="constant"
        )
    c0, c1 = box[1]
    ins = [x, builder.graph.const(weight[c0:c1])]
    if len(node.input) > 2 and node.input[2]:
        ins.append(builder.graph.const(index.constants[node.input[2]][c0:c1]))
    conv = {k: attrs[k] for k in ("kernel_shape", "strides", "dilations") if k in attrs}
    conv["group"] = (c1 - c0) // per_group if per_group else 1
    return builder.graph.op("Conv", ins, pads=[0, 0, 0, 0], **conv)


def _pool(builder: TileBuilder, node: onnx.NodeProto, box: Box) -> str:
    """A pool tile keeps the pool's own padding where its window meets the input's edges
    (max pools pad with -inf, average pools may not count the padding)."""
    attrs = _attrs(node)
    window, pads = conv_window(attrs, builder.index.shapes[node.input[0]], box, 1)
    x = builder.read(node.input[0], window)
    attrs["pads"] = [pads[2], pads[3], pads[6], pads[7]]
    return builder.graph.op(node.op_type, [x], **attrs)


def _gemm(builder: TileBuilder, node: onnx.NodeProto, box: Box) -> str:
    index, attrs = builder.index, _attrs(node)
    x_shape = index.shapes[node.input[0]]
    x = builder.read(node.input[0], [(0, d) for d in x_shape])
    n0, n1 = box[1]
    weight = index.constants[node.input[1]]
    if node.op_type == "MatMul":
        return builder.graph.op("MatMul", [x, builder.graph.const(weight[:, n0:n1])])
    cut = weight[n0:n1] if attrs.get("transB", 0) else weight[:, n0:n1]
    ins = [x, builder.graph.const(cut)]
    if len(node.input) > 2 and node.input[2]:
        ins.append(builder.graph.const(slice_const(index.constants[node.input[2]], box, 2)))
    gemm = {k: attrs[k] for k in ("alpha", "beta", "transB") if k in attrs}
    return builder.graph.op("Gemm", ins, **gemm)
