"""Parts of tensors (cut and paste), the links between pieces, and a chain's vk digest."""

import hashlib

import numpy as np
import pytest

from zkc.compiler.artifacts.facts import LinkFacts, PartRef, PieceFacts
from zkc.compiler.errors import ToolError
from zkc.compiler.ir.io_spec import IOSpec, TensorSpec
from zkc.compiler.target.chain import (
    chain_vk_digest,
    cut_part,
    find_links,
    paste_part,
    whole_part,
)

SPEC = IOSpec(
    inputs=[TensorSpec(name="x", shape=[1, 4, 6], dtype="float")],
    outputs=[TensorSpec(name="y", shape=[1, 4, 6], dtype="float")],
)


def _part(tensor, *box):
    return PartRef(tensor=tensor, box=list(box))


def _piece(index, inputs, outputs):
    return PieceFacts(
        index=index,
        circuit=0,
        slice=index,
        nodes=[f"n{index}"],
        inputs=inputs,
        outputs=outputs,
        estimated_rows=None,
        estimated_logrows=None,
    )


def test_whole_part():
    assert whole_part("x", [1, 4, 6]) == _part("x", (0, 1), (0, 4), (0, 6))


def test_cut_part_takes_the_box():
    array = np.arange(24).reshape(1, 4, 6)
    got = cut_part(array, _part("x", (0, 1), (1, 3), (2, 5)))
    np.testing.assert_array_equal(got, array[:, 1:3, 2:5])
    np.testing.assert_array_equal(cut_part(array, whole_part("x", [1, 4, 6])), array)


def test_pasting_the_cut_parts_rebuilds_the_tensor():
    array = np.arange(24, dtype=np.float32).reshape(1, 4, 6)
    bands = [_part("x", (0, 1), (0, 4), (a, b)) for a, b in ((0, 2), (2, 5), (5, 6))]
    rebuilt = np.zeros_like(array)
    for band in bands:
        paste_part(rebuilt, band, cut_part(array, band))
    np.testing.assert_array_equal(rebuilt, array)


def test_paste_reshapes_flat_values_and_leaves_the_rest():
    array = np.zeros((2, 3))
    paste_part(array, _part("t", (1, 2), (0, 2)), [7, 8])
    np.testing.assert_array_equal(array, [[0, 0, 0], [7, 8, 0]])


def test_paste_refuses_values_of_another_size():
    with pytest.raises(ValueError):
        paste_part(np.zeros((2, 3)), _part("t", (0, 2), (0, 2)), [1, 2, 3])


def test_links_join_each_read_part_to_the_piece_that_wrote_it():
    """x -> pieces 0 and 1 (two halves of a) -> piece 2 reads both halves."""
    left, right = _part("a", (0, 1), (0, 2)), _part("a", (0, 1), (2, 4))
    pieces = [
        _piece(0, [whole_part("x", [1, 4, 6])], [left]),
        _piece(1, [whole_part("x", [1, 4, 6])], [_part("b", (0, 1)), right]),
        _piece(2, [right, left], [whole_part("y", [1, 4, 6])]),
    ]
    assert find_links(pieces, SPEC) == [
        LinkFacts(producer=1, output=1, consumer=2, input=0),
        LinkFacts(producer=0, output=0, consumer=2, input=1),
    ]


def test_the_request_is_no_link():
    pieces = [_piece(0, [whole_part("x", [1, 4, 6])], [whole_part("y", [1, 4, 6])])]
    assert find_links(pieces, SPEC) == []


def test_a_part_written_twice_links_to_the_last_writer():
    a = _part("a", (0, 4))
    pieces = [
        _piece(0, [whole_part("x", [1, 4, 6])], [a]),
        _piece(1, [a], [a]),  # rewrites the same part (an in-place step)
        _piece(2, [a], [whole_part("y", [1, 4, 6])]),
    ]
    links = find_links(pieces, SPEC)
    assert [(link.producer, link.consumer) for link in links] == [(0, 1), (1, 2)]


def test_a_part_nobody_wrote_is_refused():
    pieces = [
        _piece(0, [whole_part("x", [1, 4, 6])], [_part("a", (0, 4))]),
        _piece(1, [_part("a", (0, 2))], [whole_part("y", [1, 4, 6])]),  # another box of a
    ]
    with pytest.raises(
        ToolError, match=r"piece 1 reads a \[\(0, 2\)\], which no earlier piece writes"
    ):
        find_links(pieces, SPEC)


def test_a_part_written_later_is_refused():
    pieces = [
        _piece(0, [_part("a", (0, 4))], [whole_part("y", [1, 4, 6])]),
        _piece(1, [whole_part("x", [1, 4, 6])], [_part("a", (0, 4))]),
    ]
    with pytest.raises(ToolError, match="piece 0 reads a"):
        find_links(pieces, SPEC)


def test_the_vk_digest_of_a_chain_of_one_is_its_vk():
    assert chain_vk_digest(["ab" * 32]) == "ab" * 32


def test_the_vk_digest_of_a_chain_covers_every_vk_in_order():
    digests = ["aa", "bb", "cc"]
    assert chain_vk_digest(digests) == hashlib.sha256(b"aa\nbb\ncc").hexdigest()
    assert chain_vk_digest(digests) != chain_vk_digest(["bb", "aa", "cc"])
    assert chain_vk_digest(digests) != chain_vk_digest(["aa", "bb"])
