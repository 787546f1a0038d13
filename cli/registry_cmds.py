"""`zkc publish` and `zkc pull`: artifacts to and from an OCI registry or an OCI layout on disk."""

import json
import os
from pathlib import Path

import click

from zkc.cli.render import print_json
from zkc.targets.registry import DEFAULT_PULL_CACHE

auth_options = [
    click.option(
        "--username", envvar="ZKC_REGISTRY_USER", help="Registry user (or $ZKC_REGISTRY_USER)."
    ),
    click.option(
        "--password-env",
        default="ZKC_REGISTRY_PASSWORD",
        show_default=True,
        help="Environment variable holding the registry password.",
    ),
]


def _auth(f):
    for option in reversed(auth_options):
        f = option(f)
    return f


@click.command("publish")
@click.argument("artifact", type=click.Path(path_type=Path))
@click.argument("reference")
@click.option("--wallet", help="Sign with this wallet's hotkey (NAME/HOTKEY).")
@click.option("--hotkey-uri", help="Sign with a dev keypair, e.g. //Alice (tests only).")
@_auth
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def publish_command(artifact, reference, wallet, hotkey_uri, username, password_env, as_json):
    """Publish an artifact: every file a blob, manifest.json the config, the tag last.

    \b
    Example:
      zkc publish build/lenet.zkc oci://127.0.0.1:5000/zkc/lenet:1.0.0 --wallet miner/default
      zkc publish build/lenet.zkc file:///srv/zkc-layout:1.0.0
    """
    from zkc.targets.registry.publish import publish
    from zkc.targets.registry.reference import parse_ref
    from zkc.targets.subnet.hotkeys import artifact_signer, load_hotkey

    signer = artifact_signer(load_hotkey(wallet, hotkey_uri)) if (wallet or hotkey_uri) else None
    result = publish(artifact, parse_ref(reference), signer, username, os.environ.get(password_env))
    if as_json:
        print_json(
            {
                "reference": str(result.ref),
                "manifest_digest": result.manifest_digest,
                "config_digest": result.config_digest,
                "signer": result.signer,
            }
        )
    else:
        click.echo(
            f"published {result.ref}\n  digest {result.manifest_digest}"
            + (f"\n  signed by {result.signer}" if result.signer else "")
        )


@click.command("pull")
@click.argument("reference")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Copy the artifact here.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_PULL_CACHE,
    show_default=True,
    help="Pulled artifacts, keyed by manifest digest.",
)
@click.option("--expect-hotkey", help="Refuse unless signed by this SS58 hotkey.")
@_auth
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def pull_command(reference, output, cache_dir, expect_hotkey, username, password_env, as_json):
    """Pull an artifact, checking every digest and the manifest's hashes (and its signer).

    \b
    Example:
      zkc pull oci://127.0.0.1:5000/zkc/lenet:1.0.0 -o build/lenet.zkc --expect-hotkey 5Grw...
    """
    from zkc.targets.registry.pull import pull
    from zkc.targets.registry.reference import parse_ref
    from zkc.targets.subnet.hotkeys import signature_check

    check = signature_check(expect_hotkey) if expect_hotkey is not None else None
    result = pull(
        parse_ref(reference), output, cache_dir, check, username, os.environ.get(password_env)
    )
    if as_json:
        print_json(
            {
                "path": str(result.path),
                "manifest_digest": result.manifest_digest,
                "artifact_key": result.artifact_key,
                "signer": result.signer,
                "cached": result.cached,
            }
        )
    else:
        state = "already in the cache" if result.cached else "pulled and verified"
        click.echo(f"{reference}: {state}\n  {result.path}  (artifact {result.artifact_key[:16]})")


@click.command("commit")
@click.argument("artifact")
@click.option(
    "--netuid", type=click.IntRange(0, 65535), required=True, help="Subnet id (2 for Omron)."
)
@click.option("--wallet", help="Sign with this wallet's hotkey (NAME/HOTKEY).")
@click.option("--hotkey-uri", help="Sign with a dev keypair, e.g. //Alice (tests only).")
@click.option(
    "--note", help="A Raw text field beside the digest, e.g. where it is published (≤128 bytes)."
)
@click.option(
    "--dry-run/--send",
    default=True,
    show_default=True,
    help="Print the signed call without sending it (the default), or send it.",
)
@click.option(
    "--network", help="Chain to send to: finney, test, local or ws(s)://URL (implies --send)."
)
@_auth
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def commit_command(
    artifact, netuid, wallet, hotkey_uri, note, dry_run, network, username, password_env, as_json
):
    """Commit an artifact's digest on chain (Commitments.set_commitment), signed by a hotkey.

    ARTIFACT is a local .zkc directory or a published oci://… / file://… reference; the
    committed value is the sha256 of its manifest.json, as signed by `zkc publish`.

    \b
    Example:
      zkc commit build/lenet.zkc --netuid 2 --wallet miner/default            # dry run
      zkc commit oci://host:5000/zkc/lenet:1.0.0 --netuid 2 --wallet miner/default \\
          --network finney
    """
    from zkc.compiler.errors import UserInputError
    from zkc.targets.registry.pull import published_digest
    from zkc.targets.registry.reference import parse_ref
    from zkc.targets.subnet import commitment
    from zkc.targets.subnet.hotkeys import load_hotkey

    if not (wallet or hotkey_uri):
        raise UserInputError(
            "--wallet NAME/HOTKEY (or --hotkey-uri) is required to sign the commitment"
        )
    if network is None and not dry_run:
        raise UserInputError("--send needs --network (finney, test, local or ws(s)://URL)")
    if "://" in artifact:
        digest = published_digest(parse_ref(artifact), username, os.environ.get(password_env))
    else:
        digest = commitment.local_digest(Path(artifact))
    keypair = load_hotkey(wallet, hotkey_uri)
    signed = commitment.sign_offline(commitment.compose(netuid, digest, note), keypair)
    doc = signed.to_json() | {"dry_run": network is None}
    if network is not None:
        doc["submitted"] = commitment.submit(signed, keypair, network)
    if as_json:
        print_json(doc)
        return
    click.echo(f"Commitments.set_commitment(netuid={netuid}) of artifact {digest}")
    click.echo(f"  info   {json.dumps(doc['call']['params']['info'])}")
    click.echo(f"  signer {signed.signer}")
    if network is None:
        click.echo("  dry run: not sent (pass --network URL to send it)")
    else:
        click.echo(f"  sent to {network}: block {doc['submitted']['block_hash']}")
