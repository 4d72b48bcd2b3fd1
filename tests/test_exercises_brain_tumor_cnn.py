"""The notebook 03 exercises: checks accept the worked solutions and name typical mistakes."""

from collections.abc import Callable
from types import ModuleType
from typing import Any

import keras
import numpy as np
import pytest
from scipy.stats import binomtest
from worked_solutions import load

from cnnlab import brain_tumor_models, data
from cnnlab.exercises import Feedback, brain_tumor_cnn
from cnnlab.stats import accuracy_interval, mcnemar


def load_solutions() -> ModuleType:
    return load("03_brain_tumor_cnn")


def test_wilson_check_accepts_solution_and_scipy_agrees() -> None:
    low, high = load_solutions().wilson_interval()
    scipy_ci = binomtest(122, 128).proportion_ci(method="wilson")
    assert (low, high) == pytest.approx((scipy_ci.low, scipy_ci.high), abs=1e-12)
    feedback = brain_tumor_cnn.check_wilson_interval((low, high))
    assert feedback.solved
    assert "point estimate with this interval is not a test" in feedback.message
    assert "paired test of exercise 3" in feedback.message


def test_wilson_check_accepts_the_interval_objects() -> None:
    assert brain_tumor_cnn.check_wilson_interval(accuracy_interval(122, 128)).solved
    assert brain_tumor_cnn.check_wilson_interval(
        np.array(load_solutions().wilson_interval())
    ).solved


WILSON = accuracy_interval(122, 128)
WALD = tuple(122 / 128 + s * 1.96 * (122 / 128 * 6 / 128 / 128) ** 0.5 for s in (-1, 1))


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (WALD, "normal-approximation (Wald) interval"),
        ((100 * WILSON.low, 100 * WILSON.high), "those are percentages"),
        ((WILSON.high, WILSON.low), "reversed"),
        (0.9531, "single number"),
        ((0.80, 0.90), "does not contain the measured accuracy"),
        ((0.93, 0.97), "not the Wilson interval"),
        ((0.9007649, 0.9826059), "Clopper-Pearson"),
        ((0.9, 0.95, 0.97), "has 3 values"),
        ((-0.1, 0.9), "between 0 and 1"),
        ("0.90, 0.98", "is text"),
        (("a", "b"), "must be numbers"),
        ({"low": 0.9}, "a dict is not an interval"),
        ({0.98, 0.9}, "a set is not an interval"),
        (object(), "is not an interval"),
    ],
)
def test_wilson_check_names_the_mistake(answer: Any, phrase: str) -> None:
    feedback = brain_tumor_cnn.check_wilson_interval(answer)
    assert not feedback.solved and phrase in feedback.message


def test_dense_check_accepts_solution_and_keras_agrees() -> None:
    answer = load_solutions().dense_parameters()
    shape = (None, 256, 256, 1)
    for layer in (
        keras.layers.Conv2D(32, 3, padding="same"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
    ):
        shape = layer.compute_output_shape(shape)
    assert answer == (shape[-1] + 1) * 128 == 67_108_992
    assert brain_tumor_cnn.check_dense_parameters(answer).solved
    assert brain_tumor_cnn.check_dense_parameters(float(answer)).solved


def test_dense_constants_are_the_report_network() -> None:
    model = brain_tumor_models.brain_tumor_sequential()
    conv, dense = model.get_layer("conv"), model.get_layer("dense")
    assert (brain_tumor_cnn.IMAGE_SIDE,) * 2 == data.BRAIN_TUMOR.image_size
    assert (
        conv.filters == brain_tumor_cnn.FILTERS
        and conv.kernel_size == (brain_tumor_cnn.KERNEL,) * 2
    )
    assert model.get_layer("pool").pool_size == (brain_tumor_cnn.POOL,) * 2
    assert dense.units == brain_tumor_cnn.UNITS
    assert dense.count_params() == brain_tumor_cnn.dense_parameters("valid") == 66_064_512
    assert model.count_params() == brain_tumor_cnn.whole_model_parameters("valid")


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (66_064_512, "valid-padding count the notebook prints"),
        (67_108_864, "forgets the bias"),
        (256 * 256 * 32 * 128 + 128, "forgets the pooling"),
        (brain_tumor_cnn.whole_model_parameters("same"), "counts the whole network"),
        (brain_tumor_cnn.whole_model_parameters("valid"), "counts the whole network"),
        (129 * 129 * 32 * 128 + 128, "rounding of the pooled size"),
        (128 * 128 * 128 + 128, "forgets the 32 channels"),
        (254 * 254 * 32 * 128 + 128, "follow the shape"),
        (1000, "is not it"),
        ("67108992", "is not a count"),
        (6.7e7 + 0.5, "is not a count"),
        (True, "is not a count"),
        (10**400, "is not it"),
        (float("inf"), "is not a count"),
    ],
)
def test_dense_check_names_the_mistake(answer: Any, phrase: str) -> None:
    feedback = brain_tumor_cnn.check_dense_parameters(answer)
    assert not feedback.solved and phrase in feedback.message


