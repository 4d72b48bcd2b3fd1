"""Optimization experiments: Keras optimizers on toy surfaces and on a small synthetic problem."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeAlias

import keras
import numpy as np
import tensorflow as tf

OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop")

# A point (x, y) of a toy surface: the keras.Variable an optimizer moves, a NumPy vector, or
# the pair of NumPy grids a contour plot evaluates; the value has the matching type.
Point: TypeAlias = keras.Variable | np.ndarray | Sequence[np.ndarray]
SurfaceValue: TypeAlias = tf.Tensor | np.ndarray | float


def make_optimizer(name: str, learning_rate: float) -> keras.optimizers.Optimizer:
    """A fresh Keras optimizer by short name (sgd, momentum, adam, rmsprop, nesterov)."""
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate)
    if name == "momentum":
        return keras.optimizers.SGD(learning_rate, momentum=0.9)
    if name == "nesterov":  # exercise 4 of notebook 01
        return keras.optimizers.SGD(learning_rate, momentum=0.9, nesterov=True)
    if name == "adam":
        return keras.optimizers.Adam(learning_rate)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate)
    raise ValueError(f"unknown optimizer {name!r}: choose one of {sorted(OPTIMIZERS)} or nesterov")


def saddle(v: Point) -> SurfaceValue:
    """f(x, y) = x^2 + y^4/4 - y^2/2: a saddle at the origin, minima at (0, +-1)."""
    return v[0] ** 2 + v[1] ** 4 / 4 - v[1] ** 2 / 2


def trajectory(
    objective: Callable[[keras.Variable], tf.Tensor],
    optimizer: str,
    start: tuple[float, float],
    learning_rate: float,
    steps: int,
) -> np.ndarray:
    """The (steps + 1, 2) points a Keras optimizer visits minimising ``objective``."""
    opt = make_optimizer(optimizer, learning_rate)
    point = keras.Variable(np.asarray(start, dtype="float32"), name="point")
    path = [point.numpy().copy()]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            value = objective(point)
        # Keras's own optimizer takes the step, so the paths are what Keras training would do.
        opt.apply_gradients([(tape.gradient(value, point), point)])
        path.append(point.numpy().copy())
    return np.array(path)


def steps_to_leave(path: np.ndarray, centre: tuple[float, float], radius: float) -> int | None:
    """First step at which ``path`` is farther than ``radius`` from ``centre`` (None: never)."""
    distance = np.linalg.norm(path - np.asarray(centre), axis=1)
    outside = np.flatnonzero(distance > radius)
    return int(outside[0]) if outside.size else None


# The standard deviation of the noise added to ``synthetic_regression``'s targets.
NOISE_STD = 0.1


def regression_function(x: np.ndarray) -> np.ndarray:
    """The noise-free target of ``synthetic_regression``: sin(2 x0) + x1 x2 - x3^2 / 2."""
    return (np.sin(2 * x[:, 0]) + x[:, 1] * x[:, 2] - 0.5 * x[:, 3] ** 2).astype("float32")


def synthetic_regression(
    n: int = 1200, seed: int = 0, validation: float = 0.25
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """A noisy non-linear regression set, split into ((x, y) train, (x, y) validation)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=(n, 4)).astype("float32")
    y = regression_function(x)
    y += rng.normal(0, NOISE_STD, size=n).astype("float32")
    cut = int(n * (1 - validation))
    return (x[:cut], y[:cut, None]), (x[cut:], y[cut:, None])


def mean_baseline_mse(seed: int = 0) -> dict[str, float]:
    """MSE of always predicting the training targets' mean: the score of learning nothing else."""
    (_, y), (_, y_val) = synthetic_regression(seed=seed)
    mean = float(y.mean())
    return {
        "train": float(np.mean((y - mean) ** 2)),
        "validation": float(np.mean((y_val - mean) ** 2)),
    }


def noise_floor_mse(seed: int = 0) -> dict[str, float]:
    """MSE of the noise-free function itself on the noisy targets: what no model can beat.

    It is the variance of the added noise as these points drew it (about ``NOISE_STD ** 2``).
    """
    (x, y), (x_val, y_val) = synthetic_regression(seed=seed)
    return {
        "train": float(np.mean((y[:, 0] - regression_function(x)) ** 2)),
        "validation": float(np.mean((y_val[:, 0] - regression_function(x_val)) ** 2)),
    }


def epoch_orders(n: int, batch_size: int = 32, epochs: int = 2, seed: int = 0) -> np.ndarray:
    """The order in which ``model.fit(x, y, shuffle=True)`` feeds ``n`` points, one row per epoch.

    Seeded as ``lr_sweep.learning_rate_sweep`` seeds its runs (``keras.utils.set_random_seed``);
    a model that learns nothing records the targets (the points' indices) of every batch.
    """
    seen: list[np.ndarray] = []

    def recording_loss(y_true: tf.Tensor, y_pred: tf.Tensor) -> tf.Tensor:
        seen.append(keras.ops.convert_to_numpy(y_true)[:, 0])
        return keras.ops.mean(y_pred) * 0.0

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile("sgd", loss=recording_loss, run_eagerly=True)
    index = np.arange(n, dtype="float32")[:, None]
    model.fit(index, index, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0)
    return np.concatenate(seen).astype(int).reshape(epochs, n)


