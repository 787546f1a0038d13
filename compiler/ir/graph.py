"""Small IR helpers shared by passes (bypassing a node, reading constants)."""

import hashlib

import numpy as np
import onnx_ir as ir


def constant_array(value: ir.Value | None) -> np.ndarray | None:
    """The value's constant contents (initializer, folded constant or Constant node), or None."""
    if value is None:
        return None
    if value.const_value is not None:
        return value.const_value.numpy()
    producer = value.producer()
    if producer is not None and producer.op_type == "Constant" and "value" in producer.attributes:
        return producer.attributes["value"].as_tensor().numpy()
    return None


def bypass_node(graph: ir.Graph, node: ir.Node, source: ir.Value, result: ir.Value) -> bool:
    """Make every user of `result` read `source` instead, then remove `node`.

    When `result` is a graph output, `source` takes its name so the graph's interface is
    unchanged; that is impossible when `source` is itself a graph input or output, and
    then the node is kept (returns False).
    """
    if result.is_graph_output():
        if source.is_graph_input() or source.is_graph_output() or source.is_initializer():
            return False
        name = result.name
        result.replace_all_uses_with(source, replace_graph_outputs=True)
        graph.remove(node, safe=True)
        source.name = name
        return True
    result.replace_all_uses_with(source)
    graph.remove(node, safe=True)
    return True


def add_initializer(graph: ir.Graph, name: str, array: np.ndarray) -> ir.Value:
    """Register a new initializer with a name not used in the graph yet."""
    taken = set(graph.initializers)
    candidate, n = name, 0
    while candidate in taken:
        n += 1
        candidate = f"{name}_{n}"
    tensor = ir.tensor(array, name=candidate)
    value = ir.Value(name=candidate, const_value=tensor)
    value.shape = ir.Shape(array.shape)
    value.dtype = ir.DataType.FLOAT if array.dtype == np.float32 else tensor.dtype
    graph.register_initializer(value)
    return value


def graph_signature(model: ir.Model) -> str:
    """A digest of what the graph computes: nodes (ops, wiring, attributes) and initializer data.

    Unlike the model digest it ignores metadata, doc strings and inferred value infos, so a
    tool that only re-annotates a model does not count as modifying it.
    """
    digest = hashlib.sha256()
    for node in model.graph:
        ins = [v.name if v is not None else "" for v in node.inputs]
        outs = [v.name for v in node.outputs]
        attrs = sorted((k, repr(a.value)) for k, a in node.attributes.items())
        digest.update(repr((node.domain, node.op_type, ins, outs, attrs)).encode())
    for name in sorted(model.graph.initializers):
        value = model.graph.initializers[name]
        data = value.const_value.numpy() if value.const_value is not None else np.zeros(0)
        digest.update(f"{name}:{data.dtype}:{data.shape}".encode())
        digest.update(np.ascontiguousarray(data).tobytes())
    io = [(v.name, str(v.shape)) for v in (*model.graph.inputs, *model.graph.outputs)]
    digest.update(repr(io).encode())
    return digest.hexdigest()
