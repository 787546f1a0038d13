"""The EZKL target's own options (a compile config's `options`), validated here.

`EzklOptions` are what only EZKL knows: visibilities, fixed-point scales, columns, the
range-check decomposition, how linked circuits commit to the tensors they share, EZKL's
calibration target, and whether zkc's default scale search runs. `EzklConfig` is the view the
EZKL recipe works with: those options and the compile fields it reads, in one frozen model.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zkc.compiler.config import CompileConfig
from zkc.compiler.errors import UserInputError
from zkc.compiler.limits import DEFAULT_TOLERANCE, MAX_LOGROWS

Visibility = Literal["public", "private", "fixed", "hashed", "polycommit"]
DEFAULT_PIPELINE = "ezkl-default"


class EzklOptions(BaseModel):
    """EZKL's options; every one goes into the artifact key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input_visibility: Visibility = "public"
    output_visibility: Visibility = "public"
    param_visibility: Visibility = "fixed"
    input_scale: int | None = Field(None, ge=0, le=24)
    param_scale: int | None = Field(None, ge=0, le=24)
    # How slices are linked: KZG commitments to the crossing tensors (compared in the proofs)
    # or public Poseidon hashes of them (compared in the instances).
    link: Literal["polycommit", "hashed"] = "polycommit"
    num_inner_cols: int = Field(2, ge=1)
    decomp_base: int = Field(16384, ge=2)
    decomp_legs: int = Field(2, ge=1)
    calibration_target: Literal["resources", "accuracy"] = "resources"
    # Without a budget: "search" runs EZKL's calibration, then keeps the smallest logrows at least
    # as faithful on held-out samples; "ezkl" keeps EZKL's calibration as is.
    quantize: Literal["search", "ezkl"] = "search"
    # "measured": each convolution is emitted as patches times its kernel matrix where the
    # measured costs (cost_coefficients.json) say EZKL lays that out in fewer rows; "none"
    # keeps every op in the source model's form.
    lowering: Literal["measured", "none"] = "measured"


class EzklConfig(EzklOptions):
    """EZKL's options with the compile fields its recipe reads."""

    batch_size: int = Field(1, ge=1)
    max_logrows: int | None = Field(None, ge=1, le=MAX_LOGROWS)
    max_error: float | None = None
    min_top1: float | None = None
    tolerance: float = DEFAULT_TOLERANCE

    @classmethod
    def of(cls, config: CompileConfig) -> "EzklConfig":
        """The view of a compile config (whose options `configure_options` validated)."""
        return cls(
            batch_size=config.batch_size,
            max_logrows=config.max_logrows,
            max_error=config.max_error,
            min_top1=config.min_top1,
            tolerance=config.tolerance,
            **config.options,
        )


def configure_options(options: dict[str, Any]) -> dict[str, Any]:
    """The options with EZKL's defaults filled in; UserInputError naming an unknown or
    invalid one."""
    try:
        checked = EzklOptions.model_validate(options)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"]) or "options"
        if error["type"] == "extra_forbidden":
            raise UserInputError(f"unknown option '{field}' for the ezkl target") from None
        raise UserInputError(
            f"option '{field}' of the ezkl target: {error['msg']} (got {error.get('input')!r})"
        ) from None
    check_visibilities(checked)
    return checked.model_dump(mode="json")


def check_visibilities(options: EzklOptions) -> None:
    """The model's inputs and outputs are public, private or hashed (fixed and polycommit are
    for weights and links); its parameters fixed (in the verifying key), hashed (a public
    Poseidon commitment) or private (unbound: what subnet competitions ask for).
    UserInputError for any other combination."""
    for side in ("input", "output"):
        mode = getattr(options, f"{side}_visibility")
        if mode not in ("public", "private", "hashed"):
            raise UserInputError(
                f"{side}_visibility '{mode}' is not for a model's {side}s: "
                "use public, private or hashed"
            )
    if options.input_visibility == options.output_visibility == "private":
        raise UserInputError(
            "input and output visibility both private: the proof would state nothing about "
            "the inference (make one public or hashed)"
        )
    if options.param_visibility not in ("fixed", "hashed", "private"):
        raise UserInputError(
            f"param_visibility '{options.param_visibility}' would put every weight in the "
            "proof's public values: use fixed (in the verifying key), hashed (a public "
            "Poseidon commitment) or private"
        )
