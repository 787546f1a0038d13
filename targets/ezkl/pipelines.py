"""The EZKL target's named pass pipelines: which rewrites, in which order, before EZKL runs."""

from collections.abc import Sequence

from zkc.compiler.errors import UserInputError
from zkc.compiler.pipeline.base import ZkcPass
from zkc.passes.add_nonce import AddNonceInputPass
from zkc.passes.batchnorm_affine import BatchNormAffinePass
from zkc.passes.constant_folding import ConstantFoldingPass
from zkc.passes.conv_transpose import ConvTransposePass
from zkc.passes.dilated_conv import DilatedConvPass
from zkc.passes.explicit_attributes import ExplicitAttributesPass
from zkc.passes.float_to_int_cast import FloatToIntCastPass
from zkc.passes.fold_batchnorm import FoldBatchNormPass
from zkc.passes.integer_division import IntegerDivisionPass
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
    BatchNormAffinePass,
    ConstantFoldingPass,
    # rewrites into forms EZKL computes correctly (measured: `make ops`, docs/ops.md)
    IntegerDivisionPass,
    FloatToIntCastPass,
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
