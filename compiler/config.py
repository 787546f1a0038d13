"""The compile configuration: everything besides the model and data that decides an artifact.

The fields here mean the same to every target. What only one backend knows (for EZKL: run args,
scales, decomposition, columns, link mode, visibilities, its calibration) is that target's
`options`, validated by the target (`Target.configure`). A config is built flat
(`CompileConfig(max_logrows=17, decomp_base=1024)`): a name that is not a field here is an
option. Its record (the artifact key, the manifest) is flat too: these fields and the options.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from zkc.compiler.limits import DEFAULT_TOLERANCE, MAX_LOGROWS


class CompileConfig(BaseModel):
    """Options of `zkc compile`. All of it goes into the artifact key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: str = "ezkl"
    pipeline: str | None = None  # None: the target's default pipeline (set by configure)
    disabled_passes: tuple[str, ...] = ()
    batch_size: int = Field(1, ge=1)
    input_shapes: dict[str, tuple[int, ...]] = Field(default_factory=dict)
    max_logrows: int | None = Field(None, ge=1, le=MAX_LOGROWS)
    # Slicing: a model whose estimated logrows exceed max_logrows (or any model, given a slice
    # count) is cut into linked slices, one circuit each.
    slices: int | None = Field(None, ge=1)
    # A fidelity budget switches calibration to the target's search for the smallest circuit
    # meeting it.
    max_error: float | None = Field(None, gt=0)
    min_top1: float | None = Field(None, gt=0, le=1)
    # The reference check: how far a float output may be from onnxruntime's, as a share of its
    # largest magnitude (at least 1); integer and boolean outputs must match exactly.
    tolerance: float = Field(DEFAULT_TOLERANCE, gt=0, le=1)
    max_calibration_samples: int = Field(100, ge=1)
    max_eval_samples: int = Field(300, ge=1)
    holdout_fraction: float = Field(0.25, gt=0.0, lt=1.0)
    equivalence_samples: int = Field(8, ge=1)
    # The target's own options (zkc.targets.<name>), validated there.
    options: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _options_from_flat(cls, data: Any) -> Any:
        """Names that are not fields of this class are the target's options."""
        if not isinstance(data, dict):
            return data
        own = set(cls.model_fields)
        flat = {k: v for k, v in data.items() if k not in own}
        if not flat:
            return data
        kept = {k: v for k, v in data.items() if k in own}
        return kept | {"options": {**dict(kept.get("options") or {}), **flat}}

    def record(self) -> dict[str, Any]:
        """The flat form hashed into the artifact key and written to the manifest."""
        generic = self.model_dump(mode="json", exclude={"options"})
        clash = set(generic) & set(self.options)
        if clash:
            raise ValueError(f"target options shadow compile fields: {sorted(clash)}")
        return generic | self.options

    def with_options(self, **options: Any) -> "CompileConfig":
        """A copy with some target options replaced."""
        return self.model_copy(update={"options": self.options | options})
