"""Exercises of notebook 02: output lengths and parameter counts of Conv1D stacks."""

from __future__ import annotations

import itertools
import math
from functools import partial

import numpy as np

from cnnlab import shapes
from cnnlab.exercises import Check, as_count, call, pair_of, parts_check, same_output
from cnnlab.shapes import PADDINGS, conv1d_output_length

STACK_INPUT = (120, 3)
STACK: list[shapes.LayerSpec] = [
    shapes.Conv1DSpec(8, 5, strides=2),
    shapes.MaxPool1DSpec(3, strides=2),
    shapes.Conv1DSpec(16, 4, padding="same"),
    shapes.MaxPool1DSpec(2),
    shapes.Conv1DSpec(32, 3, strides=2),
]
KERNEL_INPUT, KERNEL_TARGET_LENGTH = (256, 2), 52
KERNEL_STACK_HEAD: list[shapes.LayerSpec] = [
    shapes.Conv1DSpec(8, 7),
    shapes.MaxPool1DSpec(2),
    shapes.Conv1DSpec(16, 5),
    shapes.MaxPool1DSpec(2),
]


def stack_exercise_text(
    input_shape: tuple[int, int] = STACK_INPUT, specs: list[shapes.LayerSpec] = STACK
) -> str:
    """A stack written out layer by layer; by default exercise 1's."""
    rows = shapes.layer_table(input_shape, specs)
    return f"Input{input_shape} → " + " → ".join(row.layer for row in rows)


def kernel_exercise_text() -> str:
    """The stack of exercise 2, with the unknown third kernel written as k."""
    head = stack_exercise_text(KERNEL_INPUT, KERNEL_STACK_HEAD)
    return f"{head} → Conv1D(filters=32, kernel=k)"


_ROWS = shapes.layer_table(STACK_INPUT, STACK)
STACK_ANSWER = (_ROWS[-1].output_shape[0], sum(row.params for row in _ROWS))
REACHING = shapes.layer_table(KERNEL_INPUT, KERNEL_STACK_HEAD)[-1].output_shape[0]
KERNEL_ANSWER = REACHING - KERNEL_TARGET_LENGTH + 1

# What each slip of the hand calculation gives (tests/test_exercises_conv1d_shape_table.py
# redoes the calculation with each slip).
CEIL = "you rounded (L - k)/s up; Keras floors it (a window that would run off the end is dropped)."
POOL_BY_ONE = "you slid the pooling windows by 1; MaxPool1D's stride defaults to its pool size."
NO_POOLING = "you left out the pooling layers, which shrink the sequence too."
STACK_LENGTH = Check(
    read=as_count,
    right=STACK_ANSWER[0],
    mistakes={
        7: CEIL,
        27: POOL_BY_ONE,
        26: "you ignored a convolution's stride: with stride s only every s-th window is kept.",
        5: "you treated the padding='same' convolution as 'valid'; 'same' keeps ceil(L/s) steps.",
        28: NO_POOLING,
    },
    otherwise="recompute each layer's length.",
)
STACK_PARAMS = Check(
    read=as_count,
    right=STACK_ANSWER[1],
    mistakes={
        2168: "you forgot the +1 bias of each filter: (k x C_in + 1) x F.",
        656: "you used the input's channel count for every convolution; C_in of a layer is the "
        "number of filters of the convolution before it.",
    },
    otherwise="add (k x C_in + 1) x F over the three convolutions; pooling has none.",
)

check_stack_length_and_params = parts_check(
    pair_of(as_count, "two whole numbers (output length, total parameters)"),
    {"length": STACK_LENGTH, "parameter count": STACK_PARAMS},
    hint="Work layer by layer: floor((L - k)/s) + 1 for 'valid', ceil(L/s) for 'same', and "
    "(k x C_in + 1) x F weights per convolution. Answer a tuple (length, parameters).",
    solved=f"the last layer outputs {_ROWS[-1].output_shape} and the stack has "
    f"{STACK_ANSWER[1]:,} parameters.",
)

