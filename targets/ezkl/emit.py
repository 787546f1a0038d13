"""The EZKL recipe for an artifact's pieces: scales (zkc's search for a fidelity budget; for a
whole model by default EZKL's calibration improved on by the search; EZKL's calibration as is;
or a fixed shared scale), then setup of every distinct circuit, then the links."""

import time
from pathlib import Path

from zkc.compiler.artifacts.facts import ChainFacts, CircuitFacts, QuantizationRecord, SrsFacts
from zkc.compiler.data.fidelity import Budget
from zkc.compiler.errors import ToolError
from zkc.compiler.faults import checkpoint
from zkc.compiler.progress import Reporter
from zkc.compiler.target.chain import EmitRequest
from zkc.targets.ezkl.chain_build import ChainBuild, public_count
from zkc.targets.ezkl.config import EzklConfig
from zkc.targets.ezkl.cost_model import decomposition_key
from zkc.targets.ezkl.default_scales import calibrate_then_search
from zkc.targets.ezkl.lowering import lower_circuit
from zkc.targets.ezkl.quantize import SearchResult, search_chain_scale


def emit_chain(
    request: EmitRequest, srs_dir: Path, allow_dev_srs: bool, reporter: Reporter
) -> tuple[ChainFacts, dict[str, float]]:
    """Build every circuit of the request into the artifact; returns (facts, timings)."""
    build = ChainBuild(request, srs_dir, allow_dev_srs)
    lowered = sum(lower_circuit(directory, build.config) for directory in build.dirs)
    if lowered:
        reporter.info(
            f"{lowered} convolution(s) emitted as patches x kernel matrix "
            "(fewer rows by the measured costs)"
        )
    timings: dict[str, float] = {}
    start = time.perf_counter()
    search = search_scales_for(build, reporter)
    if search is not None:
        config, quantization = search.config, search.record
        settings, own = search.settings, search.own_logrows
        timings["search_seconds"] = time.perf_counter() - start
        if build.link != "none" and quantization.budget is not None:
            reporter.info(
                f"slices share scale {config.input_scale}: "
                f"{Budget(**quantization.budget).describe()} on "
                f"{quantization.search_samples} held-out samples"
            )
    else:
        config = build.config
        settings, own, quantization = calibrate_as_configured(build, reporter)
    timings["calibrate_seconds"] = time.perf_counter() - start
    checkpoint("calibrated")
    start = time.perf_counter()
    used = build.set_up(settings, reporter)
    timings["setup_seconds"] = time.perf_counter() - start
    ins, outs, params = build.commitments(used)
    circuits = [
        circuit_facts(build, config, i, settings[i], own[i], used[i], ins[i], outs[i]).model_copy(
            update={"param_hashes": params[i]}
        )
        for i in range(build.count)
    ]
    check_link_scales(request, circuits)
    facts = ChainFacts(
        circuits=circuits,
        pieces=request.pieces,
        link=build.link,
        links=request.links,
        decomposition=decomposition_key(config.decomp_base, config.decomp_legs),
        quantization=quantization,
        visibility=visibility_of(config),
    )
    return facts, timings


def visibility_of(config: EzklConfig) -> dict[str, str]:
    """What the artifact's proofs state of the model's inputs, outputs and weights."""
    return {
        "inputs": config.input_visibility,
        "outputs": config.output_visibility,
        "params": config.param_visibility,
    }


def search_scales_for(build: ChainBuild, reporter: Reporter) -> SearchResult | None:
    """zkc's scale search, when the config sets a fidelity budget (any chain) or, for a whole
    model without fixed scales, asks for it (`quantize="search"`); None otherwise."""
    config = build.config
    if config.max_error is not None or config.min_top1 is not None:
        return search_chain_scale(build, reporter)
    if (
        build.link == "none"
        and config.quantize == "search"
        and config.input_scale is None
        and config.param_scale is None
    ):
        return calibrate_then_search(build, reporter)
    return None


def calibrate_as_configured(
    build: ChainBuild, reporter: Reporter
) -> tuple[list[dict], list[int], QuantizationRecord]:
    """EZKL's calibration of every circuit at the config's scales (fixed ones for a chain of
    slices); returns the settings, each circuit's own logrows, and the record."""
    config = build.config
    samples = len(next(iter(build.circuits[0].calibration.values())))
    with reporter.step(f"calibrating on {samples} samples"):
        settings, own = build.calibrate(config)
    quantization = (
        QuantizationRecord(method=f"ezkl-calibrate-{config.calibration_target}")
        if build.link == "none"
        else QuantizationRecord(method="fixed-scale", scale=settings[0]["model_input_scales"][0])
    )
    return settings, own, quantization


def circuit_facts(
    build: ChainBuild,
    config: EzklConfig,
    index: int,
    settings: dict,
    own: int,
    srs_info: SrsFacts,
    ins: list[int],
    outs: list[int],
) -> CircuitFacts:
    """The manifest's facts of one set-up circuit."""
    circuit, cfg = build.circuits[index], build.circuit_config(config, index)
    return CircuitFacts(
        index=index,
        directory=circuit.relative,
        io=circuit.spec,
        logrows=settings["run_args"]["logrows"],
        calibrated_logrows=own,
        num_rows=settings.get("num_rows"),
        input_scales=settings["model_input_scales"],
        output_scales=settings["model_output_scales"],
        param_scale=settings["run_args"]["param_scale"],
        run_args=settings["run_args"],
        srs=srs_info,
        vk_sha256=build.vk_digest(index),
        public_inputs=public_count(cfg.input_visibility, circuit.spec.inputs),
        public_outputs=public_count(cfg.output_visibility, circuit.spec.outputs),
        input_commitments=ins,
        output_commitments=outs,
    )


def check_link_scales(request: EmitRequest, circuits: list[CircuitFacts]) -> None:
    """ToolError unless every link's two sides use one scale (the link is then bit-exact)."""
    for link in request.links:
        producer = circuits[request.pieces[link.producer].circuit]
        consumer = circuits[request.pieces[link.consumer].circuit]
        sent, received = producer.output_scales[link.output], consumer.input_scales[link.input]
        if sent != received:
            raise ToolError(
                f"slices {link.producer} and {link.consumer}: output scale {sent} does not "
                f"match input scale {received}; the link would not be bit-exact"
            )
