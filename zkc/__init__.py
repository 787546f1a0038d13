"""zkc: a model-to-circuit compiler for verifiable inference.

    import zkc
    artifact = zkc.compile(model, calibration, output="model.zkc", dev_srs=True)
    proof = artifact.prove(x)
    assert artifact.verify(proof)

`model` is an ONNX path, an `onnx.ModelProto` or a `torch.nn.Module`; see docs/python-api.md.
"""

from zkc.api.artifact import Artifact, Proof
from zkc.api.building import compile, load, plan
from zkc.api.evm import EvmResult, EvmVerifier
from zkc.compiler.errors import (
    ArtifactError,
    ReferenceMismatchError,
    UnsupportedOpError,
    UserInputError,
    VerificationError,
    ZkcError,
)
from zkc.compiler.planning.report import PlanReport

__all__ = [
    "Artifact",
    "ArtifactError",
    "EvmResult",
    "EvmVerifier",
    "PlanReport",
    "Proof",
    "ReferenceMismatchError",
    "UnsupportedOpError",
    "UserInputError",
    "VerificationError",
    "ZkcError",
    "compile",
    "load",
    "plan",
]