check_kernel_for_length = Check(
    hint="Find the length L that reaches the third convolution, then solve "
    f"L - k + 1 = {KERNEL_TARGET_LENGTH}.",
    read=lambda a: as_count(a, "a kernel size (a whole number)"),
    right=KERNEL_ANSWER,
    solved=f"{REACHING} steps reach the third convolution, and {REACHING} - {KERNEL_ANSWER} + 1 "
    f"= {KERNEL_TARGET_LENGTH}.",
    mistakes={
        lambda k: k < 1: "a kernel size is a positive integer.",
        KERNEL_ANSWER - 1: f"with that k the output has {KERNEL_TARGET_LENGTH + 1} steps: you "
        "forgot the +1 — a kernel of size k fits at L - k + 1 positions.",
        10: f"{CEIL} {REACHING} steps reach the third convolution.",
        193: f"{POOL_BY_ONE} {REACHING} steps reach the third convolution.",
        195: f"{NO_POOLING} {REACHING} steps reach the third convolution.",
        lambda k: k > REACHING: f"that is longer than the {REACHING} steps that reach the third "
        "convolution.",
    },
    otherwise=lambda k: (
        f"with k = {k} the third convolution outputs {REACHING - k + 1} steps, "
        f"not {KERNEL_TARGET_LENGTH}."
    ),
)

# Exercise 3: an output-length function, compared on a grid of layers (every case in which
# Keras's output has at least one step) with shapes.conv1d_output_length, which the tests hold to
# Keras's Conv1D on the same grid.
CASES = tuple(
    (n, k, s, p)
    for n, k, s, p in itertools.product((1, 2, 5, 7, 10, 33), (1, 2, 3, 5), (1, 2, 3, 4), PADDINGS)
    if k <= n or p == "same"
)


def lengths_of(function: object) -> np.ndarray:
    """The student's ``output_length`` for each case, each read as a whole number."""
    signature = "output_length(length, kernel_size, strides, padding)"
    return np.array(
        [as_count(call(function, signature, *case), "a whole number") for case in CASES]
    )


def _first_difference(got: np.ndarray) -> str:
    i = int(np.argmax(got != lengths_of(conv1d_output_length)))
    n, k, s, p = CASES[i]
    return (
        f"for length={n}, kernel_size={k}, strides={s}, padding='{p}' Keras gives "
        f"{conv1d_output_length(n, k, s, p)}, your function {got[i]}."
    )


_gives = partial(same_output, lengths_of)  # a predicate: the lengths are what this formula gives
check_output_length = Check(
    hint="write output_length(length, kernel_size, strides, padding) returning the number of "
    "steps Keras's Conv1D outputs, for padding 'valid' and 'same'.",
    read=lengths_of,
    right=_gives(conv1d_output_length),
    solved=f"all {len(CASES)} layers match Keras: floor((L - k)/s) + 1 for 'valid', ceil(L/s) "
    "for 'same' — 'same' pads so the kernel size drops out.",
    mistakes={
        _gives(
            lambda n, k, s, p: math.ceil((n - k) / s) + 1 if p == "valid" else math.ceil(n / s)
        ): (
            "you round (L - k)/s up for 'valid'; Keras floors it (a window running off the end "
            "is dropped)."
        ),
        _gives(lambda n, k, s, p: n - k + 1 if p == "valid" else n): "your lengths ignore the "
        "stride: with stride s only every s-th window is kept.",
        _gives(
            lambda n, k, s, p: (n - k) // s if p == "valid" else math.ceil(n / s)
        ): "you forgot the +1 of 'valid': the first window counts too.",
        _gives(lambda n, k, s, p: (n - k) // s + 1): "you treat 'same' like 'valid'; 'same' pads "
        "the ends and keeps ceil(L/s) steps.",
        _gives(lambda n, k, s, p: (n - k) // s + 1 if p == "valid" else n): "for 'same' you kept "
        "all L steps; with stride s it keeps ceil(L/s).",
        _gives(lambda n, k, s, p: (n - k) // s + 1 if p == "valid" else n // s): "for 'same' you "
        "floor L/s; Keras rounds it up.",
    },
    otherwise=_first_difference,
)
