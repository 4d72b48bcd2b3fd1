"""Notebook 04's 1x1 convolution by hand (exported) is Keras's Conv2D(F, 1)."""

import keras
import numpy as np

from cnnlab.pointwise_conv import conv1x1


def test_conv1x1_matches_keras_layer():
    rng = np.random.default_rng(0)
    images = rng.random((2, 5, 6, 4)).astype("float32")
    layer = keras.layers.Conv2D(3, 1)
    out = layer(images).numpy()
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(conv1x1(images, kernel, bias), out, atol=1e-5)


def test_conv1x1_mixes_channels_only():
    images = np.zeros((1, 3, 3, 2), "float32")
    images[0, 1, 1] = [1.0, 2.0]  # one bright pixel
    kernel = np.array([[[[1.0], [10.0]]]], "float32")  # (1, 1, 2, 1)
    out = conv1x1(images, kernel, np.array([0.5], "float32"))
    assert out[0, 1, 1, 0] == 21.5 and (np.delete(out.ravel(), 4) == 0.5).all()
