"""Training and evaluation helpers shared by the training notebooks."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import keras
import numpy as np

from cnnlab.profiles import Profile
from cnnlab.training_cache import TrainingCache, TrainingRun, now, training_key

if TYPE_CHECKING:
    import tensorflow as tf

# Training steps Keras runs per call into TensorFlow (``compile(steps_per_execution=...)``):
# the same steps in the same order, with less Python overhead between them;
# benchmarks/steps_per_execution.py measures the gain.
STEPS_PER_EXECUTION = 32


def steps_per_execution(profile: Profile) -> int:
    """The most steps per call, up to ``STEPS_PER_EXECUTION``, that divide the profile's epoch.

    Keras runs whole calls: with ``steps_per_epoch`` set, an epoch that is not a whole number
    of calls would train more steps than the budget allows. (A prime budget above 32 gets 1.)
    """
    limit = profile.steps_per_epoch
    if limit is None:  # an epoch is one pass over the data; the last call may run fewer steps
        return STEPS_PER_EXECUTION
    return max(n for n in range(1, min(STEPS_PER_EXECUTION, limit) + 1) if limit % n == 0)


class EpochLog(keras.callbacks.Callback):
    """Prints one line per epoch (see :func:`epoch_line`) and keeps each epoch's wall time."""

    def __init__(self, epochs: int) -> None:
        super().__init__()
        self.epochs = epochs
        self.seconds: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)
        print(epoch_line(epoch, self.epochs, self.seconds[-1], logs or {}), flush=True)


def epoch_line(epoch: int, epochs: int, seconds: float, logs: Mapping[str, float]) -> str:
    """``epoch 3/20 (21 s): loss 0.2345, accuracy 0.9012, ...``, the same trained or reused."""
    width = len(str(epochs))
    values = ", ".join(
        f"{k} {float(v):.4f}" for k, v in sorted(logs.items()) if k != "learning_rate"
    )
    return f"epoch {epoch + 1:>{width}}/{epochs} ({seconds:.0f} s): {values}"


def _history_lines(run: TrainingRun, epochs: int) -> list[str]:
    names = sorted(run.history)
    return [
        epoch_line(i, epochs, seconds, {k: run.history[k][i] for k in names})
        for i, seconds in enumerate(run.seconds_per_epoch)
    ]


def fit(
    model: keras.Model,
    train: tf.data.Dataset,
    validation: tf.data.Dataset | None,
    full_epochs: int,
    profile: Profile,
    *,
    patience: int | None = None,
    cache: TrainingCache | None = None,
    name: str = "",
    data: Any = None,
    callbacks: list[keras.callbacks.Callback] | None = None,
) -> TrainingRun:
    """Train ``model`` on the profile's budget, one line per epoch, or reuse a stored training.

    ``patience`` adds early stopping on validation loss (best weights kept). With a ``cache``,
    a training whose key matches (see :func:`cnnlab.training_cache.training_key`: the model,
    its initial variables, optimizer, settings, ``data`` and versions) is loaded instead of
    run, and its recorded epochs are printed; ``data`` must describe everything about the
    inputs that the model cannot see (their content, order, seeds). Each training should get
    its own freshly built ``train`` pipeline: a reused training does not advance a shared
    pipeline's shuffling as a real one would. The pipelines shuffle (with a seed) themselves,
    so Keras is told not to.
    """
    epochs = profile.epochs(full_epochs)
    if cache is not None and callbacks:
        raise ValueError("a cached training takes no extra callbacks: they are not in its key")
    if cache is not None and data is None:
        raise ValueError("a cached training needs data=...: what its inputs are, for the key")
    settings = {
        "epochs": epochs,
        "steps_per_epoch": profile.steps_per_epoch,
        "patience": patience,
        "profile": profile.name,
        "validation": validation is not None,
    }
    key = training_key(model, settings, data) if cache is not None else ""
    if cache is not None:
        reused = cache.load(model, name, key)
        if reused is not None:
            print(
                f"{name or 'training'}: reused the training stored on {reused.trained_at} "
                f"(key {key[:12]}); its epochs as recorded then:"
            )
            print("\n".join(_history_lines(reused, epochs)), flush=True)
            return reused
        print(f"{name or 'training'}: training (key {key[:12]}, nothing stored for it)")
    log = EpochLog(epochs)
    extra = [early_stopping(patience)] if patience is not None else []
    history = model.fit(
        train,
        validation_data=validation,
        epochs=epochs,
        steps_per_epoch=profile.steps_per_epoch,
        verbose=0,
        shuffle=False,
        callbacks=[log, *extra, *(callbacks or [])],
    )
    run = TrainingRun(
        history={k: [float(v) for v in values] for k, values in history.history.items()},
        seconds_per_epoch=log.seconds,
        key=key,
        trained_at=now(),
    )
    if cache is not None:
        cache.store(model, name, run)
    return run


