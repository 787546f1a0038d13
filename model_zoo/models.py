"""The zoo's torch models and the registry of zoo entries."""

from dataclasses import dataclass
from typing import Literal

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
            nn.Conv2d(1, 6, 3, padding=1),
            nn.BatchNorm2d(6),
            nn.ReLU(),
            nn.AvgPool2d(2),
            nn.Conv2d(6, 12, 3, padding=1),
            nn.ReLU(),
            nn.AvgPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(48, 32), nn.ReLU(), nn.Linear(32, 10)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


class ResidualBlock(nn.Module):
    """conv-bn-relu-conv-bn plus the identity skip, then ReLU."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1),
            nn.BatchNorm2d(channels),
            nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
            nn.BatchNorm2d(channels),
        )
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(x + self.body(x))


class ResNetTinyDigits(nn.Module):
    """A small ResNet for 1x8x8 digits: conv stem, three residual blocks, avg-pool, linear head."""

    def __init__(self, channels: int = 4, blocks: int = 3) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU()
        )
        self.blocks = nn.Sequential(*(ResidualBlock(channels) for _ in range(blocks)))
        self.head = nn.Sequential(nn.AvgPool2d(2), nn.Flatten(), nn.Linear(channels * 16, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(self.stem(x)))


class BasicBlock(nn.Module):
    """A CIFAR ResNet basic block: conv-bn-relu-conv-bn plus the skip (a strided 1x1 conv and
    bn when the shape changes), then ReLU."""

    def __init__(self, inputs: int, outputs: int, stride: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(inputs, outputs, 3, stride, 1, bias=False),
            nn.BatchNorm2d(outputs),
            nn.ReLU(),
            nn.Conv2d(outputs, outputs, 3, 1, 1, bias=False),
            nn.BatchNorm2d(outputs),
        )
        self.skip: nn.Module = nn.Identity()
        if stride != 1 or inputs != outputs:
            self.skip = nn.Sequential(
                nn.Conv2d(inputs, outputs, 1, stride, bias=False), nn.BatchNorm2d(outputs)
            )
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.body(x) + self.skip(x))


class ResNet8(nn.Module):
    """The CIFAR-10 ResNet-8 layout on 3x32x32 inputs: conv stem (16), three basic blocks of
    16, 32 and 64 channels (the last two strided), global average pool, linear head (78k
    parameters, ~12.5M multiply-accumulates)."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()
        )
        self.blocks = nn.Sequential(
            BasicBlock(16, 16, 1), BasicBlock(16, 32, 2), BasicBlock(32, 64, 2)
        )
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(self.stem(x)))


class TransformerTinyDigits(nn.Module):
    """One transformer block over the 8 rows of a digit as 8 tokens: LayerNorm, attention, GELU MLP."""

    def __init__(self, dim: int = 16, tokens: int = 8) -> None:
        super().__init__()
        self.embed = nn.Linear(8, dim)
        self.position = nn.Parameter(torch.zeros(1, tokens, dim))
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.query, self.key, self.value = (nn.Linear(dim, dim) for _ in range(3))
        self.proj = nn.Linear(dim, dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))
        self.head = nn.Linear(dim, 10)
        self.scale = dim**-0.5

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.embed(x) + self.position
        n = self.norm1(h)
        scores = self.query(n) @ self.key(n).transpose(1, 2) * self.scale
        h = h + self.proj(torch.softmax(scores, dim=-1) @ self.value(n))
        h = h + self.mlp(self.norm2(h))
        return self.head(h.mean(dim=1))


class LstmSeries(nn.Module):
    """An LSTM (hidden 8) over a 12-step series, then a linear read-out of the last state."""

    def __init__(self, hidden: int = 8) -> None:
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        states, _ = self.lstm(x)
        return self.out(states[:, -1, :])


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
    min_top1_agreement: float | None = 0.99
    dataset: Literal["digits", "digits32", "series"] = "digits"
    task: Literal["classify", "regress"] = "classify"
    max_abs_error: float | None = None  # the circuit's fidelity target for a regressor
    batch_size: int | None = None  # mini-batches of this size (None: full-batch)

    def fidelity_target(self) -> str:
        """The fidelity the zoo states for this model's circuit, for humans."""
        if self.task == "classify":
            return f"top-1 agreement >= {self.min_top1_agreement:.0%}"
        return f"max |error| <= {self.max_abs_error:g}"


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
    ),
    "resnet_tiny": ZooEntry(
        "resnet_tiny",
        "ResNet (conv stem, 3 residual blocks of 4 channels, avg-pool, linear) on 8x8 digits",
        ResNetTinyDigits,
        "x",
        (1, 8, 8),
        200,
        1e-2,
    ),
    "resnet8_digits32": ZooEntry(
        "resnet8_digits32",
        "CIFAR-10 ResNet-8 (stem, 3 basic blocks of 16/32/64 channels, 78k parameters) on "
        "digits upscaled to 3x32x32",
        ResNet8,
        "x",
        (3, 32, 32),
        12,
        2e-3,
        dataset="digits32",
        batch_size=64,
    ),
    "transformer_tiny": ZooEntry(
        "transformer_tiny",
        "one attention block (LayerNorm, softmax attention, GELU MLP) over digit rows as 8 tokens",
        TransformerTinyDigits,
        "x",
        (8, 8),
        150,
        1e-2,
    ),
    "lstm_series": ZooEntry(
        "lstm_series",
        "LSTM (hidden 8) predicting the next value of a 12-step synthetic series",
        LstmSeries,
        "x",
        (12, 1),
        200,
        2e-2,
        min_top1_agreement=None,
        dataset="series",
        task="regress",
        max_abs_error=0.05,
    ),
}
