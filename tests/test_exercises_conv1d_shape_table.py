"""The notebook 02 exercises: checks accept the worked solutions and name typical mistakes; each
number in a table of recognised mistakes is what the slip its message names gives."""

import math
from dataclasses import dataclass

import keras
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from worked_solutions import load

from cnnlab import shapes
from cnnlab.exercises import conv1d_shape_table as ex


@pytest.fixture(scope="module")
def solutions():
    return load("02_conv1d_shape_table")


@dataclass(frozen=True)
class Slip:
    """A typical mistake in the hand calculation, as switches."""

    ceil: bool = False
    pool_stride_one: bool = False
    conv_stride_one: bool = False
    forgot_bias: bool = False
    input_channels: bool = False
    same_as_valid: bool = False
    skip_pooling: bool = False


def hand_calculation(input_shape, specs, slip=Slip()):
    """(final length, total parameters) of a Conv1D/MaxPool1D stack, with a slip."""

    def steps(length, window, stride):
        quotient = (length - window) / stride
        return (math.ceil(quotient) if slip.ceil else math.floor(quotient)) + 1

    length, channels = input_shape
    params = 0
    for spec in specs:
        if isinstance(spec, shapes.Conv1DSpec):
            stride = 1 if slip.conv_stride_one else spec.strides
            if spec.padding == "same" and not slip.same_as_valid:
                length = math.ceil(length / stride)
            else:
                length = steps(length, spec.kernel_size, stride)
            c_in = input_shape[1] if slip.input_channels else channels
            params += (spec.kernel_size * c_in + int(not slip.forgot_bias)) * spec.filters
            channels = spec.filters
        elif not slip.skip_pooling:
            length = steps(
                length,
                spec.pool_size,
                1 if slip.pool_stride_one else spec.strides or spec.pool_size,
            )
    return length, params


def test_the_answers_agree_with_keras_and_the_hand_calculation(solutions):
    table = shapes.table_frame(ex.STACK_INPUT, ex.STACK)
    assert table["match"].all()
    assert ex.STACK_ANSWER == hand_calculation(ex.STACK_INPUT, ex.STACK)
    assert ex.STACK_ANSWER == solutions.STACK_LENGTH_AND_PARAMS
    specs = [*ex.KERNEL_STACK_HEAD, shapes.Conv1DSpec(32, solutions.KERNEL_FOR_LENGTH)]
    keras_rows = shapes.keras_layer_shapes(shapes.build_model(ex.KERNEL_INPUT, specs))
    assert keras_rows[-1][0] == (ex.KERNEL_TARGET_LENGTH, 32)


@pytest.mark.parametrize(
    ("slip", "length", "kernel"),
    [
        (Slip(ceil=True), 7, 10),
        (Slip(pool_stride_one=True), 27, 193),
        (Slip(conv_stride_one=True), 26, None),
        (Slip(same_as_valid=True), 5, None),
        (Slip(skip_pooling=True), 28, 195),
    ],
)
def test_the_length_tables_are_what_each_slip_gives(slip, length, kernel):
    assert hand_calculation(ex.STACK_INPUT, ex.STACK, slip)[0] == length
    assert length in ex.STACK_LENGTH.mistakes
    if kernel is not None:
        reaching = hand_calculation(ex.KERNEL_INPUT, ex.KERNEL_STACK_HEAD, slip)[0]
        assert (
            reaching - kernel + 1 == ex.KERNEL_TARGET_LENGTH
            and kernel in ex.check_kernel_for_length.mistakes
        )


@pytest.mark.parametrize(
    ("slip", "params"), [(Slip(forgot_bias=True), 2168), (Slip(input_channels=True), 656)]
)
def test_the_parameter_table_is_what_each_slip_gives(slip, params):
    assert (
        hand_calculation(ex.STACK_INPUT, ex.STACK, slip)[1] == params
        and params in ex.STACK_PARAMS.mistakes
    )


def test_stack_check_accepts_solution(solutions):
    feedback = ex.check_stack_length_and_params(solutions.STACK_LENGTH_AND_PARAMS)
    assert feedback.solved and "2,224 parameters" in feedback.message
    assert ex.check_stack_length_and_params([6.0, 2224]).solved


