import pytest

from zkc.compiler.artifacts.atomic import atomic_directory


def test_failed_block_leaves_nothing_and_keeps_previous(tmp_path):
    final = tmp_path / "out.zkc"
    with atomic_directory(final) as tmp:
        (tmp / "a").write_text("1")
    assert (final / "a").read_text() == "1"
    with pytest.raises(RuntimeError), atomic_directory(final) as tmp:
        (tmp / "a").write_text("2")
        raise RuntimeError("boom")
    assert (final / "a").read_text() == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.zkc"]
