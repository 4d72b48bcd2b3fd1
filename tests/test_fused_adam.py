"""The fused Adam trains as Keras's own Adam does."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cnnlab.fused_adam import FusedAdam


def _trained_weights(optimizer: keras.optimizers.Optimizer, steps: int = 30) -> list[np.ndarray]:
    """The weights of a small dense network after ``steps`` full-batch steps from seed 0."""
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(1).normal(size=(64, 8)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential(
        [keras.Input((8,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, batch_size=64, epochs=steps, verbose=0, shuffle=False)
    return [np.asarray(w) for w in model.get_weights()]


def _close(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    """Equal to float32 rounding accumulated over the steps (measured: 6e-6 after 30 at 3e-2)."""
    return all(np.allclose(u, v, rtol=1e-4, atol=1e-4) for u, v in zip(a, b, strict=True))


@pytest.mark.parametrize("rate", [1e-3, 3e-2])
def test_fused_adam_follows_keras_adam(rate: float) -> None:
    keras_run = _trained_weights(keras.optimizers.Adam(rate))
    fused_run = _trained_weights(FusedAdam(rate))
    assert _close(keras_run, fused_run)
    # and the steps moved the weights: agreeing with an optimizer that did nothing is no test
    assert not _close(keras_run, _trained_weights(keras.optimizers.SGD(0.0)))


def test_amsgrad_falls_back_to_keras_update() -> None:
    assert _close(
        _trained_weights(keras.optimizers.Adam(1e-2, amsgrad=True)),
        _trained_weights(FusedAdam(1e-2, amsgrad=True)),
    )


def test_the_optimizer_round_trips_through_their_config() -> None:
    optimizer = FusedAdam(2e-3, beta_1=0.8)
    again = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert type(again) is FusedAdam
    assert again.get_config() == optimizer.get_config()
