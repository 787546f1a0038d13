"""`zkc package --target subnet`: the circuit directory subnet 2 loads, and its pk.key for upload.

Layout written (`-o deployment_layer/`):
    deployment_layer/model_<sha256(vk.key)>/  metadata.json settings.json model.compiled
                                              vk.key input.py zkc-package.json
    external/<id>/pk.key                      (beside deployment_layer/, for upload)
Files are copied from the compiled artifact byte for byte, never set up again: the id is
the verifying key's hash (reproducible: `zkc audit` rebuilds it from the source model).
"""

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zkc.compiler.artifacts import manifest as art
from zkc.compiler.artifacts.atomic import atomic_directory
from zkc.compiler.driver.derive import derive_artifact
from zkc.compiler.errors import UserInputError
from zkc.compiler.limits import DEFAULT_CACHE_DIR
from zkc.compiler.progress import Reporter
from zkc.compiler.versions import zkc_version
from zkc.passes.add_nonce import NONCE_INPUT
from zkc.targets.subnet.checks import check_packageable, refuse_sliced
from zkc.targets.subnet.input_py import render_input_py
from zkc.targets.subnet.lock import LOCK_FILE, BuildRecord, PackageLock, input_ranges
from zkc.targets.subnet.metadata import SubnetMetadata

COPIED = ("settings.json", "model.compiled", "vk.key")
# The samples the circuit was built from: `zkc audit` rebuilds the package with them.
DATA = (art.CALIBRATION_FILE, art.EVAL_FILE)
PK_FILE = "pk.key"


@dataclass
class PackageRequest:
    """What `zkc package --target subnet` was asked for."""

    artifact: Path
    out_dir: Path
    metadata: dict
    pk_url_base: str
    external_dir: Path | None = None
    allow_dev_srs: bool = False
    cache_dir: Path | None = DEFAULT_CACHE_DIR
    # For an oci:// base: pk.key's sha256 -> its registry blob URL, after checking the registry
    # holds it (the caller's registry client; zkc.targets.registry.blob_url.require_blob).
    blob_url: Callable[[str], str] | None = None


@dataclass
class PackageResult:
    """Where the package went, its id, and the artifact it was built from."""

    circuit_id: str
    package_dir: Path
    pk_path: Path
    artifact_key: str
    derived: bool


def package_for_subnet(
    request: PackageRequest, target, reporter: Reporter | None = None
) -> PackageResult:
    """Write the subnet circuit directory and external pk.key for an artifact.

    An artifact without a `nonce` input is first rebuilt by `target` (the EZKL target, with
    its SRS directory) with the `ezkl-subnet` pipeline (same model, data and scales; through
    the build cache).
    """
    reporter = reporter or Reporter()
    manifest = art.load_verified(request.artifact)
    refuse_sliced(manifest, str(request.artifact))
    if NONCE_INPUT in {t.name for t in manifest.io.inputs}:
        return _package(request, Path(request.artifact), manifest, build_record(manifest))
    # Fail before an expensive rebuild for what the rebuild would not change.
    settings = json.loads((Path(request.artifact) / "settings.json").read_text())
    check_packageable(
        manifest, settings, request.allow_dev_srs, str(request.artifact), require_nonce=False
    )
    with tempfile.TemporaryDirectory(prefix="zkc-subnet-") as tmp:
        reporter.info("the artifact has no nonce input: rebuilding it with pipeline ezkl-subnet")
        result = derive_artifact(
            Path(request.artifact),
            {"pipeline": "ezkl-subnet"},
            Path(tmp) / "subnet.zkc",
            target,
            cache_dir=request.cache_dir,
            reporter=reporter,
        )
        record = build_record(result.manifest, derived_from=build_record(manifest))
        return _package(request, result.path, result.manifest, record)


def build_record(manifest: art.Manifest, derived_from: BuildRecord | None = None) -> BuildRecord:
    """How an artifact was built, from its manifest."""
    return BuildRecord(
        model_sha256=manifest.source["model_sha256"],
        config=manifest.config,
        eval_source=manifest.source["eval_source"],
        derived_from=derived_from,
    )


def _package(request: PackageRequest, source: Path, manifest: art.Manifest, record: BuildRecord):
    settings = json.loads((source / "settings.json").read_text())
    check_packageable(manifest, settings, request.allow_dev_srs, str(request.artifact))
    circuit_id = manifest.circuit.first.vk_sha256
    metadata = _metadata(request, circuit_id, manifest.files[PK_FILE].sha256)
    ranges = input_ranges(source / art.CALIBRATION_FILE, manifest.io)
    input_py = render_input_py(
        circuit_id,
        manifest.io,
        ranges,
        metadata.name,
        metadata.version,
        manifest.key,
        zkc_version(),
    )
    out_dir = Path(request.out_dir)
    external_root = Path(request.external_dir or out_dir.parent / "external")
    package_dir = out_dir / f"model_{circuit_id}"
    with atomic_directory(external_root / circuit_id) as ext:
        shutil.copyfile(source / PK_FILE, ext / PK_FILE)
        with atomic_directory(package_dir) as tmp:
            for name in (*COPIED, *DATA):
                shutil.copyfile(source / name, tmp / name)
            (tmp / "input.py").write_text(input_py)
            (tmp / "metadata.json").write_text(json.dumps(metadata.to_json(), indent=2) + "\n")
            lock = PackageLock(
                circuit_id=circuit_id,
                artifact_key=manifest.key,
                build=record,
                io=manifest.io,
                circuit=manifest.circuit,
                ranges=ranges,
                files=art.hash_files(tmp, [*COPIED, *DATA, "input.py", "metadata.json"]),
                external_files=art.hash_files(ext, [PK_FILE]),
            )
            text = json.dumps(lock.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"
            (tmp / LOCK_FILE).write_text(text)
    return PackageResult(
        circuit_id=circuit_id,
        package_dir=package_dir,
        pk_path=external_root / circuit_id / PK_FILE,
        artifact_key=manifest.key,
        derived=record.derived_from is not None,
    )


def pk_url(request: PackageRequest, circuit_id: str, pk_sha256: str) -> str:
    """Where miners download pk.key: `<base>/<id>/pk.key`, or, for an `oci://HOST:PORT/REPO`
    base, the registry's blob URL, which names the digest (the registry must hold the blob)."""
    base = request.pk_url_base.rstrip("/")
    if base.startswith("oci://"):
        if request.blob_url is None:
            raise UserInputError(f"--pk-url-base {base}: no registry client to resolve it")
        return request.blob_url(pk_sha256)
    if not base.startswith(("https://", "http://")):
        raise UserInputError(
            f"--pk-url-base: '{request.pk_url_base}' is not an http(s):// or oci:// URL"
        )
    return f"{base}/{circuit_id}/{PK_FILE}"


def _metadata(request: PackageRequest, circuit_id: str, pk_sha256: str) -> SubnetMetadata:
    from pydantic import ValidationError

    fields = {
        **request.metadata,
        "external_files": {PK_FILE: pk_url(request, circuit_id, pk_sha256)},
    }
    try:
        return SubnetMetadata(**fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "metadata"
        raise UserInputError(f"metadata field '{where}': {error['msg']}") from exc
