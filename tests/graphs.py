"""Tiny inline ONNX graphs for pass tests, and an onnxruntime equivalence helper."""

import numpy as np
import onnx
import onnx_ir as ir
from onnx import TensorProto, helper, numpy_helper

from zkc.compiler.data.reference import ReferenceRunner


def make_model(nodes, inputs, outputs, initializers=(), opset=17) -> ir.Model:
    """Build, check and import a model from onnx.helper pieces."""
    graph = helper.make_graph(
        nodes, "g", inputs, outputs, [numpy_helper.from_array(a, n) for n, a in initializers]
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    proto.ir_version = 8
    onnx.checker.check_model(proto)
    return ir.serde.deserialize_model(proto)


def save_xy_model(path, nodes, x_shape, y_shape, consts=()):
    """Save a model of `nodes` from float input x to float output y (opset 17); returns path."""
    graph = helper.make_graph(
        nodes,
        "g",
        [tensor("x", x_shape)],
        [tensor("y", y_shape)],
        [numpy_helper.from_array(v, k) for k, v in consts],
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    proto.ir_version = 8
    onnx.save(proto, str(path))
    return path


def tensor(name, shape):
    """A float tensor value-info (shape may contain strings for symbolic dims)."""
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def outputs_of(model: ir.Model, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    """Run a model with onnxruntime."""
    return list(ReferenceRunner(model).run(feeds).values())


def op_types(model: ir.Model) -> list[str]:
    """The op types of the graph's nodes, in order."""
    return [n.op_type for n in model.graph]
