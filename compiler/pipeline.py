"""Named pass pipelines and the one runner that executes them with instruments."""

from collections.abc import Sequence

import onnx_ir as ir
from pydantic import BaseModel

from zkc.compiler.errors import UserInputError
from zkc.compiler.instruments import Instrument, TimingInstrument
from zkc.compiler.model_io import model_digest
from zkc.compiler.pass_base import PassOptions, ZkcPass
from zkc.passes.add_nonce import AddNonceInputPass
from zkc.passes.constant_folding import ConstantFoldingPass
from zkc.passes.conv_transpose import ConvTransposePass
from zkc.passes.dilated_conv import DilatedConvPass
from zkc.passes.explicit_attributes import ExplicitAttributesPass
from zkc.passes.fold_batchnorm import FoldBatchNormPass
from zkc.passes.maxpool_windows import MaxPoolWindowsPass
from zkc.passes.pad_modes import PadModesPass
from zkc.passes.remove_noops import RemoveNoOpsPass
from zkc.passes.simplify import SimplifyPass
from zkc.passes.static_shapes import StaticShapesPass
from zkc.passes.tile import TilePass

_EZKL_DEFAULT: list[type[ZkcPass]] = [
    StaticShapesPass,
    SimplifyPass,
    RemoveNoOpsPass,
    FoldBatchNormPass,
    ConstantFoldingPass,
    # rewrites into forms EZKL computes correctly (measured: `make ops`, docs/ops.md)
    ExplicitAttributesPass,
    DilatedConvPass,
    ConvTransposePass,
    PadModesPass,
    MaxPoolWindowsPass,
    TilePass,
]

PIPELINES: dict[str, list[type[ZkcPass]]] = {
    "ezkl-default": _EZKL_DEFAULT,
    # Subnet 2 circuits: the same, plus the nonce input validators require.
    "ezkl-subnet": [*_EZKL_DEFAULT, AddNonceInputPass],
}


class PassRecord(BaseModel):
    """One line of the pass log. `seconds` is kept out of hashed content."""

    name: str
    version: int
    modified: bool
    digest: str
    seconds: float = 0.0


def pipeline_passes(name: str, disabled: Sequence[str] = ()) -> list[type[ZkcPass]]:
    """The pass classes of a named pipeline, minus disabled ones (unknown names are errors)."""
    if name not in PIPELINES:
        raise UserInputError(f"unknown pipeline '{name}' (known: {', '.join(PIPELINES)})")
    passes = PIPELINES[name]
    known = {p.pass_name for p in passes}
    for pass_name in disabled:
        if pass_name not in known:
            raise UserInputError(
                f"--disable-pass: no pass '{pass_name}' in pipeline '{name}' "
                f"(passes: {', '.join(sorted(known))})"
            )
    return [p for p in passes if p.pass_name not in disabled]


def run_pipeline(
    model: ir.Model,
    passes: Sequence[ZkcPass],
    instruments: Sequence[Instrument] = (),
) -> tuple[ir.Model, list[PassRecord]]:
    """Run passes in order with instruments around each; return the model and the pass log."""
    timing = TimingInstrument()
    hooks = [timing, *instruments]
    log: list[PassRecord] = []
    for pass_ in passes:
        # Timing wraps the pass alone: it starts last and stops first.
        for hook in reversed(hooks):
            hook.before(pass_, model)
        result = pass_(model)
        for hook in hooks:
            hook.after(pass_, model, result)
        model = result.model
        log.append(
            PassRecord(
                name=pass_.pass_name,
                version=pass_.version,
                modified=result.modified,
                digest=model_digest(model),
                seconds=round(timing.seconds[-1], 4),
            )
        )
    return model, log


def instantiate(pass_classes: Sequence[type[ZkcPass]], options: PassOptions) -> list[ZkcPass]:
    """Construct passes with shared options."""
    return [cls(options) for cls in pass_classes]
