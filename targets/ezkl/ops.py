"""Which ONNX ops the EZKL target compiles, checked before EZKL ever sees the model.

EZKL 23 stops the process or fails silently on an op it does not know, so every op is
checked here first and refused with the node's name. The table lists ops after zkc's
passes (Identity, Dropout, BatchNormalization and constant sub-graphs are gone by then).
"""

import onnx_ir as ir

from zkc.compiler.errors import UnsupportedOpError

SUPPORTED_OPS: frozenset[str] = frozenset(
    {
        "Abs", "Add", "And", "ArgMax", "ArgMin", "AveragePool", "Cast", "Ceil", "Clip",
        "Concat", "Constant", "Conv", "Cos", "Div", "Einsum", "Equal", "Erf", "Exp",
        "Flatten", "Floor", "Gather", "Gemm", "GlobalAveragePool", "Greater", "HardSwish",
        "LeakyRelu", "Less", "Log", "MatMul", "Max", "MaxPool", "Min", "Mul", "Neg", "Not",
        "Or", "Reciprocal", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceSum", "Relu",
        "Reshape", "Round", "Sigmoid", "Sign", "Sin", "Slice", "Softmax", "Sqrt", "Squeeze",
        "Sub", "Sum", "Tanh", "Transpose", "Unsqueeze", "Where",
    }
)  # fmt: skip

# Ops EZKL 23.0.5 accepts but computes wrongly or not at all (measured; see issue texts).
KNOWN_BROKEN: dict[str, str] = {
    "ConvTranspose": "EZKL 23 mis-computes transposed convolutions",
    "Pad": "EZKL 23 rejects or mis-computes Pad",
    "PRelu": "EZKL 23 mis-computes per-channel PRelu",
    "Expand": "EZKL 23 rejects Expand",
    "Tile": "EZKL 23 rejects Tile",
    "Pow": "EZKL 23 rejects Pow",
    "LSTM": "recurrent layers must be unrolled first (not yet supported)",
    "GRU": "recurrent layers must be unrolled first (not yet supported)",
    "Loop": "control flow cannot become a fixed circuit",
    "If": "control flow cannot become a fixed circuit",
}


def check_ops(model: ir.Model, source: str) -> None:
    """Raise UnsupportedOpError for the first node whose op the EZKL target cannot compile."""
    for node in model.graph:
        if node.domain not in ("", "ai.onnx"):
            raise UnsupportedOpError(
                source, node.name or "?", f"{node.domain}::{node.op_type}",
                "custom-domain ops are not supported by the EZKL target",
            )  # fmt: skip
        if node.op_type in KNOWN_BROKEN:
            raise UnsupportedOpError(
                source, node.name or "?", node.op_type, KNOWN_BROKEN[node.op_type]
            )
        if node.op_type not in SUPPORTED_OPS:
            raise UnsupportedOpError(
                source, node.name or "?", node.op_type, "op not supported by the EZKL target"
            )
        if node.op_type == "Conv" and _dilated(node):
            raise UnsupportedOpError(
                source,
                node.name or "?",
                node.op_type,
                "dilated convolutions are mis-computed by EZKL 23",
            )


def _dilated(node: ir.Node) -> bool:
    dilations = node.attributes.get("dilations")
    return dilations is not None and any(d != 1 for d in dilations.value)
