"""Fixed-point settings for a fidelity budget, at the smallest logrows (zkc's calibration).

EZKL 23's scales change accuracy, not rows; its logrows follow from the rows, the
decomposition base (k >= log2(base) + 1) and the lookup tables' ranges (which grow with the
scale). So the search is: the smallest scale that meets the budget on held-out samples
(bisection: fidelity improves with scale), then larger scales while logrows stays the same
(accuracy for free), then a smaller decomposition base when the base is what sets logrows.
Each candidate costs one settings generation, one compile and a witness per sample, and no
key generation, instead of EZKL's sweep over every scale and rebase multiplier.
"""

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from zkc.compiler.config import CompileConfig
from zkc.compiler.data import Samples
from zkc.compiler.errors import UserInputError, ZkcError
from zkc.compiler.fidelity import FidelityReport, fidelity_report
from zkc.compiler.io_spec import IOSpec
from zkc.compiler.progress import Reporter
from zkc.targets.ezkl.witness_check import witness_outputs

SCALES = range(4, 17)
# (base, legs) tried when the base, not the rows, sets logrows: each keeps base**legs >= 2**28.
SMALLER_BASES = ((4096, 3), (1024, 3), (256, 4))
SEARCH_SAMPLES = 24  # held-out samples each point is measured on
SEARCH_CALIBRATION = 12  # calibration samples per point; the chosen point is recalibrated on all


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


@dataclass
class Candidate:
    """One settings point tried: its logrows and measured fidelity (None when EZKL failed)."""

    scale: int
    decomp_base: int
    decomp_legs: int
    logrows: int | None
    fidelity: FidelityReport | None
    settings: dict | None
    error: str | None = None

    def record(self) -> dict:
        """The manifest's line for this candidate."""
        return {
            "scale": self.scale, "decomp_base": self.decomp_base, "decomp_legs": self.decomp_legs,
            "logrows": self.logrows, "error": self.error,
            "max_abs_error": self.fidelity.max_abs_error if self.fidelity else None,
            "top1_agreement": self.fidelity.top1_agreement if self.fidelity else None,
        }  # fmt: skip


class ScaleSearch:
    """Tries settings points for one model and remembers each (no point is tried twice)."""

    def __init__(self, model_path: Path, calibration: Samples, spec: IOSpec, config: CompileConfig,
                 evaluation: Samples, reference: dict[str, np.ndarray], budget: Budget):  # fmt: skip
        self.model_path, self.spec, self.calibration = model_path, spec, calibration
        self.quick = {k: v[:SEARCH_CALIBRATION] for k, v in calibration.items()}
        self.config, self.budget = config, budget
        count = min(SEARCH_SAMPLES, len(next(iter(evaluation.values()))))
        self.evaluation = {k: v[:count] for k, v in evaluation.items()}
        self.reference = {k: v[:count] for k, v in reference.items()}
        self.tried: dict[tuple[int, int, int], Candidate] = {}

    def ok(self, c: Candidate) -> bool:
        """The candidate built, fits max logrows, and meets the budget."""
        limit = self.config.max_logrows or 25
        return c.fidelity is not None and c.logrows <= limit and self.budget.met(c.fidelity)

    def point(self, scale: int, base: int = 16384, legs: int = 2, final: bool = False) -> Candidate:
        """Build and measure one settings point (`final`: calibrated on every calibration sample)."""
        key = (scale, base, legs)
        if key not in self.tried or final:
            config = self.config.model_copy(update={
                "input_scale": scale, "param_scale": scale, "decomp_base": base, "decomp_legs": legs,
                "max_logrows": 25,
            })  # fmt: skip
            try:
                # Witness on held-out samples; calibration fixes the lookup ranges and logrows.
                calibration = self.calibration if final else self.quick
                outs, settings = witness_outputs(self.model_path, calibration, self.spec, config,
                                                 measure=self.evaluation)  # fmt: skip
                report = fidelity_report(self.reference, outs, "search samples")
                candidate = Candidate(
                    scale, base, legs, settings["run_args"]["logrows"], report, settings
                )
            except ZkcError as exc:
                candidate = Candidate(scale, base, legs, None, None, None, str(exc)[:160])
            if final:
                return candidate
            self.tried[key] = candidate
        return self.tried[key]


