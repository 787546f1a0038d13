"""Competition submissions: `model.compiled` and `settings.json` with the run args validators require.

Validators run setup themselves and score accuracy, proof size and time; they require input
Private, output Public, params Private (KZG, the only commitment EZKL 23 has).
"""

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from zkc.compiler.artifacts.atomic import atomic_directory
from zkc.compiler.artifacts.hashing import sha256_file
from zkc.compiler.driver.derive import derive_artifact
from zkc.compiler.progress import Reporter

COMPETITION_VISIBILITY = {
    "input_visibility": "private",
    "output_visibility": "public",
    "param_visibility": "private",
}
FILES = ("model.compiled", "settings.json")


@dataclass
class CompetitionResult:
    """The submission directory `<out>/<sha256(model.compiled)>/` and that sha256."""

    sha256: str
    directory: Path


def build_submission(
    artifact: Path,
    out_dir: Path,
    target,
    cache_dir: Path | None,
    reporter: Reporter | None = None,
) -> CompetitionResult:
    """Rebuild the artifact with the competition's visibilities (by `target`, the EZKL target)
    and write the two files. `model.compiled` is canonical (zkc.targets.ezkl.canonical), so
    its sha256, the submission's name and on-chain commitment, is reproducible."""
    from zkc.compiler.artifacts.manifest import load_verified
    from zkc.targets.subnet.checks import refuse_sliced

    refuse_sliced(load_verified(artifact), str(artifact))
    with tempfile.TemporaryDirectory(prefix="zkc-competition-") as tmp:
        result = derive_artifact(
            artifact,
            COMPETITION_VISIBILITY,
            Path(tmp) / "competition.zkc",
            target,
            cache_dir,
            reporter,
        )
        digest = sha256_file(result.path / "model.compiled")
        directory = Path(out_dir) / digest
        with atomic_directory(directory) as staging:
            for name in FILES:
                shutil.copyfile(result.path / name, staging / name)
    return CompetitionResult(sha256=digest, directory=directory)
