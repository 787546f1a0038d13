"""ConvAsMatMulPass: a 2-D convolution becomes its patches (one Slice per kernel tap, Concat)
times the kernel as a matrix, the lowering EZKL lays out in fewer rows for most layers."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import onnx_ir as ir

from zkc.compiler.ir.graph import constant_array
from zkc.compiler.ir.rewrite import Rewrite, gather_axis, int_list, is_onnx, static_shape
from zkc.compiler.pipeline.base import PassOptions, ZkcPass


@dataclass(frozen=True)
class ConvShape:
    """What a 2-D convolution's lowering costs depend on."""

    batch: int
    channels: int
    out_channels: int
    kernel: tuple[int, int]
    out_hw: tuple[int, int]
    in_elements: int  # of the (padded) input

    @property
    def patch_rows(self) -> int:  # K: one row of the patch matrix per channel and tap
        return self.channels * self.kernel[0] * self.kernel[1]

    @property
    def positions(self) -> int:  # P: output positions
        return self.out_hw[0] * self.out_hw[1]

    @property
    def macs(self) -> int:
        return self.batch * self.out_channels * self.patch_rows * self.positions


def conv_shape(node: ir.Node) -> ConvShape | None:
    """The shape of a Conv this pass can lower (2-D, one group, undilated, constant kernel,
    static input), else None."""
    if not is_onnx(node, "Conv") or int_list(node, "dilations", [1, 1]) != [1, 1]:
        return None
    group = node.attributes.get("group")
    weight, shape = constant_array(node.inputs[1]), static_shape(node.inputs[0])
    if (group is not None and group.value != 1) or weight is None or shape is None:
        return None
    if weight.ndim != 4 or len(shape) != 4 or node.attributes.get("auto_pad") is not None:
        return None
    pads = int_list(node, "pads", [0, 0, 0, 0])
    strides = int_list(node, "strides", [1, 1])
    padded = (shape[2] + pads[0] + pads[2], shape[3] + pads[1] + pads[3])
    kh, kw = weight.shape[2:]
    out = ((padded[0] - kh) // strides[0] + 1, (padded[1] - kw) // strides[1] + 1)
    if min(out) < 1:
        return None
    elements = shape[0] * shape[1] * padded[0] * padded[1]
    return ConvShape(shape[0], shape[1], weight.shape[0], (kh, kw), out, elements)


def always(shape: ConvShape) -> bool:
    return True


class ConvAsMatMulPass(ir.passes.InPlacePass, ZkcPass):
    """Rewrites Conv (2-D, group 1, undilated, constant kernel) into
    Pad? -> Slice per kernel tap (Gather for strides) -> Concat -> Reshape [N, C*kh*kw, P]
    -> MatMul with the kernel as an [O, C*kh*kw] matrix -> Reshape [N, O, OH, OW] -> Add bias.

    EZKL proves a product of two matrices with Freivalds' argument, in rows that grow with
    the operands' and result's sizes rather than with the multiply-accumulates; a Conv is laid
    out per multiply-accumulate. `choose` decides per convolution (the EZKL target passes the
    measured costs in `lowering_costs.json`); by default every one is lowered.
    """

    pass_name = "conv_as_matmul"
    version = 1

    def __init__(
        self, options: PassOptions | None = None, choose: Callable[[ConvShape], bool] = always
    ):
        super().__init__(options)
        self.choose = choose

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        modified = False
        for node in list(model.graph):
            shape = conv_shape(node)
            if shape is not None and self.choose(shape):
                lower(model.graph, node, shape)
                modified = True
        return ir.passes.PassResult(model, modified=modified)


def lower(graph: ir.Graph, node: ir.Node, shape: ConvShape) -> None:
    """Replace `node` (a Conv of this shape) by its patches times its kernel matrix."""
    rw = Rewrite(graph, node)
    cols = patches(rw, node, shape)
    weight = constant_array(node.inputs[1])
    assert weight is not None  # conv_shape checked it
    kernel = weight.transpose(0, 2, 3, 1).reshape(shape.out_channels, shape.patch_rows)
    n, o, (oh, ow) = shape.batch, shape.out_channels, shape.out_hw
    flat = rw.op("Reshape", [cols, rw.const(np.array([n, shape.patch_rows, oh * ow]), "cols")])
    flat.shape, flat.dtype = ir.Shape([n, shape.patch_rows, oh * ow]), ir.DataType.FLOAT
    product = rw.op("MatMul", [rw.const(kernel, "kernel"), flat], (n, o, oh * ow))
    y = rw.op("Reshape", [product, rw.const(np.array([n, o, oh, ow]), "out")], (n, o, oh, ow))
    bias = constant_array(node.inputs[2]) if len(node.inputs) > 2 and node.inputs[2] else None
    if bias is not None:
        y = rw.op("Add", [y, rw.const(bias.reshape(o, 1, 1), "bias")], (n, o, oh, ow))
    elif len(node.inputs) > 2 and node.inputs[2] is not None:  # a bias computed in the graph
        b = rw.op("Reshape", [node.inputs[2], rw.const(np.array([o, 1, 1]), "bshape")])
        y = rw.op("Add", [y, b], (n, o, oh, ow))
    rw.commit(y)


def patches(rw: Rewrite, node: ir.Node, shape: ConvShape) -> ir.Value:
    """The input's patches [N, kh*kw*C, OH, OW] (tap-major, channel-minor)."""
    x = node.inputs[0]
    assert x is not None
    dims = static_shape(x)
    assert dims is not None
    pads = int_list(node, "pads", [0, 0, 0, 0])
    sh, sw = int_list(node, "strides", [1, 1])
    n, c, (kh, kw), (oh, ow) = shape.batch, shape.channels, shape.kernel, shape.out_hw
    if any(pads):
        full = np.array([0, 0, pads[0], pads[1], 0, 0, pads[2], pads[3]])
        dims = (n, c, dims[2] + pads[0] + pads[2], dims[3] + pads[1] + pads[3])
        x = rw.op("Pad", [x, rw.const(full, "pads")], dims, mode="constant")
    taps: list[ir.Value | None] = [
        tap(rw, x, dims, i, j, (sh, sw), (oh, ow)) for i in range(kh) for j in range(kw)
    ]
    if len(taps) == 1 and taps[0] is not None:
        return taps[0]
    return rw.op("Concat", taps, (n, c * kh * kw, oh, ow), axis=1)


def tap(
    rw: Rewrite,
    x: ir.Value,
    dims: tuple[int, ...],
    i: int,
    j: int,
    strides: tuple[int, int],
    out: tuple[int, int],
) -> ir.Value:
    """The input under kernel tap (i, j) at every output position: [N, C, OH, OW]."""
    (sh, sw), (oh, ow) = strides, out
    if dims[2:] == (oh, ow) and (i, j) == (0, 0):
        return x  # a 1x1 kernel with stride 1: the input itself
    if (sh, sw) == (1, 1):
        starts, ends = rw.const(np.array([i, j]), "s"), rw.const(np.array([i + oh, j + ow]), "e")
        return rw.op(
            "Slice", [x, starts, ends, rw.const(np.array([2, 3]), "axes")], (*dims[:2], oh, ow)
        )
    rows, shaped = gather_axis(rw, x, dims, 2, [i + sh * r for r in range(oh)])
    cols, _ = gather_axis(rw, rows, shaped, 3, [j + sw * q for q in range(ow)])
    return cols
