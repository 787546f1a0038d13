"""`zkc.compile`, `zkc.load` and `zkc.plan`: the library the CLI's commands are a layer over.

They take models and samples as Python objects (zkc.api.sources), raise typed exceptions
(zkc.compiler.errors) rather than exiting, and show progress only when asked."""

import contextlib
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zkc.api.artifact import Artifact
from zkc.api.sources import ModelLike, SamplesLike, input_names, model_file, samples_file
from zkc.compiler.compute.runners import ProveRunner, default_workers
from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.compile import CompileRequest, CompileResult, compile_model
from zkc.compiler.driver.plan import plan_model
from zkc.compiler.errors import UserInputError
from zkc.compiler.limits import DEFAULT_CACHE_DIR, DEFAULT_TOLERANCE
from zkc.compiler.planning.report import PlanReport
from zkc.compiler.progress import Reporter
from zkc.targets import make_target, open_artifact


class PrintReporter(Reporter):
    """Progress as plain lines on stderr (`progress=True`)."""

    @contextlib.contextmanager
    def step(self, label: str) -> Iterator[None]:
        start = time.perf_counter()
        print(f"{label} ...", file=sys.stderr, flush=True)
        yield
        print(f"  {label}: done in {time.perf_counter() - start:.1f}s", file=sys.stderr)

    def info(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)


def compile(
    model: ModelLike,
    calibration: SamplesLike,
    *,
    output: str | Path | None = None,
    example_inputs: Any = None,
    eval: SamplesLike | None = None,
    dev_srs: bool = False,
    srs_dir: str | Path | None = None,
    cache_dir: str | Path | None = DEFAULT_CACHE_DIR,
    max_logrows: int | None = None,
    slices: int | None = None,
    min_top1: float | None = None,
    max_error: float | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    target: str = "ezkl",
    workers: int | None = None,
    progress: bool = False,
    **options: Any,
) -> Artifact:
    """Compile a model into a proving artifact and return it, loaded.

    `model`: an ONNX file, an `onnx.ModelProto` or a `torch.nn.Module` (exported at opset 17
    with `example_inputs`, by default the first calibration sample, its batch axis dynamic).
    `calibration`: an array shaped (samples, *input shape) for a one-input model, a dict of
    such arrays by input name, or a `.npz` path; `eval` likewise (default: the last quarter of
    `calibration` is held out). The artifact is written to `output`, or left in the cache
    (`cache_dir`) when `output` is None. `max_logrows`, `slices`, `min_top1`, `max_error` and
    `tolerance` are `zkc compile`'s options; `**options` are the target's (for EZKL:
    `input_visibility`, `param_scale`, `lowering`, ...). A user's mistake raises
    UserInputError; a circuit off the reference beyond the tolerance ReferenceMismatchError.

        >>> artifact = zkc.compile(net, x_train[:40], output="net.zkc", dev_srs=True)
    """
    fields = dict(max_logrows=max_logrows, slices=slices, min_top1=min_top1, max_error=max_error)
    config = CompileConfig(target=target, tolerance=tolerance, **fields, **options)
    result = compile_with(
        model,
        calibration,
        config,
        output=output,
        example_inputs=example_inputs,
        eval=eval,
        dev_srs=dev_srs,
        srs_dir=srs_dir,
        cache_dir=cache_dir,
        runner=ProveRunner(workers or default_workers()),
        reporter=PrintReporter() if progress else Reporter(),
    )
    return load(result.path, srs_dir=srs_dir)


def compile_with(
    model: ModelLike,
    calibration: SamplesLike,
    config: CompileConfig,
    *,
    output: str | Path | None,
    example_inputs: Any = None,
    eval: SamplesLike | None = None,
    dev_srs: bool = False,
    srs_dir: str | Path | None = None,
    cache_dir: str | Path | None = DEFAULT_CACHE_DIR,
    runner: ProveRunner | None = None,
    reporter: Reporter | None = None,
    dump_ir: Path | None = None,
) -> CompileResult:
    """`compile` with a whole CompileConfig, returning what the build did (`zkc compile`)."""
    if output is None and cache_dir is None:
        raise UserInputError("compile: give an output path or a cache_dir to keep the artifact")
    with tempfile.TemporaryDirectory(prefix="zkc-api-") as tmp:
        work = Path(tmp)
        path = model_file(model, calibration, example_inputs, work)
        names = input_names(path)
        request = CompileRequest(
            model_path=path,
            calibration_path=samples_file(calibration, names, work, "calibration"),
            output=None if output is None else Path(output),
            config=config,
            eval_path=None if eval is None else samples_file(eval, names, work, "eval"),
            cache_dir=None if cache_dir is None else Path(cache_dir),
            dump_ir=dump_ir,
            runner=runner or ProveRunner(),
        )
        chosen = make_target(config.target, None if srs_dir is None else Path(srs_dir), dev_srs)
        return compile_model(request, chosen, reporter or Reporter())


def load(path: str | Path, *, srs_dir: str | Path | None = None) -> Artifact:
    """An artifact directory, every file checked against its manifest (ArtifactError if not)."""
    return Artifact(open_artifact(Path(path), None if srs_dir is None else Path(srs_dir)))


def plan(
    model: ModelLike,
    *,
    example_inputs: Any = None,
    max_logrows: int | None = None,
    slices: int | None = None,
    target: str = "ezkl",
    progress: bool = False,
    **options: Any,
) -> PlanReport:
    """The plan a compile would build (slices, tiles, distinct circuits) with its estimated
    rows, setup and proving time and memory, in seconds and without setting anything up.
    A torch module needs `example_inputs` (one input's arrays, batch 1)."""
    config = CompileConfig(target=target, max_logrows=max_logrows, slices=slices, **options)
    with tempfile.TemporaryDirectory(prefix="zkc-api-") as tmp:
        path = model_file(model, example_inputs, example_inputs, Path(tmp))
        reporter = PrintReporter() if progress else Reporter()
        return plan_model(path, config, make_target(target), reporter)
