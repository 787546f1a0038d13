"""The manifest (written stable, read with one-line errors), file checks, the store, copies."""

import json
from pathlib import Path

import pytest

from tests.compiler.artifacts.examples import manifest
from zkc.compiler.artifacts.manifest import (
    MANIFEST,
    SCHEMA_VERSION,
    ArtifactStore,
    copy_artifact,
    hash_files,
    load_manifest,
    load_verified,
    verify_files,
    write_manifest,
)
from zkc.compiler.errors import ArtifactError, UserInputError
from zkc.compiler.limits import DEFAULT_CACHE_DIR


def _artifact(directory: Path, key: str = "k1") -> Path:
    """An artifact directory with two files (one in a slice folder) and its manifest."""
    (directory / "slices" / "01").mkdir(parents=True)
    (directory / "vk.key").write_bytes(b"verifying key")
    (directory / "slices" / "01" / "vk.key").write_bytes(b"slice key")
    write_manifest(directory, manifest(key, directory, ("vk.key", "slices/01/vk.key")))
    return directory


def test_hash_files_lists_sizes_and_digests_sorted(tmp_path):
    (tmp_path / "b").write_bytes(b"abc")
    (tmp_path / "a").write_bytes(b"")
    files = hash_files(tmp_path, ["b", "a"])
    assert list(files) == ["a", "b"]
    assert files["b"].size == 3 and files["b"].sha256.startswith("ba7816bf")


def test_write_then_load_round_trips_with_sorted_keys(tmp_path):
    _artifact(tmp_path)
    text = (tmp_path / MANIFEST).read_text()
    assert text.endswith("}\n") and list(json.loads(text)) == sorted(json.loads(text))
    loaded = load_manifest(tmp_path)
    assert loaded == manifest("k1", tmp_path, ("vk.key", "slices/01/vk.key"))
    write_manifest(tmp_path, loaded)
    assert (tmp_path / MANIFEST).read_text() == text  # byte-stable


def test_load_names_a_missing_directory_or_manifest(tmp_path):
    with pytest.raises(UserInputError, match="nope: no such artifact directory"):
        load_manifest(tmp_path / "nope")
    with pytest.raises(ArtifactError, match=r"manifest.json: missing; .* is not a zkc artifact"):
        load_manifest(tmp_path)


def test_load_refuses_another_schema_version(tmp_path):
    _artifact(tmp_path)
    doc = json.loads((tmp_path / MANIFEST).read_text())
    (tmp_path / MANIFEST).write_text(json.dumps({**doc, "schema_version": SCHEMA_VERSION - 1}))
    with pytest.raises(
        ArtifactError,
        match=f"schema version {SCHEMA_VERSION - 1}, this zkc reads {SCHEMA_VERSION}; "
        "recompile the model",
    ):
        load_manifest(tmp_path)


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"key": "k"}'])
def test_load_refuses_a_malformed_manifest(tmp_path, text):
    (tmp_path / MANIFEST).write_text(text)
    with pytest.raises(ArtifactError, match=r"manifest.json: malformed manifest \(") as info:
        load_manifest(tmp_path)
    assert "\n" not in str(info.value)


def test_verify_passes_an_intact_artifact(tmp_path):
    assert load_verified(_artifact(tmp_path)).key == "k1"


def test_verify_names_a_modified_file_of_the_same_size(tmp_path):
    _artifact(tmp_path)
    (tmp_path / "slices" / "01" / "vk.key").write_bytes(b"slice kex")
    with pytest.raises(
        ArtifactError,
        match=r"slices/01/vk.key: does not match the manifest's sha256 \(corrupted or modified\)",
    ):
        load_verified(tmp_path)


def test_verify_names_a_missing_file(tmp_path):
    _artifact(tmp_path)
    (tmp_path / "vk.key").unlink()
    with pytest.raises(ArtifactError, match=r"vk.key: missing file \(listed in the manifest\)"):
        load_verified(tmp_path)


def test_verify_refuses_a_manifest_of_another_schema(tmp_path):
    old = manifest("k1").model_copy(update={"schema_version": SCHEMA_VERSION + 1})
    with pytest.raises(ArtifactError, match=f"schema version {SCHEMA_VERSION + 1}, this zkc"):
        verify_files(tmp_path, old)


def test_store_lookup_finds_an_intact_entry(tmp_path):
    store = ArtifactStore(tmp_path)
    assert store.lookup("k1") is None
    with store.building("k1") as tmp:
        _artifact(tmp)
    assert store.path("k1") == tmp_path / "artifacts" / "k1"
    assert store.lookup("k1").key == "k1"


def test_store_drops_a_broken_entry(tmp_path):
    store = ArtifactStore(tmp_path)
    with store.building("k1") as tmp:
        _artifact(tmp)
    (store.path("k1") / "vk.key").write_bytes(b"tampered")
    assert store.lookup("k1") is None
    assert not store.path("k1").exists()


def test_store_ignores_an_entry_for_another_key(tmp_path):
    store = ArtifactStore(tmp_path)
    with store.building("k1") as tmp:
        _artifact(tmp, key="other")
    assert store.lookup("k1") is None


def test_a_failed_build_leaves_no_entry(tmp_path):
    store = ArtifactStore(tmp_path)
    with pytest.raises(RuntimeError), store.building("k1") as tmp:
        _artifact(tmp)
        raise RuntimeError("setup failed")
    assert store.lookup("k1") is None


def test_the_store_root_expands_the_home_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert ArtifactStore(DEFAULT_CACHE_DIR).root == tmp_path / ".cache" / "zkc"


def test_copy_artifact_copies_slices_and_replaces_the_destination(tmp_path):
    source = _artifact(tmp_path / "src")
    dest = tmp_path / "out.zkc"
    dest.mkdir()
    (dest / "stale").write_text("from an older build")
    copy_artifact(source, dest)
    assert sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file()) == [
        MANIFEST,
        "slices/01/vk.key",
        "vk.key",
    ]
    assert load_verified(dest).key == "k1"