def small_regressor(seed: int = 0) -> keras.Model:
    """A two-hidden-layer MLP for ``synthetic_regression``, initialised from ``seed``."""
    init = keras.initializers.GlorotUniform(seed=seed)
    return keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(32, activation="tanh", kernel_initializer=init),
            keras.layers.Dense(32, activation="tanh", kernel_initializer=init),
            keras.layers.Dense(1, kernel_initializer=init),
        ]
    )


def batch_vs_minibatch(
    steps: int = 300, batch_size: int = 16, learning_rate: float = 0.02, seed: int = 0
) -> dict[str, np.ndarray]:
    """Per-step training loss of full-batch and mini-batch SGD on the same problem and start.

    Each mini-batch step records the loss of the batch it used, as a mini-batch curve does.
    """
    (x, y), _ = synthetic_regression(seed=seed)
    rng = np.random.default_rng(seed)
    losses = {}
    for name, size in (("full batch", len(x)), ("mini-batch", batch_size)):
        keras.utils.set_random_seed(seed)
        model = small_regressor(seed)
        opt = make_optimizer("sgd", learning_rate)
        record = []
        for _ in range(steps):
            rows = rng.choice(len(x), size, replace=False) if size < len(x) else slice(None)
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((model(x[rows]) - y[rows]) ** 2)
            grads = tape.gradient(loss, model.trainable_variables)
            opt.apply_gradients(zip(grads, model.trainable_variables, strict=True))
            record.append(float(loss))
        losses[name] = np.array(record)
    return losses


def optimizer_state_size(model: keras.Model, optimizer: str) -> dict[str, int]:
    """How many state variables and values an optimizer keeps for ``model``'s weights."""
    opt = make_optimizer(optimizer, 1e-3)
    opt.build(model.trainable_variables)
    # Scalars such as the step counter and learning rate are not per-weight state.
    state = [v for v in opt.variables if len(v.shape) > 0]
    values = sum(int(np.prod(v.shape)) for v in state)
    return {
        "state variables": len(state),
        "state values": values,
        "x model weights": values / model.count_params(),
    }


def first_nonfinite_epoch(curve: Sequence[float]) -> int | None:
    """The 1-based epoch at which a loss curve first becomes inf or NaN (None: it never does)."""
    bad = np.flatnonzero(~np.isfinite(np.asarray(curve, dtype=float)))
    return int(bad[0]) + 1 if bad.size else None


def epochs_loss_rose(curve: Sequence[float], by: float = 0.0) -> int:
    """How many epochs ended with a higher loss than the one before: a count of oscillations.

    With ``by``, only rises of more than that fraction of the loss before count, so that a
    flat curve's last-digit wobble (which differs from CPU to CPU) is not counted.
    """
    values = np.asarray(curve, dtype=float)
    return int(np.sum(values[1:] > values[:-1] * (1 + by)))


def steps_to_settle(values: Sequence[float], tolerance: float) -> int | None:
    """The first step from which ``|values|`` stays within ``tolerance`` (None: not by the end)."""
    outside = np.flatnonzero(~(np.abs(np.asarray(values, dtype=float)) <= tolerance))
    if not outside.size:
        return 0
    return None if outside[-1] == len(values) - 1 else int(outside[-1]) + 1


def good_rates(histories: dict[float, dict[str, list[float]]], within: float = 10.0) -> list[float]:
    """The rates of a sweep whose final training loss is within ``within`` times its best."""
    finals = {rate: h["loss"][-1] for rate, h in histories.items()}
    best = min(v for v in finals.values() if np.isfinite(v))
    return [rate for rate, final in finals.items() if final <= within * best]


def sweep_verdicts(
    histories: dict[float, dict[str, list[float]]], within: float = 10.0
) -> dict[float, str]:
    """Each rate's outcome, in words that do not depend on the CPU's rounding.

    A run among ``good_rates`` is shown with its final loss (2 significant digits), as is a
    run whose loss never rose (a slow, steady run). A run that ends worse and whose loss went
    up and down is only called unsettled: such runs are chaotic, and their final digits differ
    from one CPU to another. A run whose loss became inf or nan at any epoch is "diverged";
    the label says nan, the value such a loss ends at.
    """
    good = good_rates(histories, within)
    verdicts = {}
    for rate, history in histories.items():
        final = history["loss"][-1]
        if first_nonfinite_epoch(history["loss"]) is not None:
            verdicts[rate] = "diverged (nan)"
        elif rate in good:
            verdicts[rate] = f"{final:#.2g} (within {within:g}x of best)"
        elif epochs_loss_rose(history["loss"]) == 0:
            verdicts[rate] = f"{final:#.2g} (still falling)"
        else:
            verdicts[rate] = f"unsettled, > {within:g}x best"
    return verdicts
