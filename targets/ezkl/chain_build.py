"""Build a chain of EZKL circuits inside an artifact: settings, calibration, circuits, keys.

A whole model is a chain of one: its settings follow the config (EZKL's calibration picks the
scales unless the config fixes them). Circuits of a longer chain share one fixed scale
(`--input-scale`, 13 by default, or the one zkc.targets.ezkl.quantize finds for a fidelity
budget), so a circuit's committed outputs are exactly the next one's committed inputs. The
first reads the model's inputs in public and the last publishes its outputs; every tensor
crossing between circuits is committed on both sides: as a KZG commitment (EZKL
`polycommit`: an unblinded advice column whose commitment opens the proof), or as a public
Poseidon hash (EZKL `hashed`). bench/results/link_modes.md has the measurements behind the
default.
"""

import tempfile
from pathlib import Path

import numpy as np

from zkc.compiler.chain import CircuitModel, EmitRequest
from zkc.compiler.config import CompileConfig
from zkc.compiler.data import Samples
from zkc.compiler.errors import ToolError
from zkc.compiler.facts import CircuitFacts, LinkFacts, SrsFacts
from zkc.compiler.hashing import sha256_file
from zkc.compiler.io_spec import TensorSpec
from zkc.compiler.progress import Reporter
from zkc.targets.ezkl import srs
from zkc.targets.ezkl.circuit import MODEL_FILE, SETTINGS_FILE, VK_FILE, compile_circuit, setup_keys
from zkc.targets.ezkl.planning import decomposition
from zkc.targets.ezkl.settings import generate_and_calibrate, set_logrows, write_calibration_data
from zkc.targets.ezkl.witness import CommitKeys, chain_outputs, link_commitments, witness_chain

DEFAULT_LINK_SCALE = 13


def public_count(visibility: str, tensors: list[TensorSpec]) -> int:
    """Public instance values for tensors of this visibility: every element when public, one
    Poseidon hash per tensor when hashed, none otherwise (committed, private, fixed)."""
    if visibility == "public":
        return sum(t.size for t in tensors)
    return len(tensors) if visibility == "hashed" else 0


