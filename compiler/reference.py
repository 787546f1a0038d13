"""Reference execution of an IR model with onnxruntime (the ground truth for every check)."""

import numpy as np
import onnx_ir as ir
import onnxruntime as ort

from zkc.compiler.model_io import model_bytes

Feeds = dict[str, np.ndarray]


class ReferenceRunner:
    """An onnxruntime session over one model, run sample by sample.

    `run_batch` takes arrays shaped (samples, *input_shape) and returns, per output,
    an array shaped (samples, *output_shape).
    """

    def __init__(self, model: ir.Model):
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            model_bytes(model), options, providers=["CPUExecutionProvider"]
        )
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.output_names = [o.name for o in self.session.get_outputs()]

    def run(self, feeds: Feeds) -> dict[str, np.ndarray]:
        """Run one sample; returns outputs by name."""
        results = self.session.run(None, {k: feeds[k] for k in self.input_names})
        return dict(zip(self.output_names, results, strict=True))

    def run_batch(
        self, samples: Feeds, shapes: dict[str, tuple[int, ...]]
    ) -> dict[str, np.ndarray]:
        """Run every sample of a batch one at a time, reshaping each to the model's input shape."""
        count = len(next(iter(samples.values())))
        collected: dict[str, list[np.ndarray]] = {name: [] for name in self.output_names}
        for i in range(count):
            feeds = {
                k: samples[k][i].reshape(shapes[k]).astype(np.float32) for k in self.input_names
            }
            for name, value in self.run(feeds).items():
                collected[name].append(value)
        return {name: np.stack(values) for name, values in collected.items()}
