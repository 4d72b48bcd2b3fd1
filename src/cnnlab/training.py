"""Training and evaluation helpers shared by the training notebooks."""

from __future__ import annotations

import contextlib

import keras
import numpy as np

from cnnlab.profiles import Profile


def fit(model, train, validation, full_epochs: int, profile: Profile, **kwargs):
    """``model.fit`` on the profile's budget, one log line per epoch; returns the History.

    The pipelines shuffle (with a seed) themselves, so Keras is told not to.
    """
    return model.fit(
        train,
        validation_data=validation,
        epochs=profile.epochs(full_epochs),
        steps_per_epoch=profile.steps_per_epoch,
        verbose=2,
        shuffle=False,
        **kwargs,
    )


def early_stopping(patience: int = 3) -> keras.callbacks.EarlyStopping:
    """Stop when validation loss has not improved for ``patience`` epochs; keep the best weights."""
    return keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=patience, restore_best_weights=True
    )


def labels_and_scores(model, dataset) -> tuple[np.ndarray, np.ndarray]:
    """True labels and the model's outputs over a (finite, unshuffled) dataset."""
    labels, scores = [], []
    for x, y in dataset:
        labels.append(np.asarray(y))
        scores.append(np.asarray(model(x, training=False)))
    return np.concatenate(labels), np.concatenate(scores)


def warmup_cosine_adamw(
    total_steps: int, warmup_steps: int, peak: float = 3e-3, weight_decay: float = 5e-4
) -> keras.optimizers.AdamW:
    """AdamW whose rate climbs linearly to ``peak`` over the warm-up, then decays to zero."""
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0, max(total_steps - warmup_steps, 1), warmup_target=peak, warmup_steps=warmup_steps
    )
    return keras.optimizers.AdamW(schedule, weight_decay=weight_decay)


@contextlib.contextmanager
def precision_policy(name: str):
    """Build models under a Keras dtype policy (e.g. ``mixed_bfloat16``), then restore it."""
    previous = keras.mixed_precision.global_policy().name
    keras.mixed_precision.set_global_policy(name)
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy(previous)
