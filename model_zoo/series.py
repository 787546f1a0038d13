"""A synthetic time series task: predict the next value of a noisy sum of two sines."""

import numpy as np

from zkc.model_zoo.digits import DataSplit

WINDOW = 12


def load_series_split(seed: int = 0, count: int = 1500) -> DataSplit:
    """Windows of WINDOW steps, (N, WINDOW, 1), and the next value, (N, 1): 60/20/20 split.

    Each series has its own frequencies and phases, so the model must read the window.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(WINDOW + 1)
    f1, f2 = rng.uniform(0.15, 0.45, (2, count, 1))
    p1, p2 = rng.uniform(0, 2 * np.pi, (2, count, 1))
    series = 0.6 * np.sin(f1 * t + p1) + 0.3 * np.sin(f2 * t + p2)
    series += rng.normal(0, 0.02, series.shape)
    x = series[:, :WINDOW, None].astype(np.float32)
    y = series[:, WINDOW:].astype(np.float32)
    n_train, n_calib = int(0.6 * count), int(0.2 * count)
    end = n_train + n_calib
    return DataSplit(x[:n_train], y[:n_train], x[n_train:end], x[end:], y[end:])
