"""Cut a model into circuit models along a plan, and run them as a chain with onnxruntime.

Each slice is an ONNX model of its own whose inputs are the tensors crossing into it and whose
outputs are the tensors crossing out (the first slice reads the model's inputs, the last
writes the model's outputs). The chain of slices computes exactly what the model computes:
`check_chain` runs both with onnxruntime on samples and fails loudly if they differ. A model
built whole is a chain of one: its circuit model is the artifact's `model.onnx`.
"""

from pathlib import Path

import numpy as np
import onnx
import onnx.utils

from zkc.compiler.errors import ToolError
from zkc.compiler.partition import PartitionPlan

MODEL_FILE = "model.onnx"
SLICES_DIR = "slices"


def slice_dir(index: int) -> str:
    """A slice's directory inside the artifact."""
    return f"{SLICES_DIR}/{index:02d}"


def extract_submodel(
    model: onnx.ModelProto, inputs: list[str], outputs: list[str]
) -> onnx.ModelProto:
    """The sub-graph computing `outputs` from `inputs` (initializers it reads included).

    Shapes are inferred first so that every boundary tensor carries its type and shape.
    """
    known = {v.name for v in (*model.graph.value_info, *model.graph.input, *model.graph.output)}
    if not set(inputs) | set(outputs) <= known:
        model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    extractor = onnx.utils.Extractor(model)
    sub = extractor.extract_model(list(inputs), list(outputs))
    sub.graph.name = "zkc_slice"
    return sub


def write_slices(model_path: Path, plan: PartitionPlan, out_dirs: list[Path]) -> list[Path]:
    """Write each slice's `model.onnx` into its directory; the node counts must match the plan.

    A slice reads the tensors it uses that earlier slices made and writes the ones later
    slices (or the response) use: a skip connection spanning a slice is not part of it.
    """
    model = onnx.load(str(model_path))
    paths = []
    for spec, directory in zip(plan.slices, out_dirs, strict=True):
        sub = extract_submodel(model, spec.inputs, spec.outputs)
        if len(sub.graph.node) != len(spec.nodes):
            raise ToolError(
                f"slice {spec.index}: extracted {len(sub.graph.node)} nodes, the plan has "
                f"{len(spec.nodes)} (a tensor crossing the cut was missed)"
            )
        directory.mkdir(parents=True, exist_ok=True)
        onnx.save(sub, str(directory / MODEL_FILE))
        paths.append(directory / MODEL_FILE)
    return paths


class SliceChain:
    """onnxruntime sessions for each slice, run in order, passing crossing tensors along."""

    def __init__(self, slice_paths: list[Path]):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.log_severity_level = 3
        self.sessions = [ort.InferenceSession(str(p), options) for p in slice_paths]

    def run(self, inputs: dict[str, np.ndarray]) -> list[dict[str, np.ndarray]]:
        """Every slice's inputs, then the final outputs: [in_0, in_1, ..., in_last, outputs]."""
        env = dict(inputs)
        stages = []
        for session in self.sessions:
            feed = {
                i.name: np.asarray(env[i.name], dtype=np.float32).reshape(
                    [d if isinstance(d, int) else 1 for d in i.shape]
                )
                for i in session.get_inputs()
            }
            stages.append(feed)
            names = [o.name for o in session.get_outputs()]
            results = session.run(names, feed)
            env.update(zip(names, results, strict=True))
        stages.append({o.name: env[o.name] for o in self.sessions[-1].get_outputs()})
        return stages

    def slice_inputs(self, samples: dict[str, np.ndarray]) -> list[dict[str, np.ndarray]]:
        """Per slice, its inputs for every sample stacked as (samples, *shape)."""
        count = len(next(iter(samples.values())))
        per_slice: list[dict[str, list]] = [dict() for _ in self.sessions]
        for i in range(count):
            stages = self.run({k: v[i] for k, v in samples.items()})
            for index, feed in enumerate(stages[:-1]):
                for name, value in feed.items():
                    per_slice[index].setdefault(name, []).append(value.reshape(-1))
        return [{k: np.stack(v) for k, v in s.items()} for s in per_slice]


def check_chain(
    chain: SliceChain, reference, samples: list[dict[str, np.ndarray]], input_shapes
) -> None:
    """CompileError unless the slice chain reproduces the whole model on these samples."""
    for n, sample in enumerate(samples):
        shaped = {
            k: np.asarray(v, dtype=np.float32).reshape(input_shapes[k]) for k, v in sample.items()
        }
        expected = reference.run(shaped)
        got = chain.run(shaped)[-1]
        for name, value in expected.items():
            if not np.allclose(np.asarray(got[name]).reshape(-1), np.asarray(value).reshape(-1),
                               rtol=1e-4, atol=1e-5):  # fmt: skip
                raise ToolError(f"slices disagree with the model on output '{name}' (sample {n})")
