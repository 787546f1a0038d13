"""Conformance: the onnx package's own backend test models through plain EZKL and through zkc.

The cases are the model directories the installed onnx ships under backend/test/data
(pytorch-converted, pytorch-operator, simple, light, real). In scope: every graph input a
float, integer or boolean tensor of static shape, at most MAX_INPUT elements each, and a test input set. Each case
is measured as an op case is (zkc.targets.ezkl.bench_support.op_coverage.run_case, in its own
process): plain EZKL's calibrated circuit, and zkc's load + passes + op table + EZKL, both
against onnxruntime on the case's own test input (and small perturbations of it, for
calibration). Out-of-scope cases are listed with the reason.

    python bench/conformance.py --out bench/results --docs docs/conformance.md
"""

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

MAX_INPUT = 1 << 16
CASE_TIMEOUT = 240
_T = onnx.TensorProto
SCOPE_TYPES = {_T.FLOAT, _T.DOUBLE, _T.INT64, _T.INT32, _T.BOOL}
CATEGORIES = ("pytorch-converted", "pytorch-operator", "simple", "light", "real")


@dataclass(frozen=True)
class BackendCase:
    """One backend test model: run_case's case interface over its files."""

    name: str
    op: str  # the category
    directory: str

    def build(self) -> onnx.ModelProto:
        return onnx.load(str(Path(self.directory) / "model.onnx"))

    def samples(self, count: int, seed: int = 0) -> dict[str, np.ndarray]:
        """The case's test input, then copies perturbed by up to 5% of its range."""
        inputs = _test_inputs(Path(self.directory))
        rng = np.random.default_rng(seed)
        out = {}
        for name, value in inputs.items():
            if value.dtype.kind != "f":  # indices and masks: exactly the test's
                out[name] = np.stack([value] * count).astype(np.float32)
                continue
            span = float(np.ptp(value)) or 1.0
            jitter = [
                value + rng.uniform(-0.05, 0.05, value.shape) * span for _ in range(count - 1)
            ]
            out[name] = np.stack([value, *jitter]).astype(np.float32)
        return out


def _test_inputs(directory: Path) -> dict[str, np.ndarray]:
    model = onnx.load(str(directory / "model.onnx"), load_external_data=False)
    initializers = {t.name for t in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in initializers]
    data = directory / "test_data_set_0"
    arrays = [
        numpy_helper.to_array(onnx.load_tensor(str(data / f"input_{i}.pb")))
        for i in range(len(names))
    ]
    return dict(zip(names, arrays, strict=True))


def scope(directory: Path) -> str | None:
    """Why the case is out of scope, or None."""
    if not (directory / "model.onnx").is_file() or not (directory / "test_data_set_0").is_dir():
        return "no model.onnx with a test_data_set_0"
    model = onnx.load(str(directory / "model.onnx"), load_external_data=False)
    initializers = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initializers]
    if not inputs:
        return "no graph inputs"
    for value in inputs:
        tensor = value.type.tensor_type
        if tensor.elem_type not in SCOPE_TYPES:
            kind = onnx.TensorProto.DataType.Name(tensor.elem_type)
            return f"input '{value.name}' is {kind}"
        dims = [d.dim_value if d.HasField("dim_value") else None for d in tensor.shape.dim]
        if None in dims:
            return f"input '{value.name}' has a dynamic shape"
        if int(np.prod(dims)) > MAX_INPUT:
            return f"input '{value.name}' has {int(np.prod(dims)):,} elements (> {MAX_INPUT:,})"
    try:
        _test_inputs(directory)
    except (OSError, ValueError, onnx.onnx_cpp2py_export.checker.ValidationError) as exc:
        return f"test inputs unreadable ({exc})"
    return None


def discover() -> tuple[list[BackendCase], dict[str, str]]:
    root = Path(onnx.__file__).parent / "backend" / "test" / "data"
    cases, skipped = [], {}
    for category in CATEGORIES:
        for directory in sorted(p for p in (root / category).glob("*") if p.is_dir()):
            name = f"{category}/{directory.name}"
            why = scope(directory)
            if why is None:
                cases.append(BackendCase(name, category, str(directory)))
            else:
                skipped[name] = why
    return cases, skipped


def _one(case: BackendCase) -> dict:
    import tempfile

    from zkc.targets.ezkl.bench_support.op_coverage import run_case

    with tempfile.TemporaryDirectory(prefix="zkc-conformance-") as tmp:
        return run_case(case, Path(tmp))


def write_docs(results: list[dict], skipped: dict[str, str], path: Path) -> dict:
    from ops import _cell  # bench/ops.py

    by_category: dict[str, dict[str, int]] = {}
    for r in results:
        row = by_category.setdefault(
            r["op"],
            {
                "cases": 0,
                "plain_ok": 0,
                "zkc_ok": 0,
                "zkc_ok_of_plain_ok": 0,
                "zkc_ok_of_plain_not_ok": 0,
            },
        )
        plain, zkc = r["plain"]["status"] == "ok", r["zkc"]["status"] == "ok"
        row["cases"] += 1
        row["plain_ok"] += plain
        row["zkc_ok"] += zkc
        row["zkc_ok_of_plain_ok"] += plain and zkc
        row["zkc_ok_of_plain_not_ok"] += zkc and not plain
    lines = [
        "# Conformance: the onnx package's backend test models",
        "",
        "Generated by `make ops` (bench/conformance.py); do not edit. Each in-scope case runs",
        "through plain EZKL and through zkc (load, passes, op table, EZKL) against onnxruntime",
        "on its own test input (ok: max abs error <= 1% of the largest output magnitude, at",
        "least 0.01).",
        "",
        "| category | cases | plain EZKL ok | zkc ok | zkc ok where plain is | zkc ok where plain is not |",
        "|---|---|---|---|---|---|",
    ]
    for category, row in by_category.items():
        lines.append(
            f"| {category} | {row['cases']} | {row['plain_ok']} | {row['zkc_ok']} | "
            f"{row['zkc_ok_of_plain_ok']} of {row['plain_ok']} | "
            f"{row['zkc_ok_of_plain_not_ok']} of {row['cases'] - row['plain_ok']} |"
        )
    lines += ["", "| case | plain EZKL | zkc |", "|---|---|---|"]
    lines += [f"| {r['case']} | {_cell(r['plain'])} | {_cell(r['zkc'])} |" for r in results]
    lines += ["", "## Out of scope", "", "| case | why |", "|---|---|"]
    lines += [f"| {name} | {why} |" for name, why in skipped.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return by_category


def main() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from ops import measure_with  # bench/ops.py: one process per case

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--docs", type=Path, default=Path("docs/conformance.md"))
    parser.add_argument("--limit", type=int, help="Only the first N cases (a quick look).")
    args = parser.parse_args()
    cases, skipped = discover()
    cases = cases[: args.limit] if args.limit else cases
    start = time.perf_counter()
    results = measure_with(_one, cases, timeout=CASE_TIMEOUT)
    summary = write_docs(results, skipped, args.docs)
    print(json.dumps(summary, indent=1))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "conformance.json").write_text(
        json.dumps(
            {
                "by_category": summary,
                "results": results,
                "out_of_scope": skipped,
                "seconds": round(time.perf_counter() - start, 1),
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
