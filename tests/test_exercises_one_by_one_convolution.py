"""The notebook 04 exercises: checks accept the worked solutions and name typical mistakes."""

import keras
import pytest
from worked_solutions import load

from cnnlab.exercises import one_by_one_convolution


def load_solutions():
    return load("04_one_by_one_convolution")


def test_params_check_accepts_solution_and_keras_agrees():
    answer = load_solutions().POINTWISE_PARAMS
    layer = keras.layers.Conv2D(one_by_one_convolution.PARAMS_OUT, 1)
    layer.build((None, 8, 8, one_by_one_convolution.PARAMS_IN))
    assert answer == layer.count_params()
    assert one_by_one_convolution.check_pointwise_params(answer).solved


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (256 * 64, "forgets the bias"),
        (65 * 256, "swapped the channels"),
        ((9 * 256 + 1) * 64, "3x3 convolution"),
        (256 * 64 + 1, "one bias per filter"),
        (1000, "count the weights of one filter"),
        ([1, 2], "is not a count"),
        ("x", "is not a count"),
        (16448.0, "is not a count"),
    ],
)
def test_params_check_names_the_mistake(answer, phrase):
    feedback = one_by_one_convolution.check_pointwise_params(answer)
    assert not feedback.solved and phrase in feedback.message


def test_break_even_check_accepts_solution():
    answer = load_solutions().BREAK_EVEN_FILTERS
    assert (
        one_by_one_convolution.reduced_params(answer - 1) < one_by_one_convolution.direct_params()
    )
    assert one_by_one_convolution.reduced_params(answer) >= one_by_one_convolution.direct_params()
    assert one_by_one_convolution.check_break_even_filters(answer).solved


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (192, "compares only the 3x3 layers"),
        (143, "still saves"),
        (150, "already stopped saving at a smaller r"),
        (-3, "positive integer"),
    ],
)
def test_break_even_check_names_the_mistake(answer, phrase):
    feedback = one_by_one_convolution.check_break_even_filters(answer)
    assert not feedback.solved and phrase in feedback.message


def test_pixel_check_accepts_solution():
    assert one_by_one_convolution.check_pixel_output(load_solutions().pixel_output).solved


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (lambda im, k, b, i, j: im[i, j] @ k, "left out the bias"),
        (lambda im, k, b, i, j: im[j, i] @ k + b, "read pixel (j, i)"),
        (
            lambda im, k, b, i, j: im[i - 1 : i + 2, j - 1 : j + 2].sum(axis=(0, 1)) @ k + b,
            "summed the 3x3 neighbourhood",
        ),
        (lambda im, k, b, i, j: k @ im[i, j] + b, "raised ValueError"),
        (lambda im, k, b, i, j: (im[i, j] @ k + b).sum(), "one per filter"),
        (lambda im, k, b, i, j: im[i, j] @ k + 2 * b, "at pixel (1, 2) it returns"),
    ],
)
def test_pixel_check_names_the_mistake(answer, phrase):
    feedback = one_by_one_convolution.check_pixel_output(answer)
    assert not feedback.solved and phrase in feedback.message


@pytest.mark.parametrize(
    "check",
    [
        one_by_one_convolution.check_pointwise_params,
        one_by_one_convolution.check_break_even_filters,
        one_by_one_convolution.check_pixel_output,
    ],
)
def test_unanswered(check):
    feedback = check(None)
    assert not feedback.solved and feedback.message.startswith("no answer yet")


@pytest.mark.parametrize(
    "check",
    [
        one_by_one_convolution.check_pointwise_params,
        one_by_one_convolution.check_break_even_filters,
        one_by_one_convolution.check_pixel_output,
    ],
)
@pytest.mark.parametrize(
    "answer", ["seventy", [], {}, object(), float("nan"), [None, None], 10**400, True]
)
def test_wrong_types_give_feedback_not_errors(check, answer):
    feedback = check(answer)
    assert not feedback.solved and "\n" not in feedback.message
