"""`zkc export-verifier`: what a verifier needs of an artifact, and nothing more."""

from pathlib import Path

import click

from zkc.cli.options import json_option
from zkc.cli.render import print_json


@click.command("export-verifier")
@click.argument("artifact", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The bundle directory to write (replaced atomically).",
)
@json_option
def export_verifier_command(artifact, output, as_json):
    """Write a verifier bundle: the manifest's facts (links, commitments, the weights'
    commitment), each circuit's settings and verifying key; no proving keys, no model files
    or weights, no samples. `zkc verify BUNDLE proof.json` verifies with it.

    \b
    Example:
      zkc export-verifier build/lenet.zkc -o build/lenet.verifier
      zkc verify build/lenet.verifier proof.json
    """
    from zkc.compiler.driver.verifier_bundle import export_verifier
    from zkc.targets import open_artifact

    bundle = export_verifier(open_artifact(artifact), output)
    if as_json:
        print_json(
            {
                "bundle": str(bundle.path),
                "files": bundle.files,
                "bytes": bundle.bytes,
                "artifact_bytes": bundle.artifact_bytes,
            }
        )
        return
    share = bundle.bytes / max(bundle.artifact_bytes, 1)
    click.echo(
        f"verifier bundle written to {bundle.path}: {len(bundle.files)} files, "
        f"{bundle.bytes:,d} bytes ({share:.1%} of the artifact's {bundle.artifact_bytes:,d})"
    )
