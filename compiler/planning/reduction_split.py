"""Reduction splits: an op no tile of which fits the budget (even one output channel by one
row reads and multiplies too much) is rewritten into partial ops over groups of the axis it
reduces, and a Sum of the partials (the summing piece):

- Conv (group 1): each partial reads a group of input channels (a Slice: a window, free in a
  tile) with those channels' weights; the bias goes with the first;
- Gemm / MatMul by constant weights: each partial reads a group of the K columns;
- GlobalAveragePool: each partial averages a band of rows, scaled by its share of them.

The partials and the Sum are ordinary nodes, so the planner tiles them like any other unit,
and every partial output is committed and linked to the Sum. The rewrite is exact in real
arithmetic; the pieces are checked against the model with onnxruntime before any circuit is
built.
"""

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import onnx_ir as ir

from zkc.compiler.errors import ToolError
from zkc.compiler.ops.base import dim_of, rank_of, shape_of
from zkc.compiler.planning.partition import tensor_elements
from zkc.compiler.planning.plan import search_space
from zkc.compiler.planning.search import CircuitCost

# Each partial rescales its own outputs and reads through its own window, which this estimate
# (a share of the op's rows) leaves out; the planner checks the partials after the rewrite.
HEADROOM = 1.15


def _attr(node: ir.Node, name: str, default: Any) -> Any:
    attr = node.attributes.get(name)
    return attr.value if attr is not None else default


def _reduced(node: ir.Node) -> tuple[int, int, float, float] | None:
    """(the reduced extent, the axis of the input it runs along, the input elements and the
    body rows of the smallest tile unsplit) for an op that can be split; else None."""
    x, y = node.inputs[0], node.outputs[0]
    if node.op_type == "Conv" and rank_of(x) == 4 and _attr(node, "group", 1) == 1:
        kernel = _attr(node, "kernel_shape", [1, 1])[0] * _attr(node, "dilations", [1, 1])[0]
        channels, rows, columns = dim_of(x, 1), dim_of(x, 2), dim_of(x, 3)
        return (
            channels,
            1,
            channels * min(kernel, rows) * columns,
            1.0 / (dim_of(y, 1) * dim_of(y, 2)),
        )
    if node.op_type in ("Gemm", "MatMul") and rank_of(x) == 2 and _attr(node, "transA", 0) == 0:
        weight = node.inputs[1]
        if weight is not None and weight.const_value is not None:
            return dim_of(x, 1), 1, dim_of(x, 0) * dim_of(x, 1), 1.0 / dim_of(y, 1)
    if node.op_type == "GlobalAveragePool" and rank_of(x) == 4:
        return dim_of(x, 2), 2, dim_of(x, 2) * dim_of(x, 3), 1.0 / dim_of(x, 1)
    return None


def split_groups(node: ir.Node, cost: CircuitCost, limit: int) -> int | None:
    """The fewest groups (a divisor of the reduced extent, > 1) whose partials' smallest tile
    fits `limit`, or None."""
    reduced = _reduced(node)
    if reduced is None:
        return None
    extent, _, read, share = reduced
    rows = cost.node_rows(node) * share
    written = tensor_elements(node.outputs[0]) * share
    for groups in (g for g in range(2, extent + 1) if extent % g == 0):
        body = rows / groups * HEADROOM
        if cost.circuit_size(body, int(read / groups * HEADROOM + written), 2, 0)[1] <= limit:
            return groups
    return None


