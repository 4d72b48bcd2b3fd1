"""Exercises of notebook 02: output lengths and parameter counts of Conv1D stacks."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from functools import cache

import keras

from cnnlab import shapes
from cnnlab.exercises import Check, as_count, as_function, call, pair_of
from cnnlab.shapes import PADDINGS

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


def _stack_text(input_shape: tuple[int, int], specs: list[shapes.LayerSpec]) -> str:
    rows = shapes.layer_table(input_shape, specs)
    return f"Input{input_shape} → " + " → ".join(row.layer for row in rows)


def stack_exercise_text() -> str:
    """The stack of exercise 1, written out layer by layer."""
    return _stack_text(STACK_INPUT, STACK)


def kernel_exercise_text() -> str:
    """The stack of exercise 2, with the unknown third kernel written as k."""
    return _stack_text(KERNEL_INPUT, KERNEL_STACK_HEAD) + " → Conv1D(filters=32, kernel=k)"


_ROWS = shapes.layer_table(STACK_INPUT, STACK)
STACK_ANSWER = (_ROWS[-1].output_shape[0], sum(row.params for row in _ROWS))
REACHING = shapes.layer_table(KERNEL_INPUT, KERNEL_STACK_HEAD)[-1].output_shape[0]
KERNEL_ANSWER = REACHING - KERNEL_TARGET_LENGTH + 1

# What each slip of the hand calculation gives (tests/test_exercises_conv1d_shape_table.py
# redoes the calculation with each slip).
CEIL = "you rounded (L - k)/s up; Keras floors it (a window that would run off the end is dropped)"
POOL_BY_ONE = "you slid the pooling windows by 1; MaxPool1D's stride defaults to its pool size"
NO_POOLING = "you left out the pooling layers, which shrink the sequence too"
LENGTH_SLIPS = {
    7: CEIL,
    27: POOL_BY_ONE,
    26: "you ignored a convolution's stride: with stride s only every s-th window is kept",
    5: "you treated the padding='same' convolution as 'valid'; 'same' keeps ceil(L/s) steps",
    28: NO_POOLING,
}
PARAM_SLIPS = {
    2168: "you forgot the +1 bias of each filter: (k x C_in + 1) x F",
    656: "you used the input's channel count for every convolution; C_in of a layer is the "
    "number of filters of the convolution before it",
}
KERNEL_SLIPS = {
    KERNEL_ANSWER - 1: f"with that k the output has {KERNEL_TARGET_LENGTH + 1} steps: you forgot "
    "the +1 — a kernel of size k fits at L - k + 1 positions.",
    10: f"{CEIL}: {REACHING} steps reach the third convolution.",
    193: f"{POOL_BY_ONE}: {REACHING} steps reach the third convolution.",
    195: f"{NO_POOLING}: {REACHING} steps reach the third convolution.",
}


def _stack_verdict(answer: tuple[int, int]) -> str:
    length, params = answer
    problems = [
        f"The {name} {given} is wrong: {slips.get(given, advice)}."
        for name, given, right, slips, advice in (
            ("length", length, STACK_ANSWER[0], LENGTH_SLIPS, "recompute each layer's length"),
            (
                "parameter count",
                params,
                STACK_ANSWER[1],
                PARAM_SLIPS,
                "add (k x C_in + 1) x F over the three convolutions; pooling has none",
            ),
        )
        if given != right
    ]
    if len(problems) == 1:
        problems.append(
            f"Your {'length' if length == STACK_ANSWER[0] else 'parameter count'} is right."
        )
    return " ".join(problems)


check_stack_length_and_params = Check(
    hint="Work layer by layer: floor((L - k)/s) + 1 for 'valid', ceil(L/s) for 'same', and "
    "(k x C_in + 1) x F weights per convolution. Answer a tuple (length, parameters).",
    read=pair_of(as_count, "two whole numbers (output length, total parameters)"),
    right=STACK_ANSWER,
    solved=f"the last layer outputs {_ROWS[-1].output_shape} and the stack has "
    f"{STACK_ANSWER[1]:,} parameters.",
    otherwise=_stack_verdict,
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
        **KERNEL_SLIPS,
        lambda k: k > REACHING: f"that is longer than the {REACHING} steps that reach the third "
        "convolution.",
    },
    otherwise=lambda k: (
        f"with k = {k} the third convolution outputs {REACHING - k + 1} steps, "
        f"not {KERNEL_TARGET_LENGTH}."
    ),
)

# Exercise 3: an output-length function, compared with Keras on a grid of layers (every case
# in which Keras's output has at least one step).
CASES = tuple(
    (n, k, s, p)
    for n, k, s, p in itertools.product((1, 2, 5, 7, 10, 33), (1, 2, 3, 5), (1, 2, 3, 4), PADDINGS)
    if k <= n or p == "same"
)
Formula = Callable[[int, int, int], int]


@cache
def keras_lengths() -> tuple[int, ...]:
    """The output length Keras's Conv1D computes for each case (no weights are built)."""
    return tuple(
        int(keras.layers.Conv1D(1, k, strides=s, padding=p).compute_output_shape((None, n, 1))[1])
        for n, k, s, p in CASES
    )


