"""EzklTarget: emits settings, compiled circuit and keys; runs, proves and verifies with them."""

import json
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx_ir as ir

from zkc.compiler.config import CompileConfig
from zkc.compiler.data import Samples
from zkc.compiler.errors import VerificationError
from zkc.compiler.io_spec import IOSpec
from zkc.compiler.progress import Reporter
from zkc.targets.ezkl import circuit, ops, proving, remote, sliced, srs
from zkc.targets.ezkl.quantize import search_settings, write_settings
from zkc.targets.ezkl.settings import generate_and_calibrate, write_calibration_data

MODEL_FILE = "model.onnx"
SETTINGS_FILE = "settings.json"
COMPILED_FILE = "model.compiled"
VK_FILE = "vk.key"
PK_FILE = "pk.key"


class EzklTarget:
    """The EZKL (halo2, KZG) proof backend. SRS files come from `srs_dir`, never a download."""

    name = "ezkl"

    def __init__(self, srs_dir: Path = srs.DEFAULT_SRS_DIR, allow_dev_srs: bool = False):
        self.srs_dir = Path(srs_dir).expanduser()
        self.allow_dev_srs = allow_dev_srs

    def check_model(self, model: ir.Model, source: str) -> None:
        """Refuse, before EZKL runs, any op this target cannot compile."""
        ops.check_ops(model, source)

    def emit(
        self,
        out_dir: Path,
        calibration: Samples,
        spec: IOSpec,
        config: CompileConfig,
        reporter: Reporter,
        evaluation: Samples | None = None,
        reference: dict[str, np.ndarray] | None = None,
    ) -> tuple[dict, dict]:
        """Calibrate, compile and set up the circuit for `out_dir/model.onnx`.

        With a fidelity budget in the config, zkc's scale search (on `evaluation` against the
        `reference` outputs) picks the settings; otherwise EZKL's calibration does.
        Returns (circuit facts for the manifest, timings for provenance).
        """
        settings, quantization, timings = self.calibrate(
            out_dir, calibration, spec, config, reporter, evaluation, reference
        )
        return self.set_up(out_dir, settings, quantization, timings, reporter)

    def calibrate(
        self, out_dir: Path, calibration: Samples, spec: IOSpec, config: CompileConfig,
        reporter: Reporter, evaluation: Samples | None = None,
        reference: dict[str, np.ndarray] | None = None,
    ) -> tuple[dict, dict, dict]:  # fmt: skip
        """Write `out_dir/settings.json`; returns (settings, quantization record, timings)."""
        model_path, settings_path = out_dir / MODEL_FILE, out_dir / SETTINGS_FILE
        start = time.perf_counter()
        quantization: dict = {"method": f"ezkl-calibrate-{config.calibration_target}"}
        if config.max_error is not None or config.min_top1 is not None:
            settings, quantization = search_settings(
                model_path, calibration, spec, config, evaluation, reference, reporter
            )
            write_settings(settings, settings_path)
        else:
            with tempfile.TemporaryDirectory(prefix="zkc-calib-") as tmp:
                calib_path = Path(tmp) / "calibration.json"
                write_calibration_data(calib_path, calibration, spec)
                count = len(next(iter(calibration.values())))
                with reporter.step(f"calibrating on {count} samples"):
                    settings = generate_and_calibrate(model_path, settings_path, calib_path, config)
        return settings, quantization, {"calibrate_seconds": time.perf_counter() - start}

    def raise_logrows(self, out_dir: Path, logrows: int) -> dict:
        """Set a calibrated circuit's logrows up to `logrows` (slices linked by polycommit
        must share one); returns the settings."""
        settings_path = out_dir / SETTINGS_FILE
        settings = json.loads(settings_path.read_text())
        calibrated = settings["run_args"]["logrows"]
        if calibrated > logrows:
            raise ValueError(f"{settings_path}: logrows {calibrated} > {logrows}")
        settings["run_args"]["logrows"] = logrows
        write_settings(settings, settings_path)
        return json.loads(settings_path.read_text())

    def set_up(
        self, out_dir: Path, settings: dict, quantization: dict, timings: dict, reporter: Reporter
    ) -> tuple[dict, dict]:
        """Compile the calibrated circuit and run setup; returns (facts, timings)."""
        model_path, settings_path = out_dir / MODEL_FILE, out_dir / SETTINGS_FILE
        logrows = settings["run_args"]["logrows"]
        srs_path, srs_info = srs.find_srs(self.srs_dir, logrows, self.allow_dev_srs)
        with reporter.step(f"compiling circuit and running setup (logrows {logrows})"):
            start = time.perf_counter()
            circuit.compile_circuit(model_path, settings_path, out_dir / COMPILED_FILE)
            circuit.setup_keys(
                out_dir / COMPILED_FILE, out_dir / VK_FILE, out_dir / PK_FILE, srs_path
            )
            timings["setup_seconds"] = time.perf_counter() - start
        facts = {
            "logrows": logrows,
            "num_rows": settings.get("num_rows"),
            "input_scales": settings["model_input_scales"],
            "output_scales": settings["model_output_scales"],
            "param_scale": settings["run_args"]["param_scale"],
            "run_args": settings["run_args"],
            "srs": srs_info.model_dump(),
            "quantization": quantization,
        }
        return facts, timings

    def files(self) -> list[str]:
        """The files `emit` writes besides the model."""
        return [MODEL_FILE, SETTINGS_FILE, COMPILED_FILE, VK_FILE, PK_FILE]

    def run(
        self, art_dir: Path, facts: dict, spec: IOSpec, inputs: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """The circuit's outputs for one input, from its witness (no proof)."""
        with tempfile.TemporaryDirectory(prefix="zkc-run-") as tmp:
            _, witness = proving.generate_witness(
                Path(art_dir) / COMPILED_FILE, inputs, spec, Path(tmp)
            )
        return proving.decode_outputs(witness["outputs"], facts["output_scales"], spec)

    def run_many(
        self, art_dir: Path, facts: dict, spec: IOSpec, samples: Samples, reporter: Reporter
    ) -> dict:
        """Circuit outputs for every sample, stacked per output as (samples, *shape)."""
        count = len(next(iter(samples.values())))
        collected: dict[str, list] = {t.name: [] for t in spec.outputs}
        for i in reporter.track(range(count), count, "fidelity (witness per held-out sample)"):
            outs = self.run(art_dir, facts, spec, {k: v[i] for k, v in samples.items()})
            for name, value in outs.items():
                collected[name].append(value)
        return {name: np.stack(values) for name, values in collected.items()}

    # Sliced circuits: one EZKL circuit per slice under `slices/NN/`, linked by hashes.

    def slice_dir(self, art_dir: Path, index: int) -> Path:
        return sliced.slice_dir(art_dir, index)

    def slice_files(self, count: int) -> list[str]:
        return sliced.slice_file_names(count)

    def run_sliced(self, art_dir: Path, facts: dict, spec: IOSpec, inputs: dict) -> dict:
        return sliced.run(art_dir, facts, spec, inputs)

    def run_sliced_many(self, art_dir, facts, spec, samples, reporter, check_links=True) -> dict:
        srs_dir = self.srs_dir if check_links else None
        return sliced.run_many(art_dir, facts, spec, samples, reporter, srs_dir)

    def compile_slice(self, out_dir: Path) -> None:
        """Compile a calibrated slice (witnesses, no keys): what a scale search measures."""
        circuit.compile_circuit(
            out_dir / MODEL_FILE, out_dir / SETTINGS_FILE, out_dir / COMPILED_FILE
        )

    def prove_sliced(
        self, art_dir: Path, facts: dict, spec: IOSpec, inputs: dict, workers: int = 1,
        scheduler: str | None = None, work_dir: Path | None = None, shipped=None,
    ) -> tuple[list[dict], dict, dict]:  # fmt: skip
        """Prove every slice of one inference; returns (slice proofs, outputs, run facts).

        Witnesses are chained in this process (they are cheap); the proofs are independent
        and run concurrently: a local pool of `workers`, or the Dask cluster at `scheduler`.
        Cluster workers either see `art_dir` and `work_dir` at the same paths, or, with
        `shipped` (a registry.shipping.ShippedFiles), fetch the slice files from the registry
        and receive the witness in the job.
        """
        from zkc.compiler.parallel import run_jobs

        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="zkc-prove-", dir=work_dir) as tmp:
            chain = sliced.witness_chain(
                art_dir, facts["slices"], spec, inputs, Path(tmp), self.srs_dir
            )
            witness_seconds = time.perf_counter() - start
            peak = max(sliced.peak_prove_bytes(s["logrows"]) for s in facts["slices"])
            if shipped is None:
                jobs = sliced.prove_jobs(art_dir, facts, chain, self.srs_dir, Path(tmp))
                results = run_jobs(sliced.prove_job, jobs, workers, scheduler, peak)
            else:
                jobs = remote.remote_jobs(facts, chain, shipped)
                results = run_jobs(remote.remote_prove_job, jobs, workers, scheduler, peak)
        outputs = proving.decode_outputs(chain[-1].witness["outputs"], facts["output_scales"], spec)
        proofs = [
            {"index": s["index"], "proof": r["proof"]}
            for s, r in zip(facts["slices"], results, strict=True)
        ]
        run = {
            "wall_seconds": time.perf_counter() - start,
            "witness_seconds": witness_seconds,
            "slice_seconds": [r["seconds"] for r in results],
            "slice_peak_rss_mb": [r["peak_rss_mb"] for r in results],
            "workers": None if scheduler else workers,  # local processes asked for
        }
        if shipped is not None:
            run["slice_fetched_bytes"] = [r["fetched_bytes"] for r in results]
            run["slice_hosts"] = [r["host"] for r in results]
        return proofs, outputs, run

    def verify_sliced(
        self, art_dir: Path, facts: dict, spec: IOSpec, slice_proofs: list[dict], inputs: dict,
        outputs: dict | None, vk_sha256: list[str],
    ) -> dict[str, np.ndarray]:  # fmt: skip
        return sliced.verify(
            art_dir, facts, spec, slice_proofs, inputs, outputs, self.srs_dir, vk_sha256
        )

    def srs_for(self, facts: dict) -> Path:
        """The SRS file a circuit was set up with, checked against its recorded sha256."""
        info = srs.SrsInfo.model_validate(facts["srs"])
        path = srs.srs_file(self.srs_dir, info.logrows)
        srs.check_srs(path, info)
        return path

    def prove(
        self,
        art_dir: Path,
        facts: dict,
        spec: IOSpec,
        inputs: dict[str, np.ndarray],
        pk_path: Path | None = None,
        srs_path: Path | None = None,
    ) -> tuple[dict, dict, float]:
        """Prove one inference; returns (EZKL proof JSON, outputs, prove seconds).

        The witness is generated with the verifying key, as SN2 miners do. `pk_path` and
        `srs_path` default to the artifact's `pk.key` and the checked SRS of `srs_dir`.
        """
        art_dir = Path(art_dir)
        srs_path = srs_path or self.srs_for(facts)
        with tempfile.TemporaryDirectory(prefix="zkc-prove-") as tmp:
            witness_path, witness = proving.generate_witness(
                art_dir / COMPILED_FILE, inputs, spec, Path(tmp), art_dir / VK_FILE, srs_path
            )
            start = time.perf_counter()
            proof = proving.prove(
                witness_path,
                art_dir / COMPILED_FILE,
                pk_path or art_dir / PK_FILE,
                Path(tmp) / "proof.json",
                srs_path,
            )
            seconds = time.perf_counter() - start
        outputs = proving.decode_outputs(witness["outputs"], facts["output_scales"], spec)
        return proof, outputs, seconds

    def verify(
        self,
        art_dir: Path,
        facts: dict,
        spec: IOSpec,
        proof: dict,
        inputs: dict,
        outputs: dict | None = None,
        srs_path: Path | None = None,
    ) -> dict[str, np.ndarray]:
        """Check that `proof` is valid for this circuit and binds these inputs (and outputs).

        Returns the outputs the proof commits to. Raises VerificationError saying which
        check failed.
        """
        art_dir = Path(art_dir)
        instances = proof.get("instances")
        if not isinstance(instances, list) or not instances or not isinstance(instances[0], list):
            raise VerificationError("proof has no public instances")
        n_in = sum(t.size for t in spec.inputs)
        n_out = sum(t.size for t in spec.outputs)
        public = instances[0]
        if len(public) != n_in + n_out:
            raise VerificationError(
                f"proof has {len(public)} public values, this circuit has {n_in + n_out}"
            )
        arrays = {k: np.asarray(v, dtype=np.float64) for k, v in inputs.items()}
        if public[:n_in] != proving.input_felts(arrays, facts["input_scales"], spec):
            raise VerificationError("the proof's public inputs are not the request's inputs")
        proved = proving.public_outputs(
            public[n_in:], facts["output_scales"], spec, outputs, "the proof"
        )
        srs_path = srs_path or self.srs_for(facts)
        with tempfile.TemporaryDirectory(prefix="zkc-verify-") as tmp:
            proof_path = Path(tmp) / "proof.json"
            proof_path.write_text(json.dumps(proof))
            ok = proving.verify(proof_path, art_dir / SETTINGS_FILE, art_dir / VK_FILE, srs_path)
        if not ok:
            raise VerificationError(
                "the EZKL proof does not verify against this circuit's verifying key"
            )
        return proved
