"""The shared scale of linked slices for a fidelity budget (`--max-error`/`--min-top1` with
`--max-logrows`/`--slices`).

Linked slices share one fixed scale, so the budget is met end to end: each point of
zkc.compiler.scale_search calibrates every slice at that scale (on a few calibration samples),
compiles them, and runs the witness chain on held-out samples against onnxruntime's outputs.
No keys are generated until the scale is chosen.
"""

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from zkc.compiler.data import Samples, split_samples
from zkc.compiler.errors import ZkcError
from zkc.compiler.fidelity import Budget, fidelity_report
from zkc.compiler.io_spec import IOSpec
from zkc.compiler.progress import Reporter
from zkc.compiler.scale_search import (
    SEARCH_CALIBRATION,
    SEARCH_SAMPLES,
    Candidate,
    budget_failure,
    search_scales,
)


def search_slice_scale(
    calibrate: Callable[[int, list[Samples]], int], art_dir: Path, count: int,
    calibration: list[Samples], evaluation: Samples, reference: dict[str, np.ndarray],
    spec: IOSpec, budget: Budget, limit: int, decomposition: tuple[int, int], target,
    reporter: Reporter,
) -> tuple[int, dict]:  # fmt: skip
    """The shared slice scale meeting `budget` within logrows `limit`, and the search record.

    `calibrate(scale, per_slice_calibration)` writes every slice's settings at that scale and
    returns the logrows the slices are set up at. Raises UserInputError with the best fidelity
    found when no scale meets the budget.
    """
    quick = [split_samples(c, 0, SEARCH_CALIBRATION) for c in calibration]
    held = split_samples(evaluation, 0, SEARCH_SAMPLES)
    expected = {k: v[:SEARCH_SAMPLES] for k, v in reference.items()}
    tried: dict[int, Candidate] = {}
    base, legs = decomposition

    def point(scale: int) -> Candidate:
        if scale not in tried:
            try:
                logrows = calibrate(scale, quick)
                for i in range(count):
                    target.compile_slice(target.slice_dir(art_dir, i))
                last = target.slice_dir(art_dir, count - 1) / "settings.json"
                facts = {"slices": [{"index": i} for i in range(count)],
                         "output_scales": _output_scales(last)}  # fmt: skip
                outs = target.run_sliced_many(
                    art_dir, facts, spec, held, Reporter(), check_links=False
                )
                report = fidelity_report(expected, outs, "search samples")
                tried[scale] = Candidate(scale, base, legs, logrows, report)
            except ZkcError as exc:
                tried[scale] = Candidate(scale, base, legs, None, None, error=str(exc)[:160])
        return tried[scale]

    start = time.perf_counter()
    with reporter.step(f"searching the slices' shared scale for {budget.describe()}"):
        best = search_scales(point, budget, limit)
    if best is None:
        raise budget_failure(tried.values(), budget, limit)
    record = {
        "method": "zkc-search-sliced", "budget": budget.model_dump(exclude_none=True),
        "chosen": best.record(), "candidates": [c.record() for c in tried.values()],
        "search_samples": len(next(iter(expected.values()))),
        "seconds": time.perf_counter() - start,
    }  # fmt: skip
    return best.scale, record


def _output_scales(settings_path: Path) -> list[int]:
    return json.loads(settings_path.read_text())["model_output_scales"]
