"""Reading a built Keras model: a one-unit head's logit, and its layers for comparison."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np


def dense_logit(layer: keras.layers.Dense, inputs: Any) -> Any:
    """The value a one-unit Dense layer computes before its activation (a sigmoid's logit)."""
    # A mixed-precision body feeds bfloat16 or float16; the head's kernel is float32.
    inputs = keras.ops.cast(inputs, layer.kernel.dtype)
    return keras.ops.matmul(inputs, layer.kernel)[:, 0] + layer.bias[0]


def layer_structure(model: keras.Model) -> list[tuple[str, int]]:
    """Each layer's type and parameter count, input layers left out (to compare two builds)."""
    return [
        (type(layer).__name__, layer.count_params())
        for layer in model.layers
        if not isinstance(layer, keras.layers.InputLayer)
    ]


def float32_clone(model: keras.Model, weights: bool = True) -> keras.Model:
    """The same architecture computing in float32, with ``model``'s weights or fresh ones.

    Fresh weights are drawn by each layer's initialiser (seed them with
    ``keras.utils.set_random_seed``): the model-randomisation test of an explanation method.
    """

    def in_float32(layer: keras.layers.Layer) -> keras.layers.Layer:
        return layer.__class__.from_config(layer.get_config() | {"dtype": "float32"})

    clone = keras.models.clone_model(model, clone_function=in_float32)
    if weights:
        clone.set_weights(model.get_weights())
    return clone


def flat_layers(layers: list[keras.layers.Layer]) -> list[keras.layers.Layer]:
    """The layers, each nested model (a functional or Sequential block) replaced by its own."""
    nested = (flat_layers(x.layers) if isinstance(x, keras.Model) else [x] for x in layers)
    return [layer for group in nested for layer in group]


def model_macs(model: keras.Model) -> int:
    """Multiply-adds of a built model for one input.

    Each kernel (a weight of two or more axes) is applied once per output position; biases and
    normalisation cost none. A transposed convolution is costed at its output's resolution, an
    upper bound.
    """
    return sum(
        int(np.prod(layer.output.shape[1:-1]) * np.prod(w.shape))
        for layer in flat_layers(model.layers)
        for w in layer.weights
        if len(w.shape) > 1
    )
