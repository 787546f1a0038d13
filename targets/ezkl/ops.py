"""Which ONNX ops the EZKL target vouches for, checked before EZKL sees the model.

Only what can never be a circuit is refused here (If and Loop, custom domains; ONNX-ML ops are
tried, as EZKL computes some). An op the table has not measured computing right (unmeasured,
measured failing on another case, or with attributes past what the passes rewrite) is tried on
the user's own model: the compile's
reference check against onnxruntime decides, and the manifest records it as measured on this
model. The user's model is the case that matters. The table is measured, not written:
`make ops` runs every op case (model_zoo.op_cases, model_zoo.op_families) through zkc's passes
and EZKL's witness against onnxruntime and writes op_table.json beside this file, with the
EZKL version it measured. Ops are those left after zkc's passes.
"""

import json
from pathlib import Path

import onnx_ir as ir

from zkc.compiler.data.reference_check import OpTrial
from zkc.compiler.errors import UnsupportedOpError

TABLE_FILE = Path(__file__).with_name("op_table.json")
ONNX_ML = "ai.onnx.ml"  # ONNX's own second domain: tried like an unmeasured op, not refused


def _load_table() -> tuple[frozenset[str], dict[str, str], str]:
    """The op table `make ops` measured (targets/ezkl/op_table.json): the op types EZKL
    computed within tolerance after zkc's passes in some op case, and for each op it only ever
    failed or got wrong, how."""
    table = json.loads(TABLE_FILE.read_text())
    return frozenset(table["computed"]), dict(table["not_computed"]), table["ezkl"]


SUPPORTED_OPS, MEASURED_FAILURES, MEASURED_WITH = _load_table()

# Ops that can never become a fixed circuit: refused whatever the model.
NEVER: dict[str, str] = {
    "Loop": "control flow cannot become a fixed circuit",
    "If": "control flow cannot become a fixed circuit",
}
# Scan runs its body a number of times fixed by static shapes: EZKL unrolls it (the node
# corpus's scan9 cases), so it is tried like an unmeasured op.
# What the passes leave of ops only partly rewritten (EZKL 23.0.5 fails on the rest): tried.
REFUSED: dict[str, str] = {
    "ConvTranspose": "only group-1 transposed convolutions with constant weights and a static input shape are rewritten (pass conv_transpose)",
    "Tile": "only Tile with constant repeats and a static input shape is rewritten (pass tile)",
    **NEVER,
}


def _attr(node: ir.Node, name: str, default):
    attr = node.attributes.get(name)
    return attr.value if attr is not None else default


def _attribute_problem(node: ir.Node) -> str | None:
    """Why this node's attributes or inputs are beyond EZKL 23 after zkc's passes, or None."""
    op = node.op_type
    if op in ("Conv", "MaxPool", "AveragePool") and "strides" not in node.attributes:
        return (
            "no explicit strides (EZKL requires them; pass explicit_attributes could not add them)"
        )
    if op == "Conv" and any(d != 1 for d in _attr(node, "dilations", [1])):
        return "dilated convolution with non-constant weights (pass dilated_conv needs constants)"
    if op == "MaxPool" and (
        any(_attr(node, "pads", [0])) or any(d != 1 for d in _attr(node, "dilations", [1]))
    ):
        return "MaxPool with pads or dilations that pass maxpool_windows could not rewrite (ceil_mode, Indices output, or both at once)"
    if op == "Pad" and _attr(node, "mode", "constant") not in ("constant", b"constant"):
        return f"Pad mode '{_attr(node, 'mode', '')}' needs constant pads and a static shape (pass pad_modes)"
    if op == "Pow" and (
        len(node.inputs) < 2 or node.inputs[1] is None or node.inputs[1].const_value is None
    ):
        return "Pow with a non-constant exponent"
    return None


def _untrusted(node: ir.Node) -> str | None:
    """Why the table does not vouch for this node, or None when it does."""
    op = node.op_type
    if op in REFUSED:
        return REFUSED[op]
    if op in MEASURED_FAILURES and op not in SUPPORTED_OPS:
        return f"EZKL {MEASURED_WITH} {MEASURED_FAILURES[op]}"
    if op not in SUPPORTED_OPS:
        return f"no op case measured it on EZKL {MEASURED_WITH}"
    return _attribute_problem(node)


def check_ops(model: ir.Model, source: str) -> list[OpTrial]:
    """Raise UnsupportedOpError for a node that can never be a circuit; return the ops the
    table does not vouch for, by op, to try on this model."""
    trials: dict[tuple[str, str], list[str]] = {}
    for node in model.graph:
        name = node.name or "?"
        if node.domain == ONNX_ML:  # EZKL's tract computes some (ArrayFeatureExtractor)
            key = (f"{ONNX_ML}::{node.op_type}", "an ONNX-ML op: no op case measured it")
            trials.setdefault(key, []).append(name)
            continue
        if node.domain not in ("", "ai.onnx"):
            raise UnsupportedOpError(
                source,
                name,
                f"{node.domain}::{node.op_type}",
                "custom-domain ops are not supported by the EZKL target",
            )
        if node.op_type in NEVER:
            raise UnsupportedOpError(source, name, node.op_type, NEVER[node.op_type])
        if (why := _untrusted(node)) is not None:
            trials.setdefault((node.op_type, why), []).append(name)
    return [OpTrial(op=op, nodes=nodes, why=why) for (op, why), nodes in trials.items()]
