"""`zkc audit`: rebuild an artifact from its source model and compare it, file by file.

The rebuild uses what the artifact records: its config, and the calibration and held-out
samples it carries (calibration.npz, eval.npz: exactly the samples the build used). Builds are
reproducible (zkc.targets.ezkl.canonical), so a rebuild from the same model, data, config and
tool versions gives the same bytes; a verifying key that differs means the artifact was not
built from this model.
"""

import tempfile
from pathlib import Path

from pydantic import BaseModel

from zkc.compiler.artifacts import manifest as art
from zkc.compiler.artifacts.facts import ChainFacts
from zkc.compiler.artifacts.hashing import sha256_file
from zkc.compiler.config import CompileConfig
from zkc.compiler.data.samples import load_samples
from zkc.compiler.driver.compile import BuildInputs, compile_inputs
from zkc.compiler.errors import ArtifactError
from zkc.compiler.ir.input_shapes import pinned_input_shapes
from zkc.compiler.ir.io_spec import IOSpec, TensorSpec
from zkc.compiler.ir.model_io import load_model
from zkc.compiler.pipeline.base import PassOptions
from zkc.compiler.progress import Reporter
from zkc.compiler.target.protocol import Target


class FileCheck(BaseModel):
    """One recorded file against its rebuild (`rebuilt` None: the rebuild has no such file)."""

    name: str
    recorded: str
    rebuilt: str | None

    @property
    def identical(self) -> bool:
        return self.recorded == self.rebuilt


class AuditReport(BaseModel):
    """Whether a rebuild from the source model reproduces what was recorded."""

    recorded_key: str
    rebuilt_key: str
    model_sha256: str  # the source model given
    recorded_model_sha256: str  # the one the artifact names
    files: list[FileCheck]
    vk_identical: bool  # every circuit's verifying key: the verdict

    @property
    def identical(self) -> bool:
        return all(f.identical for f in self.files)

    def lines(self) -> list[str]:
        """The report for humans."""
        same = sum(f.identical for f in self.files)
        model = (
            "the model it records"
            if self.model_sha256 == self.recorded_model_sha256
            else (f"NOT the model it records ({self.recorded_model_sha256[:16]})")
        )
        out = [f"source model {self.model_sha256[:16]}: {model}"]
        out += [f"  {'identical' if f.identical else 'DIFFERS  '}  {f.name}" for f in self.files]
        verdict = (
            "the verifying keys are the model's"
            if self.vk_identical
            else ("the verifying keys are NOT reproduced from this model")
        )
        out.append(f"{same}/{len(self.files)} files identical; {verdict}")
        return out


def rebuild_inputs(
    model_path: Path, calibration: Path, evaluation: Path, config: CompileConfig, eval_source: str
) -> BuildInputs:
    """The build inputs of a recorded build: the model, and the samples its data files hold."""
    model = load_model(model_path)
    options = PassOptions(batch_size=config.batch_size, input_shapes=dict(config.input_shapes))
    spec = IOSpec(
        inputs=[
            TensorSpec(name=n, shape=list(s), dtype="float")
            for n, s in pinned_input_shapes(model, options).items()
        ],
        outputs=[],
    )
    return BuildInputs(
        Path(model_path),
        model,
        sha256_file(model_path),
        load_samples(calibration, spec),
        load_samples(evaluation, spec),
        eval_source,
    )


def compare_files(recorded: dict[str, str], rebuilt_dir: Path) -> list[FileCheck]:
    """Each recorded file's sha256 (name -> hex) against the same file in the rebuild."""
    checks = []
    for name, digest in sorted(recorded.items()):
        path = rebuilt_dir / name
        checks.append(
            FileCheck(
                name=name, recorded=digest, rebuilt=sha256_file(path) if path.is_file() else None
            )
        )
    return checks


def vk_digests(facts: ChainFacts) -> list[str]:
    return [c.vk_sha256 for c in facts.circuits]


def audit_artifact(
    path: Path, model_path: Path, target: Target, reporter: Reporter | None = None
) -> AuditReport:
    """Rebuild the artifact at `path` from `model_path` with its recorded config and data."""
    path = Path(path)
    manifest = art.load_verified(path)
    config = CompileConfig.model_validate(manifest.config)
    eval_source = manifest.source["eval_source"]
    if eval_source is None:  # every build records how its held-out samples were chosen
        raise ArtifactError(f"{path}: the manifest records no eval_source to rebuild with")
    inputs = rebuild_inputs(
        model_path, path / art.CALIBRATION_FILE, path / art.EVAL_FILE, config, eval_source
    )
    recorded = {name: e.sha256 for name, e in manifest.files.items()}
    recorded[art.MANIFEST] = sha256_file(path / art.MANIFEST)
    with tempfile.TemporaryDirectory(prefix="zkc-audit-") as tmp:
        rebuilt = compile_inputs(
            inputs, config, target, Path(tmp) / "rebuilt.zkc", None, reporter or Reporter()
        )
        files = compare_files(recorded, rebuilt.path)
    return AuditReport(
        recorded_key=manifest.key,
        rebuilt_key=rebuilt.manifest.key,
        model_sha256=inputs.model_sha256,
        recorded_model_sha256=manifest.source["model_sha256"],
        files=files,
        vk_identical=vk_digests(rebuilt.manifest.circuit) == vk_digests(manifest.circuit),
    )
