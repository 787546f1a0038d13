"""`zkc plan`."""

from pathlib import Path

import click

from zkc.cli.options import json_option, parse_input_shape
from zkc.cli.render import RichReporter, print_json


@click.command("plan")
@click.argument("model", type=click.Path(path_type=Path))
@click.option(
    "--max-logrows",
    type=click.IntRange(1, 25),
    help="Upper bound on every circuit's logrows (as for zkc compile).",
)
@click.option("--slices", type=click.IntRange(1), help="Exactly this many slices (no tiles).")
@click.option(
    "--link", type=click.Choice(["polycommit", "hashed"]), default="polycommit", show_default=True
)
@click.option("--pipeline", default="ezkl-default", show_default=True, help="Named pass pipeline.")
@click.option(
    "--input-shape",
    "input_shapes",
    multiple=True,
    callback=parse_input_shape,
    help="Pin an input's shape: NAME=D0,D1,... (repeatable).",
)
@json_option
def plan_command(model, max_logrows, slices, link, pipeline, input_shapes, as_json):
    """Show the plan a compile would build, and what it would cost, without building it.

    Slices and tiles, distinct circuits with estimated rows and logrows, estimated setup and
    proving core-seconds, peak memory per worker, and proving wall time on 1/4/16/64 workers.

    \b
    Example:
      zkc plan build/resnet8.onnx --max-logrows 17
    """
    from zkc.compiler.config import CompileConfig
    from zkc.compiler.driver.plan import plan_model
    from zkc.targets import make_target

    config = CompileConfig(
        max_logrows=max_logrows,
        slices=slices,
        link=link,
        pipeline=pipeline,
        input_shapes=input_shapes,
    )
    report = plan_model(model, config, make_target(config.target), RichReporter(quiet=as_json))
    if as_json:
        print_json(report.model_dump())
        return
    for line in report.lines():
        click.echo(line)
    click.echo(f"(planned in {report.plan_seconds:.1f} s; estimates, nothing was set up)")
