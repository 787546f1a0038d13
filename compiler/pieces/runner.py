"""Run a plan's pieces with onnxruntime, as a DAG: the ground truth that the pieces compute
the model (before any circuit is built), and the inputs each circuit is calibrated on."""

import numpy as np
import onnxruntime as ort

from zkc.compiler.artifacts.facts import PieceFacts
from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.data.samples import Samples, sample_count
from zkc.compiler.errors import ToolError
from zkc.compiler.ir.io_spec import IOSpec
from zkc.compiler.target.chain import PartKey, cut_part, paste_part

MAX_CALIBRATION = 100  # inputs per circuit (over its pieces and the samples), evenly spread


class PieceRunner:
    """onnxruntime sessions for each distinct circuit, run piece by piece."""

    def __init__(self, models: list[bytes], pieces: list[PieceFacts], spec: IOSpec) -> None:
        options = ort.SessionOptions()
        options.log_severity_level = 3
        self.sessions = [ort.InferenceSession(m, options) for m in models]
        self.pieces, self.spec = pieces, spec

    def run(
        self, inputs: dict[str, np.ndarray]
    ) -> tuple[list[list[np.ndarray]], dict[str, np.ndarray]]:
        """Every piece's input arrays, and the model outputs the pieces write."""
        request = {
            t.name: np.asarray(inputs[t.name], np.float32).reshape(t.shape)
            for t in self.spec.inputs
        }
        written: dict[PartKey, np.ndarray] = {}
        fed = []
        for piece in self.pieces:
            feeds = []
            for part in piece.inputs:
                key = (part.tensor, tuple(part.box))
                feeds.append(
                    written[key] if key in written else cut_part(request[part.tensor], part)
                )
            session = self.sessions[piece.circuit]
            names = [i.name for i in session.get_inputs()]
            results = session.run(None, dict(zip(names, feeds, strict=True)))
            for part, value in zip(piece.outputs, results, strict=True):
                written[(part.tensor, tuple(part.box))] = value
            fed.append(feeds)
        outputs = {t.name: np.zeros(t.shape, np.float32) for t in self.spec.outputs}
        for piece in self.pieces:
            for part in piece.outputs:
                if part.tensor in outputs:
                    paste_part(outputs[part.tensor], part, written[(part.tensor, tuple(part.box))])
        return fed, outputs

    def check(self, reference: ReferenceRunner, samples: list[dict[str, np.ndarray]]) -> None:
        """ToolError unless the pieces reproduce the whole model on these samples."""
        shapes = self.spec.input_shapes()
        for n, sample in enumerate(samples):
            shaped = {
                k: np.asarray(v, np.float32).reshape(shapes[k])
                for k, v in sample.items()
                if k in shapes
            }
            expected = reference.run(shaped)
            got = self.run(shaped)[1]
            for name, value in expected.items():
                if not np.allclose(
                    got[name].reshape(-1), np.asarray(value).reshape(-1), rtol=1e-4, atol=1e-5
                ):
                    raise ToolError(
                        f"the pieces disagree with the model on output '{name}' (sample {n})"
                    )

    def calibration(self, samples: Samples) -> list[Samples]:
        """Per circuit, the inputs its pieces see on every sample, stacked (at most
        MAX_CALIBRATION, evenly spread), keyed by its model's input names."""
        per_circuit: dict[int, list[list[np.ndarray]]] = {}
        for i in range(sample_count(samples)):
            fed, _ = self.run({k: v[i] for k, v in samples.items()})
            for piece, feeds in zip(self.pieces, fed, strict=True):
                per_circuit.setdefault(piece.circuit, []).append(feeds)
        result = []
        for c, session in enumerate(self.sessions):
            rows = per_circuit[c]
            rows = [rows[i] for i in spread(len(rows), MAX_CALIBRATION)]
            names = [i.name for i in session.get_inputs()]
            result.append({name: np.stack([r[k] for r in rows]) for k, name in enumerate(names)})
        return result


def spread(count: int, limit: int) -> list[int]:
    """At most `limit` indices spread evenly over `count` rows. The rows are (sample, piece)
    pairs, sample by sample: evenly spaced positions fall on every piece of a shared circuit
    (a step of a whole number of samples would hit one piece only)."""
    if count <= limit:
        return list(range(count))
    return sorted({int(round(i)) for i in np.linspace(0, count - 1, limit)})
