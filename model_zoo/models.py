"""The zoo's torch models and the registry of zoo entries."""

from dataclasses import dataclass

import torch
from torch import nn


class MlpDigits(nn.Module):
    """64 -> 32 -> 10 fully connected classifier over flattened 8x8 digits."""

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class LeNetDigits(nn.Module):
    """A LeNet-style convnet for 1x8x8 digits: two conv blocks (BatchNorm, ReLU, avg-pool), two dense layers."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(), nn.AvgPool2d(2),
            nn.Conv2d(6, 12, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),
        )  # fmt: skip
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(48, 32), nn.ReLU(), nn.Linear(32, 10)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


@dataclass(frozen=True)
class ZooEntry:
    """A zoo model: how to build and train it, its input, and the fidelity it must reach."""

    name: str
    description: str
    module: type[nn.Module]
    input_name: str
    sample_shape: tuple[int, ...]
    epochs: int
    learning_rate: float
    min_top1_agreement: float = 0.99


ZOO: dict[str, ZooEntry] = {
    "mlp_digits": ZooEntry(
        "mlp_digits", "MLP 64-32-10 on 8x8 digits (scikit-learn)", MlpDigits, "x", (64,), 300, 1e-2
    ),
    "lenet_digits": ZooEntry(
        "lenet_digits",
        "LeNet-style CNN (conv-bn-relu-pool x2, 2 dense) on 8x8 digits",
        LeNetDigits,
        "x",
        (1, 8, 8),
        200,
        1e-2,
    ),  # fmt: skip
}
