"""A small builder for rewrite passes: new nodes before an anchor node, then swap the result in."""

from typing import Any, overload

import numpy as np
import onnx_ir as ir

from zkc.compiler.ir.graph import add_initializer


class Rewrite:
    """Collects the nodes that replace `anchor`, named after it, and splices them in.

    Values created here get their static shapes when the caller gives them, so later
    rewrites in the same pipeline can read them.
    """

    def __init__(self, graph: ir.Graph, anchor: ir.Node):
        self.graph = graph
        self.anchor = anchor
        self.prefix = anchor.name or anchor.op_type.lower()
        self.nodes: list[ir.Node] = []

    def const(self, array: np.ndarray, tag: str) -> ir.Value:
        """A new initializer (float32 stays float32, integers int64)."""
        arr = np.asarray(array)
        arr = arr.astype(np.int64) if arr.dtype.kind in "iu" else arr.astype(np.float32)
        return add_initializer(self.graph, f"{self.prefix}_{tag}", arr)

    def op(
        self,
        op_type: str,
        inputs: list[ir.Value | None],
        shape: tuple[int, ...] | list[int] | None = None,
        **attributes: Any,
    ) -> ir.Value:
        """Append one node; returns its (first) output, shaped if `shape` is given."""
        index = len(self.nodes)
        node = ir.node(
            op_type, inputs, attributes or None, name=f"{self.prefix}/{op_type.lower()}{index}"
        )
        out = node.outputs[0]
        out.name = f"{self.prefix}_{op_type.lower()}{index}"
        if shape is not None:
            out.shape = ir.Shape(list(shape))
            out.dtype = ir.DataType.FLOAT
        self.nodes.append(node)
        return out

    def commit(self, result: ir.Value) -> None:
        """Insert the new nodes, route every use of the anchor's output to `result`, drop the anchor."""
        old = self.anchor.outputs[0]
        self.graph.insert_before(self.anchor, self.nodes)
        name, was_output = old.name, old.is_graph_output()
        if result.shape is None:
            result.shape = old.shape
            if old.dtype is not None:  # a value typed with no dtype cannot be serialised
                result.dtype = old.dtype
        old.replace_all_uses_with(result, replace_graph_outputs=True)
        self.graph.remove(self.anchor, safe=True)
        if was_output:
            result.name = name


def static_shape(value: ir.Value | None) -> tuple[int, ...] | None:
    """The value's shape if fully static, else None."""
    if value is None or value.shape is None:
        return None
    dims = [d for d in value.shape if isinstance(d, int)]
    return tuple(dims) if len(dims) == len(value.shape) else None


@overload
def int_list(node: ir.Node, name: str, default: list[int]) -> list[int]: ...


@overload
def int_list(node: ir.Node, name: str, default: None) -> list[int] | None: ...


def int_list(node: ir.Node, name: str, default: list[int] | None) -> list[int] | None:
    """An INTS attribute as a list, or the default."""
    attr = node.attributes.get(name)
    return list(attr.value) if attr is not None else default


def is_onnx(node: ir.Node, *op_types: str) -> bool:
    """The node is one of these ops in the default ONNX domain."""
    return node.domain in ("", "ai.onnx") and node.op_type in op_types


def gather_axis(
    rw: Rewrite, x: ir.Value, shape: tuple[int, ...], axis: int, indices: list[int]
) -> tuple[ir.Value, tuple[int, ...]]:
    """x re-indexed along one axis by constant indices (EZKL computes Gather exactly)."""
    idx = rw.const(np.asarray(indices, dtype=np.int64), f"idx{len(rw.nodes)}")
    new_shape = (*shape[:axis], len(indices), *shape[axis + 1 :])
    return rw.op("Gather", [x, idx], new_shape, axis=axis), new_shape
