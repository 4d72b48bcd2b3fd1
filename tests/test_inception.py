"""Notebook 05's Inception module and network (exported): channels, parameters, float32 head."""

import keras
import pytest

from cnnlab import shapes, training
from cnnlab.inception import INCEPTION_FILTERS, inception_cifar10, inception_module


def test_inception_module_channels():
    inputs = keras.Input((8, 8, 64))
    first = inception_module(inputs, INCEPTION_FILTERS[0], name="a")
    second = inception_module(first, INCEPTION_FILTERS[1], name="b")
    assert first.shape[-1] == 256 and second.shape[-1] == 480


def test_inception_module_rejects_bad_filters():
    with pytest.raises(ValueError, match="filters must be six positive counts"):
        inception_module(keras.Input((8, 8, 3)), [64, 96, 128])


def test_inception_cifar10_shape_and_parameter_count_from_formulas():
    model = inception_cifar10()
    assert model.output_shape == (None, 10)
    stem = shapes.conv_params(49, 3, 64)
    first = sum(r["params"] for r in shapes.inception_costs(8, 8, 64, INCEPTION_FILTERS[0]))
    second = sum(r["params"] for r in shapes.inception_costs(8, 8, 256, INCEPTION_FILTERS[1]))
    batch_norm = 4 * 480  # gamma, beta, moving mean, moving variance
    head = shapes.dense_params(480, 10)
    assert model.count_params() == stem + first + second + batch_norm + head
    assert model.get_layer("inception1_concat").output.shape[1:] == (8, 8, 256)
    assert model.get_layer("inception2_concat").output.shape[1:] == (8, 8, 480)


def test_inception_costs_match_keras_per_branch():
    inputs = keras.Input((8, 8, 64))
    model = keras.Model(inputs, inception_module(inputs, INCEPTION_FILTERS[0], "m"))
    count = lambda *names: sum(model.get_layer(f"m_{n}").count_params() for n in names)  # noqa: E731
    rows = {r["branch"]: r for r in shapes.inception_costs(8, 8, 64, INCEPTION_FILTERS[0])}
    assert rows["1x1"]["params"] == count("1x1")
    assert rows["3x3"]["params"] == count("3x3_reduce", "3x3")
    assert rows["5x5"]["params"] == count("5x5_reduce", "5x5")
    assert rows["pool"]["params"] == count("pool_proj")
    naive = shapes.inception_costs(8, 8, 64, INCEPTION_FILTERS[0], reductions=False)
    assert {r["branch"]: r["MACs"] for r in naive}["5x5"] == 8 * 8 * 32 * 25 * 64


def test_the_softmax_stays_float32_under_a_mixed_policy():
    with training.precision_policy("mixed_bfloat16"):
        model = inception_cifar10()
    assert model.layers[1].compute_dtype == "bfloat16"
    assert model.layers[-1].compute_dtype == "float32"
