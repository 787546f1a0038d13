"""Derived builds: recompile an artifact's own model and data with a few settings changed.

Packaging for the subnet needs a nonce input; a competition submission needs other
visibilities. Both rebuild from what the artifact carries (its model after the passes,
its calibration and evaluation samples), through the same cache as `zkc compile`.
"""

from pathlib import Path
from typing import Any

from zkc.compiler.artifacts import manifest as art
from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.compile import CompileRequest, CompileResult, compile_model
from zkc.compiler.progress import Reporter
from zkc.compiler.target.protocol import Target


def derive_artifact(
    source: Path,
    overrides: dict[str, Any],
    output: Path,
    target: Target,
    cache_dir: Path | None,
    reporter: Reporter | None = None,
) -> CompileResult:
    """Compile `source`'s model again with config `overrides`, keeping its chosen scales.

    Fixing the scales the source was calibrated to keeps the derived circuit computing the
    same numbers; the overrides may still change them.
    """
    manifest = art.load_verified(source)
    config = manifest.config | target.pinned_options(manifest.circuit)
    request = CompileRequest(
        model_path=Path(source) / "model.onnx",
        calibration_path=Path(source) / art.CALIBRATION_FILE,
        eval_path=Path(source) / art.EVAL_FILE,
        output=Path(output),
        config=CompileConfig.model_validate(config | overrides),
        cache_dir=cache_dir,
    )
    return compile_model(request, target, reporter)
