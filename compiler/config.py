"""The compile configuration: everything besides the model and data that decides an artifact."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Visibility = Literal["public", "private", "fixed", "hashed", "polycommit"]


class CompileConfig(BaseModel):
    """Options of `zkc compile`. All of it goes into the artifact key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: str = "ezkl"
    pipeline: str = "ezkl-default"
    disabled_passes: tuple[str, ...] = ()
    batch_size: int = Field(1, ge=1)
    input_shapes: dict[str, tuple[int, ...]] = Field(default_factory=dict)
    input_visibility: Visibility = "public"
    output_visibility: Visibility = "public"
    param_visibility: Visibility = "fixed"
    input_scale: int | None = Field(None, ge=0, le=24)
    param_scale: int | None = Field(None, ge=0, le=24)
    max_logrows: int | None = Field(None, ge=1, le=25)
    # Slicing: a model whose estimated logrows exceed max_logrows (or any model, given a slice
    # count) is cut into linked slices, one circuit each.
    slices: int | None = Field(None, ge=1)
    # How slices are linked: KZG commitments to the crossing tensors (compared in the proofs)
    # or public Poseidon hashes of them (compared in the instances).
    link: Literal["polycommit", "hashed"] = "polycommit"
    num_inner_cols: int = Field(2, ge=1)
    decomp_base: int = Field(16384, ge=2)
    decomp_legs: int = Field(2, ge=1)
    # A fidelity budget switches calibration to zkc's search for the smallest logrows meeting it.
    max_error: float | None = Field(None, gt=0)
    min_top1: float | None = Field(None, gt=0, le=1)
    calibration_target: Literal["resources", "accuracy"] = "resources"
    # Without a budget: "search" runs EZKL's calibration, then keeps the smallest logrows at least
    # as faithful on held-out samples; "ezkl" keeps EZKL's calibration as is.
    quantize: Literal["search", "ezkl"] = "search"
    max_calibration_samples: int = Field(100, ge=1)
    max_eval_samples: int = Field(300, ge=1)
    holdout_fraction: float = Field(0.25, gt=0.0, lt=1.0)
    equivalence_samples: int = Field(8, ge=1)
