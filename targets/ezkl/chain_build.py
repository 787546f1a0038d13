"""Build the circuits of an artifact's pieces: settings, calibration, circuits, keys.

A whole model is one piece on one circuit: its settings follow the config (EZKL's calibration
picks the scales unless the config fixes them). Circuits of several pieces share one fixed
scale (`--input-scale`, 13 by default, or the one zkc.targets.ezkl.quantize finds for a
fidelity budget), so a piece's committed outputs are exactly the committed inputs of the
pieces reading them. A circuit whose pieces read the request takes public inputs, one whose
pieces write the response publishes its outputs; every other part is committed on both
sides: as a KZG commitment (EZKL `polycommit`: an unblinded advice column whose commitment
opens the proof), or as a public Poseidon hash (EZKL `hashed`). bench/results/link_modes.md
has the measurements behind the default.
"""

import tempfile
from pathlib import Path

import numpy as np

from zkc.compiler.artifacts.facts import SrsFacts
from zkc.compiler.artifacts.hashing import sha256_file
from zkc.compiler.artifacts.room import ensure_room
from zkc.compiler.compute.runners import one_core_workers, run_jobs
from zkc.compiler.data.samples import Samples
from zkc.compiler.errors import ToolError
from zkc.compiler.ir.io_spec import TensorSpec
from zkc.compiler.progress import Reporter
from zkc.compiler.target.chain import CircuitModel, EmitRequest
from zkc.targets.ezkl import srs
from zkc.targets.ezkl.chain_prove import peak_prove_bytes
from zkc.targets.ezkl.circuit import MODEL_FILE, SETTINGS_FILE, VK_FILE, compile_circuit, setup_keys
from zkc.targets.ezkl.config import EzklConfig
from zkc.targets.ezkl.planning import decomposition
from zkc.targets.ezkl.settings import generate_and_calibrate, set_logrows, write_calibration_data
from zkc.targets.ezkl.shared_logrows import shared_logrows
from zkc.targets.ezkl.witness import CommitKeys, Runnable, commitments, dag_outputs, witness_dag

