"""AddNonceInputPass: give the circuit a `nonce` input that reaches the public instances."""

import onnx_ir as ir

from zkc.compiler.pipeline.base import ZkcPass

NONCE_INPUT = "nonce"


class AddNonceInputPass(ir.passes.InPlacePass, ZkcPass):
    """Appends a float input `nonce` of shape [1] after the model's own inputs.

    Subnet 2 validators reject a repeated request, so every request carries a nonce, and
    the proof must bind it: with public inputs EZKL makes every graph input a public
    instance, used by a node or not. No node reads it, so the outputs are unchanged.
    Running the pass on a model that already has the input changes nothing.
    """

    pass_name = "add_nonce"
    version = 1
    adds_inputs = {NONCE_INPUT: (1,)}

    def call(self, model: ir.Model) -> ir.passes.PassResult:
        if any(value.name == NONCE_INPUT for value in model.graph.inputs):
            return ir.passes.PassResult(model, modified=False)
        nonce = ir.Value(
            name=NONCE_INPUT, shape=ir.Shape([1]), type=ir.TensorType(ir.DataType.FLOAT)
        )
        model.graph.inputs.append(nonce)
        return ir.passes.PassResult(model, modified=True)
