"""Grad-CAM: where in the image a convolutional layer's evidence for the prediction lies."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf


def grad_cam(model: keras.Model, images: np.ndarray, layer_name: str) -> np.ndarray:
    """Heatmaps in [0, 1], one per image, at the input's height and width (Selvaraju et al.).

    For a one-unit sigmoid output. Each feature map of ``layer_name`` is weighted by the mean
    gradient of the predicted class's probability with respect to it; the positive part of the
    weighted sum is the map.
    """
    layer = model.get_layer(layer_name)
    probe = keras.Model(model.inputs, [layer.output, *model.outputs])
    images = tf.convert_to_tensor(images, dtype=tf.float32)
    with tf.GradientTape() as tape:
        features, output = probe(images, training=False)
        # Evidence for the predicted class: p for "yes", 1 - p for "no".
        score = tf.where(output[:, 0] >= 0.5, output[:, 0], 1 - output[:, 0])
    grads = tape.gradient(score, features)
    weights = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
    cams = tf.nn.relu(tf.reduce_sum(weights * features, axis=-1, keepdims=True))
    cams = tf.image.resize(cams, images.shape[1:3])[..., 0].numpy()
    peak = cams.reshape(len(cams), -1).max(axis=1)[:, None, None]
    return np.divide(cams, peak, out=np.zeros_like(cams), where=peak > 0)