DEFAULT_LINK_SCALE = 13
# Calibration jobs of a circuit whose size is not known yet are sized (memory) as this logrows.
CALIBRATION_LOGROWS = 17
# Circuits from which their calibrations (one core each) spread over every core.
SPREAD_CALIBRATIONS = 8
# A proving key's size per row at 2 columns (138 MB at logrows 15, shared/EZKL_NOTES.md), with room.
PK_BYTES_PER_ROW = 4400


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
        base, legs = decomposition(request.cost_key, EzklConfig.of(request.config))
        self.config = EzklConfig.of(request.config).model_copy(
            update={"decomp_base": base, "decomp_legs": legs}
        )
        self.link = "none" if len(request.pieces) == 1 else self.config.link
        self.dirs = [c.directory for c in self.circuits]
        self.run = Runnable(request.pieces, self.dirs)
        self.ends = [self._ends(c) for c in self.circuits]

    def _ends(self, circuit: CircuitModel) -> tuple[bool, bool]:
        """Whether the circuit's pieces read the request, and write the response (all of their
        inputs, or outputs: EZKL sets one visibility for all of them)."""
        requested = {t.name for t in self.request.spec.inputs}
        responded = {t.name for t in self.request.spec.outputs}
        ends = []
        for parts, names in (("inputs", requested), ("outputs", responded)):
            kinds = {
                p.tensor in names
                for i in circuit.pieces
                for p in getattr(self.request.pieces[i], parts)
            }
            if len(kinds) > 1:
                raise ToolError(
                    f"circuit {circuit.index}: its {parts} mix the model's own with "
                    "other pieces' (EZKL sets one visibility for all)"
                )
            ends.append(kinds == {True})
        return ends[0], ends[1]

    def circuit_config(self, config: EzklConfig, index: int) -> EzklConfig:
        """One circuit's EZKL settings: the config for a whole model; for several pieces the
        shared fixed scale, committed links, and the config's visibility at the model's
        ends and for the parameters."""
        if self.link == "none":
            return config
        reads_request, writes_response = self.ends[index]
        scale = config.input_scale if config.input_scale is not None else DEFAULT_LINK_SCALE
        return config.model_copy(
            update={
                "input_visibility": config.input_visibility if reads_request else config.link,
                "output_visibility": config.output_visibility if writes_response else config.link,
                "input_scale": scale,
                "param_scale": config.param_scale if config.param_scale is not None else scale,
                "slices": None,
                "max_error": None,  # a budget is met end to end, by the shared scale
                "min_top1": None,
            }
        )

    def calibrate(self, config: EzklConfig, calibration: list[Samples] | None = None):
        """Write every circuit's calibrated settings (on `calibration`, per circuit; default
        all its calibration inputs); returns (settings, the logrows each alone needs).
        Polycommit links are then raised to one shared logrows."""
        calibration = calibration or [c.calibration for c in self.circuits]
        # Calibration data sits beside the circuits: cluster workers see the build directory.
        with tempfile.TemporaryDirectory(prefix=".calibration-", dir=self.request.art_dir) as tmp:
            jobs = []
            for index, (circuit, calib) in enumerate(zip(self.circuits, calibration, strict=True)):
                path = Path(tmp) / f"calibration_{index:03d}.json"
                write_calibration_data(path, calib, circuit.spec)
                jobs.append(
                    (
                        str(circuit.directory),
                        str(path),
                        self.circuit_config(config, index).model_dump_json(),
                    )
                )
            settings = self.run_jobs(calibrate_job, jobs, one_core=SPREAD_CALIBRATIONS)
        own = [s["run_args"]["logrows"] for s in settings]
        if self.link == "polycommit":
            # A KZG commitment depends on the column length: linked circuits share one logrows.
            shared = shared_logrows(settings, [p.circuit for p in self.request.pieces])
            settings = [set_logrows(d / SETTINGS_FILE, shared) for d in self.dirs]
        return settings, own

    def outputs(
        self,
        settings: list[dict],
        samples: Samples,
        reporter: Reporter,
        what: str = "witnesses per sample",
    ) -> dict[str, np.ndarray]:
        """Compile every circuit (no keys) and run the pieces on `samples`."""
        for directory in self.dirs:
            compile_circuit(directory)
        scales = [s["model_output_scales"] for s in settings]
        return dag_outputs(self.run, scales, self.request.spec, samples, reporter, what)

    def set_up(self, settings: list[dict], reporter: Reporter) -> list[SrsFacts]:
        """Compile and set up every calibrated circuit; returns the SRS each was set up with."""
        found = [
            srs.find_srs(self.srs_dir, s["run_args"]["logrows"], self.allow_dev_srs)
            for s in settings
        ]
        jobs = [
            (str(c.directory), str(path)) for c, (path, _) in zip(self.circuits, found, strict=True)
        ]
        ks = sorted({s["run_args"]["logrows"] for s in settings})
        keys = sum(PK_BYTES_PER_ROW * 2 ** s["run_args"]["logrows"] for s in settings)
        ensure_room(self.request.art_dir, keys, f"the proving keys of {len(jobs)} circuit(s)")
        what = f"{len(jobs)} circuits" if len(jobs) > 1 else "circuit"
        with reporter.step(
            f"compiling {what} and running setup (logrows {', '.join(map(str, ks))})"
        ):
            self.run_jobs(setup_job, jobs, max(ks))
        return [info for _, info in found]

    def run_jobs(
        self, fn, jobs: list[tuple], logrows: int | None = None, one_core: int | None = None
    ) -> list:
        """fn(*job) for every job: inline, in the local pool or on the cluster of the request
        (`one_core`: jobs that keep one core busy, spread over every core from that many)."""
        runner = self.request.runner
        peak = peak_prove_bytes(logrows or self.config.max_logrows or CALIBRATION_LOGROWS)
        workers = runner.workers
        if one_core is not None:
            workers = one_core_workers(workers, runner.scheduler, len(jobs), one_core)
        return run_jobs(fn, jobs, workers, runner.scheduler, peak)

    def commitments(
        self, used: list[SrsFacts]
    ) -> tuple[list[list[int]], list[list[int]], list[list[str]]]:
        """Per circuit, the commitment values per input and per output tensor, and its
        parameters' Poseidon hashes when they are hashed, from the pieces' witnesses on the
        first held-out sample with the keys; every link's two sides must commit to the same
        values (the part matches bit for bit)."""
        hashed = self.config.param_visibility == "hashed"
        none = [[0] * len(c.spec.inputs) for c in self.circuits]
        if self.link == "none" and not hashed:
            return none, [[0] * len(c.spec.outputs) for c in self.circuits], [[]]
        keys = [
            CommitKeys(d / VK_FILE, srs.srs_file(self.srs_dir, info.logrows))
            for d, info in zip(self.dirs, used, strict=True)
        ]
        sample = {k: v[0] for k, v in self.request.evaluation.items()}
        with tempfile.TemporaryDirectory(prefix="zkc-links-") as tmp:
            chain = witness_dag(self.run, self.request.spec, sample, Path(tmp), keys)
        first = [c.pieces[0] for c in self.circuits]
        params = [
            [h for t in commitments(chain[p].witness, "processed_params", "hashed") for h in t]
            if hashed
            else []
            for p in first
        ]
        if self.link == "none":
            return none, [[0] * len(c.spec.outputs) for c in self.circuits], params
        sides = [
            (
                commitments(w.witness, "processed_inputs", self.link),
                commitments(w.witness, "processed_outputs", self.link),
            )
            for w in chain
        ]
        for link in self.request.links:
            sent = sides[link.producer][1][link.output]
            received = sides[link.consumer][0][link.input]
            if not sent or sent != received:
                raise ToolError(
                    f"link {link.producer}->{link.consumer}: the {self.link} commitments differ"
                )
        counts = [
            [_counts(sides[p][0], len(c.spec.inputs)), _counts(sides[p][1], len(c.spec.outputs))]
            for p, c in zip(first, self.circuits, strict=True)
        ]
        return [c[0] for c in counts], [c[1] for c in counts], params

    def vk_digest(self, index: int) -> str:
        return sha256_file(self.dirs[index] / VK_FILE)


def _counts(per_tensor: list[list], tensors: int) -> list[int]:
    """Commitment values per tensor (none for public tensors, which commit to nothing)."""
    if not per_tensor:
        return [0] * tensors
    if len(per_tensor) != tensors:
        raise ToolError(f"EZKL committed {len(per_tensor)} tensors of {tensors}")
    return [len(t) for t in per_tensor]


def calibrate_job(directory: str, data: str, config_json: str) -> dict:
    """Generate and calibrate one circuit's settings (a pool or cluster job)."""
    root = Path(directory)
    config = EzklConfig.model_validate_json(config_json)
    return generate_and_calibrate(root / MODEL_FILE, root / SETTINGS_FILE, Path(data), config)


def setup_job(directory: str, srs_path: str) -> None:
    """Compile one calibrated circuit and set up its keys (a pool or cluster job)."""
    compile_circuit(Path(directory))
    setup_keys(Path(directory), Path(srs_path))
