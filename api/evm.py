"""EVM verifiers from Python, the same code `zkc evm` runs: `Artifact.export_evm(dir, solc=...)`
writes the contracts, `zkc.EvmVerifier.load(dir)` reads them, `.verify(proof)` deploys them in
a local EVM (py-evm, no network) and verifies, `.calldata(proof, ...)` gives the transactions
to send to a real chain."""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zkc.compiler.artifacts.proof import ProofEnvelope, load_proof
from zkc.compiler.errors import UserInputError
from zkc.targets import evm_tools

SOLC_ENV = "ZKC_SOLC"
DEFAULT_GAS_LIMIT = 30_000_000  # Ethereum's block gas limit


@dataclass(frozen=True)
class EvmResult:
    """What the local EVM said of a proof: verified or not (and why), the gas of each
    transaction it took, each piece's bare verifier gas, and what deploying cost."""

    verified: bool
    reason: str
    transactions: list[int]
    piece_gas: list[int]
    deploy_gas: dict[str, int]


def resolve_solc(solc: str | Path | None) -> Path:
    """The npm solc package's directory: `solc`, else $ZKC_SOLC; UserInputError without one."""
    chosen = solc if solc is not None else os.environ.get(SOLC_ENV)
    if not chosen:
        raise UserInputError(
            f"no solc: pass solc= (the npm package's directory; `make solc` puts it in "
            f"build/solc/node_modules/solc) or set ${SOLC_ENV}"
        )
    return Path(chosen)


def _envelope(proof: Any) -> ProofEnvelope:
    if isinstance(proof, str | Path):
        return load_proof(Path(proof))
    envelope = getattr(proof, "envelope", proof)
    if not isinstance(envelope, ProofEnvelope):
        raise UserInputError(f"expected a Proof or a proof file, not {type(proof).__name__}")
    return envelope


class EvmVerifier:
    """A `zkc evm` directory: each circuit's verifier and the chain contract, with the tables
    that turn a proof file into calldata (no artifact needed)."""

    def __init__(self, path: Path, doc: dict) -> None:
        self.path = path
        self._doc = doc

    @classmethod
    def load(cls, path: str | Path) -> "EvmVerifier":
        """A directory `zkc evm` or `Artifact.export_evm` wrote; UserInputError otherwise."""
        build, *_ = evm_tools()
        return cls(Path(path), build.load_evm(Path(path)))

    @property
    def pieces(self) -> int:
        return len(self._doc["pieces"])

    @property
    def runtime_bytes(self) -> dict[str, int]:
        """Deployed code size of each contract (EIP-170 caps Ethereum's at 24,576 bytes)."""
        return {n: c["runtime_bytes"] for n, c in self._doc["contracts"].items()}

    def verify(self, proof: Any, *, gas_limit: int = DEFAULT_GAS_LIMIT) -> EvmResult:
        """Deploy the contracts in a fresh local EVM and verify `proof` (a Proof or a proof
        file) on the chain contract, in as many transactions as `gas_limit` needs."""
        _, local, verify, _ = evm_tools()
        envelope = _envelope(proof)
        evm = local.LocalEvm(gas_limit)
        deployment = verify.deploy(evm, self._doc)
        result = verify.verify_on_evm(evm, self._doc, deployment, envelope, os.urandom(32))
        return EvmResult(
            result.verified,
            result.reason,
            result.transactions,
            result.piece_gas,
            dict(deployment.gas),
        )

    def calldata(
        self,
        proof: Any,
        *,
        deployment: dict | None = None,
        pieces_per_transaction: int | None = None,
        nonce: bytes = bytes(32),
    ) -> list[dict[str, str]]:
        """The transactions ({"to", "data"}) verifying `proof` on a deployed chain contract
        (`deployment`: {"chain": address, "verifiers": {name: address}}); without one, the
        bare verifier's call of a whole model's proof."""
        *_, calldata = evm_tools()
        if len(nonce) != 32:
            raise UserInputError(f"nonce: {len(nonce)} bytes, not 32")
        return calldata.transactions(
            self._doc, _envelope(proof), deployment, pieces_per_transaction, nonce
        )

    def __repr__(self) -> str:
        return f"EvmVerifier({str(self.path)!r}, {self.pieces} piece(s))"
