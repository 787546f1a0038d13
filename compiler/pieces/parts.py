"""The ONNX model of one tile of a split unit (zkc.compiler.planning.units), with canonical names.

A tile reads whole parts that earlier pieces wrote (or the request): for each model tensor it
needs, the parts covering the window it reads are concatenated (a grid of boxes) and the
window sliced out, zero padding made explicit; then the unit's ops run on the tile with the
weights of its output channels, and the tile writes one part: its box of the unit's output.
Tensors, nodes and constants get canonical names (`in_0`, `t3`, `c1`, `out_0`), so tiles that
compute the same function serialise to the same bytes and share one circuit.
"""

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import onnx_ir as ir

from zkc.compiler.artifacts.facts import PartRef
from zkc.compiler.artifacts.hashing import sha256_bytes
from zkc.compiler.errors import ToolError
from zkc.compiler.ops.base import Box

BoxKey = tuple[tuple[int, int], ...]  # a box as a dictionary key


class TileGraph:
    """Nodes, inputs and constants of one tile model, named canonically as they are added.

    Nothing is serialised until a model is needed: `signature()` identifies the function (ops,
    attributes, input shapes, and each constant by what it was cut from), so the pieces of a
    plan are grouped into circuits without building a model per tile."""

    def __init__(self) -> None:
        self.nodes: list[tuple[str, list[str], str, dict[str, Any]]] = []
        self.inputs: list[tuple[str, list[int]]] = []
        # (name, key, array or a function computing it)
        self.constants: list[tuple[str, object, np.ndarray | Callable[[], np.ndarray]]] = []
        self._count = 0

    def name(self, prefix: str = "t") -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def const(self, array: np.ndarray | Callable[[], np.ndarray], key: object = None) -> str:
        """A constant; `key` identifies it without its bytes (e.g. a weight and the channels
        cut from it), and `array` may then be a function computing it when the model is built."""
        name = self.name("c")
        if key is None:
            if callable(array):
                raise ToolError(f"constant {name} is computed on demand but has no key")
            array = np.ascontiguousarray(array)
            key = (str(array.dtype), array.shape, array.tobytes())
        self.constants.append((name, key, array))
        return name

    def op(self, op_type: str, inputs: list[str], **attrs: Any) -> str:
        out = self.name()
        self.nodes.append((op_type, list(inputs), out, attrs))
        return out

    def part_input(self, part: PartRef) -> str:
        name = f"in_{len(self.inputs)}"
        self.inputs.append((name, [b - a for a, b in part.box]))
        return name

    def signature(self, output: str) -> str:
        """A digest of the function this graph computes (equal graphs, equal digests)."""
        described = repr((self.nodes, self.inputs, [(n, k) for n, k, _ in self.constants], output))
        return sha256_bytes(described.encode())

    def to_ir(self) -> tuple[list[ir.Value], list[ir.Node], list[ir.Value]]:
        """The graph's inputs, nodes (`n0`, `n1`, ...) and initializers as onnx-ir objects."""
        values: dict[str, ir.Value] = {}
        inputs = []
        for name, shape in self.inputs:
            value = ir.Value(
                name=name, type=ir.TensorType(ir.DataType.FLOAT), shape=ir.Shape(shape)
            )
            values[name] = value
            inputs.append(value)
        initializers = []
        for name, _, array in self.constants:
            data = np.ascontiguousarray(array() if callable(array) else array)
            value = ir.Value(name=name, const_value=ir.tensor(data, name=name))
            values[name] = value
            initializers.append(value)
        nodes = [
            _node(op, [values[i] if i else None for i in ins], out, attrs, f"n{k}", values)
            for k, (op, ins, out, attrs) in enumerate(self.nodes)
        ]
        return inputs, nodes, initializers

    def to_model(self, outs: list[str], shapes: list[list[int]], opset: int) -> ir.Model:
        """The tile's model: its graph with the tensors `outs` (of `shapes`) as the outputs
        `out_0`, `out_1`, ..."""
        inputs, nodes, initializers = self.to_ir()
        made = {v.name or "": v for node in nodes for v in node.outputs}
        outputs = []
        for k, (out, shape) in enumerate(zip(outs, shapes, strict=True)):
            node = _node("Identity", [made[out]], f"out_{k}", {}, f"n{len(nodes)}", made)
            final = node.outputs[0]
            final.type, final.shape = ir.TensorType(ir.DataType.FLOAT), ir.Shape(shape)
            nodes.append(node)
            outputs.append(final)
        graph = ir.Graph(
            inputs, outputs, nodes=nodes, initializers=initializers, opset_imports={"": opset}
        )
        graph.name = "zkc_tile"
        return ir.Model(graph, ir_version=8)


