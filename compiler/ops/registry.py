"""Every op family tiling knows, by op type (an explicit registry: a new tile kind is a module
in zkc.compiler.ops and one entry here)."""

from zkc.compiler.ops.base import TileOp
from zkc.compiler.ops.concat import ConcatTiles
from zkc.compiler.ops.conv import ConvTiles
from zkc.compiler.ops.elementwise import ElementwiseTiles
from zkc.compiler.ops.gather import GatherTiles
from zkc.compiler.ops.gemm import GemmTiles
from zkc.compiler.ops.pad import PadTiles
from zkc.compiler.ops.pool import GlobalPoolTiles, PoolTiles
from zkc.compiler.ops.window import WindowTiles

FAMILIES: tuple[TileOp, ...] = (
    ConvTiles(),
    PoolTiles(),
    GlobalPoolTiles(),
    GatherTiles(),
    PadTiles(),
    WindowTiles(),
    ConcatTiles(),
    GemmTiles(),
    ElementwiseTiles(),
)


def _by_op_type(families: tuple[TileOp, ...]) -> dict[str, TileOp]:
    found: dict[str, TileOp] = {}
    for family in families:
        for op_type in family.op_types:
            if op_type in found:
                raise ValueError(f"two tile op families claim {op_type}")
            found[op_type] = family
    return found


TILE_OPS: dict[str, TileOp] = _by_op_type(FAMILIES)


def tile_op(op_type: str) -> TileOp | None:
    """The tiling knowledge of an op type, or None when tiles cannot compute it."""
    return TILE_OPS.get(op_type)
