"""`zkc audit` of a subnet package: rebuild `model_<id>/` from the source model and compare.

The package's lock records how its artifact was built (zkc.targets.subnet.lock.BuildRecord)
and the package carries the samples; a package built from an artifact without a nonce input
records that artifact's build too: its passes are run on the source model first, and the
packaged circuit is rebuilt from their output, as `zkc package` did. The verdict is the
circuit id: a rebuilt vk.key with another sha256 is not this model's.
"""

import tempfile
from pathlib import Path

from zkc.compiler.artifacts import manifest as art
from zkc.compiler.artifacts.hashing import sha256_file
from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.audit import AuditReport, compare_files, rebuild_inputs, vk_digests
from zkc.compiler.driver.build import lower
from zkc.compiler.driver.compile import compile_inputs, pipeline_name
from zkc.compiler.ir.model_io import save_model
from zkc.compiler.progress import Reporter
from zkc.compiler.target.protocol import Target
from zkc.targets.subnet.circuit import verified_package
from zkc.targets.subnet.lock import BuildRecord
from zkc.targets.subnet.package import COPIED, DATA


def audit_package(
    path: Path, model_path: Path, target: Target, reporter: Reporter | None = None
) -> AuditReport:
    """Rebuild the package at `path` from `model_path`; compare its files (and pk.key's hash)."""
    path, reporter = Path(path), reporter or Reporter()
    lock = verified_package(path)
    record = lock.build
    data = (path / art.CALIBRATION_FILE, path / art.EVAL_FILE)
    with tempfile.TemporaryDirectory(prefix="zkc-audit-") as tmp:
        source = Path(model_path)
        if record.derived_from is not None:
            source = _lowered_parent(
                model_path, record.derived_from, data, target, Path(tmp), reporter
            )
        config = CompileConfig.model_validate(record.config)
        inputs = rebuild_inputs(source, *data, config, record.eval_source)
        rebuilt = compile_inputs(inputs, config, target, Path(tmp) / "rebuilt.zkc", None, reporter)
        recorded = {name: lock.files[name].sha256 for name in (*COPIED, *DATA)}
        recorded |= {name: e.sha256 for name, e in lock.external_files.items()}
        files = compare_files(recorded, rebuilt.path)
    root = record.derived_from or record
    return AuditReport(
        recorded_key=lock.artifact_key,
        rebuilt_key=rebuilt.manifest.key,
        model_sha256=sha256_file(model_path),
        recorded_model_sha256=root.model_sha256,
        files=files,
        vk_identical=vk_digests(rebuilt.manifest.circuit) == [lock.circuit_id],
    )


def _lowered_parent(
    model_path: Path,
    parent: BuildRecord,
    data: tuple[Path, Path],
    target: Target,
    work: Path,
    reporter: Reporter,
) -> Path:
    """The model the packaged artifact was derived from: the source after its parent's passes."""
    config = target.configure(CompileConfig.model_validate(parent.config))
    inputs = rebuild_inputs(model_path, *data, config, parent.eval_source)
    passes = target.pipeline(pipeline_name(config), config.disabled_passes)
    save_model(lower(inputs, config, passes, reporter).model, work / "model.onnx")
    return work / "model.onnx"
