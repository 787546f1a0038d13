"""EzklTarget: the EZKL (halo2, KZG) proof backend behind the Target protocol."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnx_ir as ir

from zkc.compiler.artifacts.facts import ChainFacts
from zkc.compiler.artifacts.hashing import sha256_file
from zkc.compiler.compute.runners import ProveRunner
from zkc.compiler.config import CompileConfig
from zkc.compiler.data.reference_check import OpTrial
from zkc.compiler.data.samples import Samples
from zkc.compiler.ir.io_spec import IOSpec
from zkc.compiler.pipeline.base import ZkcPass
from zkc.compiler.planning.search import CircuitCost
from zkc.compiler.progress import Reporter
from zkc.compiler.target.chain import ChainProof, CircuitEstimate, EmitRequest
from zkc.compiler.target.protocol import Target
from zkc.targets.ezkl import DEFAULT_SRS_DIR, ops, pipelines, planning, srs
from zkc.targets.ezkl.chain_prove import peak_prove_bytes, prove_chain, runnable
from zkc.targets.ezkl.chain_verify import verify_chain
from zkc.targets.ezkl.circuit import CIRCUIT_FILES, SETTINGS_FILE, VK_FILE
from zkc.targets.ezkl.config import DEFAULT_PIPELINE, configure_options
from zkc.targets.ezkl.emit import emit_chain
from zkc.targets.ezkl.evm.estimate import evm_estimate
from zkc.targets.ezkl.witness import dag_outputs, run_spread


class EzklTarget(Target):
    """The EZKL backend. SRS files come from `srs_dir`, never a download; with
    `allow_dev_srs` a missing one is generated locally (insecure, marked as such)."""

    name = "ezkl"

    def __init__(self, srs_dir: Path = DEFAULT_SRS_DIR, allow_dev_srs: bool = False):
        self.srs_dir = Path(srs_dir).expanduser()
        self.srs = srs.SrsDirectory(self.srs_dir)
        self.allow_dev_srs = allow_dev_srs

    def configure(self, config: CompileConfig) -> CompileConfig:
        return config.model_copy(
            update={
                "pipeline": config.pipeline or DEFAULT_PIPELINE,
                "options": configure_options(config.options),
            }
        )

    def pipeline(self, name: str | None, disabled: Sequence[str] = ()) -> list[type[ZkcPass]]:
        return pipelines.pipeline_passes(name or DEFAULT_PIPELINE, disabled)

    def check_model(self, model: ir.Model, source: str) -> list[OpTrial]:
        return ops.check_ops(model, source)

    def circuit_costs(self, config: CompileConfig) -> list[CircuitCost]:
        return planning.circuit_costs(config)

    def estimate(self, logrows: int) -> CircuitEstimate:
        """From EZKL_NOTES' measurements at 2 columns on this kind of machine: proving takes
        5.1 s at logrows 15 and doubles per logrow on ~1.8 busy cores, setup about as long,
        peak memory as chain_prove.peak_prove_bytes budgets."""
        seconds = 5.1 * 2.0 ** (logrows - 15)
        return CircuitEstimate(seconds, seconds, 1.8, peak_prove_bytes(logrows))

    def deployment_estimates(self, pieces: int) -> list[str]:
        """What verifying a chain of `pieces` costs on the EVM (zkc evm), estimated from the
        gas bench/evm.py measured."""
        return [evm_estimate(pieces).line()]

    def emit(self, request: EmitRequest, reporter: Reporter) -> tuple[ChainFacts, dict]:
        return emit_chain(request, self.srs_dir, self.allow_dev_srs, reporter)

    def can_reuse(self, facts: ChainFacts) -> bool:
        """Keys depend on the SRS: a build set up with another SRS file (or none here) is stale."""
        for circuit in facts.circuits:
            path = srs.srs_file(self.srs_dir, circuit.srs.logrows)
            if not path.is_file() or sha256_file(path) != circuit.srs.sha256:
                return False
        return True

    def pinned_options(self, facts: ChainFacts) -> dict[str, Any]:
        """The scales the chain was calibrated to."""
        return {"input_scale": facts.first.input_scales[0], "param_scale": facts.first.param_scale}

    def files(self, facts: ChainFacts) -> list[str]:
        return [str(Path(c.directory) / name) for c in facts.circuits for name in CIRCUIT_FILES]

    def verifier_files(self, facts: ChainFacts) -> list[str]:
        return [
            str(Path(c.directory) / n) for c in facts.circuits for n in (SETTINGS_FILE, VK_FILE)
        ]

    def run(
        self,
        art_dir: Path,
        facts: ChainFacts,
        spec: IOSpec,
        samples: Samples,
        reporter: Reporter,
        runner: ProveRunner | None = None,
    ) -> dict[str, np.ndarray]:
        """The outputs for every sample; with a runner of several workers or a cluster, the
        samples' witnesses run there in chunks."""
        if runner is None or (runner.workers <= 1 and not runner.scheduler):
            scales = [c.output_scales for c in facts.circuits]
            return dag_outputs(
                runnable(art_dir, facts),
                scales,
                spec,
                samples,
                reporter,
                "fidelity (witnesses per held-out sample)",
            )
        return run_spread(art_dir, facts, spec, samples, runner)

    def prove(
        self,
        art_dir: Path,
        facts: ChainFacts,
        spec: IOSpec,
        inputs: dict[str, np.ndarray],
        runner: ProveRunner,
        located: dict[str, Path] | None = None,
    ) -> ChainProof:
        return prove_chain(art_dir, facts, spec, inputs, runner, self.srs, located or {})

    def verify(
        self,
        art_dir: Path,
        facts: ChainFacts,
        spec: IOSpec,
        proofs: list[dict],
        inputs: dict,
        outputs: dict | None,
    ) -> dict[str, np.ndarray]:
        return verify_chain(art_dir, facts, spec, proofs, inputs, outputs, self.srs)
