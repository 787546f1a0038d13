"""`zkc package`: package an artifact for subnet 2 (or as a competition submission)."""

import os
from pathlib import Path

import click

from zkc.cli.options import cache_dir_option, json_option, srs_dir_option
from zkc.cli.render import RichReporter, print_json
from zkc.compiler.errors import UserInputError

# metadata.json's fields and the options giving them.
METADATA_FIELDS = {
    "name": "name",
    "description": "description",
    "author": "author",
    "version": "version",
    "type": "circuit_type",
    "timeout": "timeout",
    "benchmark_choice_weight": "benchmark_weight",
}


@click.command("package")
@click.argument("artifact", type=click.Path(path_type=Path))
@click.option(
    "--target", "target", type=click.Choice(["subnet"]), default="subnet", show_default=True
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The deployment_layer directory to write model_<id>/ into.",
)
@click.option(
    "--external-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where <id>/pk.key goes for upload [default: external/ beside --output].",
)
@click.option("--name", help="Circuit name (metadata.json).")
@click.option("--description", default="", help="Circuit description (metadata.json).")
@click.option("--author", help="Author (metadata.json).")
@click.option("--version", "version", default="1.0.0", show_default=True, help="Semantic version.")
@click.option(
    "--type",
    "circuit_type",
    type=click.Choice(["proof_of_computation", "proof_of_weights"]),
    default="proof_of_computation",
    show_default=True,
)
@click.option("--timeout", type=click.IntRange(1), help="Proof timeout in seconds (metadata.json).")
@click.option("--benchmark-weight", type=click.FloatRange(0), help="benchmark_choice_weight.")
@click.option(
    "--pk-url-base",
    help="URL prefix the pk.key is uploaded under (<base>/<id>/pk.key), or oci://HOST:PORT/REPO "
    "where the artifact is published: then pk.key is the registry blob URL, checked by digest.",
)
@click.option(
    "--allow-dev-srs",
    is_flag=True,
    help="Package keys set up with an insecure dev SRS (tests only).",
)
@click.option(
    "--competition",
    is_flag=True,
    help="Write a competition submission <output>/<sha256(model.compiled)>/ instead.",
)
@srs_dir_option
@cache_dir_option
@json_option
def package_command(
    artifact, output, allow_dev_srs, competition, srs_dir, cache_dir, as_json, **fields
):
    """Package a compiled artifact as a subnet 2 circuit directory.

    Writes OUTPUT/model_<sha256(vk.key)>/ (metadata.json, settings.json, model.compiled,
    vk.key, input.py) and external/<id>/pk.key for upload. An artifact without a nonce
    input is rebuilt with one first (pipeline ezkl-subnet).

    \b
    Example:
      zkc package build/lenet.zkc --target subnet -o deployment_layer/ \\
          --name LeNet --author "me" --version 1.0.0 --pk-url-base https://host/circuits
      zkc package build/lenet.zkc --target subnet -o deployment_layer/ \\
          --name LeNet --author "me" --pk-url-base oci://127.0.0.1:5000/zkc/lenet
      zkc package build/lenet.zkc --competition -o submissions/
    """
    from zkc.targets import make_target

    reporter = RichReporter(quiet=as_json)
    target = make_target("ezkl", srs_dir, allow_dev_srs)
    if competition:
        from zkc.targets.subnet.competition import build_submission

        result = build_submission(artifact, output, target, cache_dir, reporter)
        if as_json:
            print_json({"sha256": result.sha256, "directory": str(result.directory)})
        else:
            click.echo(f"competition submission {result.sha256}\n  {result.directory}")
        return
    for flag in ("name", "author", "pk_url_base"):
        if not fields[flag]:
            raise UserInputError(f"--{flag.replace('_', '-')} is required for a subnet package")
    metadata = {key: fields[name] for key, name in METADATA_FIELDS.items()}
    _subnet_package(
        artifact,
        output,
        fields["external_dir"],
        metadata,
        fields["pk_url_base"],
        allow_dev_srs,
        cache_dir,
        target,
        reporter,
        as_json,
    )


def _subnet_package(
    artifact,
    output,
    external_dir,
    metadata,
    pk_url_base,
    allow_dev_srs,
    cache_dir,
    target,
    reporter,
    as_json,
) -> None:
    from zkc.targets.subnet.package import PackageRequest, package_for_subnet

    request = PackageRequest(
        artifact=artifact,
        out_dir=output,
        metadata=metadata,
        pk_url_base=pk_url_base,
        external_dir=external_dir,
        allow_dev_srs=allow_dev_srs,
        cache_dir=cache_dir,
        blob_url=_registry_blob_url(pk_url_base),
    )
    result = package_for_subnet(request, target, reporter)
    if as_json:
        print_json(
            {
                "circuit_id": result.circuit_id,
                "package_dir": str(result.package_dir),
                "pk_path": str(result.pk_path),
                "artifact_key": result.artifact_key,
                "rebuilt_with_nonce": result.derived,
            }
        )
    else:
        click.echo(
            f"circuit {result.circuit_id}\n  package: {result.package_dir}\n  upload:  {result.pk_path}"
        )


def _registry_blob_url(base: str):
    """For an oci:// --pk-url-base: the blob URL of a pk.key the registry holds (checked)."""
    if not base.startswith("oci://"):
        return None
    from zkc.targets.registry.blob_url import blob_resolver

    return blob_resolver(
        base, os.environ.get("ZKC_REGISTRY_USER"), os.environ.get("ZKC_REGISTRY_PASSWORD")
    )
