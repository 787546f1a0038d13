"""Same inputs, same bytes: two clean builds in separate processes (different HOME and
PYTHONHASHSEED, no cache) give byte-identical settings, circuits, keys and manifest, whole
and sliced. Only provenance.json (host, timings) may differ."""

import os
import subprocess
import sys

import pytest

from tests.conftest import subdir
from zkc.compiler.artifacts.hashing import sha256_file

pytestmark = pytest.mark.slow

ZKC = [sys.executable, "-c", "from zkc.cli.main import entry; entry()"]


def _build(zoo_files, srs_dir, root, seed: str, *extra) -> dict[str, str]:
    """Compile mlp_digits in a fresh process; sha256 of every file but provenance.json."""
    home = subdir(root, f"home-{seed}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "PYTHONHASHSEED"))}
    env |= {"HOME": str(home), "PYTHONHASHSEED": seed}
    onnx_path, calib, holdout = zoo_files["mlp_digits"]
    out = root / f"m-{seed}.zkc"
    result = subprocess.run(
        [
            *ZKC,
            "compile",
            onnx_path,
            "--calibration",
            calib,
            "--eval",
            holdout,
            "-o",
            out,
            "--dev-srs",
            "--srs-dir",
            srs_dir,
            "--no-cache",
            *extra,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    return {
        str(p.relative_to(out)): sha256_file(p)
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != "provenance.json"
    }


@pytest.mark.parametrize("extra", [(), ("--slices", "2")], ids=["whole", "sliced"])
def test_two_clean_builds_are_byte_identical(zoo_files, srs_dir, tmp_path, extra):
    first = _build(zoo_files, srs_dir, tmp_path, "1", *extra)
    second = _build(zoo_files, srs_dir, tmp_path, "2", *extra)
    assert set(first) == set(second)
    different = sorted(name for name in first if first[name] != second[name])
    assert not different, different
    keys = [name for name in first if name.endswith(("vk.key", "pk.key", "model.compiled"))]
    assert len(keys) == (3 if not extra else 6) and "manifest.json" in first
    manifest = (tmp_path / "m-1.zkc" / "manifest.json").read_text()
    assert "seconds" not in manifest  # timings live in provenance.json only
