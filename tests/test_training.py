"""Training helpers: the schedule's end points, the profile's budget, the policy restored."""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from cnnlab import training
from cnnlab.profiles import PROFILES


def test_warmup_cosine_climbs_to_the_peak_then_decays_to_zero():
    optimizer = training.warmup_cosine_adamw(total_steps=100, warmup_steps=10, peak=3e-3)
    schedule = optimizer._learning_rate  # the schedule object; .learning_rate is its value now
    assert float(schedule(0)) == pytest.approx(0.0, abs=1e-12)
    assert float(schedule(5)) == pytest.approx(1.5e-3, rel=1e-5)
    assert float(schedule(10)) == pytest.approx(3e-3, rel=1e-5)
    assert float(schedule(100)) == pytest.approx(0.0, abs=1e-9)
    assert optimizer.weight_decay == pytest.approx(5e-4)


def test_precision_policy_is_restored_after_an_exception():
    before = keras.mixed_precision.global_policy().name
    with pytest.raises(RuntimeError), training.precision_policy("mixed_bfloat16"):
        assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
        raise RuntimeError("training failed")
    assert keras.mixed_precision.global_policy().name == before


def tiny_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_fit_respects_the_smoke_budget():
    x = np.zeros((40, 3), dtype="float32")
    train = tf.data.Dataset.from_tensor_slices((x, x[:, :1])).batch(4).repeat()
    seen = []
    callback = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(batch)
    )
    history = training.fit(
        tiny_model(), train, None, full_epochs=20, profile=PROFILES["smoke"], callbacks=[callback]
    )
    assert len(history.history["loss"]) == 2  # smoke: at most 2 epochs ...
    assert len(seen) == 2 * 3  # ... of at most 3 steps


def test_images_per_second_is_positive_for_float32():
    rate = training.images_per_second(
        lambda: keras.Sequential(
            [
                keras.Input((4, 4, 3)),
                keras.layers.Flatten(),
                keras.layers.Dense(10, activation="softmax"),
            ]
        ),
        "float32",
        batch_size=8,
        steps=2,
    )
    assert rate > 0


def test_images_per_second_times_a_sigmoid_network_with_its_own_loss():
    build = lambda: keras.Sequential(  # noqa: E731
        [
            keras.Input((4, 4, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Keras warns when categorical cross-entropy meets 1 unit
        assert training.images_per_second(build, "float32", batch_size=8, steps=2) > 0
