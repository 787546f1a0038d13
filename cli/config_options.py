"""The options that make a compile config, shared by `zkc compile` and `zkc plan`.

Generic options are fields of zkc.compiler.config.CompileConfig; the target's own options
(EZKL's: scales, link mode, calibration target, quantize) are passed only when given, so a
target validates what the user set and fills in its own defaults.
"""

from collections.abc import Callable
from typing import Any

import click

from zkc.cli.options import parse_input_shape
from zkc.compiler.config import CompileConfig
from zkc.compiler.limits import DEFAULT_TOLERANCE, MAX_LOGROWS
from zkc.targets import TARGETS

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

GENERIC = ("target", "pipeline", "disabled", "batch_size", "input_shapes", "max_logrows", "slices")
BUDGET = ("max_error", "min_top1", "tolerance")
TARGET_OPTIONS = (
    "input_visibility",
    "output_visibility",
    "param_visibility",
    "input_scale",
    "param_scale",
    "link",
    "calibration_target",
    "quantize",
    "lowering",
)


def _apply(options: list[Decorator]) -> Decorator:
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return decorate


_PLAN: list[Decorator] = [
    click.option(
        "--target",
        type=click.Choice(sorted(TARGETS)),
        default="ezkl",
        show_default=True,
        help="Proof backend.",
    ),
    click.option("--pipeline", default=None, help="Named pass pipeline (default: the target's)."),
    click.option(
        "--disable-pass",
        "disabled",
        multiple=True,
        help="Skip a pass of the pipeline (repeatable; for bisecting).",
    ),
    click.option("--batch-size", type=click.IntRange(1), default=1, show_default=True),
    click.option(
        "--input-shape",
        "input_shapes",
        multiple=True,
        callback=parse_input_shape,
        help="Pin an input's shape: NAME=D0,D1,... (repeatable).",
    ),
    click.option(
        "--max-logrows",
        type=click.IntRange(1, MAX_LOGROWS),
        help="Upper bound on every circuit's logrows: a model that does not fit is cut "
        "into linked slices that do.",
    ),
    click.option(
        "--slices",
        type=click.IntRange(1),
        help="Cut the model into exactly this many linked slices (one circuit each).",
    ),
    click.option(
        "--lowering",
        type=click.Choice(["measured", "none"]),
        default=None,
        show_default="measured",
        help="How convolutions reach EZKL: 'measured' emits each (whole, slice or tile) as "
        "patches times its kernel matrix where the measured row costs say that is cheaper; "
        "'none' keeps them as Conv.",
    ),
    click.option(
        "--input-visibility",
        type=click.Choice(["public", "private", "hashed"]),
        default=None,
        show_default="public",
        help="What a proof shows of the request: its values, nothing, or a Poseidon hash.",
    ),
    click.option(
        "--output-visibility",
        type=click.Choice(["public", "private", "hashed"]),
        default=None,
        show_default="public",
        help="What a proof shows of the response: its values, nothing, or a Poseidon hash.",
    ),
    click.option(
        "--param-visibility",
        type=click.Choice(["fixed", "hashed", "private"]),
        default=None,
        show_default="fixed",
        help="The weights: fixed in the verifying key; hashed (private, and every proof "
        "carries their Poseidon commitment, which the artifact records and verify checks); "
        "or private (not bound by the proof: what SN2 competitions ask for).",
    ),
    click.option(
        "--link",
        type=click.Choice(["polycommit", "hashed"]),
        default=None,
        show_default="polycommit",
        help="How slices are linked: KZG commitments compared in the proofs, or public "
        "Poseidon hashes (ezkl).",
    ),
]


def plan_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """What decides a plan: the target, its pipeline, input shapes, the budget."""
    return _apply(_PLAN)(fn)


_QUANTIZE: list[Decorator] = [
    click.option(
        "--input-scale",
        type=click.IntRange(0, 24),
        help="Fix the input scale (bits) instead of calibrating it (ezkl).",
    ),
    click.option(
        "--param-scale",
        type=click.IntRange(0, 24),
        help="Fix the parameter scale (bits) (ezkl).",
    ),
    click.option(
        "--calibration-target",
        type=click.Choice(["resources", "accuracy"]),
        default=None,
        show_default="resources",
        help="EZKL's calibration target (the starting point of --quantize search).",
    ),
    click.option(
        "--quantize",
        type=click.Choice(["search", "ezkl"]),
        default=None,
        show_default="search",
        help="Without a budget: 'search' keeps EZKL's calibration unless zkc's scale "
        "search finds fewer logrows at least as faithful on held-out samples; 'ezkl' "
        "keeps EZKL's calibration.",
    ),
    click.option(
        "--max-error",
        type=click.FloatRange(0, min_open=True),
        help="Fidelity budget: max |error| on held-out samples; zkc then searches scales "
        "and decomposition for the smallest logrows meeting it.",
    ),
    click.option(
        "--tolerance",
        type=click.FloatRange(0, 1, min_open=True),
        default=DEFAULT_TOLERANCE,
        show_default=True,
        help="The reference check every compile runs: the circuit's float outputs on "
        "held-out samples may differ from onnxruntime's by this share of each output's "
        "largest magnitude (at least 1), or by --max-error when given; integer and "
        "boolean outputs must match exactly. A circuit that differs more is refused "
        "(exit 1).",
    ),
    click.option(
        "--min-top1",
        type=click.FloatRange(0, 1, min_open=True),
        help="Fidelity budget for classifiers: minimum top-1 agreement (e.g. 0.99).",
    ),
]


def quantize_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """How numbers become field elements: fixed scales, calibration, fidelity budgets."""
    return _apply(_QUANTIZE)(fn)


def config_from(params: dict[str, Any]) -> CompileConfig:
    """The compile config of a command's parameters (taken out of `params`); the target's
    options only where given."""
    generic = {name: params.pop(name, None) for name in (*GENERIC, *BUDGET)}
    options = {name: params.pop(name, None) for name in TARGET_OPTIONS}
    generic["disabled_passes"] = tuple(generic.pop("disabled") or ())
    generic["input_shapes"] = generic["input_shapes"] or {}
    given = {k: v for k, v in generic.items() if v is not None}
    return CompileConfig(**given, options={k: v for k, v in options.items() if v is not None})
