"""Small, valid artifact facts and manifests for the artifact and driver tests."""

from pathlib import Path

from zkc.compiler.artifacts.facts import (
    ChainFacts,
    CircuitFacts,
    PartRef,
    PieceFacts,
    QuantizationRecord,
    SrsFacts,
)
from zkc.compiler.artifacts.manifest import Manifest, hash_files
from zkc.compiler.data.fidelity import FidelityReport
from zkc.compiler.ir.io_spec import IOSpec, TensorSpec


def spec(n_in: int = 4, n_out: int = 2) -> IOSpec:
    """x (1, n_in) -> y (1, n_out)."""
    return IOSpec(
        inputs=[TensorSpec(name="x", shape=[1, n_in], dtype="float")],
        outputs=[TensorSpec(name="y", shape=[1, n_out], dtype="float")],
    )


def circuit(index: int, logrows: int, num_rows: int | None = 100) -> CircuitFacts:
    """One circuit set up with the (fake) SRS of its logrows."""
    return CircuitFacts(
        index=index,
        directory="." if index == 0 else f"slices/{index:02d}",
        io=spec(),
        logrows=logrows,
        calibrated_logrows=logrows,
        num_rows=num_rows,
        input_scales=[7],
        output_scales=[7],
        param_scale=7,
        run_args={},
        srs=SrsFacts(logrows=logrows, sha256=f"srs{logrows}", insecure_dev=True),
        vk_sha256=f"vk{index}",
        public_inputs=0,
        public_outputs=2,
        input_commitments=[0],
        output_commitments=[0],
    )


def piece(index: int, circuit_index: int) -> PieceFacts:
    """One piece reading the whole x and writing the whole y."""
    return PieceFacts(
        index=index,
        circuit=circuit_index,
        slice=index,
        nodes=[f"n{index}"],
        inputs=[PartRef(tensor="x", box=[(0, 1), (0, 4)])],
        outputs=[PartRef(tensor="y", box=[(0, 1), (0, 2)])],
        estimated_rows=None,
        estimated_logrows=None,
    )


def chain(circuits: list[CircuitFacts], piece_circuits: list[int]) -> ChainFacts:
    """A chain whose pieces (in order) run `piece_circuits`."""
    return ChainFacts(
        circuits=circuits,
        pieces=[piece(i, c) for i, c in enumerate(piece_circuits)],
        link="none",
        links=[],
        decomposition="16384^2",
        quantization=QuantizationRecord(method="fixed-scale", scale=7),
    )


def manifest(key: str, directory: Path | None = None, names: tuple[str, ...] = ()) -> Manifest:
    """A manifest of one circuit, listing the named files of `directory`."""
    return Manifest(
        key=key,
        zkc_version="0.0.test",
        tools={"onnx": "1"},
        source={"model_sha256": "m"},
        config={"target": "ezkl"},
        pipeline="p",
        passes=[],
        io=spec(),
        target="ezkl",
        circuit=chain([circuit(0, 10)], [0]),
        fidelity=FidelityReport(samples=1, source="t", max_abs_error=0.0, mean_abs_error=0.0),
        files=hash_files(directory, list(names)) if directory is not None else {},
    )