def test_mcnemar_check_accepts_solution() -> None:
    answer = load_solutions().mcnemar_p_value()
    assert answer == pytest.approx(0.0636, abs=1e-4)
    feedback = brain_tumor_cnn.check_mcnemar(answer)
    assert feedback.solved and "not significant at 5%" in feedback.message
    assert "no proof the models are equally good" in feedback.message


def test_mcnemar_check_accepts_the_stats_result() -> None:
    y_true = np.ones(450, dtype=int)
    first, second = y_true.copy(), y_true.copy()
    second[:5] = 0  # only A right
    first[5:19] = 0  # only B right
    first[19:40] = second[19:40] = 0  # both wrong
    assert brain_tumor_cnn.check_mcnemar(mcnemar(y_true, first, second)).solved


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (81 / 19, "chi-square statistic (b - c)²/(b + c)"),
        (0.0389, "without continuity correction"),
        (64 / 19, "continuity-corrected chi-square statistic"),
        (0.0665, "continuity-corrected chi-square p-value"),
        (0.0318, "one-sided p-value"),
        (0.9904, "the opposite of what the data"),
        (0.4240, "you used 14 trials"),
        (19, "number of discordant images"),
        (True, "not whether it is significant"),
        (np.False_, "not whether it is significant"),
        (6.36, "that is a percentage"),
        (1.5, "not a probability"),
        (0.5, "is not it"),
        ("0.064", "is not a p-value"),
        (0.06, "give more digits (3 significant)"),
        (10**400, "is not a p-value"),
    ],
)
def test_mcnemar_check_names_the_mistake(answer: Any, phrase: str) -> None:
    feedback = brain_tumor_cnn.check_mcnemar(answer)
    assert not feedback.solved and phrase in feedback.message


@pytest.mark.parametrize(
    "check",
    [
        brain_tumor_cnn.check_wilson_interval,
        brain_tumor_cnn.check_dense_parameters,
        brain_tumor_cnn.check_mcnemar,
    ],
)
def test_unanswered(check: Callable[[Any], Feedback]) -> None:
    feedback = check(None)
    assert not feedback.solved and feedback.message.startswith("no answer yet")


@pytest.mark.parametrize(
    "check",
    [
        brain_tumor_cnn.check_wilson_interval,
        brain_tumor_cnn.check_dense_parameters,
        brain_tumor_cnn.check_mcnemar,
    ],
)
@pytest.mark.parametrize(
    "answer",
    [
        "seventy",
        [],
        {},
        object(),
        float("nan"),
        [None, None],
        10**400,
        (10**400, 1),
        [0.9, "0.98"],
    ],
)
def test_wrong_types_give_feedback_not_errors(
    check: Callable[[Any], Feedback], answer: Any
) -> None:
    feedback = check(answer)
    assert not feedback.solved and "\n" not in feedback.message


def test_wilson_hint_does_not_hand_out_the_call() -> None:
    assert "proportion_ci" not in brain_tumor_cnn.check_wilson_interval(None).message
