"""The reference decides: a circuit's outputs against onnxruntime's on held-out samples, output by
output, within a tolerance the user sees and sets (exact for integer and boolean outputs).

Float outputs may differ by `tolerance` times the output's largest reference magnitude (at
least 1): fixed-point arithmetic rounds, a wrong function does not stay that close. A fidelity
budget's `--max-error`, when given, is the bound instead. Integer and boolean outputs must
match exactly: their values are the function."""

import numpy as np
from pydantic import BaseModel, ConfigDict

from zkc.compiler.errors import ReferenceMismatchError
from zkc.compiler.limits import DEFAULT_TOLERANCE

EXACT_TYPES = frozenset(
    {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}
)


class OpTrial(BaseModel):
    """An op the target's measured table does not vouch for, compiled anyway and kept because
    the circuit matched onnxruntime on this model's held-out samples (the reference check):
    measured on this model."""

    op: str
    nodes: list[str]
    why: str  # why the table does not vouch for it (unmeasured, or failed on another case)


class OutputCheck(BaseModel):
    """One output against the reference: the largest error measured and the one allowed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    dtype: str
    max_abs_error: float
    allowed: float  # 0 for an output that must match exactly

    @property
    def passed(self) -> bool:
        return self.max_abs_error <= self.allowed

    def describe(self) -> str:
        rule = "must match exactly" if self.allowed == 0 else f"allowed {self.allowed:.4g}"
        return f"output '{self.name}' ({self.dtype}): max |error| {self.max_abs_error:.4g}, {rule}"


def check_outputs(
    reference: dict[str, np.ndarray],
    circuit: dict[str, np.ndarray],
    dtypes: dict[str, str],
    tolerance: float = DEFAULT_TOLERANCE,
    max_error: float | None = None,
) -> list[OutputCheck]:
    """Every output's largest error over the samples, and what it may be."""
    checks = []
    for name, expected in reference.items():
        ref = np.asarray(expected, np.float64)
        got = np.asarray(circuit[name], np.float64).reshape(ref.shape)
        error = float(np.max(np.abs(ref - got))) if ref.size else 0.0
        dtype = dtypes.get(name, "float")
        if dtype in EXACT_TYPES:
            allowed = 0.0
        elif max_error is not None:
            allowed = max_error
        else:
            allowed = tolerance * max(1.0, float(np.max(np.abs(ref))) if ref.size else 1.0)
        checks.append(OutputCheck(name=name, dtype=dtype, max_abs_error=error, allowed=allowed))
    return checks


def allowed_error(
    reference: dict[str, np.ndarray], dtypes: dict[str, str], tolerance: float = DEFAULT_TOLERANCE
) -> float | None:
    """The largest error every float output may have under the tolerance (the strictest of
    their bounds; what a scale search must stay within), or None without float outputs."""
    bounds = [
        tolerance * max(1.0, float(np.max(np.abs(np.asarray(v, np.float64)))) if v.size else 1.0)
        for name, v in reference.items()
        if dtypes.get(name, "float") not in EXACT_TYPES
    ]
    return min(bounds) if bounds else None


def require_match(checks: list[OutputCheck], samples: int, hint: str) -> None:
    """ReferenceMismatchError naming the first output that differs, with its error."""
    for check in checks:
        if not check.passed:
            raise ReferenceMismatchError(
                f"the circuit does not compute the model: {check.describe()} on {samples} "
                f"held-out samples against onnxruntime; {hint}"
            )
