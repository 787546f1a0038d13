"""The registry of tile op families (zkc.compiler.ops.registry): every op type has one family,
two families claiming one op type is an error, and an op no family knows is not tiled."""

import pytest

from zkc.compiler.ops import registry
from zkc.compiler.ops.concat import ConcatTiles
from zkc.compiler.ops.conv import ConvTiles
from zkc.compiler.ops.elementwise import ELEMENTWISE, ElementwiseTiles
from zkc.compiler.ops.gather import GatherTiles
from zkc.compiler.ops.gemm import GemmTiles
from zkc.compiler.ops.pad import PadTiles
from zkc.compiler.ops.pool import GlobalPoolTiles, PoolTiles
from zkc.compiler.ops.window import WindowTiles


@pytest.mark.parametrize(
    ("op_type", "family"),
    [
        ("Conv", ConvTiles),
        ("MaxPool", PoolTiles),
        ("AveragePool", PoolTiles),
        ("GlobalAveragePool", GlobalPoolTiles),
        ("GlobalMaxPool", GlobalPoolTiles),
        ("Gather", GatherTiles),
        ("Pad", PadTiles),
        ("Slice", WindowTiles),
        ("Concat", ConcatTiles),
        ("Gemm", GemmTiles),
        ("MatMul", GemmTiles),
        ("Relu", ElementwiseTiles),
        ("Sum", ElementwiseTiles),
    ],
)
def test_each_op_type_maps_to_its_family(op_type, family):
    assert isinstance(registry.tile_op(op_type), family)


@pytest.mark.parametrize("op_type", ["Softmax", "Reshape", "ConvTranspose", "Flatten", ""])
def test_ops_no_family_knows_are_not_tiled(op_type):
    assert registry.tile_op(op_type) is None


def test_the_registry_holds_every_familys_op_types_and_nothing_else():
    claimed = {op for family in registry.FAMILIES for op in family.op_types}
    assert set(registry.TILE_OPS) == claimed
    assert ELEMENTWISE <= claimed
    for family in registry.FAMILIES:  # each implements the whole TileOp interface
        for method in ("kind", "read_extent", "input_box", "build"):
            assert callable(getattr(family, method)), (family, method)
        assert all(registry.TILE_OPS[op] is family for op in family.op_types)


def test_two_families_claiming_one_op_type_is_an_error():
    with pytest.raises(ValueError, match="two tile op families claim Conv"):
        registry._by_op_type((ConvTiles(), PoolTiles(), ConvTiles()))
    assert set(registry._by_op_type((PoolTiles(), GemmTiles()))) == {
        "MaxPool",
        "AveragePool",
        "Gemm",
        "MatMul",
    }