def training_steps(
    profile: Profile, examples: int, batch_size: int, full_epochs: int
) -> tuple[int, int]:
    """Steps per epoch and in all that ``profile`` trains where the full run trains
    ``full_epochs`` passes over ``examples`` in batches of ``batch_size`` (for schedules)."""
    per_epoch = profile.steps_per_epoch or -(-examples // batch_size)
    return per_epoch, per_epoch * profile.epochs(full_epochs)


def early_stopping(patience: int = 3) -> keras.callbacks.EarlyStopping:
    """Stop when validation loss has not improved for ``patience`` epochs; keep the best weights."""
    return keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=patience, restore_best_weights=True
    )


@contextlib.contextmanager
def precision_policy(name: str) -> Iterator[None]:
    """Build models under a Keras dtype policy (e.g. ``mixed_bfloat16``), then restore it."""
    previous = keras.mixed_precision.global_policy().name
    keras.mixed_precision.set_global_policy(name)
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy(previous)


@contextlib.contextmanager
def quiet_retracing() -> Iterator[None]:
    """Silence TensorFlow's retracing warning while many models are built and called in turn.

    Each Keras model makes its own train, evaluate and predict functions from the same Python
    code, and TensorFlow counts every new one as a retracing of one function: a false alarm
    where each model is meant to be new. Inside the block a genuine retracing is hidden too
    (and TensorFlow warns at most twice per function and process); other warnings still show.
    """
    logger = logging.getLogger("tensorflow")
    hide = _RetracingFilter()
    logger.addFilter(hide)
    try:
        yield
    finally:
        logger.removeFilter(hide)


class _RetracingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


def images_per_second(
    build: Callable[[], keras.Model],
    policy: str,
    batch_size: int,
    steps: int,
    seed: int = 0,
    steps_per_call: int = 1,
    optimizer: Callable[[], keras.optimizers.Optimizer] = keras.optimizers.Adam,
) -> float:
    """Training throughput of the model ``build()`` makes under ``policy``, on random images.

    One short warm-up fit compiles the graph first, so only steady-state steps are timed;
    ``steps_per_call`` is passed to ``compile(steps_per_execution=...)``, ``optimizer()``
    makes the optimizer (Keras's Adam unless said).
    """
    with precision_policy(policy):
        model = build()
    classes = model.output_shape[-1]
    # One sigmoid unit (the brain-MRI networks) or a softmax over classes.
    loss = "binary_crossentropy" if classes == 1 else "categorical_crossentropy"
    model.compile(optimizer=optimizer(), loss=loss, steps_per_execution=steps_per_call)
    rng = np.random.default_rng(seed)
    shape = (batch_size * steps, *model.input_shape[1:])
    x = rng.random(shape, dtype=np.float32)
    labels = rng.integers(0, max(classes, 2), len(x))
    y = (
        labels[:, None].astype("float32")
        if classes == 1
        else keras.utils.to_categorical(labels, classes)
    )
    with quiet_retracing():  # a new model per timing, by design
        model.fit(x[: batch_size * 3], y[: batch_size * 3], batch_size=batch_size, verbose=0)
        start = time.perf_counter()
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, shuffle=False)
    return len(x) / (time.perf_counter() - start)


def interleaved_timings(
    timers: Mapping[str, Callable[[], float]], rounds: int
) -> dict[str, list[float]]:
    """Each timer's readings over ``rounds`` rounds, the timers taking turns within a round.

    Taking turns spreads a slow spell of the machine over every timer alike.
    """
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1 to time anything, got {rounds}.")
    readings: dict[str, list[float]] = {label: [] for label in timers}
    for _ in range(rounds):
        for label, timer in timers.items():
            readings[label].append(timer())
    return readings


def reading_range(readings: Sequence[float]) -> str:
    """The span of some timings, as ``low-high`` in whole units."""
    return f"{min(readings):.0f}-{max(readings):.0f}"


# Readings of one setting that spread wider than this (max / min) make a ratio rough.
STEADY_SPREAD = 1.2


def reading_spread(readings: Sequence[float]) -> float:
    """How far some timings of one setting differ among themselves, as max / min."""
    return max(readings) / min(readings)


def unsteady(readings: Sequence[float]) -> bool:
    """Whether some timings of one setting spread too wide (``STEADY_SPREAD``) for a firm ratio."""
    return reading_spread(readings) > STEADY_SPREAD


def ratio_bounds(first: Sequence[float], second: Sequence[float]) -> tuple[float, float]:
    """The least and the largest ratio first/second that any pairing of their readings gives."""
    return min(first) / max(second), max(first) / min(second)


def ranges_overlap(first: Sequence[float], second: Sequence[float]) -> bool:
    """Whether two sets of timings overlap (min to max): if so, they do not tell the two apart."""
    return min(first) <= max(second) and min(second) <= max(first)
