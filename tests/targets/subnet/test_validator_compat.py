"""Prove exactly as a subnet 2 miner does and verify exactly as a validator does, with EZKL itself.

Miner: gen-witness with the package's model.compiled and vk.key, prove with the pk.key from
the external folder. Validator: recompute the input instances from the request with
`float_to_felt(x, model_input_scales[i], input_types[i])`, overwrite the first N instances,
set the EVM transcript, verify with the package's settings.json and vk.key.
"""

import asyncio
import inspect
import json

import ezkl
import pytest

from tests.conftest import TEST_SRS_DIR


def _resolve(value):
    return asyncio.run(value) if inspect.iscoroutine(value) else value


def _srs(package_dir):
    logrows = json.loads((package_dir / "settings.json").read_text())["run_args"]["logrows"]
    return str(TEST_SRS_DIR / f"kzg{logrows}.srs")


def miner_prove(package_dir, pk_path, request: dict, work) -> dict:
    """The miner's two steps, on `{"input_data": to_array()}`."""
    (work / "in.json").write_text(json.dumps({"input_data": list(request.values())}))
    _resolve(
        ezkl.gen_witness(
            str(work / "in.json"),
            str(package_dir / "model.compiled"),
            str(work / "w.json"),
            vk_path=str(package_dir / "vk.key"),
            srs_path=_srs(package_dir),
        )
    )
    assert ezkl.prove(
        str(work / "w.json"),
        str(package_dir / "model.compiled"),
        str(pk_path),
        str(work / "proof.json"),
        _srs(package_dir),
    )
    return json.loads((work / "proof.json").read_text())


def validator_verify(package_dir, proof: dict, request: dict, work) -> bool:
    """The validator's check: its own input instances overwrite the proof's, then verify."""
    settings = json.loads((package_dir / "settings.json").read_text())
    felts = []
    for i, values in enumerate(request.values()):
        scale, kind = settings["model_input_scales"][i], settings["input_types"][i]
        input_type = getattr(ezkl.PyInputType, kind)
        felts += [ezkl.float_to_felt(float(x), scale, input_type) for x in values]
    proof = json.loads(json.dumps(proof))
    proof["instances"][0][: len(felts)] = felts
    proof["transcript_type"] = "EVM"
    (work / "checked.json").write_text(json.dumps(proof))
    try:
        return bool(
            ezkl.verify(
                str(work / "checked.json"),
                str(package_dir / "settings.json"),
                str(package_dir / "vk.key"),
                _srs(package_dir),
            )
        )
    except RuntimeError:
        return False


@pytest.fixture(scope="module")
def proved(mlp_package, module_tmp):
    work = module_tmp
    request = {"x": [((i * 7) % 17) / 16 for i in range(64)], "nonce": [0.4375]}
    proof = miner_prove(mlp_package.package_dir, mlp_package.pk_path, request, work)
    return request, proof, work


def test_validator_accepts_the_miners_proof(mlp_package, proved):
    request, proof, work = proved
    assert len(proof["instances"][0]) == 64 + 1 + 10  # inputs first, nonce, then outputs
    assert validator_verify(mlp_package.package_dir, proof, request, work)


@pytest.mark.parametrize("field", ["x", "nonce"])
def test_validator_rejects_a_proof_for_another_input(mlp_package, proved, field):
    request, proof, work = proved
    changed = {k: list(v) for k, v in request.items()}
    changed[field][0] = changed[field][0] + 0.25
    assert not validator_verify(mlp_package.package_dir, proof, changed, work)
