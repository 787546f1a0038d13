"""scikit-learn's bundled 8x8 digits, split deterministically into train / calibration / held-out."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DataSplit:
    """Inputs as float32 and targets (class labels or values), per split."""

    train_x: np.ndarray
    train_y: np.ndarray
    calib_x: np.ndarray
    holdout_x: np.ndarray
    holdout_y: np.ndarray


def load_digits_split(seed: int = 0) -> DataSplit:
    """1797 images scaled to [0, 1], (N, 8, 8): 60% train, 20% calibration, 20% held-out, shuffled with a fixed seed."""
    from sklearn.datasets import load_digits

    images, labels = load_digits(return_X_y=True)
    images = (images / 16.0).astype(np.float32).reshape(-1, 8, 8)
    order = np.random.default_rng(seed).permutation(len(images))
    images, labels = images[order], labels[order].astype(np.int64)
    n_train = int(0.6 * len(images))
    n_calib = int(0.2 * len(images))
    calib_end = n_train + n_calib
    return DataSplit(
        train_x=images[:n_train],
        train_y=labels[:n_train],
        calib_x=images[n_train:calib_end],
        holdout_x=images[calib_end:],
        holdout_y=labels[calib_end:],
    )


def load_digits32_split(seed: int = 0) -> DataSplit:
    """The same split, each 8x8 digit upscaled 4x (nearest) to 32x32 and repeated over 3
    channels: CIFAR-sized inputs from data that ships with scikit-learn."""
    split = load_digits_split(seed)

    def up(images: np.ndarray) -> np.ndarray:
        big = images.repeat(4, axis=1).repeat(4, axis=2)
        return np.ascontiguousarray(np.repeat(big[:, None], 3, axis=1), dtype=np.float32)

    return DataSplit(
        up(split.train_x), split.train_y, up(split.calib_x), up(split.holdout_x), split.holdout_y
    )
