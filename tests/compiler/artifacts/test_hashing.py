"""Content hashes: files (in chunks), bytes, and canonical JSON."""

import hashlib
import math

import pytest

from zkc.compiler.artifacts.hashing import canonical_json, sha256_bytes, sha256_file, sha256_json

ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2 "abc"


def test_sha256_bytes_matches_the_standard_vector():
    assert sha256_bytes(b"abc") == ABC


def test_sha256_file_over_several_chunks(tmp_path):
    data = bytes(range(256)) * (3 * 4096 + 7)  # ~3 MiB: more than one 1 MiB chunk
    path = tmp_path / "blob"
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()


def test_sha256_file_of_an_empty_file(tmp_path):
    (tmp_path / "empty").write_bytes(b"")
    assert sha256_file(tmp_path / "empty") == hashlib.sha256(b"").hexdigest()


def test_canonical_json_sorts_keys_without_whitespace():
    assert canonical_json({"b": [1, 2], "a": {"d": None, "c": "x"}}) == (
        b'{"a":{"c":"x","d":null},"b":[1,2]}'
    )


def test_sha256_json_ignores_key_order_but_not_values():
    one = sha256_json({"model": "m", "config": {"x": 1, "y": 2}})
    assert one == sha256_json({"config": {"y": 2, "x": 1}, "model": "m"})
    assert one != sha256_json({"model": "m", "config": {"x": 1, "y": 3}})
    assert one == sha256_bytes(canonical_json({"model": "m", "config": {"x": 1, "y": 2}}))


def test_sha256_json_distinguishes_types():
    assert sha256_json({"x": 1}) != sha256_json({"x": "1"})
    assert sha256_json({"x": [1]}) != sha256_json({"x": 1})


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused(value):
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        canonical_json({"x": value})
