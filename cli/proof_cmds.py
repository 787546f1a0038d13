"""`zkc run`, `zkc prove`, `zkc verify`."""

import json
import os
from pathlib import Path

import click

from zkc.cli.options import json_option, srs_dir_option
from zkc.cli.render import RichReporter, format_outputs, print_json
from zkc.compiler.errors import UserInputError

artifact_arg = click.argument("artifact", type=click.Path(path_type=Path))


def _open(artifact: Path, srs_dir: Path):
    from zkc.targets import open_artifact

    return open_artifact(artifact, srs_dir)


def _shipped(
    compiled,
    blobs_from: str,
    worker_cache: str,
    worker_srs_dir: str | None,
    srs_dir: Path,
    username: str | None,
    password: str | None,
):
    """Where cluster workers fetch the artifact's files: the registry it was published to."""
    from zkc.compiler.artifacts.download import ShippedFiles
    from zkc.targets.registry.shipping import blob_sources

    sources = blob_sources(
        blobs_from, compiled.manifest, sorted(compiled.manifest.files), username, password
    )
    return ShippedFiles(sources, worker_srs_dir or str(srs_dir), worker_cache)


@click.command("run")
@artifact_arg
@click.argument("input_json", type=click.Path(path_type=Path))
@srs_dir_option
@json_option
def run_command(artifact, input_json, srs_dir, as_json):
    """Compute the outputs through the circuit's witness (no proof).

    \b
    Example:
      zkc run build/lenet.zkc input.json --json
    """
    from zkc.compiler.data.samples import parse_input_json

    compiled = _open(artifact, srs_dir)
    outputs = compiled.run(parse_input_json(input_json, compiled.spec))
    if as_json:
        print_json({"outputs": outputs})
    else:
        click.echo(format_outputs(outputs))


@click.command("prove")
@artifact_arg
@click.argument("input_json", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path), help="Proof file to write."
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=None,
    show_default="one per 2 cores",
    help="Prove this many circuits of a chain at once in local processes (fewer if memory is short).",
)
@click.option(
    "--scheduler",
    help="Prove the circuits on this Dask cluster (tcp://HOST:PORT); its workers must see the "
    "artifact and $TMPDIR at the same paths, unless --blobs-from is given.",
)
@click.option(
    "--blobs-from",
    metavar="oci://HOST:PORT/REPO",
    help="With --scheduler: workers fetch each circuit and proving key from this "
    "registry repository (where the artifact was published), checked by digest and cached; "
    "no shared filesystem is needed.",
)
@click.option(
    "--worker-cache",
    default="~/.cache/zkc/worker",
    show_default=True,
    help="With --blobs-from: where workers keep fetched blobs (a path on the workers).",
)
@click.option(
    "--worker-srs-dir",
    help="With --blobs-from: the SRS directory on the workers (default: --srs-dir's path).",
)
@click.option(
    "--username",
    envvar="ZKC_REGISTRY_USER",
    help="With --blobs-from: registry user for the client's check (or $ZKC_REGISTRY_USER); "
    "workers use $ZKC_REGISTRY_USER/$ZKC_REGISTRY_PASSWORD from their own environment.",
)
@click.option(
    "--password-env",
    default="ZKC_REGISTRY_PASSWORD",
    show_default=True,
    help="With --blobs-from: environment variable holding the registry password.",
)
@srs_dir_option
@json_option
def prove_command(artifact, input_json, output, workers, scheduler, srs_dir, as_json, **cluster):
    """Prove one inference and write the proof (with its inputs and outputs).

    \b
    Example:
      zkc prove build/lenet.zkc input.json -o proof.json
      zkc prove build/resnet.zkc input.json -o proof.json --workers 2
      zkc prove build/resnet.zkc input.json -o proof.json --scheduler tcp://10.0.0.5:8786
      zkc prove build/resnet.zkc input.json -o proof.json --scheduler tcp://10.0.0.5:8786 \\
          --blobs-from oci://10.0.0.2:5000/zkc/resnet
    """
    from zkc.compiler.artifacts.atomic import write_bytes_atomic
    from zkc.compiler.data.samples import parse_input_json

    compiled = _open(artifact, srs_dir)
    inputs = parse_input_json(input_json, compiled.spec)
    shipped = None
    if cluster["blobs_from"] is not None:
        if not scheduler:
            raise UserInputError("--blobs-from is for proving on a cluster (--scheduler)")
        username = cluster["username"]
        password = os.environ.get(cluster["password_env"]) if username else None
        shipped = _shipped(
            compiled,
            cluster["blobs_from"],
            cluster["worker_cache"],
            cluster["worker_srs_dir"],
            srs_dir,
            username,
            password,
        )
    with RichReporter(quiet=as_json).step(f"proving (logrows {compiled.facts.logrows})"):
        result = compiled.prove(inputs, workers=workers, scheduler=scheduler, shipped=shipped)
    write_bytes_atomic(output, json.dumps(result.envelope.model_dump(mode="json")).encode())
    if as_json:
        print_json(
            {
                "outputs": result.outputs,
                "proof": str(output),
                "prove_seconds": result.prove_seconds,
                "slices": result.run,
            }
        )
    else:
        click.echo(format_outputs(result.outputs))
        click.echo(f"proof written to {output} ({result.prove_seconds:.1f}s)")


@click.command("verify")
@artifact_arg
@click.argument("proof", type=click.Path(path_type=Path))
@srs_dir_option
@json_option
def verify_command(artifact, proof, srs_dir, as_json):
    """Verify a proof against an artifact: exit 0 if valid, 1 if not.

    Checks the proof, that its public inputs are the stated request and its public outputs
    the stated response (for public ends), that it carries the weights' commitment the
    artifact records (hashed parameters), and that it was made for this artifact.

    \b
    Example:
      zkc verify build/lenet.zkc proof.json
    """
    from zkc.compiler.artifacts.proof import load_proof
    from zkc.compiler.errors import VerificationError

    compiled = _open(artifact, srs_dir)
    envelope = load_proof(proof)
    try:
        compiled.verify(envelope)
    except VerificationError as exc:
        if as_json:
            print_json({"verified": False, "reason": str(exc)})
        raise
    commitment = [h for c in compiled.facts.circuits for h in c.param_hashes]
    if as_json:
        doc = {"verified": True, "outputs": envelope.outputs}
        print_json(doc | ({"weights_commitment": commitment} if commitment else {}))
    else:
        click.echo(f"verified: {proof} is a valid proof for {artifact}")
        if commitment:
            click.echo(f"  with the weights the artifact commits to ({len(commitment)} hashes)")
