"""`zkc serve`: prove requests for circuits over HTTP, signed with bittensor hotkeys."""

from pathlib import Path

import click

from zkc.cli.options import srs_dir_option


@click.command("serve")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
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
    help="Seconds a signed request stays fresh (checked on arrival).",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=None,
    help="Prover processes.  [default: one per 2 cores, as many as memory holds]",
)
@click.option("--scheduler", help="Prove on this Dask cluster (tcp://HOST:PORT) instead.")
@click.option(
    "--deadline",
    type=click.FloatRange(1),
    default=None,
    help="Seconds a request may take in all.  [default: the circuit's timeout, 60]",
)
@click.option(
    "--grace",
    type=click.FloatRange(0),
    default=30.0,
    show_default=True,
    help="On SIGTERM/SIGINT: seconds the proofs in flight get to finish (new requests get 503 "
    "with Retry-After meanwhile) before the provers stop; a second signal stops at once.",
)
@click.option(
    "--max-queue",
    type=click.IntRange(0),
    default=16,
    show_default=True,
    help="Requests that may wait for a prover; more get 503 with Retry-After.",
)
@click.option(
    "--warmup/--no-warmup",
    default=True,
    show_default=True,
    help="Prove a calibration sample per prover at start (loads keys, times a proof).",
)
@click.option(
    "--pk",
    "pk_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="pk.key when it is not beside the package (one circuit only).",
)
@srs_dir_option
def serve_command(
    paths, host, port, wallet, hotkey_uri, workers, scheduler, pk_path, srs_dir, **policy
):
    """Serve proofs for circuits (.zkc artifacts, whole or sliced, or subnet packages) over HTTP.

    Each PATH is a circuit, or a directory of them (e.g. a miner's deployment_layer/).
    POST /prove/<circuit id> {"inputs": {...}} signed with btauth/1 headers (/prove when one
    circuit is served); GET /health lists the circuits; GET /metrics for Prometheus.

    \b
    Example:
      zkc serve deployment_layer/ --port 8090 --wallet miner/default --workers 2
    """
    import uvicorn

    from zkc.compiler.compute.runners import default_workers
    from zkc.targets.subnet.drain import Drain, DrainingServer
    from zkc.targets.subnet.hotkeys import load_hotkey
    from zkc.targets.subnet.prover_pool import ProverPool
    from zkc.targets.subnet.server import ServePolicy, create_app

    hotkey = load_hotkey(wallet, hotkey_uri, public_only=True).ss58_address
    served = _served(paths, pk_path, srs_dir)
    ids = [s.circuit.circuit_id for s in served]
    serve_policy = ServePolicy(
        hotkey_ss58=hotkey,
        allowed_hotkeys=frozenset(policy["allowed"]),
        max_body_bytes=policy["max_body_bytes"],
        max_age_seconds=policy["max_age"],
        deadline_seconds=policy["deadline"],
        max_queue=policy["max_queue"],
        warmup=policy["warmup"],
    )
    pool = ProverPool(workers or default_workers(), scheduler)
    click.echo(
        f"serving {len(served)} circuit(s) ({', '.join(i[:12] for i in ids)}) for "
        f"hotkey {hotkey} on http://{host}:{port} with {pool.workers} prover(s)",
        err=True,
    )
    drain = Drain(grace=policy["grace"])
    app = create_app(served, serve_policy, pool, drain)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    DrainingServer(config, drain).run()


def _served(paths: tuple[Path, ...], pk_path: Path | None, srs_dir: Path | None) -> list:
    """Every circuit the paths hold, loaded and checked, with where provers find its files."""
    from zkc.compiler.errors import UserInputError
    from zkc.targets.subnet.circuit import circuit_paths, load_circuit
    from zkc.targets.subnet.prover_pool import CircuitSource
    from zkc.targets.subnet.server import Served

    found = circuit_paths(list(paths))
    if pk_path is not None and len(found) > 1:
        raise UserInputError(f"--pk names one pk.key, but {len(found)} circuits are served")
    served = []
    for path in found:
        circuit = load_circuit(path, pk_path=pk_path, srs_dir=srs_dir, allow_sliced=True)
        source = CircuitSource(
            circuit.circuit_id,
            str(path),
            str(pk_path) if pk_path else None,
            str(srs_dir) if srs_dir else None,
        )
        served.append(Served(circuit, source))
    ids = [s.circuit.circuit_id for s in served]
    if len(set(ids)) != len(ids):
        raise UserInputError("two of the paths are the same circuit")
    return served
