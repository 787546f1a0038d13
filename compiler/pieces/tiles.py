"""Build the model of each tile of a split unit from the whole model (zkc.compiler.pieces.parts)."""

from dataclasses import dataclass

import numpy as np
import onnx
from onnx import helper, numpy_helper

from zkc.compiler.artifacts.facts import PartRef
from zkc.compiler.errors import ToolError
from zkc.compiler.pieces.parts import (
    Box,
    PartIndex,
    TileGraph,
    assemble,
    const_cut,
    conv_window,
    finish,
    slice_const,
)
from zkc.compiler.planning.units import ELEMENTWISE


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
    """One tile's graph: reads windows of tensors from the parts written so far.

    With `describe`, a read is recorded by its geometry (each part's shape and offset from the
    window) instead of being assembled: enough to tell tiles apart, at a fraction of the cost
    of building the graph (which is done once per distinct tile)."""

    def __init__(self, index: ModelIndex, written: dict[str, PartIndex], describe: bool = False):
        self.index, self.written, self.describe = index, written, describe
        self.graph = TileGraph()
        self.reads: list[PartRef] = []
        self._names: dict[tuple, str] = {}

    def read(self, tensor: str, window: Box) -> str:
        """The window of a tensor, assembled from the parts covering it."""
        if tensor not in self.written:
            raise ToolError(f"a tile reads '{tensor}', which no earlier piece writes")
        parts = self.written[tensor].covering(window)
        names = []
        for part in parts:
            key = (part.tensor, tuple(part.box))
            if key not in self._names:
                self._names[key] = self.graph.part_input(part)
                self.reads.append(part)
            names.append(self._names[key])
        if self.describe:
            start = [a for a, _ in window]
            offsets = tuple(
                tuple(a - w for (a, _), w in zip(p.box, start, strict=True)) for p in parts
            )
            return self.graph.op(
                "Read", names, geometry=repr((offsets, [b - a for a, b in window]))
            )
        return assemble(self.graph, parts, names, window)

    def model_const(self, name: str, box: Box, rank: int) -> str:
        """A constant of the model cut to the box (identified by name and cut, not bytes)."""
        array = self.index.constants[name]
        cut = const_cut(array.shape, box, rank)
        return self.graph.const(lambda: slice_const(array, box, rank), key=(name, cut))

    def weight(self, name: str, index) -> str:
        """A slice of a model constant (e.g. the output channels of a conv's weight)."""
        array = self.index.constants[name]
        return self.graph.const(lambda: array[index], key=(name, repr(index)))

    def operand(self, name: str, running: str, current: str, box: Box, rank: int) -> str:
        """An input of an element-wise op in the tile: the running tensor, a constant cut to
        the box, or a same-shaped tensor's window."""
        if name == running:
            return current
        if name in self.index.constants:
            return self.model_const(name, box, rank)
        return self.read(name, box)


