"""Exercises of notebook 02: output lengths and parameter counts of Conv1D stacks."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cnnlab import shapes
from cnnlab.exercises import Feedback, as_positive_whole, is_whole, solved, unanswered, wrong

STACK_INPUT = (120, 3)
STACK: list[shapes.LayerSpec] = [
    shapes.Conv1DSpec(8, 5, strides=2),
    shapes.MaxPool1DSpec(3, strides=2),
    shapes.Conv1DSpec(16, 4, padding="same"),
    shapes.MaxPool1DSpec(2),
    shapes.Conv1DSpec(32, 3, strides=2),
]

KERNEL_INPUT = (256, 2)
KERNEL_TARGET_LENGTH = 52
KERNEL_STACK_HEAD: list[shapes.LayerSpec] = [
    shapes.Conv1DSpec(8, 7),
    shapes.MaxPool1DSpec(2),
    shapes.Conv1DSpec(16, 5),
    shapes.MaxPool1DSpec(2),
]


@dataclass(frozen=True)
class Slip:
    """One typical mistake in a shape calculation, as switches of the hand calculation."""

    description: str
    ceil: bool = False
    pool_stride_one: bool = False
    conv_stride_one: bool = False
    forgot_bias: bool = False
    input_channels: bool = False
    same_as_valid: bool = False
    skip_pooling: bool = False


SLIPS = (
    Slip(
        "you rounded (L - k)/s up; Keras floors it (a window that would run off the end "
        "is dropped)",
        ceil=True,
    ),
    Slip(
        "you slid the pooling windows by 1; MaxPool1D's stride defaults to its pool size",
        pool_stride_one=True,
    ),
    Slip(
        "you ignored a convolution's stride: with stride s only every s-th window is kept",
        conv_stride_one=True,
    ),
    Slip(
        "you treated the padding='same' convolution as 'valid'; 'same' keeps ceil(L/s) steps",
        same_as_valid=True,
    ),
    Slip("you left out the pooling layers, which shrink the sequence too", skip_pooling=True),
)
PARAM_SLIPS = (
    Slip("you forgot the +1 bias of each filter: (k x C_in + 1) x F", forgot_bias=True),
    Slip(
        "you used the input's channel count for every convolution; C_in of a layer is the "
        "number of filters of the convolution before it",
        input_channels=True,
    ),
)


def _steps(length: int, window: int, stride: int, slip: Slip) -> int:
    quotient = (length - window) / stride
    return (math.ceil(quotient) if slip.ceil else math.floor(quotient)) + 1


def hand_calculation(
    input_shape: tuple[int, int], specs: list[shapes.LayerSpec], slip: Slip | None = None
) -> tuple[int, int]:
    """(final length, total parameters) of a Conv1D/MaxPool1D stack, optionally with a slip."""
    slip = slip or Slip("none")
    length, channels = input_shape
    params = 0
    for spec in specs:
        if isinstance(spec, shapes.Conv1DSpec):
            stride = 1 if slip.conv_stride_one else spec.strides
            if spec.padding == "same" and not slip.same_as_valid:
                length = math.ceil(length / stride)
            else:
                length = _steps(length, spec.kernel_size, stride, slip)
            c_in = input_shape[1] if slip.input_channels else channels
            params += (spec.kernel_size * c_in + int(not slip.forgot_bias)) * spec.filters
            channels = spec.filters
        elif isinstance(spec, shapes.MaxPool1DSpec) and not slip.skip_pooling:
            stride = 1 if slip.pool_stride_one else (spec.strides or spec.pool_size)
            length = _steps(length, spec.pool_size, stride, slip)
    return length, params


def _stack_text(input_shape: tuple[int, int], specs: list[shapes.LayerSpec]) -> str:
    rows = shapes.layer_table(input_shape, specs)
    return f"Input{input_shape} → " + " → ".join(row.layer for row in rows)


def stack_exercise_text() -> str:
    """The stack of exercise 1, written out layer by layer."""
    return _stack_text(STACK_INPUT, STACK)


def check_stack_length_and_params(answer: object) -> Feedback:
    """Exercise 1: (output length of the last layer, total parameters) of ``STACK``."""
    if answer is None:
        return unanswered(
            "Work layer by layer: floor((L - k)/s) + 1 for 'valid', ceil(L/s) for 'same', and "
            "(k x C_in + 1) x F weights per convolution. Answer a tuple (length, parameters)."
        )
    if not (isinstance(answer, tuple | list | np.ndarray) and len(answer) == 2):
        return wrong("answer a tuple of two integers: (output length, total parameters).")
    length, params = answer
    for name, value in (("output length", length), ("parameter count", params)):
        if not is_whole(value):
            return wrong(
                f"the {name} {value!r} is not a number: answer two integers, "
                "(output length, total parameters)."
            )
    true_length, true_params = hand_calculation(STACK_INPUT, STACK)
    problems = []
    if length != true_length:
        named = [
            s.description for s in SLIPS if hand_calculation(STACK_INPUT, STACK, s)[0] == length
        ]
        problems.append(
            f"The length {length} is wrong: "
            + (named[0] if named else "recompute each layer's length from the one before it")
            + "."
        )
    if params != true_params:
        named = [
            s.description
            for s in PARAM_SLIPS
            if hand_calculation(STACK_INPUT, STACK, s)[1] == params
        ]
        problems.append(
            f"The parameter count {params} is wrong: "
            + (
                named[0]
                if named
                else "add (k x C_in + 1) x F over the three convolutions; pooling has none"
            )
            + "."
        )
    if problems:
        if length == true_length:
            problems.append("Your length is right.")
        elif params == true_params:
            problems.append("Your parameter count is right.")
        return wrong(" ".join(problems))
    output_shape = shapes.layer_table(STACK_INPUT, STACK)[-1].output_shape
    return solved(
        f"the last layer outputs {output_shape} and the stack has {true_params:,} parameters."
    )


def kernel_exercise_text() -> str:
    """The stack of exercise 2, with the unknown third kernel written as k."""
    return _stack_text(KERNEL_INPUT, KERNEL_STACK_HEAD) + " → Conv1D(filters=32, kernel=k)"


def _third_conv_input(slip: Slip | None = None) -> int:
    return hand_calculation(KERNEL_INPUT, KERNEL_STACK_HEAD, slip)[0]


def check_kernel_for_length(answer: object) -> Feedback:
    """Exercise 2: the kernel k that makes the third convolution output the target length."""
    target = KERNEL_TARGET_LENGTH
    if answer is None:
        return unanswered(
            f"Find the length L that reaches the third convolution, then solve "
            f"L - k + 1 = {target}."
        )
    count = as_positive_whole(answer)
    if count is None:
        return wrong("a kernel size is a positive integer.")
    answer = count
    reaching = _third_conv_input()
    if answer > reaching:
        for slip in SLIPS:
            if _third_conv_input(slip) - answer + 1 == target:
                return wrong(
                    f"k = {answer} is longer than the {reaching} steps that arrive: "
                    f"{slip.description}."
                )
        return wrong(
            f"k = {answer} is longer than the {reaching} steps that reach the third convolution."
        )
    length = shapes.conv1d_output_length(reaching, answer)
    if length == target:
        return solved(
            f"{reaching} steps reach the third convolution, and {reaching} - {answer} + 1 "
            f"= {target}."
        )
    for slip in SLIPS:
        if _third_conv_input(slip) - answer + 1 == target:
            return wrong(
                f"with k = {answer} the output has {length} steps, not {target}: "
                f"{slip.description}."
            )
    if reaching - answer == target:
        return wrong(
            f"with k = {answer} the output has {length} steps, not {target}: you forgot the +1 — "
            "a kernel of size k fits at L - k + 1 positions."
        )
    return wrong(f"with k = {answer} the third convolution outputs {length} steps, not {target}.")
