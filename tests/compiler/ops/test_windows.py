"""The receptive field of conv and pool tiles (zkc.compiler.ops.windows): the input box a band
of output rows reads, checked against the rows each output row's kernel taps, and the padding
it needs where that box meets the input's edges."""

import pytest

from zkc.compiler.ops.windows import conv_window, kernel_rows

IN_SHAPE = (1, 6, 10, 7)


def _taps(out_row: int, kernel: int, stride: int, dilation: int, top: int) -> list[int]:
    """The input rows one output row's kernel taps (negative or past the end: padding)."""
    return [out_row * stride - top + j * dilation for j in range(kernel)]


GEOMETRIES = [
    dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 0, 1, 0]),
    dict(kernel_shape=[3, 3], dilations=[2, 2], pads=[2, 2, 2, 2]),
    dict(kernel_shape=[5, 5], pads=[2, 1, 2, 1]),
    dict(kernel_shape=[2, 2], strides=[2, 2]),
    dict(kernel_shape=[3, 3], pads=[2, 0, 0, 0]),  # asymmetric: top only
]


def _out_rows(geometry) -> int:
    k = geometry["kernel_shape"][0]
    s = geometry.get("strides", [1, 1])[0]
    d = geometry.get("dilations", [1, 1])[0]
    top, _, bottom, _ = geometry.get("pads", [0, 0, 0, 0])
    return (IN_SHAPE[2] + top + bottom - d * (k - 1) - 1) // s + 1


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_every_band_reads_the_span_its_kernels_tap_padded_past_the_edges(geometry):
    k = geometry["kernel_shape"][0]
    s = geometry.get("strides", [1, 1])[0]
    d = geometry.get("dilations", [1, 1])[0]
    top, left, _, right = geometry.get("pads", [0, 0, 0, 0])
    rows = _out_rows(geometry)
    for o0 in range(rows):
        for o1 in range(o0 + 1, rows + 1):
            box = [(0, 1), (0, 6), (o0, o1), (0, 5)]
            window, pads = conv_window(geometry, IN_SHAPE, box, None)
            taps = [t for o in range(o0, o1) for t in _taps(o, k, s, d, top)]
            first, last = min(taps), max(taps) + 1
            assert window[2] == (max(first, 0), min(last, IN_SHAPE[2])), (o0, o1)
            assert pads[2] == max(0, -first)  # zeros above the input's first row
            assert pads[6] == max(0, last - IN_SHAPE[2])  # and below its last
            # columns and channels are read whole, with the conv's own column padding
            assert window[0] == (0, 1) and window[1] == (0, 6) and window[3] == (0, 7)
            assert (pads[3], pads[7]) == (left, right)
            assert pads[0] == pads[1] == pads[4] == pads[5] == 0


def test_an_interior_band_needs_no_padding_and_the_edges_do():
    attrs = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    assert conv_window(attrs, IN_SHAPE, [(0, 1), (0, 6), (0, 3), (0, 7)], None) == (
        [(0, 1), (0, 6), (0, 4), (0, 7)],
        [0, 0, 1, 1, 0, 0, 0, 1],
    )
    assert conv_window(attrs, IN_SHAPE, [(0, 1), (0, 6), (4, 6), (0, 7)], None) == (
        [(0, 1), (0, 6), (3, 7), (0, 7)],
        [0, 0, 0, 1, 0, 0, 0, 1],
    )
    window, pads = conv_window(attrs, IN_SHAPE, [(0, 1), (0, 6), (8, 10), (0, 7)], None)
    assert window[2] == (7, 10) and (pads[2], pads[6]) == (0, 1)


def test_grouped_convs_read_the_input_channels_of_their_groups():
    # 6 input channels, 3 groups (2 in, 4 out each): output channels 4..12 are groups 1 and 2
    attrs = dict(kernel_shape=[1, 1], out_channels=12)
    window, _ = conv_window(attrs, IN_SHAPE, [(0, 1), (4, 12), (0, 10), (0, 7)], 4)
    assert window[1] == (2, 6)
    window, _ = conv_window(attrs, IN_SHAPE, [(0, 1), (0, 4), (0, 10), (0, 7)], 4)
    assert window[1] == (0, 2)


def test_pools_read_their_own_channels():
    attrs = dict(kernel_shape=[2, 2], strides=[2, 2])
    window, pads = conv_window(attrs, IN_SHAPE, [(0, 1), (3, 5), (1, 3), (0, 3)], 1)
    assert window == [(0, 1), (3, 5), (2, 6), (0, 7)] and not any(pads)


@pytest.mark.parametrize(
    ("attrs", "rows", "expected"),
    [
        (dict(kernel_shape=[3, 3]), 4, 6),
        (dict(kernel_shape=[3, 3], strides=[2, 2]), 4, 9),
        (dict(kernel_shape=[3, 3], dilations=[3, 3]), 2, 8),
        (dict(kernel_shape=[3, 3], strides=[2, 2]), 8, 10),  # clipped to the input's rows
        (dict(), 4, 4),  # no kernel (an element-wise op): the same rows
    ],
)
def test_kernel_rows(attrs, rows, expected):
    assert kernel_rows(attrs, rows, 10) == expected
