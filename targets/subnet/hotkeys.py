"""Bittensor hotkeys: the one loader, and sr25519 signatures over digests (an artifact's
manifest digest when published; zkc's own payloads elsewhere). Everything bittensor-specific
lives in zkc.targets.subnet; the registry takes the signer and the check as functions."""

from typing import TYPE_CHECKING

from zkc.compiler.errors import UserInputError, VerificationError

if TYPE_CHECKING:
    from bittensor.keyfiles import Keypair

ARTIFACT_DOMAIN = b"zkc-artifact/1:"  # signed bytes: DOMAIN + "sha256:<hex of manifest.json>"


def load_hotkey(
    wallet: str | None = None, uri: str | None = None, public_only: bool = False
) -> "Keypair":
    """A hotkey Keypair from a wallet NAME/HOTKEY, or a dev URI such as //Alice (tests).

    `public_only`: the wallet's public hotkey file suffices (a server that only checks that
    requests are addressed to it). UserInputError unless exactly one of the two is given."""
    from bittensor.keyfiles import Keypair

    if uri and not wallet:
        return Keypair.create_from_uri(uri)
    if not wallet or uri:
        raise UserInputError("give exactly one of --wallet NAME/HOTKEY or --hotkey-uri")
    import bittensor

    try:
        found = bittensor.Wallet(wallet)
        return found.hotkeypub if public_only else found.hotkey
    except (ValueError, OSError) as exc:
        raise UserInputError(f"--wallet {wallet}: {exc}") from exc


def artifact_message(manifest_digest: str) -> bytes:
    """The exact bytes a publisher signs for an artifact."""
    return ARTIFACT_DOMAIN + manifest_digest.encode()


def artifact_signer(keypair):
    """A signer for zkc.targets.registry.publish: manifest digest -> (ss58, 0x-signature)."""

    def sign(manifest_digest: str) -> tuple[str, str]:
        signature = keypair.sign(artifact_message(manifest_digest))
        return keypair.ss58_address, "0x" + bytes(signature).hex()

    return sign


def signature_check(expect_ss58: str):
    """A check for zkc.targets.registry.pull: VerificationError unless the artifact is signed,
    by `expect_ss58`, with a valid signature over its manifest digest."""

    def check(manifest_digest: str, ss58: str | None, signature: str | None) -> None:
        from bittensor.keyfiles import Keypair

        if not ss58 or not signature:
            raise VerificationError(
                f"artifact is not signed; expected a signature by {expect_ss58}"
            )
        if ss58 != expect_ss58:
            raise VerificationError(f"artifact is signed by {ss58}, not by {expect_ss58}")
        try:
            ok = Keypair(ss58_address=ss58).verify(
                artifact_message(manifest_digest), bytes.fromhex(signature.removeprefix("0x"))
            )
        except ValueError:
            ok = False
        if not ok:
            raise VerificationError(
                f"bad signature: it does not verify for {ss58} over manifest {manifest_digest[:19]}…"
            )

    return check
