"""Receptive fields grow by (kernel - 1) x jump; a stride widens only what comes after it."""

import pytest

from cnnlab import inception
from cnnlab.receptive_field import Field, keras_stack, receptive_fields


def test_stride_widens_the_next_layer_not_its_own():
    assert receptive_fields([(3, 1), (3, 1)]) == [Field(3, 1), Field(5, 1)]
    assert receptive_fields([(3, 2), (3, 1)]) == [Field(3, 2), Field(7, 2)]


def test_the_inception_network_stem_and_five_by_five_path():
    model = inception.inception_cifar10()
    path = ["stem_conv", "stem_pool"] + [
        f"inception{i}_{part}" for i in (1, 2) for part in ("5x5_reduce", "5x5")
    ]
    sizes = [field.size for field in receptive_fields(keras_stack(model, path))]
    assert sizes == [7, 11, 11, 27, 27, 43]


def test_bad_layers_are_refused():
    with pytest.raises(ValueError, match="positive"):
        receptive_fields([(0, 1)])
    with pytest.raises(ValueError, match="neither a convolution nor a pooling"):
        keras_stack(inception.inception_cifar10(), ["bn"])
