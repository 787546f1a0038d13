"""Build the model of each tile of a split unit from the whole model (zkc.compiler.pieces.parts).

What each op does on a tile is its op family's (zkc.compiler.ops); this module walks a unit's
chain backwards to the box each op must produce, then forwards through the families' builders.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnx_ir as ir

from zkc.compiler.artifacts.facts import PartRef
from zkc.compiler.errors import ToolError
from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.base import Box, TileOp
from zkc.compiler.ops.elementwise import ELEMENTWISE
from zkc.compiler.ops.registry import tile_op
from zkc.compiler.pieces.parts import PartIndex, TileGraph, assemble, const_cut, slice_const


class TileBuilder:
    """One tile's graph: reads windows of tensors from the parts written so far
    (zkc.compiler.ops.base.TileWriter).

    With `describe`, a read is recorded by its geometry (each part's shape and offset from the
    window) instead of being assembled: enough to tell tiles apart, at a fraction of the cost
    of building the graph (which is done once per distinct tile)."""

    def __init__(self, index: ModelIndex, written: dict[str, PartIndex], describe: bool = False):
        self.index, self.written, self.describe = index, written, describe
        self.graph = TileGraph()
        self.reads: list[PartRef] = []
        self._names: dict[tuple[str, tuple[tuple[int, int], ...]], str] = {}

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

    def op(self, op_type: str, inputs: list[str], **attrs: Any) -> str:
        return self.graph.op(op_type, inputs, **attrs)

    def const(self, array: np.ndarray) -> str:
        return self.graph.const(array)

    def model_const(self, name: str, box: Box, rank: int) -> str:
        """A constant of the model cut to the box (identified by name and cut, not bytes)."""
        array = self.index.constants[name]
        cut = const_cut(array.shape, box, rank)
        return self.graph.const(lambda: slice_const(array, box, rank), key=(name, cut))

    def weight(self, name: str, index: Any) -> str:
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


@dataclass
class Tile:
    """One tile described (a signature of the function it computes), the parts it reads and
    the parts it writes (its box of the unit's output, in the parts the output is laid out
    in); its model is built on demand."""

    signature: str
    reads: list[PartRef]
    writes: list[PartRef]
    build: Callable[[], ir.Model]

    def model(self) -> ir.Model:
        return self.build()


class _WindowRecorder(TileBuilder):
    """A builder that only records the windows a tile reads (no parts need exist yet)."""

    def __init__(self, index: ModelIndex):
        super().__init__(index, {}, describe=True)
        self.windows: list[tuple[str, Box]] = []

    def read(self, tensor: str, window: Box) -> str:
        self.windows.append((tensor, [(a, b) for a, b in window]))
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

    def build() -> ir.Model:
        built = TileBuilder(index, snapshot)
        outs = _outputs(index, nodes, box, writes, built)
        return built.graph.to_model(outs, shapes, index.opset)

    return Tile(builder.graph.signature(repr((outputs, shapes))), builder.reads, writes, build)


def _family(node: ir.Node) -> TileOp:
    family = tile_op(node.op_type)
    if family is None:
        raise ToolError(f"node '{node.name}' ({node.op_type}) is in a tile but cannot be tiled")
    return family


def _tile_graph(index: ModelIndex, nodes: list[str], box: Box, builder: TileBuilder) -> str:
    """The tile's graph in `builder` (which records the parts it reads); returns its output."""
    chain = [index.nodes[name] for name in nodes]
    boxes = [box]  # the box each op produces, last op first
    for node in reversed(chain[1:]):
        boxes.append(_family(node).input_box(index, node, boxes[-1]))
    boxes.reverse()
    current: str | None = None
    running = ""
    for node, out_box in zip(chain, boxes, strict=True):
        current = _family(node).build(builder, node, out_box, current, running)
        running = node.outputs[0].name or ""
    if current is None:
        raise ToolError("a tile of no nodes")
    return current
