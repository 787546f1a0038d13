"""The first build step: the target's pass pipeline on the source model, every pass checked
against onnxruntime (zkc.compiler.driver.build runs the steps after it)."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import onnx_ir as ir

from zkc.compiler.config import CompileConfig
from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.data.samples import Samples, with_column
from zkc.compiler.pipeline.base import PassOptions, ZkcPass
from zkc.compiler.pipeline.instruments import EquivalenceInstrument, Instrument, IRDumpInstrument
from zkc.compiler.pipeline.runner import PassRecord, instantiate, run_pipeline, stood_aside
from zkc.compiler.progress import Reporter


class SourceInputs(Protocol):
    """What `lower` reads: the source model and its samples (a compile.BuildInputs, or the
    random samples `zkc plan` lowers with)."""

    @property
    def model_path(self) -> Path: ...

    @property
    def model(self) -> ir.Model: ...

    @property
    def calibration(self) -> Samples: ...

    @property
    def evaluation(self) -> Samples: ...


@dataclass
class Lowered:
    """The model after the passes, the samples it takes (with the inputs passes add), and
    the pass log; `reference` runs the source model (the ground truth)."""

    model: ir.Model
    calibration: Samples
    evaluation: Samples
    pass_log: list[PassRecord]
    reference: ReferenceRunner
    eq_samples: list[dict[str, np.ndarray]]
    checked_after: list[str]


def lower(
    inputs: SourceInputs,
    config: CompileConfig,
    passes: Sequence[type[ZkcPass]],
    reporter: Reporter,
    dump_ir: Path | None = None,
) -> Lowered:
    """Run the pipeline on the source model, every pass checked against onnxruntime."""
    calibration, evaluation = inputs.calibration, inputs.evaluation
    for cls in passes:  # inputs a pass adds (a nonce) are data, not weights
        for name, shape in cls.adds_inputs.items():
            calibration = with_column(calibration, name, shape, seed=0)
            evaluation = with_column(evaluation, name, shape, seed=1)
    n_eq = min(config.equivalence_samples, len(next(iter(calibration.values()))))
    eq_samples = [{k: v[i] for k, v in calibration.items()} for i in range(n_eq)]
    equivalence = EquivalenceInstrument(eq_samples, source=str(inputs.model_path))
    instruments: list[Instrument] = [equivalence]
    if dump_ir is not None:
        instruments.append(IRDumpInstrument(dump_ir))
    options = PassOptions(batch_size=config.batch_size, input_shapes=dict(config.input_shapes))
    reference = ReferenceRunner(inputs.model, str(inputs.model_path))
    with reporter.step(f"running pipeline '{config.pipeline}' ({len(passes)} passes)"):
        model, log = run_pipeline(inputs.model, instantiate(passes, options), instruments)
    for line in stood_aside(log):
        reporter.info(line)
    return Lowered(model, calibration, evaluation, log, reference, eq_samples, equivalence.checked)
