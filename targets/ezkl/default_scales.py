"""The default scales of a whole model: EZKL's calibration, then zkc's search for fewer rows at
least as faithful.

EZKL's calibration ("resources") picks scales and logrows by its own heuristics. zkc measures
that choice on held-out samples, then searches (zkc.targets.ezkl.quantize) for the smallest
logrows whose fidelity on the same samples is at least as good: a max |error| no larger and a
top-1 agreement no lower. The search's point is kept only when its logrows is smaller;
otherwise EZKL's settings stand, as calibrated. Proving time and memory follow logrows, and
users pay them on every request; the search costs compile time once.
"""

from pathlib import Path

from zkc.compiler.artifacts.facts import QuantizationRecord, SearchPoint
from zkc.compiler.data.fidelity import Budget, FidelityReport, fidelity_report
from zkc.compiler.data.samples import Samples
from zkc.compiler.errors import ZkcError
from zkc.compiler.limits import MAX_LOGROWS
from zkc.compiler.progress import Reporter
from zkc.targets.ezkl.chain_build import ChainBuild
from zkc.targets.ezkl.circuit import SETTINGS_FILE
from zkc.targets.ezkl.config import EzklConfig
from zkc.targets.ezkl.quantize import ChainSearch, SearchResult
from zkc.targets.ezkl.scale_search import Candidate, meets, search_scales


def calibrate_then_search(build: ChainBuild, reporter: Reporter) -> SearchResult:
    """EZKL's calibration of one circuit, or the search's point when it needs fewer logrows
    at no worse held-out fidelity; the record names which, with EZKL's figures."""
    config = build.config
    samples = len(next(iter(build.circuits[0].calibration.values())))
    with reporter.step(f"calibrating on {samples} samples"):
        settings, own = build.calibrate(config)
    ezkl_files = [(d / SETTINGS_FILE).read_bytes() for d in build.dirs]
    ezkl_logrows = max(s["run_args"]["logrows"] for s in settings)
    search = ChainSearch(build)
    limit = config.max_logrows or MAX_LOGROWS
    with reporter.step(f"searching for fewer than {ezkl_logrows} logrows at EZKL's fidelity"):
        try:
            outs = build.outputs(settings, search.held, Reporter())
        except ZkcError as exc:  # EZKL's own choice does not run: nothing to compare with
            reporter.info(f"EZKL's calibrated circuit does not run ({exc}); keeping it")
            return SearchResult(config, _record(config, None, [], None), settings, own)
        ezkl_fidelity = fidelity_report(search.expected, outs, "search samples")
        within = search.tolerated is None or ezkl_fidelity.max_abs_error <= search.tolerated
        # EZKL's point outside the reference check's tolerance: search for one inside it,
        # at whatever logrows it takes, instead of keeping a circuit the check will refuse.
        budget = Budget(
            max_error=ezkl_fidelity.max_abs_error if within else search.tolerated,
            min_top1=ezkl_fidelity.top1_agreement,
        )
        final = _best(search, budget, limit)
    candidates = [c.record() for c in search.tried.values()]
    ezkl_point = _ezkl_point(settings, ezkl_logrows, ezkl_fidelity)
    better = final is not None and (final.logrows < ezkl_logrows or not within)
    if final is not None and better and meets(final, budget, limit):
        reporter.info(
            f"scale search: logrows {final.logrows} (EZKL's calibration: "
            f"{ezkl_logrows}) at {budget.describe()} on {_count(search.held)} held-out samples"
        )
        record = QuantizationRecord(
            method="zkc-search-default",
            budget=budget.model_dump(exclude_none=True),
            chosen=final.record(),
            candidates=[ezkl_point, *candidates],
            search_samples=_count(search.held),
        )
        chosen = search.config(final.scale, final.decomp_base, final.decomp_legs)
        return SearchResult(chosen, record, *search.last)
    for directory, data in zip(build.dirs, ezkl_files, strict=True):  # EZKL's settings stand
        Path(directory / SETTINGS_FILE).write_bytes(data)
    record = _record(config, ezkl_point, candidates, _count(search.held))
    return SearchResult(config, record, settings, own)


def _best(search: ChainSearch, budget: Budget, limit: int) -> Candidate | None:
    """The search's point for `budget` (the smallest logrows, then a smaller decomposition),
    measured, or None."""
    best = search_scales(search.point, budget, limit)
    if best is None:
        return None
    best = search.smaller_base(best, budget, limit)
    return search.measure(best.scale, best.decomp_base, best.decomp_legs, None)


def _ezkl_point(settings: list[dict], logrows: int, fidelity: FidelityReport) -> SearchPoint:
    """The manifest's line for EZKL's own calibration, measured on the search samples."""
    return SearchPoint(
        scale=settings[0]["run_args"]["input_scale"],
        decomp_base=settings[0]["run_args"]["decomp_base"],
        decomp_legs=settings[0]["run_args"]["decomp_legs"],
        logrows=logrows,
        max_abs_error=fidelity.max_abs_error,
        top1_agreement=fidelity.top1_agreement,
    )


def _record(
    config: EzklConfig,
    ezkl_point: SearchPoint | None,
    candidates: list[SearchPoint],
    samples: int | None,
) -> QuantizationRecord:
    return QuantizationRecord(
        method=f"ezkl-calibrate-{config.calibration_target}",
        chosen=ezkl_point,
        candidates=candidates,
        search_samples=samples,
    )


def _count(samples: Samples) -> int:
    return len(next(iter(samples.values())))
