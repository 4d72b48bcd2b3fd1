"""Reading a built Keras model: a one-unit head's logit, and its layers for comparison."""

from __future__ import annotations

from typing import Any

import keras


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
