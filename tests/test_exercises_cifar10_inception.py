"""Notebook 05's exercises: each check accepts the worked solution and names typical mistakes."""

import keras
import pytest
from worked_solutions import load

from cnnlab import inception
from cnnlab.exercises.cifar10_inception import (
    GOOGLENET_4A,
    GOOGLENET_4A_IN_CHANNELS,
    check_branch_receptive_field,
    check_output_channels,
    check_reduction,
)
from cnnlab.receptive_field import keras_stack, receptive_fields


@pytest.fixture(scope="module")
def solution():
    return load("05_cifar10_inception")


@pytest.mark.parametrize(
    "check", [check_reduction, check_output_channels, check_branch_receptive_field]
)
def test_unanswered_gives_a_hint_not_an_error(check):
    feedback = check(None)
    assert not feedback.solved and feedback.message.startswith("no answer yet.")


def test_reduction_accepts_the_solution_and_the_saving_matches_keras(solution):
    assert check_reduction(solution.REDUCTION).solved
    assert check_reduction(list(solution.REDUCTION)).solved
    assert solution.SAVED_PARAMETERS == 77_888

    def params(filters):
        inputs = keras.Input((8, 8, 64))
        return keras.Model(inputs, inception.inception_module(inputs, filters)).count_params()

    built = list(inception.INCEPTION_FILTERS[0])
    mine = [built[0], solution.F3X3_REDUCE, *built[2:]]
    assert params(built) - params(mine) == solution.SAVED_PARAMETERS


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((96, 0), "does not reduce"),
        ((64, 0), "does not reduce"),
        ((32, 64 * (64 + 9 * 128)), "leaves out the biases"),
        ((32, 64 * 9 * 128), "counts only the 3x3"),
        ((32, 64 * 65), "counts only the 1x1"),
        ((32, 73_856 - (65 * 32 + (9 * 32 + 1) * 128)), "all 64 channels directly"),
        ((32, -77_888), "wrong sign"),
        ("32", "two whole numbers"),
        ([32.5, 77_888], "two whole numbers"),
        ((float("inf"), 1), "two whole numbers"),
    ],
)
def test_reduction_names_the_mistake(answer, message):
    feedback = check_reduction(answer)
    assert not feedback.solved and message in feedback.message


def test_output_channels_accepts_the_solution_and_keras_agrees(solution):
    assert check_output_channels(solution.OUTPUT_CHANNELS).solved

    inputs = keras.Input((4, 4, GOOGLENET_4A_IN_CHANNELS))
    outputs = inception.inception_module(inputs, list(GOOGLENET_4A))
    assert outputs.shape[-1] == solution.OUTPUT_CHANNELS


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (sum(GOOGLENET_4A), "adds all six"),
        (192 + 208 + 48 + GOOGLENET_4A_IN_CHANNELS, "pooled 480 input channels"),
        (208, "widest branch"),
        (100, "not 100"),
    ],
)
def test_output_channels_names_the_mistake(answer, message):
    feedback = check_output_channels(answer)
    assert not feedback.solved and message in feedback.message


def test_branch_receptive_field_accepts_the_solution_and_matches_the_model(solution):
    assert check_branch_receptive_field(solution.BRANCH_RECEPTIVE_FIELD).solved
    names = ["stem_conv", "stem_pool", "inception1_3x3_reduce", "inception1_3x3"]
    stack = keras_stack(inception.inception_cifar10(), names)
    assert receptive_fields(stack)[-1].size == solution.BRANCH_RECEPTIVE_FIELD


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (11, "the stem's field"),
        (3, "measured in input pixels"),
        (13, "as if the jump were 1"),
        (15, "only the convolution's stride"),
        (33, "multiplies"),
        (20, "not 20"),
    ],
)
def test_branch_receptive_field_names_the_mistake(answer, message):
    feedback = check_branch_receptive_field(answer)
    assert not feedback.solved and message in feedback.message


@pytest.mark.parametrize(
    "check", [check_reduction, check_output_channels, check_branch_receptive_field]
)
@pytest.mark.parametrize(
    "answer",
    ["seventy", [], {}, object(), float("nan"), [None, None], 10**400, (10**400, 1), 19.0, True],
)
def test_wrong_types_give_feedback_not_errors(check, answer):
    feedback = check(answer)
    assert not feedback.solved and "\n" not in feedback.message