def _node(
    op: str,
    inputs: list[ir.Value | None],
    output: str,
    attrs: dict[str, Any],
    name: str,
    values: dict[str, ir.Value],
) -> ir.Node:
    """A node with one named output (registered in `values`), attributes sorted by name."""
    attributes = ir.convenience.convert_attributes(dict(sorted(attrs.items())))
    node = ir.Node("", op, inputs, attributes, num_outputs=1, name=name)
    node.outputs[0].name = output
    values[output] = node.outputs[0]
    return node


class PartIndex:
    """The parts a tensor is written in, found by the boxes they intersect (a grid)."""

    def __init__(self, parts: list[PartRef]):
        self.parts = parts
        self.by_box = {tuple(p.box): p for p in parts}
        rank = len(parts[0].box) if parts else 0
        self.ranges = [sorted({p.box[a] for p in parts}) for a in range(rank)]

    def covering(self, window: Box) -> list[PartRef]:
        """The parts that intersect `window`; ToolError unless together they cover it."""
        per_axis = [
            [r for r in ranges if r[0] < we and ws < r[1]]
            for ranges, (ws, we) in zip(self.ranges, window, strict=True)
        ]
        hit = [self.by_box[box] for box in itertools.product(*per_axis) if box in self.by_box]
        # A full grid covers the window when every cell is a part and each axis's ranges run
        # without a gap from the window's start to its end.
        whole = len(hit) == math.prod(len(r) for r in per_axis) and all(
            r
            and r[0][0] <= ws
            and r[-1][1] >= we
            and all(a[1] == b[0] for a, b in zip(r, r[1:], strict=False))
            for r, (ws, we) in zip(per_axis, window, strict=True)
        )
        if not whole:
            name = self.parts[0].tensor if self.parts else "?"
            raise ToolError(
                f"the parts written of {name} do not cover the window {window} a tile reads"
            )
        return hit


def assemble(graph: TileGraph, parts: list[PartRef], names: list[str], window: Box) -> str:
    """Concatenate parts (a grid of boxes, `names` their tensors) and slice out `window`."""
    bounds = [
        (min(p.box[a][0] for p in parts), max(p.box[a][1] for p in parts))
        for a in range(len(window))
    ]
    joined = _concat_grid(graph, parts, names)
    starts = [w[0] - b[0] for w, b in zip(window, bounds, strict=True)]
    ends = [w[1] - b[0] for w, b in zip(window, bounds, strict=True)]
    if starts == [0] * len(window) and ends == [b[1] - b[0] for b in bounds]:
        return joined
    axes = list(range(len(window)))
    return graph.op(
        "Slice",
        [
            joined,
            graph.const(np.array(starts, np.int64)),
            graph.const(np.array(ends, np.int64)),
            graph.const(np.array(axes, np.int64)),
        ],
    )


def _concat_grid(graph: TileGraph, parts: list[PartRef], names: list[str]) -> str:
    """Concat a grid of parts: along the last axis that varies first, then outwards."""
    cells = {tuple(p.box): n for p, n in zip(parts, names, strict=True)}
    rank = len(parts[0].box)
    for axis in reversed(range(rank)):
        if len({box[axis] for box in cells}) == 1:
            continue
        rows: dict[BoxKey, list[tuple[BoxKey, str]]] = {}
        for box in sorted(cells):
            rows.setdefault(box[:axis] + box[axis + 1 :], []).append((box, cells[box]))
        merged = {}
        for key, row in rows.items():
            names_in = [n for _, n in row]
            name = names_in[0] if len(names_in) == 1 else graph.op("Concat", names_in, axis=axis)
            span = (row[0][0][axis][0], row[-1][0][axis][1])
            merged[key[:axis] + (span,) + key[axis:]] = name
        cells = merged
    return next(iter(cells.values()))


def const_cut(shape: tuple[int, ...], box: Box, rank: int) -> tuple[tuple[int, int] | None, ...]:
    """How a constant broadcast against a tensor of `rank` axes is cut to a box of that tensor:
    per axis (start, stop), or None where the constant has extent 1 (kept whole)."""
    offset = rank - len(shape)
    return tuple(box[axis + offset] if shape[axis] > 1 else None for axis in range(len(shape)))


def slice_const(array: np.ndarray, box: Box, rank: int) -> np.ndarray:
    """A constant broadcast against a tensor of `rank` axes, cut to a box of that tensor."""
    cut = const_cut(array.shape, box, rank)
    return array[tuple(slice(*c) if c is not None else slice(None) for c in cut)]
