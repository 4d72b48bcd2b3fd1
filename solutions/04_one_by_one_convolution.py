"""Worked solutions to the exercises of notebook 04 (the 1x1 convolution).

Exercise 2: the direct 3x3 conv from 192 to 64 channels has (9 x 192 + 1) x 64 = 110,656
weights; the 1x1 reduction to r channels and the 3x3 conv from r to 64 have
(192 + 1) r + (9 r + 1) 64 = 769 r + 64. That reaches 110,656 once r >= 143.8, so r = 144.

``CELLS`` maps each exercise cell's nbgrader grade id to the code ``make instructor`` fills it
with.
"""

import inspect

import numpy as np

POINTWISE_PARAMS = (256 + 1) * 64
BREAK_EVEN_FILTERS = 144


def pixel_output(
    image: np.ndarray, kernel: np.ndarray, bias: np.ndarray, i: int, j: int
) -> np.ndarray:
    """The 1x1 convolution at row i, column j: that pixel's channels times the kernel, plus bias."""
    return image[i, j] @ kernel + bias


def pointwise_conv(images: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Conv2D(F, 1) as one matrix product: a row per pixel times the (C_in, F) kernel, plus bias."""
    n, h, w, c = images.shape
    out = images.reshape(n * h * w, c) @ kernel.reshape(c, -1) + bias
    return out.reshape(n, h, w, -1)


CELLS = {
    "pointwise_params": "from cnnlab.exercises import one_by_one_convolution as exercises\n\n"
    'print(f"input channels: {exercises.PARAMS_IN}, filters: {exercises.PARAMS_OUT}")\n'
    f"answer = {POINTWISE_PARAMS}\nexercises.check_pointwise_params(answer)",
    "break_even_filters": 'print(f"C = {exercises.BREAK_EVEN_IN}, '
    'F = {exercises.BREAK_EVEN_OUT}")\n'
    f"answer = {BREAK_EVEN_FILTERS}\nexercises.check_break_even_filters(answer)",
    "pixel_output": f"{inspect.getsource(pixel_output)}\n\n"
    "exercises.check_pixel_output(pixel_output)",
    "pointwise_conv": f"{inspect.getsource(pointwise_conv)}\n\n"
    "exercises.check_pointwise_conv(pointwise_conv)",
}