def lengths_of(function: object) -> tuple[int, ...]:
    """The student's ``output_length`` for each case, each read as a whole number."""
    f = as_function(function, "output_length(length, kernel_size, strides, padding)")
    return tuple(as_count(call(f, *case), "a whole number of steps") for case in CASES)


def _gives(valid: Formula, same: Formula) -> Callable[[tuple[int, ...]], bool]:
    """A predicate: the lengths are what this (wrong) pair of formulas of (L, k, s) gives."""
    wrong = tuple((same if p == "same" else valid)(n, k, s) for n, k, s, p in CASES)
    return lambda got: got == wrong


def _valid(n: int, k: int, s: int) -> int:
    return (n - k) // s + 1


def _first_difference(got: tuple[int, ...]) -> str:
    i = next(i for i, (g, k) in enumerate(zip(got, keras_lengths(), strict=True)) if g != k)
    n, k, s, p = CASES[i]
    return (
        f"for length={n}, kernel_size={k}, strides={s}, padding='{p}' Keras gives "
        f"{keras_lengths()[i]}, your function {got[i]}."
    )


check_output_length = Check(
    hint="write output_length(length, kernel_size, strides, padding) returning the number of "
    "steps Keras's Conv1D outputs, for padding 'valid' and 'same'.",
    read=lengths_of,
    right=lambda got: got == keras_lengths(),
    solved=f"all {len(CASES)} layers match Keras: floor((L - k)/s) + 1 for 'valid', ceil(L/s) "
    "for 'same' — 'same' pads so the kernel size drops out.",
    mistakes={
        _gives(lambda n, k, s: math.ceil((n - k) / s) + 1, lambda n, k, s: math.ceil(n / s)): (
            "you round (L - k)/s up for 'valid'; Keras floors it (a window running off the end "
            "is dropped)."
        ),
        _gives(lambda n, k, s: n - k + 1, lambda n, k, s: n): (
            "your lengths ignore the stride: with stride s only every s-th window is kept."
        ),
        _gives(lambda n, k, s: (n - k) // s, lambda n, k, s: math.ceil(n / s)): (
            "you forgot the +1 of 'valid': the first window counts too."
        ),
        _gives(_valid, _valid): "you treat 'same' like 'valid'; 'same' pads the ends and keeps "
        "ceil(L/s) steps.",
        _gives(_valid, lambda n, k, s: n): "for 'same' you kept all L steps; with stride s it "
        "keeps ceil(L/s).",
        _gives(_valid, lambda n, k, s: n // s): "for 'same' you floor L/s; Keras rounds it up.",
    },
    otherwise=_first_difference,
)
