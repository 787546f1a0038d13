"""The compile driver: ONNX file + calibration data + config + target -> a content-keyed artifact.

The key is a function of what the build reads: the model file's sha256, the calibration and
held-out samples it uses (the artifact stores exactly those), their label, the passes with
their versions, the planner's version, the config, and the versions of zkc and its tools.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import onnx_ir as ir

from zkc.compiler.artifacts import manifest as art
from zkc.compiler.artifacts.atomic import atomic_directory
from zkc.compiler.artifacts.hashing import sha256_file, sha256_json
from zkc.compiler.artifacts.room import naming_full_disk
from zkc.compiler.compute.runners import ProveRunner
from zkc.compiler.config import CompileConfig
from zkc.compiler.data.samples import (
    Samples,
    load_samples,
    sample_count,
    samples_digest,
    split_samples,
)
from zkc.compiler.driver.build import build_artifact
from zkc.compiler.errors import ToolError, UserInputError
from zkc.compiler.faults import checkpoint
from zkc.compiler.ir.input_shapes import pinned_input_shapes
from zkc.compiler.ir.io_spec import IOSpec, TensorSpec
from zkc.compiler.ir.model_io import load_model
from zkc.compiler.limits import DEFAULT_CACHE_DIR
from zkc.compiler.pipeline.base import PassOptions, ZkcPass
from zkc.compiler.planning.partition import PLANNER_VERSION
from zkc.compiler.progress import Reporter
from zkc.compiler.target.protocol import Target
from zkc.compiler.versions import tool_versions, zkc_version


@dataclass
class CompileRequest:
    """Everything `zkc compile` was asked to do (the SRS and dev-SRS choice belong to the target)."""

    model_path: Path
    calibration_path: Path
    output: Path | None  # None: the artifact stays in the cache (the cache entry's path)
    config: CompileConfig
    eval_path: Path | None = None
    cache_dir: Path | None = DEFAULT_CACHE_DIR
    dump_ir: Path | None = None
    # Where calibration and setup of the distinct circuits run (not part of the key).
    runner: ProveRunner = field(default_factory=ProveRunner)


@dataclass
class CompileResult:
    """The artifact written, its manifest, and whether it came from the cache."""

    path: Path
    manifest: art.Manifest
    cached: bool


@dataclass(frozen=True)
class BuildInputs:
    """What a build reads: the model and the samples it calibrates and measures on."""

    model_path: Path
    model: ir.Model
    model_sha256: str
    calibration: Samples
    evaluation: Samples
    eval_source: str  # how the held-out samples were chosen (shown in the fidelity report)


def artifact_key(
    inputs: BuildInputs, config: CompileConfig, passes: Sequence[type[ZkcPass]]
) -> str:
    """sha256 over everything that determines an artifact (Merkle-style over input digests)."""
    return sha256_json(
        {
            "schema": art.SCHEMA_VERSION,
            "zkc": zkc_version(),
            "tools": tool_versions(),
            "planner": PLANNER_VERSION,
            "model": inputs.model_sha256,
            "calibration": samples_digest(inputs.calibration),
            "eval": samples_digest(inputs.evaluation),
            "eval_source": inputs.eval_source,
            "passes": [[p.pass_name, p.version] for p in passes],
            "config": config.record(),
        }
    )


def read_inputs(request: CompileRequest) -> BuildInputs:
    """Load the model and the samples the build uses (the held-out ones split off the
    calibration file when no --eval is given), cut to the config's sample counts."""
    config = request.config
    model = load_model(request.model_path)
    options = PassOptions(batch_size=config.batch_size, input_shapes=dict(config.input_shapes))
    pinned = pinned_input_shapes(model, options)
    source_spec = IOSpec(
        inputs=[TensorSpec(name=n, shape=list(s), dtype="float") for n, s in pinned.items()],
        outputs=[],
    )
    calibration = load_samples(request.calibration_path, source_spec)
    if request.eval_path is not None:
        evaluation, eval_source = load_samples(request.eval_path, source_spec), "the --eval file"
    else:
        count = sample_count(calibration)
        if count < 2:
            raise UserInputError(
                "calibration data needs at least 2 samples to hold some out for fidelity"
            )
        held = min(count - 1, max(1, int(round(count * config.holdout_fraction))))
        evaluation = split_samples(calibration, count - held, None)
        calibration = split_samples(calibration, 0, count - held)
        eval_source = f"last {held} of calibration file"
    return BuildInputs(
        request.model_path,
        model,
        sha256_file(request.model_path),
        split_samples(calibration, 0, config.max_calibration_samples),
        split_samples(evaluation, 0, config.max_eval_samples),
        eval_source,
    )


def compile_model(
    request: CompileRequest, target: Target, reporter: Reporter | None = None
) -> CompileResult:
    """Compile a model into an artifact at `request.output`, reusing the cache when the key matches."""
    return compile_inputs(
        read_inputs(request),
        request.config,
        target,
        request.output,
        request.cache_dir,
        reporter or Reporter(),
        request.dump_ir,
        request.runner,
    )


def compile_inputs(
    inputs: BuildInputs,
    config: CompileConfig,
    target: Target,
    output: Path | None,
    cache_dir: Path | None,
    reporter: Reporter,
    dump_ir: Path | None = None,
    runner: ProveRunner | None = None,
) -> CompileResult:
    """Build (or take from the cache) the artifact for these inputs; write it to `output`
    (None: leave it in the cache, whose entry's path the result names).
    The target configures `config` first: the key and the manifest hold its defaults too."""
    config = target.configure(config)
    passes = target.pipeline(pipeline_name(config), config.disabled_passes)
    key = artifact_key(inputs, config, passes)
    build = functools.partial(
        build_artifact,
        inputs=inputs,
        key=key,
        config=config,
        passes=passes,
        target=target,
        reporter=reporter,
        dump_ir=dump_ir,
        runner=runner or ProveRunner(),
    )
    if cache_dir is None:
        if output is None:
            raise UserInputError("an artifact built without the cache needs an output path")
        with naming_full_disk(Path(output).parent), atomic_directory(Path(output)) as tmp:
            return CompileResult(Path(output), build(tmp), cached=False)
    store = art.ArtifactStore(cache_dir)
    waiting = f"waiting for another compile of artifact {key[:12]} (then taking it from the cache)"
    with naming_full_disk(store.path(key)), store.locked(key, lambda: reporter.info(waiting)):
        return _through_cache(store, key, target, output, reporter, build)


def _through_cache(
    store: art.ArtifactStore,
    key: str,
    target: Target,
    output: Path | None,
    reporter: Reporter,
    build: Callable[[Path], art.Manifest],
) -> CompileResult:
    """The cached entry for `key` when it is intact and the target may reuse it, else a build
    into the cache; copied to `output` either way."""
    cached = store.lookup(key)
    if cached is not None and target.can_reuse(cached.circuit):
        reporter.info(f"cache hit: artifact {key[:12]} already built, no setup needed")
        return CompileResult(_deliver(store.path(key), output), cached, cached=True)
    with store.building(key) as tmp:
        manifest = build(tmp)
    checkpoint("cached")
    return CompileResult(_deliver(store.path(key), output), manifest, cached=False)


def _deliver(entry: Path, output: Path | None) -> Path:
    """The cache entry copied to `output`, or the entry itself without one."""
    if output is None:
        return entry
    art.copy_artifact(entry, output)
    return Path(output)


def pipeline_name(config: CompileConfig) -> str:
    """The pipeline of a configured config (Target.configure names the target's default)."""
    if config.pipeline is None:
        raise ToolError("the config was not configured by its target (no pipeline)")
    return config.pipeline
