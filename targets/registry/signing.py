"""Hotkey signatures over an artifact's manifest digest (sr25519 via bittensor's Keypair)."""

from zkc.compiler.errors import UserInputError, VerificationError

DOMAIN = b"zkc-artifact/1:"  # signed bytes: DOMAIN + "sha256:<hex of manifest.json>"


def signed_message(manifest_digest: str) -> bytes:
    """The exact bytes a publisher signs."""
    return DOMAIN + manifest_digest.encode()


def load_hotkey(wallet: str | None = None, uri: str | None = None):
    """A hotkey Keypair from a wallet NAME/HOTKEY, or a dev URI such as //Alice (tests)."""
    from bittensor.keyfiles import Keypair

    if uri:
        return Keypair.create_from_uri(uri)
    import bittensor

    try:
        return bittensor.Wallet(wallet).hotkey
    except (ValueError, OSError) as exc:
        raise UserInputError(f"--wallet {wallet}: {exc}") from exc


def sign(keypair, manifest_digest: str) -> dict[str, str]:
    """Signer ss58 and 0x-hex signature for a manifest digest."""
    signature = keypair.sign(signed_message(manifest_digest))
    return {"ss58": keypair.ss58_address, "signature": "0x" + bytes(signature).hex()}


def verify(manifest_digest: str, ss58: str | None, signature: str | None, expect_ss58: str) -> None:
    """VerificationError unless the artifact is signed, by `expect_ss58`, with a valid signature."""
    from bittensor.keyfiles import Keypair

    if not ss58 or not signature:
        raise VerificationError(f"artifact is not signed; expected a signature by {expect_ss58}")
    if ss58 != expect_ss58:
        raise VerificationError(f"artifact is signed by {ss58}, not by {expect_ss58}")
    try:
        ok = Keypair(ss58_address=ss58).verify(
            signed_message(manifest_digest), bytes.fromhex(signature.removeprefix("0x"))
        )
    except ValueError:
        ok = False
    if not ok:
        raise VerificationError(
            f"bad signature: it does not verify for {ss58} over manifest {manifest_digest[:19]}…"
        )
