"""Exercises of notebook 04: what a 1x1 convolution costs, saves and computes."""

from __future__ import annotations

import numpy as np

from cnnlab import pointwise
from cnnlab.exercises import Feedback, as_positive_whole, is_whole, solved, unanswered, wrong
from cnnlab.pointwise_conv import conv1x1
from cnnlab.shapes import conv_params

PARAMS_IN, PARAMS_OUT = 256, 64
BREAK_EVEN_IN, BREAK_EVEN_OUT = 192, 64


def check_pointwise_params(answer: object) -> Feedback:
    """Exercise 1: parameters of a 1x1 Conv2D from ``PARAMS_IN`` to ``PARAMS_OUT`` channels."""
    cin, cout = PARAMS_IN, PARAMS_OUT
    if answer is None:
        return unanswered("Each filter has one weight per input channel, and a bias.")
    if not is_whole(answer):
        return wrong(f"{answer!r} is not a count: give a whole number of parameters.")
    answer = int(answer)
    right = conv_params(1, cin, cout)
    if answer == right:
        return solved(
            f"({cin} + 1) x {cout} = {right:,}: per filter, one weight per input channel "
            "and a bias."
        )
    slips = {
        cin * cout: f"{cin} x {cout} = {cin * cout:,} forgets the bias of each filter",
        (cout + 1) * cin: (
            f"you swapped the channels: ({cout} + 1) x {cin}; a filter has {cin} weights, "
            "one per input channel"
        ),
        conv_params(9, cin, cout): "that is a 3x3 convolution: a 1x1 kernel has one position",
        cin * cout + 1: "there is one bias per filter, not one for the layer",
    }
    if answer in slips:
        return wrong(f"{slips[answer]}.")
    return wrong(
        f"{answer:,} is not it: count the weights of one filter, then multiply by {cout} filters."
    )


def reduced_params(filters: int) -> int:
    """Parameters of a 1x1 reduction to ``filters`` channels followed by the exercise's 3x3 conv."""
    costs = pointwise.reduction_costs(
        8, 8, BREAK_EVEN_IN, BREAK_EVEN_OUT, kernel=3, reduce_to=filters
    )
    return int(costs[-1]["params"])


def direct_params() -> int:
    """Parameters of the exercise's 3x3 convolution without a reduction."""
    return conv_params(9, BREAK_EVEN_IN, BREAK_EVEN_OUT)


def check_break_even_filters(answer: object) -> Feedback:
    """Exercise 2: the fewest 1x1 reduction filters at which the reduction stops saving weights."""
    if answer is None:
        return unanswered(
            f"Write the parameters of 1x1 ({BREAK_EVEN_IN} -> r) + 3x3 (r -> {BREAK_EVEN_OUT}) "
            f"as a function of r and compare with a 3x3 conv from {BREAK_EVEN_IN} to "
            f"{BREAK_EVEN_OUT}."
        )
    count = as_positive_whole(answer)
    if count is None:
        return wrong("the number of reduction filters is a positive integer.")
    answer = count
    direct = direct_params()
    with_r = reduced_params(answer)
    saves_now = with_r < direct
    saved_before = answer == 1 or reduced_params(answer - 1) < direct
    if not saves_now and saved_before:
        return solved(
            f"with r = {answer - 1} the reduced path has {reduced_params(answer - 1):,} weights, "
            f"fewer than the direct {direct:,}; with r = {answer} it has {with_r:,}. "
            f"The 1x1 layer's own {BREAK_EVEN_IN + 1} weights per filter eat the saving well "
            f"before r reaches {BREAK_EVEN_IN}."
        )
    if answer == BREAK_EVEN_IN:
        return wrong(
            f"r = {answer} compares only the 3x3 layers; the 1x1 reduction itself costs "
            f"({BREAK_EVEN_IN} + 1) x r weights, so the saving ends at a smaller r."
        )
    if saves_now:
        return wrong(
            f"with r = {answer} the reduced path still saves: {with_r:,} weights against "
            f"{direct:,} for the direct 3x3 conv. Look for the first r where it does not."
        )
    return wrong(
        f"with r = {answer} the reduced path costs {with_r:,} weights against {direct:,}, but it "
        "already stopped saving at a smaller r: find the first r where it does."
    )


def _test_case() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.normal(size=(5, 7, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)


PIXELS = ((1, 2), (3, 4), (2, 1))


def check_pixel_output(answer: object) -> Feedback:
    """Exercise 3: a function (image, kernel, bias, i, j) -> the 1x1 conv's output at (i, j)."""
    if answer is None:
        return unanswered(
            "Write pixel_output(image, kernel, bias, i, j) for image (H, W, C_in), kernel "
            "(C_in, F) and bias (F,), returning the F output values at row i, column j."
        )
    if not callable(answer):
        return wrong(
            f"{answer!r} is not a function: define pixel_output(image, kernel, bias, i, j) and "
            "pass the function itself."
        )
    image, kernel, bias = _test_case()
    expected = conv1x1(image[None], kernel, bias)[0]
    for i, j in PIXELS:
        try:
            got = np.asarray(answer(image, kernel, bias, i, j), dtype=float)
        except Exception as err:  # the student's code may fail in any way
            return wrong(
                f"your function raised {type(err).__name__}: {err}. The pixel image[i, j] has "
                f"C_in = {kernel.shape[0]} values; the kernel has shape (C_in, F) = "
                f"{kernel.shape}."
            )
        if got.shape != expected[i, j].shape:
            return wrong(
                f"it returns shape {got.shape}; a 1x1 conv gives F = {kernel.shape[1]} values at "
                "each pixel, one per filter."
            )
        if np.allclose(got, expected[i, j]):
            continue
        if np.allclose(got, expected[i, j] - bias):
            return wrong("you left out the bias: y = x[i, j] @ W + b.")
        if np.allclose(got, expected[j, i]):
            return wrong("you read pixel (j, i): arrays are indexed [row i, column j].")
        neighbourhood = image[i - 1 : i + 2, j - 1 : j + 2].sum(axis=(0, 1)) @ kernel + bias
        if np.allclose(got, neighbourhood):
            return wrong("you summed the 3x3 neighbourhood: a 1x1 kernel sees pixel (i, j) alone.")
        return wrong(
            f"at pixel ({i}, {j}) it returns {np.round(got, 3)}, not {np.round(expected[i, j], 3)}."
        )
    return solved(
        "the output at (i, j) is image[i, j] @ kernel + bias: a linear map of that pixel's "
        "channels, the same at every pixel, blind to its neighbours."
    )
