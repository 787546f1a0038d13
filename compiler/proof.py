"""The proof file zkc writes: EZKL's proof plus what it claims and which artifact it is for."""

from pathlib import Path

from pydantic import BaseModel, ValidationError

from zkc.compiler.data import read_json
from zkc.compiler.errors import UserInputError

PROOF_FORMAT = "zkc-proof/1"


class SliceProof(BaseModel):
    """One slice's proof in a sliced artifact's chain, and the verifying key it was made for."""

    index: int
    vk_sha256: str
    proof: dict


class ProofEnvelope(BaseModel):
    """A proof of one inference: request inputs, response outputs, and EZKL's proof of both
    (one proof, or for a sliced artifact the chain of slice proofs in order)."""

    format: str = PROOF_FORMAT
    artifact_key: str
    vk_sha256: str  # for a sliced artifact: sha256 over the slices' vk digests, in order
    inputs: dict[str, list | float]
    outputs: dict[str, list | float]
    proof: dict | None = None
    slices: list[SliceProof] | None = None


def load_proof(path: Path) -> ProofEnvelope:
    """Read a zkc proof file; UserInputError naming the file when it is not one."""
    path = Path(path)
    doc = read_json(path)
    if not isinstance(doc, dict) or doc.get("format") != PROOF_FORMAT:
        raise UserInputError(f'{path}: not a zkc proof file (expected "format": "{PROOF_FORMAT}")')
    try:
        return ProofEnvelope.model_validate(doc)
    except ValidationError as exc:
        raise UserInputError(f"{path}: malformed proof file ({str(exc).splitlines()[0]})") from exc