class ChainBuild:
    """The circuits of one emit request and the EZKL recipe that builds them."""

    def __init__(self, request: EmitRequest, srs_dir: Path, allow_dev_srs: bool):
        self.request, self.srs_dir, self.allow_dev_srs = request, srs_dir, allow_dev_srs
        self.circuits: list[CircuitModel] = request.circuits
        self.count = len(self.circuits)
        base, legs = decomposition(request.cost_key, request.config)
        self.config = request.config.model_copy(update={"decomp_base": base, "decomp_legs": legs})
        self.link = "none" if self.count == 1 else self.config.link
        self.dirs = [c.directory for c in self.circuits]

    def circuit_config(self, config: CompileConfig, index: int) -> CompileConfig:
        """One circuit's EZKL settings: the config for a whole model; in a longer chain the
        shared fixed scale, committed links and public ends."""
        if self.count == 1:
            return config
        scale = config.input_scale if config.input_scale is not None else DEFAULT_LINK_SCALE
        return config.model_copy(update={
            "input_visibility": "public" if index == 0 else config.link,
            "output_visibility": "public" if index == self.count - 1 else config.link,
            "param_visibility": "fixed",
            "input_scale": scale,
            "param_scale": config.param_scale if config.param_scale is not None else scale,
            "slices": None,
            "max_error": None,  # a budget is met end to end, by the shared scale
            "min_top1": None,
        })  # fmt: skip

    def calibrate(self, config: CompileConfig, calibration: list[Samples] | None = None):
        """Write every circuit's calibrated settings (on `calibration`, per circuit; default
        all its calibration inputs); returns (settings, the logrows each alone needs).
        Polycommit links are then raised to one shared logrows."""
        calibration = calibration or [c.calibration for c in self.circuits]
        settings, own = [], []
        with tempfile.TemporaryDirectory(prefix="zkc-calib-") as tmp:
            for index, (circuit, calib) in enumerate(zip(self.circuits, calibration, strict=True)):
                path = Path(tmp) / f"calibration_{index:02d}.json"
                write_calibration_data(path, calib, circuit.spec)
                settings.append(generate_and_calibrate(
                    circuit.directory / MODEL_FILE, circuit.directory / SETTINGS_FILE, path,
                    self.circuit_config(config, index),
                ))  # fmt: skip
                own.append(settings[-1]["run_args"]["logrows"])
        if self.link == "polycommit":
            # A KZG commitment depends on the column length: linked circuits share one logrows.
            settings = [set_logrows(d / SETTINGS_FILE, max(own)) for d in self.dirs]
        return settings, own

    def outputs(self, settings: list[dict], samples: Samples, reporter: Reporter,
                what: str = "witness chain per sample") -> dict[str, np.ndarray]:  # fmt: skip
        """Compile every circuit (no keys) and run the chain on `samples`."""
        for directory in self.dirs:
            compile_circuit(directory)
        scales = settings[-1]["model_output_scales"]
        return chain_outputs(self.dirs, scales, self.request.spec, samples, reporter, what)

    def set_up(self, config: CompileConfig, settings: list[dict], own: list[int],
               reporter: Reporter) -> list[CircuitFacts]:  # fmt: skip
        """Compile and set up every calibrated circuit; returns their facts."""
        facts = []
        for index, (circuit, chosen, alone) in enumerate(
            zip(self.circuits, settings, own, strict=True)
        ):
            logrows = chosen["run_args"]["logrows"]
            srs_path, srs_info = srs.find_srs(self.srs_dir, logrows, self.allow_dev_srs)
            with reporter.step(f"compiling circuit and running setup (logrows {logrows})"):
                compile_circuit(circuit.directory)
                setup_keys(circuit.directory, srs_path)
            cfg = self.circuit_config(config, index)
            facts.append(circuit_facts(circuit, chosen, alone, srs_info, cfg))
        return facts

    def link_facts(self, circuits: list[CircuitFacts]) -> list[LinkFacts]:
        """Each link's commitments, from a witness chain on the first held-out sample with the
        keys: both sides must commit to the same values (the tensors match bit for bit)."""
        if self.count == 1:
            return []
        keys = [CommitKeys(d / VK_FILE, srs.srs_file(self.srs_dir, c.srs.logrows))
                for d, c in zip(self.dirs, circuits, strict=True)]  # fmt: skip
        sample = {k: v[0] for k, v in self.request.evaluation.items()}
        with tempfile.TemporaryDirectory(prefix="zkc-links-") as tmp:
            chain = witness_chain(self.dirs, self.request.spec, sample, Path(tmp), keys)
        links = []
        for i in range(self.count - 1):
            sent = link_commitments(chain[i].witness, "processed_outputs", self.link)
            received = link_commitments(chain[i + 1].witness, "processed_inputs", self.link)
            if not sent or sent != received:
                raise ToolError(f"link {i}->{i + 1}: the {self.link} commitments differ")
            links.append(LinkFacts(index=i, tensors=circuits[i].outputs, commitments=len(sent)))
        return links


def circuit_facts(circuit: CircuitModel, settings: dict, own: int, srs_info: SrsFacts,
                  config: CompileConfig) -> CircuitFacts:  # fmt: skip
    """The manifest's facts of one set-up circuit."""
    plan = circuit.plan
    return CircuitFacts(
        index=plan.index, directory=circuit.relative, io=circuit.spec, nodes=plan.nodes,
        inputs=plan.inputs, outputs=plan.outputs, estimated_rows=plan.estimated_rows,
        estimated_logrows=plan.estimated_logrows, logrows=settings["run_args"]["logrows"],
        calibrated_logrows=own, num_rows=settings.get("num_rows"),
        input_scales=settings["model_input_scales"], output_scales=settings["model_output_scales"],
        param_scale=settings["run_args"]["param_scale"], run_args=settings["run_args"],
        srs=srs_info,
        vk_sha256=sha256_file(circuit.directory / VK_FILE),
        public_inputs=public_count(config.input_visibility, circuit.spec.inputs),
        public_outputs=public_count(config.output_visibility, circuit.spec.outputs),
    )  # fmt: skip
