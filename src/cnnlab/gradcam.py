"""Grad-CAM: where in the image a convolutional layer's evidence for the prediction lies."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from cnnlab.models import dense_logit


def grad_cam(
    model: keras.Model, images: np.ndarray, layer_name: str, output_layer: str = "tumour"
) -> np.ndarray:
    """Heatmaps in [0, 1], one per image, at the input's size (Selvaraju et al., 2017).

    For a one-unit sigmoid output layer. The gradient is taken of the logit (the output
    layer's value before the sigmoid), signed towards the predicted class, as in the paper: the
    sigmoid's own gradient vanishes on confident outputs and would leave blank maps.
    """
    layer, head = model.get_layer(layer_name), model.get_layer(output_layer)
    probe = keras.Model(model.inputs, [layer.output, head.input])
    images = tf.convert_to_tensor(images, dtype=tf.float32)
    with tf.GradientTape() as tape:
        features, penultimate = probe(images, training=False)
        logit = dense_logit(head, penultimate)
        # Evidence for the predicted class: the logit for "yes", minus it for "no".
        score = tf.where(logit >= 0, logit, -logit)
    # Both bfloat16 under a mixed precision policy; the map is computed in float32.
    grads = tf.cast(tape.gradient(score, features), tf.float32)
    features = tf.cast(features, tf.float32)
    weights = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
    cams = tf.nn.relu(tf.reduce_sum(weights * features, axis=-1, keepdims=True))
    cams = tf.image.resize(cams, images.shape[1:3])[..., 0].numpy()
    peak = cams.reshape(len(cams), -1).max(axis=1)[:, None, None]
    return np.divide(cams, peak, out=np.zeros_like(cams), where=peak > 0)


def examples_by_class_and_verdict(
    labels: np.ndarray, predicted: np.ndarray, per_cell: int = 1, seed: int = 0
) -> list[tuple[int, int, bool]]:
    """Random test images for each (true class, right or wrong) cell: ``(index, class, right)``.

    Drawn from a seeded shuffle, so both classes and both verdicts are shown whatever order the
    test set is stored in; a cell with fewer images than ``per_cell`` gives what it has.
    """
    labels, predicted = np.asarray(labels).ravel(), np.asarray(predicted).ravel()
    order = np.random.default_rng(seed).permutation(len(labels))
    chosen = []
    for label in np.unique(labels):
        for right in (True, False):
            cell = [i for i in order if labels[i] == label and (predicted[i] == label) == right]
            chosen += [(int(i), int(label), right) for i in cell[:per_cell]]
    return chosen