def input_box(index: ModelIndex, node: onnx.NodeProto, box: Box) -> Box:
    """The box of a chain op's main input it reads to produce `box` of its output."""
    op, attrs = node.op_type, _attrs(node)
    shape = index.shapes[node.input[0]]
    if op == "Conv":
        weight = index.constants[node.input[1]]
        group = attrs.get("group", 1)
        attrs["out_channels"] = weight.shape[0]
        return conv_window(attrs, shape, box, weight.shape[0] // group if group > 1 else None)[0]
    if op in ("MaxPool", "AveragePool"):
        return conv_window(attrs, shape, box, 1)[0]
    if op in ("GlobalAveragePool", "GlobalMaxPool"):
        return [(0, 1), box[1], (0, shape[2]), (0, shape[3])]
    if op == "Gather":
        axis, picked = attrs.get("axis", 0), index.constants[node.input[1]]
        chosen = picked[box[axis][0] : box[axis][1]]
        found = list(box)
        found[axis] = (int(chosen.min()), int(chosen.max()) + 1)
        return found
    if op == "Pad":
        pads = index.constants[node.input[1]]
        rank = len(shape)
        return [
            (max(0, a - int(pads[i])), min(shape[i], b - int(pads[i])))
            for i, (a, b) in enumerate(box[:rank])
        ]
    if op in ("Gemm", "MatMul"):
        return [(0, d) for d in shape]
    if op == "Slice":  # a window: the box shifted by the starts
        axes = [int(a) % len(shape) for a in index.constants[node.input[3]].reshape(-1)]
        starts = [int(s) for s in index.constants[node.input[1]].reshape(-1)]
        start = dict(
            zip(
                axes,
                [s if s >= 0 else s + shape[a] for s, a in zip(starts, axes, strict=True)],
                strict=True,
            )
        )
        return [(a + start.get(i, 0), b + start.get(i, 0)) for i, (a, b) in enumerate(box)]
    return list(box)  # element-wise


@dataclass
class Tile:
    """One tile described (a signature of the function it computes), the parts it reads and
    the parts it writes (its box of the unit's output, in the parts the output is laid out
    in); its model is built on demand."""

    signature: str
    reads: list[PartRef]
    writes: list[PartRef]
    build: object  # () -> onnx.ModelProto

    def model(self) -> onnx.ModelProto:
        return self.build()


class _WindowRecorder(TileBuilder):
    """A builder that only records the windows a tile reads (no parts need exist yet)."""

    def __init__(self, index: ModelIndex):
        super().__init__(index, {}, describe=True)
        self.windows: list[tuple[str, Box]] = []

    def read(self, tensor: str, window: Box) -> str:
        self.windows.append((tensor, [tuple(w) for w in window]))
        return self.graph.op("Read", [], tensor=tensor)


def pointwise(index: ModelIndex, nodes: list[str]) -> bool:
    """Whether every op of the chain is element-wise: a tile then computes each part it
    writes on its own (EZKL's Slice costs rows in proportion to what it slices from)."""
    return all(index.nodes[n].op_type in ELEMENTWISE for n in nodes)


def tile_windows(index: ModelIndex, nodes: list[str], box: Box) -> list[tuple[str, Box]]:
    """The windows of model tensors the tile of `nodes` computing `box` reads."""
    recorder = _WindowRecorder(index)
    _tile_graph(index, nodes, box, recorder)
    return recorder.windows


def _outputs(
    index: ModelIndex, nodes: list[str], box: Box, writes: list[PartRef], builder: TileBuilder
) -> list[str]:
    """The tile's graph in `builder`, ending in one tensor per part it writes: each part
    computed on its own (element-wise chains) or sliced from the tile's box."""
    if pointwise(index, nodes) and len(writes) > 1:
        return [_tile_graph(index, nodes, p.box, builder) for p in writes]
    out = _tile_graph(index, nodes, box, builder)
    if len(writes) == 1 and writes[0].box == box:
        return [out]
    graph, made = builder.graph, []
    for part in writes:
        local = [(a - b0, b - b0) for (a, b), (b0, _) in zip(part.box, box, strict=True)]
        cut = [
            graph.const(np.array([a for a, _ in local], np.int64)),
            graph.const(np.array([b for _, b in local], np.int64)),
        ]
        made.append(graph.op("Slice", [out, *cut]))
    return made


def describe_tile(
    index: ModelIndex,
    nodes: list[str],
    box: Box,
    written: dict[str, PartIndex],
    writes: list[PartRef],
) -> Tile:
    """The tile of `nodes` (a unit) computing `box` of the unit's output and writing it as
    the parts `writes`, described; its model is built on demand."""
    builder = TileBuilder(index, written, describe=True)
    outputs = _outputs(index, nodes, box, writes, builder)
    snapshot = {tensor: written[tensor] for tensor in {p.tensor for p in builder.reads}}
    shapes = [[b - a for a, b in p.box] for p in writes]

    def build() -> onnx.ModelProto:
        built = TileBuilder(index, snapshot)
        outs = _outputs(index, nodes, box, writes, built)
        return finish(built.graph, outs, shapes, index.opset)

    return Tile(builder.graph.signature(repr((outputs, shapes))), builder.reads, writes, build)


def _tile_graph(index: ModelIndex, nodes: list[str], box: Box, builder: TileBuilder) -> str:
    """The tile's graph in `builder` (which records the parts it reads); returns its output."""
    chain = [index.nodes[name] for name in nodes]
    boxes = [box]  # the box each op produces, last op first
    for node in reversed(chain[1:]):
        boxes.append(input_box(index, node, boxes[-1]))
    boxes.reverse()
    current = running = None
    for node, out_box in zip(chain, boxes, strict=True):
        current = _op(builder, node, out_box, running, current)
        running = node.output[0]
    return current


def _op(
    builder: TileBuilder, node: onnx.NodeProto, box: Box, running: str | None, current: str | None
) -> str:
    """One op of the chain on the tile: producing `box` of its output, reading the previous
    op's result (`current`, for `running`) or, for the head, windows of its inputs."""
    op = node.op_type
    if op == "Concat":
        return _concat(builder, node, box)
    if op == "Slice":  # the window read (or computed by the op before) is the slice itself
        want = input_box(builder.index, node, box)
        return current if current is not None else builder.read(node.input[0], want)
    if op in (
        "Conv",
        "MaxPool",
        "AveragePool",
        "Gather",
        "Pad",
        "Gemm",
        "MatMul",
        "GlobalAveragePool",
        "GlobalMaxPool",
    ):
        want = input_box(builder.index, node, box)
        x = current if current is not None else builder.read(node.input[0], want)
        if op.startswith("Global"):
            return builder.graph.op(op, [x])
        return {
            "Conv": _conv,
            "MaxPool": _pool,
            "AveragePool": _pool,
            "Gather": _gather,
            "Pad": _pad,
            "Gemm": _gemm,
            "MatMul": _gemm,
        }[op](builder, node, box, want, x)
    rank = len(box)
    ins = [builder.operand(v, running or "", current or "", box, rank) for v in node.input]
    return builder.graph.op(op, ins, **_attrs(node))


def _conv(builder: TileBuilder, node: onnx.NodeProto, box: Box, want: Box, x: str) -> str:
    index, attrs = builder.index, _attrs(node)
    weight = index.constants[node.input[1]]
    group = attrs.get("group", 1)
    attrs["out_channels"] = weight.shape[0]
    per_group = weight.shape[0] // group if group > 1 else None
    _, pads = conv_window(attrs, index.shapes[node.input[0]], box, per_group)
    if any(pads):
        x = builder.graph.op(
            "Pad", [x, builder.graph.const(np.array(pads, np.int64))], mode="constant"
        )
    c0, c1 = box[1]
    ins = [x, builder.weight(node.input[1], slice(c0, c1))]
    if len(node.input) > 2 and node.input[2]:
        ins.append(builder.weight(node.input[2], slice(c0, c1)))
    conv = {k: attrs[k] for k in ("kernel_shape", "strides", "dilations") if k in attrs}
    conv["group"] = (c1 - c0) // per_group if per_group else 1
    return builder.graph.op("Conv", ins, pads=[0, 0, 0, 0], **conv)


def _pool(builder: TileBuilder, node: onnx.NodeProto, box: Box, want: Box, x: str) -> str:
    """A pool tile keeps the pool's own padding where its window meets the input's edges
    (max pools pad with -inf, average pools may not count the padding)."""
    attrs = _attrs(node)
    _, pads = conv_window(attrs, builder.index.shapes[node.input[0]], box, 1)
    attrs["pads"] = [pads[2], pads[3], pads[6], pads[7]]
    return builder.graph.op(node.op_type, [x], **attrs)


def _gather(builder: TileBuilder, node: onnx.NodeProto, box: Box, want: Box, x: str) -> str:
    axis = _attrs(node).get("axis", 0)
    picked = builder.index.constants[node.input[1]][box[axis][0] : box[axis][1]]
    local = (picked - want[axis][0]).astype(picked.dtype)
    return builder.graph.op("Gather", [x, builder.graph.const(local)], axis=axis)


def _pad(builder: TileBuilder, node: onnx.NodeProto, box: Box, want: Box, x: str) -> str:
    pads = builder.index.constants[node.input[1]]
    rank = len(box)
    before = [max(0, int(pads[i]) - box[i][0]) for i in range(rank)]
    after = [
        max(0, box[i][1] - int(pads[i]) - builder.index.shapes[node.input[0]][i])
        for i in range(rank)
    ]
    ins = [x, builder.graph.const(np.array(before + after, np.int64))]
    if len(node.input) > 2 and node.input[2]:
        ins.append(builder.graph.const(builder.index.constants[node.input[2]]))
    return builder.graph.op("Pad", ins, mode="constant")


def _gemm(builder: TileBuilder, node: onnx.NodeProto, box: Box, want: Box, x: str) -> str:
    attrs = _attrs(node)
    n0, n1 = box[1]
    columns = (slice(None), slice(n0, n1))
    if node.op_type == "MatMul":
        return builder.graph.op("MatMul", [x, builder.weight(node.input[1], columns)])
    rows = attrs.get("transB", 0)
    ins = [x, builder.weight(node.input[1], (slice(n0, n1),) if rows else columns)]
    if len(node.input) > 2 and node.input[2]:
        ins.append(builder.model_const(node.input[2], box, 2))
    gemm = {k: attrs[k] for k in ("alpha", "beta", "transB") if k in attrs}
    return builder.graph.op("Gemm", ins, **gemm)


def _concat(builder: TileBuilder, node: onnx.NodeProto, box: Box) -> str:
    """A concat along channels heads its unit: the tile reads, of each input its channels
    overlap, those channels in the tile's rows and columns."""
    ins, offset = [], 0
    for name in node.input:
        count = builder.index.shapes[name][1]
        low, high = max(box[1][0], offset), min(box[1][1], offset + count)
        if low < high:
            window = list(box)
            window[1] = (low - offset, high - offset)
            ins.append(builder.read(name, window))
        offset += count
    return ins[0] if len(ins) == 1 else builder.graph.op("Concat", ins, axis=1)
