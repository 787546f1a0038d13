"""The compile driver: ONNX file + calibration data + config -> a content-keyed artifact."""

import json
import platform
import time
from dataclasses import dataclass
from pathlib import Path

from zkc.compiler import artifact as art
from zkc.compiler.compile_sliced import choose_plan, emit_sliced
from zkc.compiler.config import CompileConfig
from zkc.compiler.data import (
    load_samples,
    sample_count,
    samples_digest,
    save_samples,
    split_samples,
    with_column,
)
from zkc.compiler.errors import UserInputError
from zkc.compiler.fidelity import fidelity_report
from zkc.compiler.hashing import sha256_file, sha256_json
from zkc.compiler.instruments import EquivalenceInstrument, IRDumpInstrument
from zkc.compiler.io_spec import IOSpec, TensorSpec, io_spec
from zkc.compiler.model_io import load_model, save_model
from zkc.compiler.pass_base import PassOptions
from zkc.compiler.pipeline import instantiate, pipeline_passes, run_pipeline
from zkc.compiler.progress import Reporter
from zkc.compiler.reference import ReferenceRunner
from zkc.compiler.versions import tool_versions, zkc_version
from zkc.passes.add_nonce import NONCE_INPUT, AddNonceInputPass
from zkc.passes.static_shapes import pinned_input_shapes
from zkc.targets import make_target


@dataclass
class CompileRequest:
    """Everything `zkc compile` was asked to do."""

    model_path: Path
    calibration_path: Path
    output: Path
    config: CompileConfig
    eval_path: Path | None = None
    srs_dir: Path = Path("~/.ezkl/srs")
    dev_srs: bool = False
    cache_dir: Path | None = Path("~/.cache/zkc")
    dump_ir: Path | None = None


@dataclass
class CompileResult:
    """The artifact written, its manifest, and whether it came from the cache."""

    path: Path
    manifest: art.Manifest
    cached: bool


def artifact_key(
    model_sha: str, calib_sha: str, eval_sha: str | None, config: CompileConfig
) -> str:
    """sha256 over everything that determines an artifact (Merkle-style over input digests)."""
    passes = pipeline_passes(config.pipeline, config.disabled_passes)
    return sha256_json(
        {
            "schema": art.SCHEMA_VERSION,
            "zkc": zkc_version(),
            "tools": tool_versions(),
            "model": model_sha,
            "calibration": calib_sha,
            "eval": eval_sha,
            "passes": [[p.pass_name, p.version] for p in passes],
            "config": config.model_dump(mode="json"),
        }
    )


def compile_model(request: CompileRequest, reporter: Reporter | None = None) -> CompileResult:
    """Compile a model into an artifact at `request.output`, reusing the cache when the key matches."""
    reporter = reporter or Reporter()
    config = request.config
    model = load_model(request.model_path)
    options = PassOptions(batch_size=config.batch_size, input_shapes=dict(config.input_shapes))
    pinned = pinned_input_shapes(model, options)
    source_spec = IOSpec(
        inputs=[TensorSpec(name=n, shape=list(s), dtype="float") for n, s in pinned.items()],
        outputs=[],
    )
    calibration = load_samples(request.calibration_path, source_spec)
    calib_sha = samples_digest(calibration)
    if request.eval_path is not None:
        evaluation, eval_source = (
            load_samples(request.eval_path, source_spec),
            str(request.eval_path.name),
        )
        eval_sha = samples_digest(evaluation)
    else:
        calibration, evaluation, eval_source = _holdout_split(calibration, config.holdout_fraction)
        eval_sha = None
    if AddNonceInputPass in pipeline_passes(config.pipeline, config.disabled_passes):
        # The pass adds an input the data files cannot have; nonces are data, not weights.
        calibration = with_column(calibration, NONCE_INPUT, (1,), seed=0)
        evaluation = with_column(evaluation, NONCE_INPUT, (1,), seed=1)
    model_sha = sha256_file(request.model_path)
    key = artifact_key(model_sha, calib_sha, eval_sha, config)
    source = {
        "model_sha256": model_sha,
        "calibration_sha256": calib_sha,
        "eval_sha256": eval_sha,
    }
    target = make_target(config.target, Path(request.srs_dir), request.dev_srs)

    store = art.ArtifactStore(request.cache_dir) if request.cache_dir is not None else None
    if store is not None and (cached := _cached(store, key, target)) is not None:
        reporter.info(f"cache hit: artifact {key[:12]} already built, no setup needed")
        art.copy_artifact(store.path(key), request.output)
        return CompileResult(request.output, cached, cached=True)

    build = store.building(key) if store is not None else art.atomic_directory(request.output)
    with build as tmp:
        manifest = _build(
            tmp,
            model,
            calibration,
            evaluation,
            eval_source,
            source,
            key,
            config,
            target,
            request,
            reporter,
        )
    if store is not None:
        art.copy_artifact(store.path(key), request.output)
    return CompileResult(request.output, manifest, cached=False)


