"""`zkc serve`: prove requests for one circuit over HTTP, signed with bittensor hotkeys."""

from pathlib import Path

import click

from zkc.cli.options import srs_dir_option


@click.command("serve")
@click.argument("circuit", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8090, show_default=True)
@click.option(
    "--wallet", help="This miner's wallet as NAME/HOTKEY; requests must be signed for its hotkey."
)
@click.option("--hotkey-uri", help="Dev keypair instead of a wallet, e.g. //Bob (tests only).")
@click.option(
    "--allow-hotkey",
    "allowed",
    multiple=True,
    help="SS58 allowed to call (repeat); default: any signer.",
)
@click.option("--max-body-bytes", type=click.IntRange(1), default=1 << 20, show_default=True)
@click.option(
    "--max-age",
    type=click.FloatRange(0.1),
    default=10.0,
    show_default=True,
    help="Seconds a signed request stays fresh.",
)
@click.option(
    "--pk",
    "pk_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="pk.key when it is not beside the package.",
)
@srs_dir_option
def serve_command(circuit, host, port, wallet, hotkey_uri, allowed, max_body_bytes, max_age,
                  pk_path, srs_dir):  # fmt: skip
    """Serve proofs for a circuit (a .zkc artifact or a subnet package) over HTTP.

    POST /prove {"inputs": {...}} signed with btauth/1 headers; GET /health.

    \b
    Example:
      zkc serve deployment_layer/model_<id> --port 8090 --wallet miner/default
    """
    import uvicorn

    from zkc.targets.subnet.circuit import load_circuit
    from zkc.targets.subnet.hotkeys import load_hotkey
    from zkc.targets.subnet.server import ServePolicy, create_app

    hotkey = load_hotkey(wallet, hotkey_uri, public_only=True).ss58_address
    loaded = load_circuit(circuit, pk_path=pk_path, srs_dir=srs_dir)
    policy = ServePolicy(
        hotkey_ss58=hotkey, allowed_hotkeys=frozenset(allowed),
        max_body_bytes=max_body_bytes, max_age_seconds=max_age,
    )  # fmt: skip
    click.echo(
        f"serving circuit {loaded.circuit_id} for hotkey {hotkey} on http://{host}:{port}", err=True
    )
    uvicorn.run(create_app(loaded, policy), host=host, port=port, log_level="warning")
