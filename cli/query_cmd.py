"""`zkc query`: sign a request to a `zkc serve` prover, send it, verify the answer."""

from pathlib import Path

import click

from zkc.cli.options import json_option, srs_dir_option
from zkc.cli.render import format_outputs, print_json


@click.command("query")
@click.argument("url")
@click.argument("input_json", type=click.Path(path_type=Path))
@click.option(
    "--circuit",
    "circuit_id",
    help="Circuit id to ask for (default: the artifact's or package's own).",
)
@click.option(
    "--artifact",
    type=click.Path(path_type=Path),
    help="The .zkc artifact (whole or sliced) whose keys verify the answer.",
)
@click.option(
    "--package",
    type=click.Path(path_type=Path),
    help="The subnet package (model_<id>/) whose keys verify the answer.",
)
@click.option("--wallet", help="Your wallet as NAME/HOTKEY: signs the request.")
@click.option("--hotkey-uri", help="Dev keypair instead of a wallet, e.g. //Alice (tests only).")
@click.option("--receiver", help="The server's hotkey SS58 (default: from its /health).")
@click.option("--timeout", type=click.FloatRange(1), default=120.0, show_default=True)
@srs_dir_option
@json_option
def query_command(
    url,
    input_json,
    circuit_id,
    artifact,
    package,
    wallet,
    hotkey_uri,
    receiver,
    timeout,
    srs_dir,
    as_json,
):
    """Ask a prover for a proof of INPUT_JSON and verify it as a validator does.

    The answer's proofs are checked with the circuit's own verifying keys, against public
    inputs recomputed from INPUT_JSON; the outputs are decoded from the proof and must be the
    ones returned. Exit 1 on an invalid or mismatched proof (or a refusal), 2 on bad input.

    \b
    Example:
      zkc query http://127.0.0.1:8090 input.json --package deployment_layer/model_<id> \\
          --wallet validator/default
    """
    from zkc.compiler.data.samples import read_json
    from zkc.compiler.errors import UserInputError, VerificationError
    from zkc.targets.subnet.circuit import load_circuit
    from zkc.targets.subnet.hotkeys import load_hotkey
    from zkc.targets.subnet.query import query

    if (artifact is None) == (package is None):
        raise UserInputError("give exactly one of --artifact or --package (its keys verify)")
    keypair = load_hotkey(wallet, hotkey_uri)
    circuit = load_circuit(
        artifact or package, srs_dir=srs_dir, allow_sliced=True, verify_only=True
    )
    if circuit_id is not None and circuit_id != circuit.circuit_id:
        raise VerificationError(
            f"--circuit {circuit_id[:12]} is not the circuit whose keys were "
            f"given ({circuit.circuit_id[:12]})"
        )
    doc = read_json(input_json)
    inputs = doc.get("inputs", doc) if isinstance(doc, dict) else doc
    result = query(url.rstrip("/"), circuit, inputs, keypair, receiver, timeout)
    _report(url, circuit.circuit_id, result, as_json)


def _report(url: str, circuit_id: str, result, as_json: bool) -> None:
    """The verified answer, for humans or as JSON."""
    if as_json:
        print_json(
            {
                "circuit_id": circuit_id,
                "verified": True,
                "outputs": {k: v.tolist() for k, v in result.outputs.items()},
                "prove_seconds": result.prove_seconds,
                "seconds": result.seconds,
            }
        )
        return
    click.echo(format_outputs(result.outputs))
    click.echo(
        f"verified: the proof from {url} is valid for circuit {circuit_id[:12]} "
        f"(proved in {result.prove_seconds} s, {result.seconds:.1f} s round trip)"
    )
