"""Training helpers: the schedule's end points, the profile's budget, the policy restored."""

import logging
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from cnnlab import training
from cnnlab.profiles import PROFILES, Profile


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


def trained_with(
    steps_per_execution: int | None, profile_name: str = "full"
) -> tuple[keras.Model, dict[str, list[float]]]:
    """A small model with what the notebooks' networks carry (batch norm, dropout, validation,
    early stopping), trained on 45 batches; ``None`` takes the library's steps per call."""
    profile = PROFILES[profile_name]
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.BatchNormalization(),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(1),
        ]
    )
    if steps_per_execution is None:
        steps_per_execution = training.steps_per_execution(profile)
    model.compile(optimizer="adam", loss="mse", steps_per_execution=steps_per_execution)
    # 45 batches: not a multiple of STEPS_PER_EXECUTION, so the last call runs fewer steps.
    x = np.random.default_rng(0).random((45 * 4, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    train = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(180, seed=0).batch(4)
    validation = tf.data.Dataset.from_tensor_slices((x[:40], y[:40])).batch(4)
    history = training.fit(
        model, train, validation, 4, profile, callbacks=[training.early_stopping(patience=1)]
    )
    return model, history.history


def test_steps_per_execution_runs_the_same_steps_with_the_same_result():
    (one, one_history), (many, many_history) = trained_with(1), trained_with(None)
    assert many.steps_per_execution == training.STEPS_PER_EXECUTION > 1
    assert int(many.optimizer.iterations) == int(one.optimizer.iterations) > 45
    assert many_history == one_history
    for a, b in zip(one.get_weights(), many.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_steps_per_execution_keeps_the_smoke_budget():
    # Keras runs whole calls: 32 steps per call would train past steps_per_epoch=3.
    model, history = trained_with(None, "smoke")
    assert model.steps_per_execution == 3
    assert int(model.optimizer.iterations) == 3 * len(history["loss"]) == 2 * 3


@pytest.mark.parametrize(
    ("limit", "expected"), [(None, 32), (3, 3), (40, 20), (64, 32), (96, 32), (37, 1)]
)
def test_steps_per_execution_divides_the_epoch(limit, expected):
    assert training.steps_per_execution(Profile("test", None, limit)) == expected


def test_a_budget_that_is_not_a_multiple_of_32_trains_exactly_its_steps():
    profile = Profile("test", max_epochs=2, steps_per_epoch=40)
    model = tiny_model()
    model.compile(
        optimizer="sgd", loss="mse", steps_per_execution=training.steps_per_execution(profile)
    )
    x = np.ones((8, 3), dtype="float32")
    train = tf.data.Dataset.from_tensor_slices((x, x[:, :1])).batch(4).repeat()
    training.fit(model, train, None, full_epochs=5, profile=profile)
    assert int(model.optimizer.iterations) == 2 * 40


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
        steps=5,
        steps_per_call=2,  # the last call runs 1 step
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


def test_interleaved_timings_take_turns_within_each_round():
    calls: list[str] = []
    timers = {name: (lambda name=name: calls.append(name) or float(len(calls))) for name in "ab"}
    readings = training.interleaved_timings(timers, rounds=3)
    assert calls == ["a", "b"] * 3
    assert readings == {"a": [1.0, 3.0, 5.0], "b": [2.0, 4.0, 6.0]}
    assert training.reading_range(readings["b"]) == "2-6"


def test_ranges_overlap_only_when_the_spans_meet():
    assert training.ranges_overlap([1, 3], [2, 5]) and training.ranges_overlap([2, 5], [1, 3])
    assert training.ranges_overlap([1, 2], [2, 3])  # touching spans do not separate
    assert not training.ranges_overlap([1, 2], [2.5, 3])
    assert not training.ranges_overlap([2.5, 3], [1, 2])
    assert training.ranges_overlap([1, 10], [2, 3]) and training.ranges_overlap([2, 3], [1, 10])


RETRACING = (  # TensorFlow's message, shortened; it warns at most twice per function and process
    "5 out of the last 5 calls to <function f at 0x1> triggered tf.function retracing."
)


def test_quiet_retracing_hides_only_the_retracing_warning(caplog):
    tf_logger = logging.getLogger("tensorflow")
    with training.quiet_retracing():
        tf_logger.warning(RETRACING)
        tf_logger.warning("another warning")
    tf_logger.warning(RETRACING)  # shown again after the block
    assert [r.getMessage() for r in caplog.records] == ["another warning", RETRACING]


def test_quiet_retracing_removes_its_filter_when_the_block_fails():
    filters = list(logging.getLogger("tensorflow").filters)
    with pytest.raises(KeyError), training.quiet_retracing():
        raise KeyError("a failure inside the block")
    assert logging.getLogger("tensorflow").filters == filters


def test_interleaved_timings_refuse_zero_rounds():
    with pytest.raises(ValueError, match="at least 1"):
        training.interleaved_timings({"a": lambda: 1.0}, rounds=0)


def test_ratio_bounds_pair_the_extreme_readings():
    assert training.ratio_bounds([10, 12], [4, 5]) == (2.0, 3.0)


def test_reading_spread_is_largest_over_smallest_whatever_the_order():
    assert training.reading_spread([845, 491, 866]) == pytest.approx(866 / 491)
    assert training.reading_spread([500]) == 1.0
    assert training.reading_spread([100, 119]) < training.STEADY_SPREAD < 121 / 100


def test_timings_are_unsteady_only_beyond_the_steady_spread():
    assert not training.unsteady([100, 119, 110])
    assert not training.unsteady([100, 120])  # exactly the steady spread is still steady
    assert training.unsteady([121, 100])
