"""ExplicitAttributesPass: spell out the default strides, dilations and pads of windowed ops."""

import math

import onnx_ir as ir

from zkc.compiler.ir.rewrite import int_list, is_onnx, static_shape
from zkc.compiler.pipeline.base import ZkcPass

WINDOWED = ("Conv", "ConvTranspose", "MaxPool", "AveragePool")


class ExplicitAttributesPass(ir.passes.InPlacePass, ZkcPass):
    """Writes `strides`, `dilations` and `pads` on Conv, ConvTranspose, MaxPool, AveragePool.

    EZKL 23 refuses a convolution or pool without an explicit `strides` ("a node is missing
    required params: stride"), though ONNX defaults it to 1. `auto_pad` SAME_UPPER,
    SAME_LOWER and VALID become explicit pads (input shape permitting). Values are unchanged.
    """

    pass_name = "explicit_attributes"
    version = 1

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        modified = False
        for node in model.graph:
            if is_onnx(node, *WINDOWED):
                modified |= _make_explicit(node)
        return ir.passes.PassResult(model, modified=modified)


def _spatial_rank(node: ir.Node) -> int | None:
    kernel = int_list(node, "kernel_shape", None)
    if kernel is not None:
        return len(kernel)
    weight = static_shape(node.inputs[1]) if len(node.inputs) > 1 else None
    return len(weight) - 2 if weight is not None else None


def _make_explicit(node: ir.Node) -> bool:
    rank = _spatial_rank(node)
    if rank is None:
        return False
    changed = False
    names = ["strides", "pads"] + (["dilations"] if node.op_type != "AveragePool" else [])
    auto = node.attributes.get("auto_pad")
    if auto is not None and auto.value not in ("NOTSET", b"NOTSET"):
        if node.op_type == "ConvTranspose" or not _resolve_auto_pad(node, rank, str(auto.value)):
            return False
        changed = True
    for name in names:
        if name not in node.attributes:
            value = [0] * (2 * rank) if name == "pads" else [1] * rank
            node.attributes[name] = ir.AttrInt64s(name, value)
            changed = True
    return changed


def _resolve_auto_pad(node: ir.Node, rank: int, mode: str) -> bool:
    shape = static_shape(node.inputs[0])
    kernel = int_list(node, "kernel_shape", None)
    if kernel is None and len(node.inputs) > 1:
        weight = static_shape(node.inputs[1])
        kernel = list(weight[2:]) if weight is not None else None
    if shape is None or kernel is None:
        return False
    strides = int_list(node, "strides", [1] * rank)
    dilations = int_list(node, "dilations", [1] * rank)
    begin, end = [], []
    for size, k, s, d in zip(shape[2:], kernel, strides, dilations, strict=True):
        total = 0
        if mode != "VALID":
            out = math.ceil(size / s)
            total = max(0, (out - 1) * s + (k - 1) * d + 1 - size)
        small, large = total // 2, total - total // 2
        begin.append(large if mode == "SAME_LOWER" else small)
        end.append(small if mode == "SAME_LOWER" else large)
    del node.attributes["auto_pad"]
    node.attributes["pads"] = ir.AttrInt64s("pads", begin + end)
    return True