def search_settings(model_path: Path, calibration: Samples, spec: IOSpec, config: CompileConfig,
                    evaluation: Samples, reference: dict[str, np.ndarray],
                    reporter: Reporter) -> tuple[dict, dict]:  # fmt: skip
    """The settings zkc chooses for the config's budget, and the search record for the manifest.

    Raises UserInputError naming the budget and the best fidelity found when no point within
    the logrows limit meets it.
    """
    budget = Budget(max_error=config.max_error, min_top1=config.min_top1)
    search = ScaleSearch(model_path, calibration, spec, config, evaluation, reference, budget)
    start = time.perf_counter()
    with reporter.step(f"searching scales for {budget.describe()}"):
        # Accuracy grows with the scale and buildability shrinks (lookup tables widen): find
        # a scale inside the window, then its lower edge.
        low, high, found = SCALES.start, SCALES.stop - 1, None
        while low <= high and found is None:
            mid = (low + high) // 2
            candidate = search.point(mid)
            if search.ok(candidate):
                found = mid
            elif candidate.fidelity is not None and candidate.logrows <= (config.max_logrows or 25):
                low = mid + 1  # built, not accurate enough
            else:
                high = mid - 1  # did not build, or too many rows
        if found is None:
            _fail(search, budget, config)
        low, high = SCALES.start, found
        while low < high:  # smallest scale meeting the budget
            mid = (low + high) // 2
            if search.ok(search.point(mid)):
                high = mid
            else:
                low = mid + 1
        best = search.point(low)
        top = SCALES.stop - 1
        while low < top:  # largest scale at the same logrows: accuracy for free
            mid = (low + top + 1) // 2
            candidate = search.point(mid)
            if candidate.logrows == best.logrows and search.ok(candidate):
                low = mid
            else:
                top = mid - 1
        best = search.point(low)
        if best.logrows == 15:  # the default base 16384 sets the floor
            for base, legs in SMALLER_BASES:
                candidate = search.point(best.scale, base, legs)
                if search.ok(candidate) and candidate.logrows < best.logrows:
                    best = candidate
        final = search.point(best.scale, best.decomp_base, best.decomp_legs, final=True)
        if not search.ok(final):
            _fail(search, budget, config)
    record = {
        "method": "zkc-search", "budget": budget.model_dump(exclude_none=True),
        "chosen": final.record(), "candidates": [c.record() for c in search.tried.values()],
        "search_samples": len(next(iter(search.evaluation.values()))),
    }  # fmt: skip
    record["seconds"] = time.perf_counter() - start
    return final.settings, record


def _fail(search: ScaleSearch, budget: Budget, config: CompileConfig) -> None:
    built = [c for c in search.tried.values() if c.fidelity is not None]
    limit = config.max_logrows or 25
    if not built:
        error = next(iter(search.tried.values())).error
        raise UserInputError(
            f"fidelity budget {budget.describe()}: EZKL could not build the circuit ({error})"
        )
    best = max(built, key=lambda c: (c.fidelity.top1_agreement or 0, -c.fidelity.max_abs_error))
    raise UserInputError(
        f"fidelity budget {budget.describe()} cannot be met within logrows {limit}: best found "
        f"max |error| {best.fidelity.max_abs_error:.4g}"
        + (
            f", top-1 {best.fidelity.top1_agreement:.2%}"
            if best.fidelity.top1_agreement is not None
            else ""
        )
        + f" at scale {best.scale} (logrows {best.logrows})"
    )


def write_settings(settings: dict, path: Path) -> None:
    """Write chosen settings as `generate_and_calibrate` does (timestamp zeroed, sorted)."""
    settings = dict(settings, timestamp=0)
    path.write_text(json.dumps(settings, sort_keys=True, indent=1))
