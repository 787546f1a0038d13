"""`zkc bench`."""

from pathlib import Path

import click

from zkc.cli.options import json_option, srs_dir_option
from zkc.cli.render import RichReporter, print_json


@click.command("bench")
@click.argument("artifact", type=click.Path(path_type=Path))
@click.argument("input_json", required=False, type=click.Path(path_type=Path))
@click.option(
    "--repeat",
    type=click.IntRange(1, 100),
    default=3,
    show_default=True,
    help="Proofs to make, each in a fresh process.",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=None,
    help="Local proof processes for the circuits of a chain (default: one per 2 cores).",
)
@click.option("--scheduler", help="Prove on this Dask cluster (tcp://HOST:PORT).")
@srs_dir_option
@json_option
def bench_command(artifact, input_json, repeat, workers, scheduler, srs_dir, as_json):
    """Measure how an artifact proves on this machine: prove time, verify time, peak memory,
    key and proof sizes. Every proof is verified (exit 1 if one does not verify).

    INPUT_JSON is the request; without it, the first held-out sample the artifact carries.

    \b
    Example:
      zkc bench build/lenet.zkc --repeat 5
      zkc bench build/resnet.zkc input.json --workers 2 --json
    """
    from zkc.compiler.data.samples import parse_input_json
    from zkc.compiler.driver.measure import measure
    from zkc.targets import open_artifact

    inputs = None
    if input_json is not None:
        inputs = parse_input_json(input_json, open_artifact(artifact, srs_dir).spec)
    with RichReporter(quiet=as_json).step(f"proving {repeat} time(s)"):
        report = measure(artifact, srs_dir, open_artifact, inputs, repeat, workers, scheduler)
    if as_json:
        print_json(report.model_dump())
    else:
        click.echo(report.summary())
