"""DilatedConvPass: a dilated convolution becomes an ordinary one with a zero-spread kernel."""

import numpy as np
import onnx_ir as ir

from zkc.compiler.ir.graph import add_initializer, constant_array
from zkc.compiler.ir.rewrite import int_list, is_onnx
from zkc.compiler.pipeline.base import ZkcPass


def dilate_kernel(weight: np.ndarray, dilations: list[int]) -> np.ndarray:
    """Spread a (out, in, k1, k2, ...) kernel: k becomes (k - 1) * d + 1, gaps filled with zeros."""
    spatial = weight.shape[2:]
    shape = [(k - 1) * d + 1 for k, d in zip(spatial, dilations, strict=True)]
    out = np.zeros((*weight.shape[:2], *shape), dtype=weight.dtype)
    out[(slice(None), slice(None), *(slice(None, None, d) for d in dilations))] = weight
    return out


class DilatedConvPass(ir.passes.InPlacePass, ZkcPass):
    """Rewrites Conv with dilations != 1 (1-D, 2-D, 3-D) into Conv with dilations 1.

    EZKL 23 refuses non-unit dilations. The kernel (a constant) is spread to
    (k - 1) * d + 1 with zeros between its taps: the same outputs, more multiplications.
    """

    pass_name = "dilated_conv"
    version = 1

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        modified = False
        for node in model.graph:
            if not is_onnx(node, "Conv"):
                continue
            dilations = int_list(node, "dilations", None)
            weight = constant_array(node.inputs[1])
            if dilations is None or all(d == 1 for d in dilations) or weight is None:
                continue
            spread = dilate_kernel(weight, dilations)
            value = add_initializer(model.graph, f"{node.name or 'conv'}_W_undilated", spread)
            node.replace_input_with(1, value)
            node.attributes["dilations"] = ir.AttrInt64s("dilations", [1] * len(dilations))
            if "kernel_shape" in node.attributes:
                node.attributes["kernel_shape"] = ir.AttrInt64s(
                    "kernel_shape", list(spread.shape[2:])
                )
            modified = True
        return ir.passes.PassResult(model, modified=modified)
