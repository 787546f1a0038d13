"""Slice as a window (constant starts, ends and axes, unit steps, never along the batch): a
tile reads exactly its box shifted by the starts; the window itself costs no rows, because
the tile reads the parts that cover it and nothing else."""

import onnx_ir as ir

from zkc.compiler.ir.index import ModelIndex
from zkc.compiler.ops.base import (
    Box,
    Shape,
    TileWriter,
    array,
    clipped,
    main_input,
    name_of,
    static,
)


def window_starts(node: ir.Node) -> dict[int, int] | None:
    """A Slice with constant starts, ends and axes and unit steps along axes >= 1 (a window,
    e.g. a group of channels): its start per axis; else None."""
    ins = list(node.inputs)
    shape = static(ins[0]) if ins and ins[0] is not None else None
    consts = [array(v) for v in ins[1:]]
    known = [c for c in consts if c is not None]
    if shape is None or len(known) < 3 or len(known) < len(consts):
        return None  # starts, ends, axes (and steps) are constants
    starts, _, axes = (c.reshape(-1).tolist() for c in known[:3])
    steps = known[3].reshape(-1).tolist() if len(known) > 3 else [1] * len(axes)
    axes = [a % len(shape) for a in axes]
    if any(a == 0 for a in axes) or any(st != 1 for st in steps):
        return None
    return {
        a: min(max(int(x) if x >= 0 else int(x) + shape[a], 0), shape[a])
        for a, x in zip(axes, starts, strict=True)
    }


class WindowTiles:
    """A Slice that is a window."""

    op_types = frozenset({"Slice"})

    def kind(self, node: ir.Node, out: Shape) -> str | None:
        return "slice" if len(out) in (2, 4) and window_starts(node) is not None else None

    def read_extent(self, node: ir.Node, rows: int, channels: int) -> tuple[int, int]:
        return clipped(node, rows, channels)

    def input_box(self, index: ModelIndex, node: ir.Node, box: Box) -> Box:
        shape = index.shapes[name_of(node.inputs[0])]
        axes = [int(a) % len(shape) for a in index.constants[name_of(node.inputs[3])].reshape(-1)]
        starts = [int(s) for s in index.constants[name_of(node.inputs[1])].reshape(-1)]
        # clamped into the axis, as ONNX (and window_starts) do
        start = {
            a: min(max(s if s >= 0 else s + shape[a], 0), shape[a])
            for s, a in zip(starts, axes, strict=True)
        }
        return [(a + start.get(i, 0), b + start.get(i, 0)) for i, (a, b) in enumerate(box)]

    def build(
        self, writer: TileWriter, node: ir.Node, box: Box, current: str | None, running: str
    ) -> str:
        return main_input(writer, node, self.input_box(writer.index, node, box), current)
