"""PadModesPass: reflect and edge padding become index gathers EZKL computes exactly;
constant padding with a value other than 0 becomes zero padding of x - value, plus value."""

import numpy as np
import onnx_ir as ir

from zkc.compiler.ir.graph import bypass_node, constant_array
from zkc.compiler.ir.rewrite import Rewrite, gather_axis, is_onnx, static_shape
from zkc.compiler.pipeline.base import ZkcPass


def pad_indices(size: int, before: int, after: int, mode: str) -> list[int] | None:
    """Source index of every position of a padded axis, or None if the mode cannot pad that far."""
    positions = np.arange(-before, size + after)
    if mode == "edge":
        return [int(i) for i in np.clip(positions, 0, size - 1)]
    if before > size - 1 or after > size - 1:
        return None  # ONNX reflect needs pads < size
    reflected = np.abs(positions)
    return [int(i) for i in np.where(reflected > size - 1, 2 * (size - 1) - reflected, reflected)]


def pad_by_gather(
    rw: Rewrite, x: ir.Value, shape: tuple[int, ...], pads: list[int], mode: str
) -> tuple[ir.Value, tuple[int, ...]] | None:
    """Gather-based padding of x; returns (value, shape) or None when not expressible."""
    rank = len(shape)
    for axis in range(rank):
        before, after = pads[axis], pads[axis + rank]
        if before == 0 and after == 0:
            continue
        if before < 0 or after < 0:
            return None
        indices = pad_indices(shape[axis], before, after, mode)
        if indices is None:
            return None
        x, shape = gather_axis(rw, x, shape, axis, indices)
    return x, shape


class PadModesPass(ir.passes.InPlacePass, ZkcPass):
    """Rewrites Pad in `reflect` or `edge` mode into one Gather per padded axis.

    EZKL 23 refuses these modes ("pad mode or pad type"). Pads (and axes) must be
    constants. Constant-mode Pad with value 0 is left to EZKL, which computes it correctly;
    with another constant value (which EZKL refuses the same way) it becomes
    Add(Pad(Sub(x, value)), value).
    """

    pass_name = "pad_modes"
    version = 2

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        modified = False
        for node in list(model.graph):
            if not is_onnx(node, "Pad"):
                continue
            mode = node.attributes["mode"].value if "mode" in node.attributes else "constant"
            x, shape = node.inputs[0], static_shape(node.inputs[0])
            if x is None or shape is None:
                continue
            pads = _full_pads(node, len(shape))
            if mode == "constant":
                if pads is not None:
                    modified |= _shift_constant_value(model.graph, node, x, shape, pads)
                continue
            if mode not in ("reflect", "edge") or pads is None:
                continue
            rw = Rewrite(model.graph, node)
            padded = pad_by_gather(rw, x, shape, pads, mode)
            if padded is None:
                continue
            if rw.nodes:
                rw.commit(padded[0])
                modified = True
            else:  # all pads are 0
                modified |= bypass_node(model.graph, node, x, node.outputs[0])
        return ir.passes.PassResult(model, modified=modified)


def _shift_constant_value(
    graph: ir.Graph, node: ir.Node, x: ir.Value, shape: tuple[int, ...], pads: list[int]
) -> bool:
    """Pad(x, pads, value) with a constant non-zero value -> Add(Pad(Sub(x, value), pads), value)."""
    value_in = node.inputs[2] if len(node.inputs) > 2 else None
    value = constant_array(value_in) if value_in is not None else None
    if value is None or value.size != 1 or float(value.reshape(-1)[0]) == 0.0:
        return False
    if x.dtype not in (ir.DataType.FLOAT, None):
        return False
    rw = Rewrite(graph, node)
    c = rw.const(np.asarray(value, np.float32).reshape(()), "value")
    shifted = rw.op("Sub", [x, c], shape)
    padded = rw.op("Pad", [shifted, rw.const(np.array(pads, np.int64), "pads")], mode="constant")
    rw.commit(rw.op("Add", [padded, c]))
    return True


def _full_pads(node: ir.Node, rank: int) -> list[int] | None:
    given = constant_array(node.inputs[1]) if len(node.inputs) > 1 else None
    if given is None:
        return None
    pads = [int(p) for p in given.reshape(-1)]
    axes_in = node.inputs[3] if len(node.inputs) > 3 else None
    if axes_in is None:
        return pads if len(pads) == 2 * rank else None
    axes_given = constant_array(axes_in)
    if axes_given is None:
        return None
    full = [0] * (2 * rank)
    axes = [int(a) % rank for a in axes_given.reshape(-1)]
    for i, axis in enumerate(axes):
        full[axis], full[axis + rank] = pads[i], pads[i + len(axes)]
    return full
