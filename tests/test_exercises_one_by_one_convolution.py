"""The notebook 04 exercises: checks accept the worked solutions and name typical mistakes."""

import keras
import numpy as np
import pytest
from worked_solutions import load

from cnnlab import pointwise
from cnnlab.exercises import one_by_one_convolution as ex
from cnnlab.pointwise_conv import conv1x1


@pytest.fixture(scope="module")
def solutions():
    return load("04_one_by_one_convolution")


def test_params_answer_and_table_agree_with_keras(solutions):
    def params(kernel, cin, cout):
        layer = keras.layers.Conv2D(cout, kernel)
        layer.build((None, 8, 8, cin))
        return layer.count_params()

    assert solutions.POINTWISE_PARAMS == params(1, 256, 64) == ex.check_pointwise_params.right
    assert params(1, 64, 256) == 16_640 and params(3, 256, 64) == 147_520
    assert ex.check_pointwise_params(solutions.POINTWISE_PARAMS).solved
    assert ex.check_pointwise_params(16448.0).solved


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (256 * 64, "forgets the bias"),
        (65 * 256, "swapped the channels"),
        ((9 * 256 + 1) * 64, "3x3 convolution"),
        (256 * 64 + 1, "one bias per filter"),
        (1000, "count the weights of one filter"),
        ([1, 2], "a list is not"),
        ("x", "is text"),
        (16448.5, "fractional part"),
    ],
)
def test_params_check_names_the_mistake(answer, phrase):
    feedback = ex.check_pointwise_params(answer)
    assert not feedback.solved and phrase in feedback.message


def test_break_even_answer_matches_the_costs(solutions):
    def reduced(r):
        return int(pointwise.reduction_costs(8, 8, 192, 64, kernel=3, reduce_to=r)[-1]["params"])

    direct = (9 * 192 + 1) * 64
    assert direct == ex.DIRECT and reduced(143) < direct <= reduced(144)
    assert all(reduced(r) == 769 * r + 64 for r in (1, 143, 144, 192))
    assert ex.check_break_even_filters(solutions.BREAK_EVEN_FILTERS).solved


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
    feedback = ex.check_break_even_filters(answer)
    assert not feedback.solved and phrase in feedback.message


def test_pixel_check_accepts_solution(solutions):
    assert ex.check_pixel_output(solutions.pixel_output).solved


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
        (lambda im, k, b, i, j: (im[i, j] @ k + b).sum(), "returned shape ()"),
        (lambda im, k, b, i, j: im[i, j] @ k + 2 * b, "check the indexing"),
        (np.ones(3), "is not a function"),
    ],
)
def test_pixel_check_names_the_mistake(answer, phrase):
    feedback = ex.check_pixel_output(answer)
    assert not feedback.solved and phrase in feedback.message


def test_pointwise_conv_accepts_the_solution_and_its_reference_is_keras_s(solutions):
    assert ex.check_pointwise_conv(solutions.pointwise_conv).solved
    images, kernel, bias = ex._data()
    layer = keras.layers.Conv2D(3, 1)
    layer.build(images.shape)
    layer.set_weights([kernel[None, None], bias])
    keras_output = np.asarray(layer(images.astype("float32")))
    assert np.allclose(ex.layer_of(conv1x1), keras_output, atol=1e-5)


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (
            lambda x, k, b: (x.reshape(-1, 4) @ k.reshape(4, 3)).reshape(2, 5, 7, 3),
            "left out the bias",
        ),
        (
            lambda x, k, b: (
                (x.reshape(-1, 4) @ k.reshape(4, 3) + b).reshape(2, 7, 5, 3).swapaxes(1, 2)
            ),
            "the right numbers at the wrong pixels",
        ),
        (lambda x, k, b: x.reshape(-1, 4) @ k.reshape(4, 3) + b, "reshape back to (N, H, W, F)"),
        (lambda x, k, b: x.reshape(-1, 4) @ k + b, "returned shape (1, 1, 70, 3)"),
        (lambda x, k, b: x.reshape(-1, 4) @ k.reshape(3, 4) + b, "raised ValueError"),
        (
            lambda x, k, b: (x.reshape(-1, 4) @ k.reshape(4, 3) * 2 + b).reshape(2, 5, 7, 3),
            "differs",
        ),
        (None, "no answer yet"),
        ("pointwise_conv", "is not a function"),
    ],
)
def test_pointwise_conv_names_the_mistake(answer, phrase):
    feedback = ex.check_pointwise_conv(answer)
    assert not feedback.solved and phrase in feedback.message
