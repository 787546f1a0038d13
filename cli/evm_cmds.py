"""`zkc evm`: Solidity verifiers of an artifact, calldata of a proof, verification in a local EVM."""

from pathlib import Path

import click

from zkc.cli.options import json_option, srs_dir_option
from zkc.cli.render import print_json
from zkc.compiler.errors import UserInputError, VerificationError


class _DefaultBuild(click.Group):
    """`zkc evm ARTIFACT -o DIR` is `zkc evm build ARTIFACT -o DIR`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["build", *args]
        return super().parse_args(ctx, args)


@click.group("evm", cls=_DefaultBuild)
def evm_group():
    """EVM verifiers: `zkc evm ARTIFACT -o DIR` writes them; `calldata` and `verify` use them.

    \b
    Example:
      make solc    # the npm registry's solc, into build/solc
      zkc evm build/lenet.zkc -o build/lenet.evm --solc build/solc/node_modules/solc
      zkc evm verify build/lenet.evm proof.json     # deploys and verifies in a local EVM
    """


@evm_group.command("build")
@click.argument("artifact", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option(
    "--solc",
    "solc_dir",
    type=click.Path(path_type=Path),
    envvar="ZKC_SOLC",
    required=True,
    help="The npm solc package's directory (`make solc`: build/solc/node_modules/solc).",
)
@srs_dir_option
@json_option
def evm_build_command(artifact, output, solc_dir, srs_dir, as_json):
    """Write each distinct circuit's verifier contract (EZKL's), the chain contract that checks
    the pieces in order with their links and the request and response (ZkcChain.sol), and
    evm.json (bytecode, ABI, each piece's table)."""
    from zkc.api.building import load
    from zkc.targets.ezkl.evm.build import EIP170_BYTES

    built = load(artifact, srs_dir=srs_dir).export_evm(output, solc=solc_dir)
    if as_json:
        print_json(
            {"path": str(built.path), "pieces": built.pieces, "runtime_bytes": built.runtime_bytes}
        )
        return
    click.echo(f"EVM contracts written to {built.path} ({built.pieces} piece(s)):")
    for name, size in built.runtime_bytes.items():
        over = (
            f"  over EIP-170's {EIP170_BYTES:,d}: will not deploy on Ethereum"
            if size > EIP170_BYTES
            else ""
        )
        click.echo(f"  {name}: {size:,d} bytes deployed{over}")


@evm_group.command("verify")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("proof", type=click.Path(path_type=Path))
@click.option(
    "--gas-limit", type=click.IntRange(min=1_000_000), default=30_000_000, show_default=True
)
@json_option
def evm_verify_command(directory, proof, gas_limit, as_json):
    """Deploy the contracts in a local EVM (py-evm) and verify a proof file on the chain
    contract, in as many transactions as the gas limit needs. Exit 1 when it reverts."""
    from zkc.api.evm import EvmVerifier

    result = EvmVerifier.load(directory).verify(proof, gas_limit=gas_limit)
    if as_json:
        print_json(
            {
                "verified": result.verified,
                "reason": result.reason,
                "transactions": result.transactions,
                "piece_gas": result.piece_gas,
                "deploy_gas": result.deploy_gas,
            }
        )
    else:
        spent = ", ".join(f"{g:,d}" for g in result.transactions)
        click.echo(f"{len(result.transactions)} transaction(s), gas {spent}")
    if not result.verified:
        raise VerificationError(f"the EVM refused the proof: {result.reason}")
    if not as_json:
        click.echo("verified on the EVM")


@evm_group.command("calldata")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("proof", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option(
    "--deployment",
    type=click.Path(path_type=Path),
    help='JSON {"chain": address, "verifiers": {name: address}}: calldata for the chain '
    "contract. Without it: the bare verifier's calldata (a whole model only).",
)
@click.option("--pieces-per-transaction", type=click.IntRange(min=1), default=None)
@click.option("--nonce", default="0" * 64, show_default=True, help="The run's 32-byte nonce (hex).")
def evm_calldata_command(directory, proof, output, deployment, pieces_per_transaction, nonce):
    """A proof file as calldata: one hex string per transaction, in order, in a JSON file."""
    from zkc.api.evm import EvmVerifier
    from zkc.compiler.artifacts.atomic import write_json_atomic
    from zkc.compiler.data.samples import read_json

    addresses = read_json(Path(deployment)) if deployment else None
    try:
        run = bytes.fromhex(nonce)
    except ValueError:
        run = b""
    if len(run) != 32:
        raise UserInputError(f"--nonce {nonce!r}: not 32 bytes of hex")
    txs = EvmVerifier.load(directory).calldata(
        proof, deployment=addresses, pieces_per_transaction=pieces_per_transaction, nonce=run
    )
    write_json_atomic(Path(output), {"transactions": txs})
    click.echo(f"{len(txs)} transaction(s) written to {output}")
