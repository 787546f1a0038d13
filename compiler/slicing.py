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

from zkc.compiler.chain import CircuitModel
from zkc.compiler.data import Samples
from zkc.compiler.errors import ToolError
from zkc.compiler.io_spec import IOSpec, io_spec
from zkc.compiler.model_io import load_model
from zkc.compiler.partition import PartitionPlan

MODEL_FILE = "model.onnx"
SLICES_DIR = "slices"


def slice_dir(index: int) -> str:
    """A slice's directory inside the artifact."""
    return f"{SLICES_DIR}/{index:02d}"


def circuit_models(art_dir: Path, plan: PartitionPlan, calibration: Samples, spec: IOSpec,
                   reference, eq_samples: list[dict]) -> tuple[list[CircuitModel], list[str]]:  # fmt: skip
    """The circuits of a plan, their models written into the artifact (checked against the
    whole model on `eq_samples`), with each one's calibration inputs; and the model files
    written, relative to the artifact (`model.onnx` itself is there already)."""
    if not plan.sliced:
        return [CircuitModel(plan.slices[0], art_dir, ".", spec, calibration)], [MODEL_FILE]
    relative = [slice_dir(s.index) for s in plan.slices]
    chain = SliceChain(write_slices(art_dir / MODEL_FILE, plan, [art_dir / r for r in relative]))
    check_chain(chain, reference, eq_samples, spec.input_shapes())
    circuits = []
    for s, rel, calib in zip(plan.slices, relative, chain.slice_inputs(calibration), strict=True):
        slice_spec = io_spec(load_model(art_dir / rel / MODEL_FILE))
        shaped = {t.name: calib[t.name].reshape((-1, *t.shape)) for t in slice_spec.inputs}
        circuits.append(CircuitModel(s, art_dir / rel, rel, slice_spec, shaped))
    return circuits, [MODEL_FILE, *(f"{r}/{MODEL_FILE}" for r in relative)]


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


PASS_SUFFIX = "__zkc_pass"  # a tensor carried through a slice leaves it under this name


def passed_through(inputs: list[str], outputs: list[str]) -> list[str]:
    """Tensors a slice receives and hands on untouched (a skip connection spanning it)."""
    return [t for t in outputs if t in inputs]


def original_name(name: str) -> str:
    """The model tensor a slice output carries (pass-through outputs are renamed)."""
    return name.removesuffix(PASS_SUFFIX)


def write_slices(model_path: Path, plan: PartitionPlan, out_dirs: list[Path]) -> list[Path]:
    """Write each slice's `model.onnx` into its directory; the node counts must match the plan.

    A tensor passing through a slice is copied by an Identity to an output `<name>__zkc_pass`
    (a graph cannot output its own input), in its place in the slice's output order: slices
    hand their outputs on by position.
    """
    model = onnx.load(str(model_path))
    paths = []
    for spec, directory in zip(plan.slices, out_dirs, strict=True):
        carried = passed_through(spec.inputs, spec.outputs)
        computed = [t for t in spec.outputs if t not in carried]
        sub = extract_submodel(model, spec.inputs, computed)
        if len(sub.graph.node) != len(spec.nodes):
            raise ToolError(
                f"slice {spec.index}: extracted {len(sub.graph.node)} nodes, the plan has "
                f"{len(spec.nodes)} (a tensor crossing the cut was missed)"
            )
        if carried:
            _carry(sub, carried, spec.outputs)
        directory.mkdir(parents=True, exist_ok=True)
        onnx.save(sub, str(directory / MODEL_FILE))
        paths.append(directory / MODEL_FILE)
    return paths


def _carry(sub: onnx.ModelProto, carried: list[str], order: list[str]) -> None:
    """Add an Identity per carried tensor and lay the outputs out in `order`."""
    declared = {v.name: v for v in sub.graph.input}
    outputs = {v.name: v for v in sub.graph.output}
    for name in carried:
        sub.graph.node.append(
            onnx.helper.make_node(
                "Identity",
                [name],
                [name + PASS_SUFFIX],
                name=f"carry{PASS_SUFFIX}_{len(sub.graph.node)}",
            )
        )
        copy = onnx.ValueInfoProto()
        copy.CopyFrom(declared[name])
        copy.name = name + PASS_SUFFIX
        outputs[name] = copy
    ordered = [outputs[name] for name in order]
    del sub.graph.output[:]
    sub.graph.output.extend(ordered)
    onnx.checker.check_model(sub)


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
            env.update(zip([original_name(n) for n in names], results, strict=True))
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
