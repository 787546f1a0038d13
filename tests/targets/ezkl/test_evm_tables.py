"""The chain contract's rules as words: the layout ZkcChain.sol reads, and a tile's public values
mapped onto the claim's flat positions in runs."""

from zkc.compiler.artifacts.facts import PartRef
from zkc.targets.ezkl.evm.tables import REQUEST, RESPONSE, _claim_runs, word


def _fields(w: int) -> tuple[int, int, int, int, int]:
    mask = (1 << 64) - 1
    return w >> 248, (w >> 160) & mask, (w >> 96) & mask, (w >> 32) & mask, w & 0xFF


def test_a_word_packs_op_a_b_c_and_source_where_the_contract_reads_them():
    assert _fields(word(4, 7, 2**63, 5, 1)) == (4, 7, 2**63, 5, 1)
    assert word(0, 3) < 2**256


def test_a_tiles_values_map_to_the_tensors_flat_positions_in_runs():
    layout = [("x", 7, 10, 12)]  # x is 3 x 4, at claim offset 10
    shapes = {"x": [3, 4]}
    tile = PartRef(tensor="x", box=[(1, 3), (1, 3)])  # rows 1-2, columns 1-2
    words = _claim_runs(REQUEST, layout, shapes, [tile], start=2)
    # instance 2, 3 -> flat 5, 6; instance 4, 5 -> flat 9, 10 (claim offset 10 added)
    assert [_fields(w)[:4] for w in words] == [(REQUEST, 15, 2, 2), (REQUEST, 19, 4, 2)]


def test_a_pieces_other_outputs_take_no_public_values_its_inputs_do():
    layout = [("y", 7, 0, 4)]
    shapes = {"y": [4]}
    hidden, y = PartRef(tensor="h", box=[(0, 3)]), PartRef(tensor="y", box=[(0, 4)])
    assert _fields(_claim_runs(RESPONSE, layout, shapes, [hidden, y], 0)[0])[:4] == (
        RESPONSE,
        0,
        0,
        4,
    )
    request = _claim_runs(REQUEST, layout, shapes, [hidden, y], 0)
    assert _fields(request[0])[:4] == (REQUEST, 0, 3, 4)
