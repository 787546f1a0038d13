"""`zkc audit`."""

from pathlib import Path

import click

from zkc.cli.options import json_option, srs_dir_option
from zkc.cli.render import RichReporter, print_json


@click.command("audit")
@click.argument("artifact", type=click.Path(path_type=Path))
@click.option(
    "--model",
    "model_path",
    required=True,
    type=click.Path(path_type=Path),
    help="The source ONNX model the artifact claims to be built from.",
)
@srs_dir_option
@json_option
def audit_command(artifact, model_path, srs_dir, as_json):
    """Rebuild an artifact (or a subnet package) from its source model and compare every file.

    The rebuild uses the recorded config and the calibration and held-out samples the
    artifact carries, and the SRS files it was set up with (checked by hash in --srs-dir).
    Exit 0 when every verifying key is reproduced, 1 when one differs.

    \b
    Example:
      zkc audit build/lenet.zkc --model build/lenet.onnx
      zkc audit deployment_layer/model_<id> --model lenet.onnx --json
    """
    from zkc.compiler.artifacts.manifest import MANIFEST, load_manifest
    from zkc.compiler.errors import UserInputError, VerificationError
    from zkc.targets import make_target

    reporter = RichReporter(quiet=as_json)
    if (Path(artifact) / MANIFEST).is_file():
        from zkc.compiler.driver.audit import audit_artifact

        target = make_target(load_manifest(artifact).target, srs_dir)
        report = audit_artifact(artifact, model_path, target, reporter)
    elif (Path(artifact) / "zkc-package.json").is_file():
        from zkc.targets.subnet.audit import audit_package

        report = audit_package(artifact, model_path, make_target("ezkl", srs_dir), reporter)
    else:
        raise UserInputError(f"{artifact}: neither a zkc artifact nor a zkc subnet package")
    if as_json:
        print_json(report.model_dump() | {"identical": report.identical})
    else:
        for line in report.lines():
            click.echo(line)
    if not report.vk_identical:
        raise VerificationError(
            f"{artifact}: the rebuild from {model_path} has other verifying keys"
        )
