"""A small convolutional network on count images (Keras 3 on TensorFlow, CPU).

TensorFlow is imported only when this model is fitted or loaded, never by
``import forecasting`` or ``import forecasting.models``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..events import Events
from ..grid import Grid
from .base import FloatArray, ForecastModel


def _keras() -> Any:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras

    return keras


def _images(
    grid: Grid, cells: Any, t: FloatArray, origin: float, h: float, lags: int
) -> tuple[FloatArray, FloatArray]:
    """Inputs at ``origin`` on the (ny, nx) lattice.

    Returns the channels (the last ``lags`` windows, the mean of the last 13 windows and the
    all-history mean, as counts per window, ``log1p``-scaled) and the base image: the log of
    the all-history rate per window, which the network corrects.
    """
    hi = int(np.searchsorted(t, origin, side="left"))
    c, age = cells[:hi], origin - t[:hi]
    span = max(float(age.max()) if len(age) else h, h)
    channels = [grid.counts(c[(age >= i * h) & (age < (i + 1) * h)]) for i in range(lags)]
    channels.append(grid.counts(c[age < 13 * h]) / 13.0)
    rate_all = grid.counts(c) * h / span
    channels.append(rate_all)
    stacked = np.stack([np.log1p(grid.to_image(v)) for v in channels], axis=-1)
    return stacked, np.log(grid.to_image(rate_all) + 1e-3)[..., None]


class KerasSpatioTemporal(ForecastModel):
    """Convolutional network mapping recent count images to next-window expected counts.

    Trained with a Poisson loss on ``n_origins`` past windows (all before the cut-off), masked
    to the grid's cells.

    Parameters
    ----------
    horizon_days : float, default 7
        Training window length; forecasts for other lengths are rescaled.
    n_origins : int, default 12
        Number of past windows used as training images.
    lags : int, default 4
        Number of recent windows given as separate channels.
    filters : int, default 8
        Convolution filters per layer.
    epochs : int, default 10
        Full passes over the training images.
    learning_rate : float, default 0.01
        Adam step size.
    random_state : int, optional
        Seeds Keras, NumPy and Python; with a seed, ops are made deterministic.
    """

    name = "keras"

    def __init__(
        self,
        horizon_days: float = 7.0,
        n_origins: int = 12,
        lags: int = 4,
        filters: int = 8,
        epochs: int = 10,
        learning_rate: float = 0.01,
        random_state: int | None = None,
    ) -> None:
        self.horizon_days = horizon_days
        self.n_origins = n_origins
        self.lags = lags
        self.filters = filters
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _network(self, channels: int) -> Any:
        keras = _keras()
        inputs = keras.Input(shape=(None, None, channels))
        base = keras.Input(shape=(None, None, 1))
        x = keras.layers.Conv2D(self.filters, 3, padding="same", activation="relu")(inputs)
        x = keras.layers.Conv2D(self.filters, 3, padding="same", activation="relu")(x)
        # Starting from zero, the network begins as the all-history rate and learns to
        # correct it, which a few epochs on CPU can do.
        correction = keras.layers.Conv2D(1, 1, padding="same", kernel_initializer="zeros")(x)
        return keras.Model([inputs, base], keras.layers.Add()([base, correction]))

    def _fit(self, events: Events, grid: Grid, until: float) -> None:
        keras = _keras()
        if self.random_state is not None:
            keras.utils.set_random_seed(int(self.random_state))
            import tensorflow as tf

            tf.config.experimental.enable_op_determinism()
        cells = grid.locate(events.x, events.y)
        inside = cells >= 0
        c, t = cells[inside], events.t[inside]
        h = float(self.horizon_days)
        first = float(t[0]) if len(t) else until
        xs, bases, ys = [], [], []
        for k in range(1, int(self.n_origins) + 1):
            origin = until - k * h
            if origin - first < h:
                break
            image, base = _images(grid, c, t, origin, h, self.lags)
            xs.append(image)
            bases.append(base)
            lo, hi = np.searchsorted(t, [origin, origin + h], side="left")
            ys.append(grid.to_image(grid.counts(c[lo:hi])))
        image, base = _images(grid, c, t, until, h, self.lags)
        self.inputs_until_ = (image.astype(np.float32), base.astype(np.float32))
        self.network_ = self._network(image.shape[-1])
        mask = grid.active.astype(np.float32)
        if xs:
            x = [np.stack(xs).astype(np.float32), np.stack(bases).astype(np.float32)]
            # Target and mask travel together so the loss can ignore cells off the grid.
            y = np.stack([np.stack(ys), np.broadcast_to(mask, (len(ys), *mask.shape))], -1)
            self.network_.compile(
                optimizer=keras.optimizers.Adam(self.learning_rate), loss=_masked_poisson
            )
            self.network_.fit(
                x,
                y.astype(np.float32),
                epochs=int(self.epochs),
                batch_size=4,
                verbose=0,
                shuffle=True,
            )

    def _predict(self, start: float, end: float) -> FloatArray:
        image, base = self.inputs_until_
        log_rate = self.network_.predict([image[None], base[None]], verbose=0)[0, :, :, 0]
        rate = self.grid_.from_image(np.exp(np.clip(log_rate, -30.0, 30.0)))
        return np.asarray(rate * (end - start) / float(self.horizon_days), dtype=np.float64)

    def __getstate__(self) -> dict[str, Any]:
        # The network is saved in Keras's own format by forecasting.persistence.
        state = self.__dict__.copy()
        state.pop("network_", None)
        return state

    def _save_network(self, path: Path) -> None:
        self.network_.save(path)

    def _load_network(self, path: Path) -> None:
        self.network_ = _keras().models.load_model(path, compile=False)


def _masked_poisson(y_true: Any, y_pred: Any) -> Any:
    from keras import ops

    counts, mask = y_true[..., 0], y_true[..., 1]
    log_rate = y_pred[..., 0]
    loss = (ops.exp(log_rate) - counts * log_rate) * mask
    return ops.sum(loss, axis=(1, 2)) / ops.maximum(ops.sum(mask, axis=(1, 2)), 1.0)
