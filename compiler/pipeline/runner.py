"""The one runner that executes a pipeline of passes with instruments (a target names its
pipelines: e.g. zkc.targets.ezkl.pipelines)."""

import hashlib
from collections.abc import Sequence

import onnx_ir as ir
from pydantic import BaseModel

from zkc.compiler.ir.model_io import model_bytes, model_from_bytes
from zkc.compiler.pipeline.base import PassOptions, ZkcPass
from zkc.compiler.pipeline.instruments import Instrument, TimingInstrument


class PassRecord(BaseModel):
    """One line of the pass log. `seconds` is kept out of hashed content. `stood_aside`: why
    the pass did not apply to this model (it raised, or broke a condition or the equivalence
    check); the model then went on as it was before the pass."""

    name: str
    version: int
    modified: bool
    digest: str
    seconds: float = 0.0
    stood_aside: str | None = None


def run_pipeline(
    model: ir.Model,
    passes: Sequence[ZkcPass],
    instruments: Sequence[Instrument] = (),
) -> tuple[ir.Model, list[PassRecord]]:
    """Run passes in order with instruments around each; return the model and the pass log.

    A pass that cannot apply to the model stands aside: the model goes on exactly as it was
    before it (restored from its serialisation, which the log's digest is taken over anyway),
    and the log says why."""
    timing = TimingInstrument()
    hooks = [timing, *instruments]
    log: list[PassRecord] = []
    snapshot = model_bytes(model)
    for pass_ in passes:
        stood_aside, modified = None, False
        for hook in reversed(hooks):  # not the pass's doing when these fail: they propagate
            hook.before(pass_, model)
        try:
            model, modified = _run_with_hooks(pass_, model, hooks)
        except Exception as exc:  # the pass, its conditions or an instrument refused the result
            model, stood_aside = model_from_bytes(snapshot), _reason(exc)
        snapshot = model_bytes(model)
        seconds = timing.seconds[-1] if len(timing.seconds) > len(log) else 0.0
        log.append(
            PassRecord(
                name=pass_.pass_name,
                version=pass_.version,
                modified=modified,
                digest=hashlib.sha256(snapshot).hexdigest(),
                seconds=round(seconds, 4),
                stood_aside=stood_aside,
            )
        )
    return model, log


def _run_with_hooks(
    pass_: ZkcPass, model: ir.Model, hooks: Sequence[Instrument]
) -> tuple[ir.Model, bool]:
    """One pass and the instruments' checks after it (timing wraps the pass alone: it starts
    last and stops first); the model after it and whether it changed it."""
    result = pass_(model)
    for hook in hooks:
        hook.after(pass_, model, result)
    return result.model, result.modified


def _reason(exc: BaseException) -> str:
    """One line: what went wrong when a pass ran."""
    text = str(exc).strip()
    reason = text.splitlines()[-1] if text else type(exc).__name__
    return f"{type(exc).__name__}: {reason[:300]}"


def stood_aside(log: Sequence[PassRecord]) -> list[str]:
    """One line per pass that stood aside, for the user."""
    return [
        f"pass '{r.name}' stood aside ({r.stood_aside}); the model went on without it"
        for r in log
        if r.stood_aside is not None
    ]


def instantiate(pass_classes: Sequence[type[ZkcPass]], options: PassOptions) -> list[ZkcPass]:
    """Construct passes with shared options."""
    return [cls(options) for cls in pass_classes]
