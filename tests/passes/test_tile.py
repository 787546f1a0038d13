"""TilePass: Tile with constant repeats becomes a gather."""

from tests.passes._rewrite_checks import check_rewrite, check_untouched
from zkc.passes.tile import TilePass


def test_rewrite_matches_onnxruntime():
    check_rewrite("tile", TilePass, "Tile")


def test_expand_is_left_alone():
    check_untouched("expand", TilePass)
