"""The EZKL recipe for an artifact's chain: scales (EZKL's calibration, a fixed shared scale,
or zkc's search for a fidelity budget), then setup of every circuit, then its links."""

import time
from pathlib import Path

from zkc.compiler.chain import EmitRequest
from zkc.compiler.errors import ToolError
from zkc.compiler.facts import ChainFacts, CircuitFacts, QuantizationRecord
from zkc.compiler.fidelity import Budget
from zkc.compiler.progress import Reporter
from zkc.targets.ezkl.chain_build import ChainBuild
from zkc.targets.ezkl.cost_model import decomposition_key
from zkc.targets.ezkl.quantize import search_chain_scale


def emit_chain(request: EmitRequest, srs_dir: Path, allow_dev_srs: bool,
               reporter: Reporter) -> tuple[ChainFacts, dict[str, float]]:  # fmt: skip
    """Build every circuit of the request into the artifact; returns (facts, timings)."""
    build = ChainBuild(request, srs_dir, allow_dev_srs)
    config, timings = build.config, {}
    start = time.perf_counter()
    if config.max_error is not None or config.min_top1 is not None:
        search = search_chain_scale(build, reporter)
        config, quantization = search.config, search.record
        settings, own = search.settings, search.own_logrows
        timings["search_seconds"] = time.perf_counter() - start
        if build.count > 1:
            budget = Budget(**quantization.budget).describe()
            reporter.info(f"slices share scale {config.input_scale}: {budget} on "
                          f"{quantization.search_samples} held-out samples")  # fmt: skip
    else:
        samples = len(next(iter(build.circuits[0].calibration.values())))
        with reporter.step(f"calibrating on {samples} samples"):
            settings, own = build.calibrate(config)
        quantization = (
            QuantizationRecord(method=f"ezkl-calibrate-{config.calibration_target}")
            if build.count == 1
            else QuantizationRecord(
                method="fixed-scale", scale=settings[0]["model_input_scales"][0]
            )
        )
    timings["calibrate_seconds"] = time.perf_counter() - start
    for circuit in build.circuits if build.count > 1 else ():
        plan = circuit.plan
        reporter.info(f"slice {plan.index + 1}/{build.count}: {len(plan.nodes)} nodes, "
                      f"estimated logrows {plan.estimated_logrows}")  # fmt: skip
    start = time.perf_counter()
    circuits = build.set_up(config, settings, own, reporter)
    timings["setup_seconds"] = time.perf_counter() - start
    check_link_scales(circuits)
    facts = ChainFacts(
        circuits=circuits, link=build.link, links=build.link_facts(circuits),
        decomposition=decomposition_key(config.decomp_base, config.decomp_legs),
        quantization=quantization,
    )  # fmt: skip
    return facts, timings


def check_link_scales(circuits: list[CircuitFacts]) -> None:
    """ToolError unless each circuit's output scales are the next circuit's (one) input scale."""
    for before, after in zip(circuits, circuits[1:], strict=False):
        if (
            set(before.output_scales) != set(after.input_scales)
            or len(set(after.input_scales)) != 1
        ):
            raise ToolError(
                f"slices {before.index} and {after.index}: output scales {before.output_scales} "
                f"do not match input scales {after.input_scales}; the link would not be bit-exact"
            )
