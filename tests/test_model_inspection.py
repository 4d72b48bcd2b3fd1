"""Reading a model: layer structures compare two builds, dense_logit is the sigmoid's input."""

import keras
import numpy as np

from cnnlab import model_inspection
from cnnlab.brain_tumor_models import brain_tumor_functional, brain_tumor_sequential
from cnnlab.model_inspection import dense_logit, layer_structure


def test_layer_structure_leaves_out_the_input_layer():
    sequential = layer_structure(brain_tumor_sequential())
    assert sequential == layer_structure(brain_tumor_functional())
    assert all(kind != "InputLayer" for kind, _ in sequential)
    assert sequential[1] == ("Conv2D", 320)


def test_dense_logit_is_what_the_sigmoid_is_applied_to():
    model = brain_tumor_sequential(input_shape=(8, 8, 1), filters=2, units=4)
    head = model.get_layer("tumour")
    images = np.random.default_rng(0).random((3, 8, 8, 1)).astype("float32") * 255
    features = keras.Model(model.inputs, head.input)(images)
    logits = np.asarray(dense_logit(head, features))
    probabilities = model.predict(images, verbose=0)[:, 0]
    np.testing.assert_allclose(1 / (1 + np.exp(-logits)), probabilities, rtol=1e-5)


def test_model_macs_counts_each_convolution_and_dense_layer_once():
    model = keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            keras.layers.Conv2D(4, 3, padding="same"),  # 8*8*4 outputs x 3*3*3
            keras.layers.MaxPooling2D(2),
            keras.layers.DepthwiseConv2D(3, padding="same"),  # 4*4*4 outputs x 3*3
            keras.layers.BatchNormalization(),
            keras.layers.Flatten(),
            keras.layers.Dense(5),  # 5 outputs x 64
        ]
    )
    assert model_inspection.model_macs(model) == 8 * 8 * 4 * 27 + 4 * 4 * 4 * 9 + 5 * 64
