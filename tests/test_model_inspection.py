"""Reading a model: layer structures compare two builds, dense_logit is the sigmoid's input."""

import keras
import numpy as np

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
