"""The proof file zkc writes: EZKL's proof plus what it claims and which artifact it is for."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ValidationError

from zkc.compiler.artifacts.hashing import sha256_bytes
from zkc.compiler.data.samples import read_json
from zkc.compiler.errors import UserInputError, VerificationError

PROOF_FORMAT = "zkc-proof/1"


def chain_vk_digest(vk_digests: list[str]) -> str:
    """What a proof names as its verifying key: the one vk.key's sha256, or for several pieces
    the sha256 over the pieces' ones in order."""
    if len(vk_digests) == 1:
        return vk_digests[0]
    return sha256_bytes("\n".join(vk_digests).encode())


class SliceProof(BaseModel):
    """One slice's proof in a sliced artifact's chain, and the verifying key it was made for."""

    index: int
    vk_sha256: str
    proof: dict[str, Any]


class ProofEnvelope(BaseModel):
    """A proof of one inference: request inputs, response outputs, and EZKL's proof of both
    (one proof, or for a sliced artifact the chain of slice proofs in order)."""

    format: str = PROOF_FORMAT
    artifact_key: str
    vk_sha256: str  # for a sliced artifact: sha256 over the slices' vk digests, in order
    inputs: dict[str, list[Any] | float]
    outputs: dict[str, list[Any] | float]
    proof: dict[str, Any] | None = None
    slices: list[SliceProof] | None = None

    @classmethod
    def for_chain(
        cls,
        artifact_key: str,
        vk_digests: list[str],
        inputs: Mapping[str, npt.ArrayLike],
        outputs: Mapping[str, npt.ArrayLike],
        proofs: list[dict[str, Any]],
    ) -> "ProofEnvelope":
        """The envelope of a chain's proofs: `proof` for a chain of one, else `slices`."""
        common = {
            "artifact_key": artifact_key,
            "vk_sha256": chain_vk_digest(vk_digests),
            "inputs": {k: np.asarray(v).tolist() for k, v in inputs.items()},
            "outputs": {k: np.asarray(v).tolist() for k, v in outputs.items()},
        }
        if len(proofs) == 1:
            return cls(**common, proof=proofs[0])
        return cls(
            **common,
            slices=[
                SliceProof(index=i, vk_sha256=d, proof=p)
                for i, (d, p) in enumerate(zip(vk_digests, proofs, strict=True))
            ],
        )

    def chain_entries(self) -> list[dict[str, Any]]:
        """The proofs as a chain: (index, vk digest, EZKL proof) per circuit, in order."""
        if self.slices is not None:
            return [s.model_dump() for s in self.slices]
        if self.proof is None:
            raise VerificationError("the proof file has no proof")
        return [{"index": 0, "vk_sha256": self.vk_sha256, "proof": self.proof}]


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
