"""Lookups into an ir.Model with inferred shapes: nodes by name, constants, tensor shapes."""

from dataclasses import dataclass

import numpy as np
import onnx_ir as ir

from zkc.compiler.ir.graph import constant_array

DEFAULT_OPSET = 17


@dataclass
class ModelIndex:
    """A model's nodes by name, its constants (initializers and Constant nodes' values) by
    tensor name, every tensor's static shape, and its default-domain opset."""

    nodes: dict[str, ir.Node]
    constants: dict[str, np.ndarray]
    shapes: dict[str, tuple[int, ...]]
    opset: int

    @classmethod
    def of(cls, model: ir.Model) -> "ModelIndex":
        graph = model.graph
        constants: dict[str, np.ndarray] = {}
        for name, value in graph.initializers.items():
            if value.const_value is not None:
                constants[name] = value.const_value.numpy()
        shapes = {v.name: _dims(v) for v in graph.inputs if v.name}
        for node in graph:
            if (
                node.op_type == "Constant"
                and (array := constant_array(node.outputs[0])) is not None
            ):
                constants[node.outputs[0].name or ""] = array
            for value in node.outputs:
                shapes[value.name or ""] = _dims(value)
        opset = model.opset_imports.get("", model.opset_imports.get("ai.onnx", DEFAULT_OPSET))
        return cls({n.name or "": n for n in graph}, constants, shapes, opset)


def _dims(value: ir.Value) -> tuple[int, ...]:
    """A tensor's shape, unknown dimensions as 0 (as ONNX's shape inference writes them)."""
    if value.shape is None:
        return ()
    return tuple(d if isinstance(d, int) else 0 for d in value.shape)
