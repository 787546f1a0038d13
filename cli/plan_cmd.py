"""`zkc plan`."""

from pathlib import Path

import click

from zkc.cli.config_options import config_from, plan_options
from zkc.cli.options import json_option
from zkc.cli.render import RichReporter, print_json


@click.command("plan")
@click.argument("model", type=click.Path(path_type=Path))
@plan_options
@json_option
def plan_command(model, as_json, **params):
    """Show the plan a compile would build, and what it would cost, without building it.

    Slices and tiles, distinct circuits with estimated rows and logrows, estimated setup and
    proving core-seconds, peak memory per worker, and proving wall time on 1/4/16/64 workers.

    \b
    Example:
      zkc plan build/resnet8.onnx --max-logrows 17
    """
    from zkc.compiler.driver.plan import plan_model
    from zkc.targets import make_target

    config = config_from(params)
    report = plan_model(model, config, make_target(config.target), RichReporter(quiet=as_json))
    if as_json:
        print_json(report.model_dump())
        return
    for line in report.lines():
        click.echo(line)
    click.echo(f"(planned in {report.plan_seconds:.1f} s; estimates, nothing was set up)")
