"""The notebook 02 exercises: checks accept the worked solutions and name typical mistakes."""

import pytest
from worked_solutions import load

from cnnlab import shapes
from cnnlab.exercises import conv1d_shape_table


def load_solutions():
    return load("02_conv1d_shape_table")


def test_hand_calculation_agrees_with_keras():
    table = shapes.table_frame(conv1d_shape_table.STACK_INPUT, conv1d_shape_table.STACK)
    assert table["match"].all()
    length, params = conv1d_shape_table.hand_calculation(
        conv1d_shape_table.STACK_INPUT, conv1d_shape_table.STACK
    )
    assert (length, params) == (table["output shape"].iloc[-1][0], table["parameters"].sum())


def test_every_slip_gives_a_different_length():
    lengths = [
        conv1d_shape_table.hand_calculation(
            conv1d_shape_table.STACK_INPUT, conv1d_shape_table.STACK, s
        )[0]
        for s in conv1d_shape_table.SLIPS
    ]
    correct = conv1d_shape_table.hand_calculation(
        conv1d_shape_table.STACK_INPUT, conv1d_shape_table.STACK
    )[0]
    assert len(set(lengths)) == len(lengths) and correct not in lengths


def test_stack_check_accepts_solution():
    feedback = conv1d_shape_table.check_stack_length_and_params(
        load_solutions().STACK_LENGTH_AND_PARAMS
    )
    assert feedback.solved and "2,224 parameters" in feedback.message
    assert conv1d_shape_table.check_stack_length_and_params(
        list(load_solutions().STACK_LENGTH_AND_PARAMS)
    ).solved


@pytest.mark.parametrize(
    ("answer", "phrases"),
    [
        ((7, 2224), ["rounded (L - k)/s up", "parameter count is right"]),
        ((27, 2224), ["pooling windows by 1"]),
        ((26, 2224), ["ignored a convolution's stride"]),
        ((5, 2224), ["'same' convolution as 'valid'"]),
        ((6, 2168), ["forgot the +1 bias", "length is right"]),
        ((6, 656), ["input's channel count"]),
        ((7, 656), ["rounded (L - k)/s up", "input's channel count"]),
        ((99, 1), ["recompute each layer", "add (k x C_in + 1) x F"]),
        (6, ["a tuple of two integers"]),
        (("6", 2224), ["output length '6' is not a number"]),
        ([6, 2224.0], ["parameter count 2224.0 is not a number"]),
    ],
)
def test_stack_check_names_the_mistake(answer, phrases):
    feedback = conv1d_shape_table.check_stack_length_and_params(answer)
    assert not feedback.solved
    for phrase in phrases:
        assert phrase in feedback.message


def test_kernel_check_accepts_solution_and_keras_agrees():
    k = load_solutions().KERNEL_FOR_LENGTH
    assert conv1d_shape_table.check_kernel_for_length(k).solved
    specs = [*conv1d_shape_table.KERNEL_STACK_HEAD, shapes.Conv1DSpec(32, k)]
    keras_rows = shapes.keras_layer_shapes(
        shapes.build_model(conv1d_shape_table.KERNEL_INPUT, specs)
    )
    assert keras_rows[-1][0] == (conv1d_shape_table.KERNEL_TARGET_LENGTH, 32)


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (8, "you forgot the +1"),
        (10, "rounded (L - k)/s up"),
        (193, "pooling windows by 1"),
        (195, "left out the pooling layers"),
        (11, "outputs 50 steps, not 52"),
        (0, "positive integer"),
    ],
)
def test_kernel_check_names_the_mistake(answer, phrase):
    feedback = conv1d_shape_table.check_kernel_for_length(answer)
    assert not feedback.solved and phrase in feedback.message


@pytest.mark.parametrize(
    "check",
    [conv1d_shape_table.check_stack_length_and_params, conv1d_shape_table.check_kernel_for_length],
)
def test_unanswered(check):
    feedback = check(None)
    assert not feedback.solved and feedback.message.startswith("no answer yet")


@pytest.mark.parametrize(
    "check",
    [conv1d_shape_table.check_stack_length_and_params, conv1d_shape_table.check_kernel_for_length],
)
@pytest.mark.parametrize(
    "answer",
    ["seventy", [], {}, object(), float("nan"), [None, None], 10**400, (10**400, 1), 9.0, True],
)
def test_wrong_types_give_feedback_not_errors(check, answer):
    feedback = check(answer)
    assert not feedback.solved and "\n" not in feedback.message
