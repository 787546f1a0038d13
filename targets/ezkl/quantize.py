"""Fixed-point scales for a fidelity budget, at the smallest logrows: zkc's search over a chain
of circuits (a whole model is a chain of one).

EZKL 23's scales change accuracy, not rows; logrows follow from the rows, the decomposition
base (k >= log2(base) + 1) and the lookup tables' ranges (which grow with the scale). Each
point of zkc.targets.ezkl.scale_search calibrates every circuit at that scale (on a few
calibration samples), compiles them, and runs the witness chain on held-out samples against
onnxruntime's outputs; no keys are generated until the scale is chosen. Circuits of a longer
chain share the scale, so the budget is met end to end. For one circuit whose logrows the
decomposition base sets, smaller bases are tried too.
"""

from dataclasses import dataclass

from zkc.compiler.artifacts.facts import QuantizationRecord
from zkc.compiler.data.fidelity import Budget, fidelity_report
from zkc.compiler.data.reference_check import allowed_error
from zkc.compiler.data.samples import Samples, split_samples
from zkc.compiler.errors import ZkcError
from zkc.compiler.limits import MAX_LOGROWS
from zkc.compiler.progress import Reporter
from zkc.targets.ezkl.chain_build import ChainBuild
from zkc.targets.ezkl.config import EzklConfig
from zkc.targets.ezkl.scale_search import (
    SEARCH_CALIBRATION,
    SEARCH_SAMPLES,
    Candidate,
    budget_failure,
    meets,
    search_scales,
)

# (base, legs) tried when the base, not the rows, sets logrows: each keeps base**legs >= 2**28.
SMALLER_BASES = ((4096, 3), (1024, 3), (256, 4))


@dataclass
class SearchResult:
    """The chosen config, its record for the manifest, and the settings written for it
    (calibrated on every calibration sample), with the logrows each circuit alone needs."""

    config: EzklConfig
    record: QuantizationRecord
    settings: list[dict]
    own_logrows: list[int]


class ChainSearch:
    """Tries settings points for a chain and remembers each (no point is tried twice)."""

    def __init__(self, build: ChainBuild):
        self.build, request = build, build.request
        self.quick = [split_samples(c.calibration, 0, SEARCH_CALIBRATION) for c in build.circuits]
        self.held = split_samples(request.evaluation, 0, SEARCH_SAMPLES)
        self.expected = {k: v[:SEARCH_SAMPLES] for k, v in request.reference.items()}
        dtypes = {t.name: t.dtype for t in request.spec.outputs}
        # The error the reference check allows every float output (on all held-out samples).
        self.tolerated = allowed_error(request.reference, dtypes, build.config.tolerance)
        self.tried: dict[tuple[int, int, int], Candidate] = {}
        self.last: tuple[list[dict], list[int]] = ([], [])

    def config(self, scale: int, base: int, legs: int) -> EzklConfig:
        return self.build.config.model_copy(
            update={
                "input_scale": scale,
                "param_scale": scale,
                "decomp_base": base,
                "decomp_legs": legs,
                "max_logrows": MAX_LOGROWS,
            }
        )

    def measure(
        self, scale: int, base: int, legs: int, calibration: list[Samples] | None
    ) -> Candidate:
        """Build one point (calibrated on `calibration`, default all) and measure its fidelity."""
        try:
            settings, own = self.build.calibrate(self.config(scale, base, legs), calibration)
            outs = self.build.outputs(settings, self.held, Reporter())
            self.last = (settings, own)
            report = fidelity_report(self.expected, outs, "search samples")
            logrows = max(s["run_args"]["logrows"] for s in settings)
            return Candidate(scale, base, legs, logrows, report)
        except ZkcError as exc:
            return Candidate(scale, base, legs, None, None, error=str(exc)[:160])

    def point(self, scale: int, base: int | None = None, legs: int | None = None) -> Candidate:
        base = base or self.build.config.decomp_base
        legs = legs or self.build.config.decomp_legs
        if (scale, base, legs) not in self.tried:
            self.tried[(scale, base, legs)] = self.measure(scale, base, legs, self.quick)
        return self.tried[(scale, base, legs)]

    def smaller_base(self, best: Candidate, budget: Budget, limit: int) -> Candidate:
        """`best`, or a point at its scale with a smaller decomposition base that meets the
        budget in fewer logrows, when the base's range-check table sets the floor of `best`'s
        logrows (k = log2(base) + 1)."""
        logrows = best.logrows
        if logrows is None or 2 ** (logrows - 1) != best.decomp_base:
            return best
        for base, legs in SMALLER_BASES:
            candidate = self.point(best.scale, base, legs)
            if (
                meets(candidate, budget, limit)
                and candidate.logrows is not None
                and candidate.logrows < logrows
            ):
                best, logrows = candidate, candidate.logrows
        return best


def search_chain_scale(build: ChainBuild, reporter: Reporter) -> SearchResult:
    """The scale (and, for one circuit, decomposition) meeting the config's budget at the
    smallest logrows. Raises UserInputError naming the budget and the best fidelity found
    when no point within the logrows limit meets it."""
    config = build.config
    search = ChainSearch(build)
    # The reference check every compile ends with bounds the search too.
    max_error = config.max_error if config.max_error is not None else search.tolerated
    budget = Budget(max_error=max_error, min_top1=config.min_top1)
    limit = config.max_logrows or MAX_LOGROWS
    whole = build.link == "none"
    what = "scales" if whole else "the slices' shared scale"
    with reporter.step(f"searching {what} for {budget.describe()}"):
        best = search_scales(search.point, budget, limit)
        if best is None:
            raise budget_failure(search.tried.values(), budget, limit)
        if whole:
            best = search.smaller_base(best, budget, limit)
        final = search.measure(best.scale, best.decomp_base, best.decomp_legs, None)
        if not meets(final, budget, limit):
            raise budget_failure(search.tried.values(), budget, limit)
    record = QuantizationRecord(
        method="zkc-search" if whole else "zkc-search-sliced",
        budget=budget.model_dump(exclude_none=True),
        chosen=final.record(),
        candidates=[c.record() for c in search.tried.values()],
        search_samples=len(next(iter(search.held.values()))),
    )
    chosen = search.config(final.scale, final.decomp_base, final.decomp_legs)
    return SearchResult(chosen, record, *search.last)
