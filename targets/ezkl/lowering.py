"""Lowerings as the EZKL target's choice: each distinct circuit's model (a whole model, a
slice or a tile's piece, after the cut) is rewritten into the forms EZKL lays out in fewer
rows, per node and shape, by the measured costs (cost_coefficients.json, bench/cost_model.py).
Today: a convolution as patches times its kernel matrix (zkc.passes.conv_as_matmul)."""

from pathlib import Path

from zkc.compiler.ir.model_io import load_model, save_model
from zkc.passes.conv_as_matmul import ConvAsMatMulPass, ConvShape
from zkc.targets.ezkl.circuit import MODEL_FILE
from zkc.targets.ezkl.config import EzklConfig
from zkc.targets.ezkl.cost_model import default_cost_model

# The rewrite passes the target applies per circuit after the cut (not in a pipeline).
LOWERINGS = (ConvAsMatMulPass,)


def lower_circuit(directory: Path, config: EzklConfig) -> int:
    """Rewrite `directory/model.onnx` as the config's lowering chooses; the number of nodes
    lowered (the file is left byte for byte when none is)."""
    if config.lowering == "none":
        return 0
    cost = default_cost_model(config.decomp_base, config.decomp_legs)
    chosen: list[ConvShape] = []

    def choose(shape: ConvShape) -> bool:
        if cost.lowers(shape):
            chosen.append(shape)
            return True
        return False

    path = directory / MODEL_FILE
    model = load_model(path, infer_shapes=True)
    if not ConvAsMatMulPass(choose=choose)(model).modified:
        return 0
    save_model(model, path)
    return len(chosen)
