"""The networks of the course: the report's brain-tumour CNN (two APIs), an improved variant,
and the report's Inception network for CIFAR-10. Layers are named so summaries are stable."""

from __future__ import annotations

from typing import Any

import keras
from keras import layers

from cnnlab.data.registry import BRAIN_TUMOR

# The data set's registry entry defines it; this alias is what the networks' defaults read.
BRAIN_IMAGE_SIZE = BRAIN_TUMOR.image_size
INCEPTION_FILTERS = ([64, 96, 128, 16, 32, 32], [128, 128, 192, 32, 96, 64])


def brain_tumor_sequential(
    input_shape: tuple[int, int, int] = (*BRAIN_IMAGE_SIZE, 1),
    filters: int = 32,
    units: int = 128,
    scale: float = 1 / 255,
) -> keras.Model:
    """The report's Sequential CNN: rescale, Conv2D 3x3, MaxPool, Flatten, Dense, sigmoid.

    ``scale=1.0`` feeds raw 0-255 pixels, as the report's code appears to (in
    shared/seed/hw-report-fa.txt its imports hold no Rescaling layer and it divides by 255 only
    for CIFAR-10).
    """
    return keras.Sequential(
        [
            keras.Input(shape=input_shape, name="image"),
            layers.Rescaling(scale, name="rescale"),
            layers.Conv2D(filters, 3, activation="relu", name="conv"),
            layers.MaxPooling2D(name="pool"),
            layers.Flatten(name="flatten"),
            layers.Dense(units, activation="relu", name="dense"),
            # float32 even under a mixed policy: a sigmoid and its loss need the precision.
            layers.Dense(1, activation="sigmoid", name="tumour", dtype="float32"),
        ],
        name="brain_tumor_sequential",
    )


def brain_tumor_functional(
    input_shape: tuple[int, int, int] = (*BRAIN_IMAGE_SIZE, 1),
    filters: int = 32,
    units: int = 128,
    scale: float = 1 / 255,
) -> keras.Model:
    """The same network as ``brain_tumor_sequential``, written with the Functional API."""
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Rescaling(scale, name="rescale")(inputs)
    x = layers.Conv2D(filters, 3, activation="relu", name="conv")(x)
    x = layers.MaxPooling2D(name="pool")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(units, activation="relu", name="dense")(x)
    # float32 even under a mixed policy: a sigmoid and its loss need the precision.
    outputs = layers.Dense(1, activation="sigmoid", name="tumour", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="brain_tumor_functional")


def brain_tumor_improved(input_shape: tuple[int, int, int] = (*BRAIN_IMAGE_SIZE, 1)) -> keras.Model:
    """A small CNN of our own: flips, three conv blocks, a small dropout-regularised head."""
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Rescaling(1 / 255, name="rescale")(inputs)
    # A tumour is a tumour in either hemisphere; active only in training.
    x = layers.RandomFlip("horizontal", name="flip")(x)
    for i, filters in enumerate((16, 32, 64), start=1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"conv{i}")(x)
        x = layers.MaxPooling2D(name=f"pool{i}")(x)
    # One more pooling keeps the Dense layer small: 16 x 16 x 64 inputs instead of 127 x 127 x 32.
    x = layers.MaxPooling2D(name="pool4")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.5, name="dropout1")(x)
    x = layers.Dense(64, activation="relu", name="dense")(x)
    x = layers.Dropout(0.3, name="dropout2")(x)
    # float32 even under a mixed policy: a sigmoid and its loss need the precision.
    outputs = layers.Dense(1, activation="sigmoid", name="tumour", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="brain_tumor_improved")


def inception_module(
    x: keras.KerasTensor, filters: list[int], name: str = "inception"
) -> keras.KerasTensor:
    """The report's Inception module: 1x1 | 1x1->3x3 | 1x1->5x5 | 3x3 max-pool->1x1, concatenated.

    ``filters = [f1x1, f3x3_reduce, f3x3, f5x5_reduce, f5x5, pool_proj]``.
    """
    if len(filters) != 6 or any(int(f) < 1 for f in filters):
        raise ValueError(
            "filters must be six positive counts "
            f"[f1x1, f3x3_reduce, f3x3, f5x5_reduce, f5x5, pool_proj], got {filters!r}"
        )
    f1, f3r, f3, f5r, f5, fp = filters

    def conv(t: keras.KerasTensor, n: int, k: int, part: str) -> keras.KerasTensor:
        return layers.Conv2D(n, k, padding="same", activation="relu", name=f"{name}_{part}")(t)

    branch1 = conv(x, f1, 1, "1x1")
    branch3 = conv(conv(x, f3r, 1, "3x3_reduce"), f3, 3, "3x3")
    branch5 = conv(conv(x, f5r, 1, "5x5_reduce"), f5, 5, "5x5")
    pooled = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    branch_pool = conv(pooled, fp, 1, "pool_proj")
    return layers.Concatenate(axis=-1, name=f"{name}_concat")(
        [branch1, branch3, branch5, branch_pool]
    )


def inception_cifar10(
    input_shape: tuple[int, int, int] = (32, 32, 3), num_classes: int = 10
) -> keras.Model:
    """The report's ``create_inception_model``: stem, two Inception modules, BN, GAP, softmax."""
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(64, 7, strides=2, padding="same", activation="relu", name="stem_conv")(inputs)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool")(x)
    x = inception_module(x, INCEPTION_FILTERS[0], name="inception1")
    x = inception_module(x, INCEPTION_FILTERS[1], name="inception2")
    x = layers.BatchNormalization(name="bn")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    # float32 even under a mixed policy: a softmax and its loss need the precision.
    outputs = layers.Dense(num_classes, activation="softmax", name="classes", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="inception_cifar10")


def dense_logit(layer: keras.layers.Dense, inputs: Any) -> Any:
    """The value a one-unit Dense layer computes before its activation (a sigmoid's logit)."""
    inputs = keras.ops.cast(inputs, layer.kernel.dtype)  # a mixed-precision body feeds bfloat16
    return keras.ops.matmul(inputs, layer.kernel)[:, 0] + layer.bias[0]


def layer_structure(model: keras.Model) -> list[tuple[str, int]]:
    """Each layer's type and parameter count, input layers left out (to compare two builds)."""
    return [
        (type(layer).__name__, layer.count_params())
        for layer in model.layers
        if not isinstance(layer, keras.layers.InputLayer)
    ]
