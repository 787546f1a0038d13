"""Fixed-point settings for a fidelity budget, at the smallest logrows (zkc's calibration).

EZKL 23's scales change accuracy, not rows; its logrows follow from the rows, the
decomposition base (k >= log2(base) + 1) and the lookup tables' ranges (which grow with the
scale). So the search is zkc.compiler.scale_search's over the scale, then a smaller
decomposition base when the base is what sets logrows.
Each candidate costs one settings generation, one compile and a witness per sample, and no
key generation, instead of EZKL's sweep over every scale and rebase multiplier.
"""

import json
import time
from pathlib import Path

import numpy as np

from zkc.compiler.config import CompileConfig
from zkc.compiler.data import Samples
from zkc.compiler.errors import ZkcError
from zkc.compiler.fidelity import Budget, fidelity_report
from zkc.compiler.io_spec import IOSpec
from zkc.compiler.progress import Reporter
from zkc.compiler.scale_search import (
    SEARCH_CALIBRATION,
    SEARCH_SAMPLES,
    Candidate,
    budget_failure,
    meets,
    search_scales,
)
from zkc.targets.ezkl.witness_check import witness_outputs

# (base, legs) tried when the base, not the rows, sets logrows: each keeps base**legs >= 2**28.
SMALLER_BASES = ((4096, 3), (1024, 3), (256, 4))


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
    limit = config.max_logrows or 25
    search = ScaleSearch(model_path, calibration, spec, config, evaluation, reference, budget)
    start = time.perf_counter()
    with reporter.step(f"searching scales for {budget.describe()}"):
        best = search_scales(search.point, budget, limit)
        if best is None:
            raise budget_failure(search.tried.values(), budget, limit)
        if best.logrows == 15:  # the default base 16384 sets the floor
            for base, legs in SMALLER_BASES:
                candidate = search.point(best.scale, base, legs)
                if meets(candidate, budget, limit) and candidate.logrows < best.logrows:
                    best = candidate
        final = search.point(best.scale, best.decomp_base, best.decomp_legs, final=True)
        if not meets(final, budget, limit):
            raise budget_failure(search.tried.values(), budget, limit)
    record = {
        "method": "zkc-search", "budget": budget.model_dump(exclude_none=True),
        "chosen": final.record(), "candidates": [c.record() for c in search.tried.values()],
        "search_samples": len(next(iter(search.evaluation.values()))),
    }  # fmt: skip
    record["seconds"] = time.perf_counter() - start
    return final.settings, record


def write_settings(settings: dict, path: Path) -> None:
    """Write chosen settings as `generate_and_calibrate` does (timestamp zeroed, sorted)."""
    settings = dict(settings, timestamp=0)
    path.write_text(json.dumps(settings, sort_keys=True, indent=1))
