"""Option types shared by commands."""

from pathlib import Path

import click

from zkc.compiler.limits import DEFAULT_CACHE_DIR
from zkc.targets.ezkl import DEFAULT_SRS_DIR

srs_dir_option = click.option(
    "--srs-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_SRS_DIR,
    show_default=str(DEFAULT_SRS_DIR),
    help="Directory of KZG SRS files kzg<logrows>.srs (never downloaded).",
)
cache_dir_option = click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_CACHE_DIR,
    show_default=True,
    help="Artifact cache; the same key is never rebuilt.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


def parse_input_shape(ctx, param, values: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """`--input-shape x=1,16,8` -> {"x": (1, 16, 8)}."""
    shapes = {}
    for text in values:
        name, _, dims = text.partition("=")
        try:
            shapes[name] = tuple(int(d) for d in dims.split(","))
        except ValueError:
            raise click.BadParameter(
                f"'{text}': expected NAME=D0,D1,... with integer dimensions"
            ) from None
        if not name or any(d < 1 for d in shapes[name]):
            raise click.BadParameter(f"'{text}': expected NAME=D0,D1,... with positive dimensions")
    return shapes
