"""What a circuit must satisfy before zkc packages it for subnet 2 (each failure a clear error)."""

from zkc.compiler.artifacts.manifest import Manifest
from zkc.compiler.errors import UserInputError
from zkc.compiler.limits import MAX_LOGROWS  # miners fetch SRS files for logrows 1..25 only
from zkc.passes.add_nonce import NONCE_INPUT


class PackageCheckError(UserInputError):
    """The artifact cannot be packaged for the subnet; the message names the field and value."""


def refuse_sliced(manifest: Manifest, source: str) -> None:
    """Subnet 2's circuit layout holds one circuit: a sliced artifact is refused by name."""
    if manifest.circuit.sliced:
        raise UserInputError(
            f"{source}: a sliced artifact ({len(manifest.circuit.pieces)} linked circuits) does not "
            "fit subnet 2's one-circuit layout; compile it without --max-logrows/--slices"
        )


def check_packageable(
    manifest: Manifest, settings: dict, allow_dev_srs: bool, source: str, require_nonce: bool = True
) -> None:
    """Refuse what validators or miners would reject: visibility, commitment, logrows, SRS, nonce."""
    run_args = settings.get("run_args", {})
    expected = {
        "input_visibility": "Public",
        "output_visibility": "Public",
        "param_visibility": "Fixed",
    }
    for field, want in expected.items():
        have = run_args.get(field)
        if have != want:
            raise PackageCheckError(
                f"{source}: settings run_args.{field} is {have!r}; subnet validators need {want!r}"
            )
    # EZKL 23 writes no commitment field and is KZG-only; a settings file naming another is refused.
    commitment = run_args.get("commitment", "KZG")
    if commitment != "KZG":
        raise PackageCheckError(
            f"{source}: commitment is {commitment!r}; the subnet verifies KZG only"
        )
    logrows = run_args.get("logrows")
    if not isinstance(logrows, int) or logrows > MAX_LOGROWS:
        raise PackageCheckError(
            f"{source}: logrows {logrows} exceeds {MAX_LOGROWS}, the largest SRS miners fetch"
        )
    if manifest.circuit.srs.insecure_dev and not allow_dev_srs:
        raise PackageCheckError(
            f"{source}: keys were set up with an insecure dev SRS (generated locally); "
            "recompile with a trusted SRS, or pass --allow-dev-srs for a test package"
        )
    if require_nonce and [t.name for t in manifest.io.inputs].count(NONCE_INPUT) != 1:
        raise PackageCheckError(f"{source}: the circuit has no '{NONCE_INPUT}' input")
