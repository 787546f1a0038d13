"""The one runner that executes a pipeline of passes with instruments (a target names its
pipelines: e.g. zkc.targets.ezkl.pipelines)."""

from collections.abc import Sequence

import onnx_ir as ir
from pydantic import BaseModel

from zkc.compiler.instruments import Instrument, TimingInstrument
from zkc.compiler.model_io import model_digest
from zkc.compiler.pass_base import PassOptions, ZkcPass


class PassRecord(BaseModel):
    """One line of the pass log. `seconds` is kept out of hashed content."""

    name: str
    version: int
    modified: bool
    digest: str
    seconds: float = 0.0


def run_pipeline(
    model: ir.Model,
    passes: Sequence[ZkcPass],
    instruments: Sequence[Instrument] = (),
) -> tuple[ir.Model, list[PassRecord]]:
    """Run passes in order with instruments around each; return the model and the pass log."""
    timing = TimingInstrument()
    hooks = [timing, *instruments]
    log: list[PassRecord] = []
    for pass_ in passes:
        # Timing wraps the pass alone: it starts last and stops first.
        for hook in reversed(hooks):
            hook.before(pass_, model)
        result = pass_(model)
        for hook in hooks:
            hook.after(pass_, model, result)
        model = result.model
        log.append(
            PassRecord(
                name=pass_.pass_name,
                version=pass_.version,
                modified=result.modified,
                digest=model_digest(model),
                seconds=round(timing.seconds[-1], 4),
            )
        )
    return model, log


def instantiate(pass_classes: Sequence[type[ZkcPass]], options: PassOptions) -> list[ZkcPass]:
    """Construct passes with shared options."""
    return [cls(options) for cls in pass_classes]
