"""TilePass: Tile with constant repeats becomes index gathers (EZKL 23 fails on Tile)."""

import onnx_ir as ir

from zkc.compiler.ir.graph import bypass_node, constant_array
from zkc.compiler.ir.rewrite import Rewrite, gather_axis, is_onnx, static_shape
from zkc.compiler.pipeline.base import ZkcPass


class TilePass(ir.passes.InPlacePass, ZkcPass):
    """Rewrites Tile(x, repeats) into one Gather per repeated axis: indices 0..n-1, r times.

    EZKL 23 fails with a synthesis error on Tile. Needs a static input shape and constant
    repeats.
    """

    pass_name = "tile"
    version = 1

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        modified = False
        for node in list(model.graph):
            if not is_onnx(node, "Tile"):
                continue
            shape = static_shape(node.inputs[0])
            repeats = constant_array(node.inputs[1])
            if shape is None or repeats is None:
                continue
            x = node.inputs[0]
            if x is None:
                continue
            source = x
            rw = Rewrite(model.graph, node)
            for axis, count in enumerate(int(r) for r in repeats.reshape(-1)):
                if count != 1:
                    x, shape = gather_axis(rw, x, shape, axis, list(range(shape[axis])) * count)
            if rw.nodes:
                rw.commit(x)
                modified = True
            else:  # all repeats are 1
                modified |= bypass_node(model.graph, node, source, node.outputs[0])
        return ir.passes.PassResult(model, modified=modified)
