"""Exercises of notebook 04: what a 1x1 convolution costs, saves and computes."""

from __future__ import annotations

from functools import cache

import numpy as np

from cnnlab.exercises import Check, as_array, as_count, call, close, same_output
from cnnlab.pointwise_conv import conv1x1

PARAMS_IN, PARAMS_OUT = 256, 64
BREAK_EVEN_IN, BREAK_EVEN_OUT = 192, 64
# 3x3 from 192 to 64 channels: (9 x 192 + 1) x 64; with a 1x1 reduction to r channels first:
# (192 + 1) r + (9 r + 1) 64 = 769 r + 64, which reaches the direct count at r = 144.
DIRECT, BREAK_EVEN = 110_656, 144
PIXELS = ((1, 2), (3, 4), (2, 1))  # where exercise 3 reads pixel_output on the first image

check_pointwise_params = Check(
    hint="Each filter has one weight per input channel, and a bias.",
    read=lambda a: as_count(a, "a whole number of parameters"),
    right=(PARAMS_IN + 1) * PARAMS_OUT,
    solved="(256 + 1) x 64 = 16,448: per filter, one weight per input channel and a bias.",
    mistakes={
        16_384: "256 x 64 = 16,384 forgets the bias of each filter.",
        16_640: "you swapped the channels: (64 + 1) x 256; a filter has one weight per input "
        "channel, 256.",
        147_520: "that is a 3x3 convolution: a 1x1 kernel has one position.",
        16_385: "there is one bias per filter, not one for the layer.",
    },
    otherwise="that is not it: count the weights of one filter, then multiply by 64 filters.",
)

check_break_even_filters = Check(
    hint="Write the parameters of 1x1 (192 -> r) + 3x3 (r -> 64) as a function of r and compare "
    "with a 3x3 conv from 192 to 64.",
    read=lambda a: as_count(a, "a whole number of filters"),
    right=BREAK_EVEN,
    solved=f"with r = 143 the reduced path has {769 * 143 + 64:,} weights, fewer than the direct "
    f"{DIRECT:,}; with r = 144 it has {769 * 144 + 64:,}: the 1x1 layer's own 193 weights per "
    "filter eat the saving well before r reaches 192.",
    mistakes={
        lambda r: r < 1: "the number of reduction filters is a positive integer.",
        192: "r = 192 compares only the 3x3 layers; the 1x1 reduction itself costs (192 + 1) x r.",
        lambda r: r < BREAK_EVEN: lambda r: (
            f"with r = {r} the reduced path still saves: "
            f"{769 * r + 64:,} weights against {DIRECT:,}. Find the first r where it does not."
        ),
    },
    otherwise=lambda r: (
        f"with r = {r} it costs {769 * r + 64:,} weights against {DIRECT:,}, "
        "but it already stopped saving at a smaller r."
    ),
)


@cache
def _data() -> tuple[np.ndarray, ...]:
    """A batch (2, 5, 7, 4) (height and width differ, so swapped axes show), kernel, bias."""
    rng = np.random.default_rng(0)
    arrays = rng.normal(size=(2, 5, 7, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    for array in arrays:
        array.flags.writeable = False  # shared by every call: a student's function cannot edit it
    return arrays


def pixels_of(function: object) -> np.ndarray:
    """The student's ``pixel_output(image, kernel, bias, i, j)`` at three pixels, shape (3, F)."""
    images, kernel, bias = _data()
    signature = "pixel_output(image, kernel, bias, i, j)"
    outputs = [call(function, signature, images[0], kernel, bias, i, j) for i, j in PIXELS]
    return np.array([as_array(out, (3,), "F = 3 filters") for out in outputs])


check_pixel_output = Check(
    hint="Write pixel_output(image, kernel, bias, i, j) for image (H, W, C_in), kernel "
    "(C_in, F) and bias (F,), returning the F output values at row i, column j.",
    read=pixels_of,
    right=same_output(pixels_of, lambda im, k, b, i, j: im[i, j] @ k + b),
    solved="the output at (i, j) is image[i, j] @ kernel + bias: a linear map of that pixel's "
    "channels, the same at every pixel, blind to its neighbours.",
    mistakes={
        same_output(pixels_of, lambda im, k, b, i, j: im[i, j] @ k): "you left out the bias: "
        "y = x[i, j] @ W + b.",
        same_output(pixels_of, lambda im, k, b, i, j: im[j, i] @ k + b): "you read pixel (j, i): "
        "arrays are indexed [row i, column j].",
        same_output(
            pixels_of, lambda im, k, b, i, j: im[i - 1 : i + 2, j - 1 : j + 2].sum((0, 1)) @ k + b
        ): "you summed the 3x3 neighbourhood: a 1x1 kernel sees pixel (i, j) alone.",
    },
    otherwise="at some pixel it differs from image[i, j] @ kernel + bias: check the indexing.",
)


# Exercise 4: the whole layer as one matrix product, against cnnlab.pointwise_conv.conv1x1 (the
# notebook's Conv2D(F, 1) by hand; the tests hold it to Keras's layer on this batch).
def layer_of(function: object) -> np.ndarray:
    """The student's ``pointwise_conv(images, kernel, bias)`` on the batch (2, 5, 7, 4)."""
    images, kernel, bias = _data()
    got = call(function, "pointwise_conv(images, kernel, bias)", images, kernel[None, None], bias)
    one_row_per_pixel = "you return one row per pixel, (N·H·W, F): reshape back to (N, H, W, F)."
    return as_array(got, (2, 5, 7, 3), "the layer's output", {(70, 3): one_row_per_pixel})


check_pointwise_conv = Check(
    hint="write pointwise_conv(images, kernel, bias) for images (N, H, W, C_in), Keras's kernel "
    "(1, 1, C_in, F) and bias (F,): reshape the images to one row per pixel, multiply by the "
    "kernel as a (C_in, F) matrix, add the bias and reshape back.",
    read=layer_of,
    right=same_output(layer_of, conv1x1, 1e-5),
    solved="your matrix product matches Keras's Conv2D(3, 1): a 1x1 convolution is one "
    "(N·H·W, C_in) x (C_in, F) product, the same weights at every pixel.",
    mistakes={
        same_output(layer_of, lambda x, k, b: conv1x1(x, k, 0 * b), 1e-5): "you left out the "
        "bias, added to every pixel's F outputs.",
        lambda got: close(np.sort(got, None), np.sort(layer_of(conv1x1), None), 1e-5): "the "
        "right numbers at the wrong pixels: reshape back in the order you flattened, (N, H, W, F).",
    },
    otherwise="your output differs from Keras's Conv2D(3, 1): reshape to (-1, C_in), multiply by "
    "kernel.reshape(C_in, F), add the bias, reshape to (N, H, W, F).",
)
