"""Prove a PyTorch model's inference with zkc's Python API: compile, prove, verify.

    python docs/examples/prove_a_torch_model.py --srs-dir /tmp/zkc-srs --out /tmp/zkc-example

Trains a small classifier on scikit-learn's digits (8x8 images, shipped with the package),
compiles it into a circuit (the torch module is exported to ONNX inside zkc), proves one
inference, verifies the proof, and shows that a proof whose stated output was changed does
not verify. `--dev-srs` is on here: it generates the KZG parameters locally, which is insecure
and for trying zkc only; a real deployment passes an SRS from a ceremony in `srs_dir`.
"""

import argparse
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import load_digits

import zkc


def train() -> tuple[torch.nn.Module, np.ndarray]:
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(64, 16), torch.nn.ReLU(), torch.nn.Linear(16, 10))
    optimiser = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(200):
        optimiser.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(torch.from_numpy(x)), torch.from_numpy(y))
        loss.backward()
        optimiser.step()
    return net, x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--srs-dir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    net, x = train()
    # calibration: samples shaped (samples, *input shape); the last quarter is held out to
    # measure the circuit's fidelity against the float model.
    artifact = zkc.compile(
        net,
        x[:80],
        output=args.out / "digits.zkc",
        srs_dir=args.srs_dir,
        dev_srs=True,
        cache_dir=None,
    )
    print(artifact)
    print("fidelity:", artifact.manifest.fidelity.summary())

    sample = x[100]
    proof = artifact.prove(sample)
    predicted = int(np.argmax(proof.outputs["output"]))
    expected = int(torch.argmax(net(torch.from_numpy(sample[None]))))
    print(f"proved: class {predicted} (torch says {expected}) in {proof.prove_seconds:.1f}s")
    path = proof.save(args.out / "proof.json")

    assert zkc.load(args.out / "digits.zkc", srs_dir=args.srs_dir).verify(path)
    print(f"verified: {path}")

    forged = zkc.Proof.load(path)
    claimed = np.asarray(forged.envelope.outputs["output"])
    claimed.flat[predicted] -= 1.0  # claim another output
    forged.envelope.outputs["output"] = claimed.tolist()
    assert not artifact.verify(forged)
    print("a proof of a changed output does not verify")


if __name__ == "__main__":
    main()
