"""`zkc zoo list` and `zkc zoo export`."""

from pathlib import Path

import click

from zkc.cli.options import json_option
from zkc.cli.render import print_json


@click.group("zoo")
def zoo_group():
    """Small real models to compile: list them, train and export one."""


@zoo_group.command("list")
@json_option
def zoo_list(as_json):
    """List the zoo's models.

    \b
    Example:
      zkc zoo list
    """
    from zkc.model_zoo.models import ZOO

    rows = [
        {
            "name": e.name,
            "description": e.description,
            "input": e.input_name,
            "sample_shape": list(e.sample_shape),
            "task": e.task,
            "min_top1_agreement": e.min_top1_agreement,
            "max_abs_error": e.max_abs_error,
            "fidelity_target": e.fidelity_target(),
        }
        for e in ZOO.values()
    ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        click.echo(
            f"{row['name']:16s} {row['description']}  (circuit target: {row['fidelity_target']})"
        )


@zoo_group.command("export")
@click.argument("name")
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path), help="ONNX file to write."
)
@click.option(
    "--calibration",
    required=True,
    type=click.Path(path_type=Path),
    help="Calibration .npz to write.",
)
@click.option(
    "--holdout",
    type=click.Path(path_type=Path),
    help="Held-out .npz to write (default: OUTPUT with .holdout.npz).",
)
@json_option
def zoo_export(name, output, calibration, holdout, as_json):
    """Train a zoo model (deterministic, seconds) and export ONNX, calibration and held-out data.

    \b
    Example:
      zkc zoo export lenet_digits -o build/lenet.onnx --calibration build/calib.npz
    """
    from zkc.model_zoo.export import export_zoo_model, get_entry

    get_entry(name)
    result = export_zoo_model(name, output, calibration, holdout)
    info = {
        "onnx": str(result.onnx_path),
        "calibration": str(result.calibration_path),
        "holdout": str(result.holdout_path),
        "holdout_score": result.holdout_score,
        "holdout_metric": result.holdout_metric,
    }
    if as_json:
        print_json(info)
    else:
        click.echo(
            f"{name}: wrote {output}, {calibration}, {result.holdout_path} "
            f"(held-out {result.holdout_metric} {result.holdout_score:.3f})"
        )


@zoo_group.command("sample")
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--index", type=click.IntRange(0), default=0, show_default=True, help="Which sample.")
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path), help="Input JSON to write."
)
def zoo_sample(data, index, output):
    """Write one sample of a data .npz as an inference input JSON ({"<input>": nested list}).

    Arrays named "labels" are skipped.

    \b
    Example:
      zkc zoo sample build/lenet.holdout.npz --index 3 -o input.json
    """
    import json

    import numpy as np

    from zkc.compiler.artifacts.atomic import write_bytes_atomic
    from zkc.compiler.errors import UserInputError

    try:
        archive = np.load(data, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise UserInputError(f"{data}: not an .npz file ({exc})") from exc
    with archive:
        arrays = {k: archive[k] for k in archive.files if k != "labels"}
    count = min(len(a) for a in arrays.values())
    if index >= count:
        raise UserInputError(f"{data}: --index {index} out of range ({count} samples)")
    doc = {k: a[index].astype(float).tolist() for k, a in arrays.items()}
    write_bytes_atomic(output, json.dumps(doc).encode())
    click.echo(f"wrote sample {index} of {data} to {output}")
