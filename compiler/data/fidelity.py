"""Fidelity of a circuit: its outputs (from the witness) against onnxruntime's on held-out samples."""

import numpy as np
from pydantic import BaseModel

from zkc.compiler.data.reference_check import OpTrial, OutputCheck


class FidelityReport(BaseModel):
    """Errors of the circuit's outputs against the reference, over `samples` held-out inputs."""

    samples: int
    source: str
    max_abs_error: float
    mean_abs_error: float
    top1_agreement: float | None = None
    # What the reference check measured per output and allowed (zkc.compiler.data.reference_check).
    tolerance: float | None = None
    outputs: list[OutputCheck] = []
    # Ops the target's table does not vouch for, kept because this check passed on this model.
    ops_tried: list[OpTrial] = []

    def summary(self) -> str:
        """One line for humans."""
        top1 = (
            f", top-1 agreement {self.top1_agreement:.2%}"
            if self.top1_agreement is not None
            else ""
        )
        return (
            f"{self.samples} held-out samples ({self.source}): max |err| {self.max_abs_error:.4g}, "
            f"mean |err| {self.mean_abs_error:.4g}{top1}"
        )


def is_classifier_output(shape: tuple[int, ...]) -> bool:
    """A single score vector per sample: (C,) or (1, C) with C >= 2."""
    dims = [d for d in shape if d != 1]
    return len(dims) == 1 and dims[0] >= 2


def fidelity_report(
    reference: dict[str, np.ndarray], circuit: dict[str, np.ndarray], source: str
) -> FidelityReport:
    """Compare per-output arrays shaped (samples, *output_shape)."""
    errors = [
        np.abs(reference[k].astype(np.float64) - circuit[k].astype(np.float64)) for k in reference
    ]
    flat = np.concatenate([e.reshape(-1) for e in errors])
    samples = len(next(iter(reference.values())))
    top1 = None
    if len(reference) == 1:
        name = next(iter(reference))
        if is_classifier_output(reference[name].shape[1:]):
            ref_cls = reference[name].reshape(samples, -1).argmax(axis=1)
            got_cls = circuit[name].reshape(samples, -1).argmax(axis=1)
            top1 = float(np.mean(ref_cls == got_cls))
    return FidelityReport(
        samples=samples,
        source=source,
        max_abs_error=float(flat.max()),
        mean_abs_error=float(flat.mean()),
        top1_agreement=top1,
    )


class Budget(BaseModel):
    """The fidelity a circuit must reach on held-out samples."""

    max_error: float | None = None
    min_top1: float | None = None

    def met(self, report: FidelityReport) -> bool:
        """Whether a fidelity report is within the budget."""
        if self.max_error is not None and report.max_abs_error > self.max_error:
            return False
        if self.min_top1 is not None:
            return report.top1_agreement is not None and report.top1_agreement >= self.min_top1
        return True

    def describe(self) -> str:
        """The budget for messages."""
        parts = []
        if self.max_error is not None:
            parts.append(f"max |error| <= {self.max_error:g}")
        if self.min_top1 is not None:
            parts.append(f"top-1 agreement >= {self.min_top1:.2%}")
        return " and ".join(parts)
