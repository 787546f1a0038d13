"""`zkc commit`: the on-chain commitment of an artifact digest (`Commitments.set_commitment`).

The committed value is the artifact digest, `sha256:` of its `manifest.json`: the same bytes
`zkc publish` signs and `zkc pull` checks, so a validator holding the chain commitment can
check a pulled artifact against it. The call is composed with bittensor's generated call
builder; a dry run signs the composed call offline with the hotkey (so the key is proven to
work) and sends nothing; `--network` submits it as a hotkey-signed extrinsic.
"""

import asyncio
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zkc.compiler.artifacts import manifest as art
from zkc.compiler.errors import ToolError, UserInputError

if TYPE_CHECKING:
    from bittensor._generated.calls import Call

DOMAIN = b"zkc-commit/1:"  # offline signatures cover DOMAIN + the canonical call JSON
MAX_RAW = 128  # the pallet's largest Raw field


@dataclass(frozen=True)
class Commitment:
    """A composed commitment call and, once signed, who signed it."""

    netuid: int
    artifact_digest: str
    call: "Call"  # bittensor's Call(module, function, params)
    signer: str | None = None
    signature: str | None = None

    def to_json(self) -> dict:
        """The call as printed by a dry run (and signed offline)."""
        module, function, params = self.call
        doc = {"module": module, "function": function, "params": params}
        out = {"netuid": self.netuid, "artifact_digest": self.artifact_digest, "call": doc}
        if self.signer:
            out |= {"signer": self.signer, "signature": self.signature}
        return out


def local_digest(artifact: Path) -> str:
    """The digest of a local artifact, after checking every file against its manifest."""
    art.load_verified(artifact)
    return f"sha256:{hashlib.sha256((Path(artifact) / art.MANIFEST).read_bytes()).hexdigest()}"


def compose(netuid: int, artifact_digest: str, note: str | None = None) -> Commitment:
    """`Commitments.set_commitment(netuid, info)` with the digest as a Sha256 field
    (and `note`, e.g. where the artifact is published, as a Raw field)."""
    from bittensor._generated.calls import Commitments

    if netuid < 0 or netuid > 65535:
        raise UserInputError(f"--netuid {netuid}: not a subnet id (0..65535)")
    if not artifact_digest.startswith("sha256:") or len(artifact_digest) != 71:
        raise UserInputError(f"'{artifact_digest}' is not sha256:<64 hex>")
    fields = [{"Sha256": "0x" + artifact_digest.removeprefix("sha256:")}]
    if note:
        raw = note.encode()
        if len(raw) > MAX_RAW:
            raise UserInputError(f"--note: {len(raw)} bytes, the chain takes at most {MAX_RAW}")
        fields.append({f"Raw{len(raw)}": "0x" + raw.hex()})
    call = Commitments.set_commitment(netuid=netuid, info={"fields": [fields]})
    return Commitment(netuid, artifact_digest, call)


def signed_payload(commitment: Commitment) -> bytes:
    """The bytes an offline (dry-run) signature covers."""
    call = commitment.to_json()["call"]
    return DOMAIN + json.dumps(call, sort_keys=True, separators=(",", ":")).encode()


def sign_offline(commitment: Commitment, keypair) -> Commitment:
    """The commitment with the hotkey's sr25519 signature over `signed_payload`."""
    signature = keypair.sign(signed_payload(commitment))
    return Commitment(
        commitment.netuid,
        commitment.artifact_digest,
        commitment.call,
        keypair.ss58_address,
        "0x" + bytes(signature).hex(),
    )


def verify_offline(commitment: Commitment) -> bool:
    """Whether a dry-run signature verifies for its signer."""
    from bittensor.keyfiles import Keypair

    signature = bytes.fromhex((commitment.signature or "").removeprefix("0x"))
    return Keypair(ss58_address=commitment.signer).verify(signed_payload(commitment), signature)


def submit(commitment: Commitment, keypair, network: str, substrate=None) -> dict:
    """Send the call as a hotkey-signed extrinsic; `substrate` swaps the chain backend (tests)."""
    from bittensor.client import Client
    from bittensor.result import BittensorError

    async def run():
        async with Client(network, substrate=substrate, fallback_endpoints=[]) as client:
            return await client.submit_call(commitment.call, keypair, signer="hotkey")

    try:
        result = asyncio.run(run())
    except (OSError, TimeoutError, BittensorError) as exc:
        raise ToolError(f"--network {network}: set_commitment not sent ({exc})") from exc
    if not result.success:
        raise ToolError(f"set_commitment failed on {network}: {result.message or result.error}")
    return {
        "network": network,
        "block_hash": result.block_hash,
        "extrinsic_id": result.extrinsic_id,
    }