def _cached(store: art.ArtifactStore, key: str, target) -> art.Manifest | None:
    manifest = store.lookup(key)
    if manifest is None:
        return None
    # Keys depend on the SRS: a cache entry set up with another SRS file is stale.
    for circuit in manifest.circuit.get("slices") or [manifest.circuit]:
        srs_info = circuit.get("srs", {})
        srs_path = Path(target.srs_dir) / f"kzg{srs_info.get('logrows')}.srs"
        if not srs_path.is_file() or sha256_file(srs_path) != srs_info.get("sha256"):
            return None
    return manifest


def _holdout_split(samples, fraction: float):
    count = sample_count(samples)
    if count < 2:
        raise UserInputError(
            "calibration data needs at least 2 samples to hold some out for fidelity"
        )
    held = max(1, int(round(count * fraction)))
    cut = count - held
    return (
        split_samples(samples, 0, cut),
        split_samples(samples, cut, None),
        f"last {held} of calibration file",
    )


def _build(
    tmp, model, calibration, evaluation, eval_source, source, key, config, target, request, reporter
):
    started = time.perf_counter()
    reference = ReferenceRunner(model)
    n_eq = min(config.equivalence_samples, sample_count(calibration))
    eq_samples = [{k: v[i] for k, v in calibration.items()} for i in range(n_eq)]
    instruments = [EquivalenceInstrument(eq_samples)]
    if request.dump_ir is not None:
        instruments.append(IRDumpInstrument(request.dump_ir))
    passes = instantiate(
        pipeline_passes(config.pipeline, config.disabled_passes),
        PassOptions(batch_size=config.batch_size, input_shapes=dict(config.input_shapes)),
    )
    with reporter.step(f"running pipeline '{config.pipeline}' ({len(passes)} passes)"):
        model, pass_log = run_pipeline(model, passes, instruments)
    target.check_model(model, str(request.model_path))
    spec = io_spec(model)
    save_model(model, tmp / "model.onnx")
    calib_subset = split_samples(calibration, 0, config.max_calibration_samples)
    eval_subset = split_samples(evaluation, 0, config.max_eval_samples)
    ref_out = reference.run_batch(eval_subset, spec.input_shapes())
    facts, timings, files, circuit_out = _emit(
        tmp, spec, calib_subset, eval_subset, ref_out, config, target, reporter, reference,
        eq_samples,
    )  # fmt: skip
    # The data travels with the artifact so a derived build (e.g. for the subnet) can recalibrate.
    save_samples(tmp / art.CALIBRATION_FILE, calib_subset)
    save_samples(tmp / art.EVAL_FILE, eval_subset)
    manifest = art.Manifest(
        key=key,
        zkc_version=zkc_version(),
        tools=tool_versions(),
        source=source,
        config=config.model_dump(mode="json"),
        pipeline=config.pipeline,
        passes=[art.PassLogEntry(**r.model_dump(exclude={"seconds"})) for r in pass_log],
        io=spec,
        target=target.name,
        circuit=facts,
        fidelity=fidelity_report(ref_out, circuit_out, eval_source),
        files=art.hash_files(tmp, [*files, art.CALIBRATION_FILE, art.EVAL_FILE]),
    )
    art.write_manifest(tmp, manifest)
    provenance = {
        "host": platform.node(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "model_path": str(request.model_path),
        "srs_dir": str(request.srs_dir),
        "pass_seconds": {r.name: r.seconds for r in pass_log},
        "equivalence_checked_after": instruments[0].checked,
        "timings": {k: round(v, 4) for k, v in timings.items()},
        "total_seconds": round(time.perf_counter() - started, 4),
    }
    (tmp / art.PROVENANCE).write_text(json.dumps(provenance, indent=2, sort_keys=True) + "\n")
    return manifest


def _emit(tmp, spec, calibration, evaluation, ref_out, config, target, reporter, reference,
          eq_samples):  # fmt: skip
    """Emit the circuit (or the slices a budget asks for); returns (circuit facts, timings,
    files written besides the data, circuit outputs on the evaluation samples)."""
    wants_slices = config.slices is not None or config.max_logrows is not None
    planned = (
        choose_plan(load_model(tmp / "model.onnx", infer_shapes=True), config)
        if wants_slices
        else None
    )
    if planned is None:
        facts, timings = target.emit(tmp, calibration, spec, config, reporter, evaluation, ref_out)
        start = time.perf_counter()
        circuit_out = target.run_many(tmp, facts, spec, evaluation, reporter)
        timings["fidelity_seconds"] = time.perf_counter() - start
        return facts, timings, target.files(), circuit_out
    plan, decomposition = planned
    reporter.info(f"slicing into {len(plan.slices)} linked circuits "
                  f"(estimated logrows {[s.estimated_logrows for s in plan.slices]})")  # fmt: skip
    facts, timings, slice_files, circuit_out = emit_sliced(
        tmp, plan, decomposition, calibration, evaluation, spec, config, target, reporter,
        reference, eq_samples, ref_out,
    )  # fmt: skip
    return facts, timings, ["model.onnx", *slice_files], circuit_out