class _Builder:
    """New nodes and constants placed before the node they replace."""

    def __init__(self, graph: ir.Graph, node: ir.Node) -> None:
        self.graph, self.node = graph, node
        self.nodes: list[ir.Node] = []
        self.prefix = node.name or node.op_type.lower()

    def const(self, array: np.ndarray, tag: str) -> ir.Value:
        name = f"{self.prefix}__{tag}"
        tensor = ir.tensor(np.array(array, order="C"), name=name)
        value = ir.Value(name=name, const_value=tensor)
        value.shape, value.dtype = ir.Shape(array.shape), tensor.dtype
        self.graph.register_initializer(value)
        return value

    def op(
        self,
        op_type: str,
        inputs: Sequence[ir.Value | None],
        shape: Iterable[int | ir.SymbolicDim],
        **attributes: Any,
    ) -> ir.Value:
        node = ir.node(
            op_type,
            inputs,
            attributes or None,
            name=f"{self.prefix}__{op_type.lower()}{len(self.nodes)}",
        )
        node.outputs[0].name = f"{self.prefix}__{op_type.lower()}{len(self.nodes)}"
        node.outputs[0].shape, node.outputs[0].dtype = ir.Shape(list(shape)), ir.DataType.FLOAT
        self.nodes.append(node)
        return node.outputs[0]

    def window(self, x: ir.Value, axis: int, start: int, stop: int, g: int) -> ir.Value:
        shape = list(shape_of(x))
        shape[axis] = stop - start
        ints = [
            self.const(np.array([v], np.int64), f"{w}{g}")
            for w, v in (("start", start), ("stop", stop), ("axis", axis))
        ]
        return self.op("Slice", [x, *ints], shape)

    def commit(self, result: ir.Value) -> None:
        old = self.node.outputs[0]
        self.graph.insert_before(self.node, self.nodes)
        name, was_output = old.name, old.is_graph_output()
        old.replace_all_uses_with(result, replace_graph_outputs=True)
        self.graph.remove(self.node, safe=True)
        if was_output:
            result.name = name


def split_reduction(graph: ir.Graph, node: ir.Node, groups: int) -> None:
    """Rewrite `node` in place into `groups` partials and their Sum."""
    reduced, x = _reduced(node), node.inputs[0]
    if reduced is None or x is None:
        raise ToolError(f"node '{node.name}' ({node.op_type}) has no reduction to split")
    extent, axis, _, _ = reduced
    size, y = extent // groups, shape_of(node.outputs[0])
    build = _Builder(graph, node)
    weight = _weight(node) if len(node.inputs) > 1 else None  # None: a pool's
    bias = node.inputs[2] if len(node.inputs) > 2 else None
    partials = []
    for g in range(groups):
        part = build.window(x, axis, g * size, (g + 1) * size, g)
        extra = [bias] if bias is not None and g == 0 else []
        attrs = {k: a.value for k, a in node.attributes.items()}
        if weight is None:  # GlobalAveragePool over a band of rows, weighted by its share
            mean = build.op("GlobalAveragePool", [part], y)
            share = build.const(np.array(size / extent, np.float32), f"share{g}")
            partials.append(build.op("Mul", [mean, share], y))
        elif node.op_type == "Conv":
            w = build.const(weight[:, g * size : (g + 1) * size], f"w{g}")
            partials.append(build.op("Conv", [part, w, *extra], y, **attrs))
        else:  # Gemm or MatMul
            cut = (
                (slice(None), slice(g * size, (g + 1) * size))
                if attrs.get("transB")
                else (slice(g * size, (g + 1) * size),)
            )
            w = build.const(weight[cut], f"w{g}")
            partials.append(build.op(node.op_type, [part, w, *extra], y, **attrs))
    build.commit(build.op("Sum", partials, y))


def _weight(node: ir.Node) -> np.ndarray:
    """The constant weights of a Conv, Gemm or MatMul being split."""
    weight = node.inputs[1]
    if weight is None or weight.const_value is None:
        raise ToolError(f"node '{node.name}' ({node.op_type}): its weights are not a constant")
    return weight.const_value.numpy()


def split_for_budget(model: ir.Model, costs: list[CircuitCost], max_logrows: int) -> list[str]:
    """Rewrite, in place, every node that neither fits `max_logrows` nor splits into tiles
    that do, but whose reduction split does (with the fewest groups over the target's cost
    functions); returns the names of the nodes split."""
    usable = [c for c in costs if c.min_logrows <= max_logrows]
    if not usable:
        return []
    nodes, _, _, _, segments, _ = search_space(model, usable[0])
    stuck = [i for i in range(len(nodes)) if segments.option(i, i + 1, max_logrows) is None]
    done: list[str] = []
    for i in stuck:
        node = nodes[i]
        if any(_fits_under(model, c, node, max_logrows) for c in usable[1:]):
            continue
        found = [g for c in usable if (g := split_groups(node, c, max_logrows)) is not None]
        if found:
            done.append(node.name or "")
            split_reduction(model.graph, node, min(found))
    return done


def _fits_under(model: ir.Model, cost: CircuitCost, node: ir.Node, limit: int) -> bool:
    """Whether `node` alone (or its tiles) fits `limit` under another cost function."""
    nodes, _, _, _, segments, _ = search_space(model, cost)
    i = next(k for k, n in enumerate(nodes) if n is node)
    return segments.option(i, i + 1, limit) is not None
