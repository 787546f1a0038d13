"""zkc.targets: turn the final IR into files. One folder per target, one explicit registry."""

from pathlib import Path


def make_target(name: str, srs_dir: Path, allow_dev_srs: bool = False):
    """Construct a registered target by name (imports the backend only when asked for)."""
    from zkc.compiler.errors import UserInputError

    if name == "ezkl":
        from zkc.targets.ezkl.target import EzklTarget

        return EzklTarget(srs_dir=srs_dir, allow_dev_srs=allow_dev_srs)
    raise UserInputError(f"unknown target '{name}' (known: {', '.join(TARGET_NAMES)})")


TARGET_NAMES = ("ezkl",)