@pytest.mark.parametrize(
    ("answer", "phrases"),
    [
        ((7, 2224), ["rounded (L - k)/s up", "parameter count is right"]),
        ((27, 2224), ["pooling windows by 1"]),
        ((26, 2224), ["ignored a convolution's stride"]),
        ((5, 2224), ["'same' convolution as 'valid'"]),
        ((28, 2224), ["left out the pooling"]),
        ((6, 2168), ["forgot the +1 bias", "length is right"]),
        ((6, 656), ["input's channel count"]),
        ((7, 656), ["rounded (L - k)/s up", "input's channel count"]),
        ((99, 1), ["recompute each layer", "add (k x C_in + 1) x F"]),
        (6, ["single number"]),
        (("6", 2224), ["'6' is text"]),
        ([6, 2224.5], ["fractional part"]),
    ],
)
def test_stack_check_names_the_mistake(answer, phrases):
    feedback = ex.check_stack_length_and_params(answer)
    assert not feedback.solved
    for phrase in phrases:
        assert phrase in feedback.message


def test_kernel_check_accepts_solution(solutions):
    assert ex.check_kernel_for_length(solutions.KERNEL_FOR_LENGTH).solved


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (8, "you forgot the +1"),
        (10, "rounded (L - k)/s up"),
        (193, "pooling windows by 1"),
        (195, "left out the pooling layers"),
        (11, "outputs 50 steps, not 52"),
        (500, "longer than the 60 steps"),
        (0, "positive integer"),
    ],
)
def test_kernel_check_names_the_mistake(answer, phrase):
    feedback = ex.check_kernel_for_length(answer)
    assert not feedback.solved and phrase in feedback.message


@settings(max_examples=60, deadline=None)
@given(
    length=st.integers(1, 200),
    kernel=st.integers(1, 12),
    strides=st.integers(1, 6),
    padding=st.sampled_from(["valid", "same"]),
)
def test_the_worked_output_length_is_keras_s(length, kernel, strides, padding):
    assume(padding == "same" or kernel <= length)  # Keras refuses an empty output
    layer = keras.layers.Conv1D(1, kernel, strides=strides, padding=padding)
    keras_length = layer.compute_output_shape((None, length, 1))[1]
    solutions = load("02_conv1d_shape_table")
    assert solutions.output_length(length, kernel, strides, padding) == keras_length


def test_the_reference_lengths_are_keras_s_on_the_whole_grid():
    def keras_length(length, kernel_size, strides, padding):
        layer = keras.layers.Conv1D(1, kernel_size, strides=strides, padding=padding)
        return layer.compute_output_shape((None, length, 1))[1]

    assert (ex.lengths_of(keras_length) == ex.lengths_of(shapes.conv1d_output_length)).all()


def test_output_length_accepts_the_solution(solutions):
    assert ex.check_output_length(solutions.output_length).solved


@pytest.mark.parametrize(
    ("function", "phrase"),
    [
        (lambda n, k, s, p: (n - k) // s + 1, "you treat 'same' like 'valid'"),
        (lambda n, k, s, p: n - k + 1 if p == "valid" else n, "ignore the stride"),
        (
            lambda n, k, s, p: math.ceil((n - k) / s) + 1 if p == "valid" else math.ceil(n / s),
            "round (L - k)/s up",
        ),
        (lambda n, k, s, p: (n - k) // s if p == "valid" else math.ceil(n / s), "forgot the +1"),
        (lambda n, k, s, p: (n - k) // s + 1 if p == "valid" else n, "kept all L steps"),
        (lambda n, k, s, p: (n - k) // s + 1 if p == "valid" else n // s, "you floor L/s"),
        (lambda n, k, s, p: n // s, "Keras gives"),
        (lambda n, k, s, p: n / s, "fractional part"),
        (lambda n, k, s, p: [n], "a list is not"),
        (lambda n, k: n, "raised TypeError"),
        (42, "is not a function"),
    ],
)
def test_output_length_names_the_mistake(function, phrase):
    feedback = ex.check_output_length(function)
    assert not feedback.solved and phrase in feedback.message
