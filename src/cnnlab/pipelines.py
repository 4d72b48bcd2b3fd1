"""tf.data input pipelines: decode once, cache, shuffle with a seed, batch, prefetch."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import tensorflow as tf

BRAIN_BATCH_SIZE = 64


def decode_grayscale(path: tf.Tensor, size: tuple[int, int]) -> tf.Tensor:
    """Read any image file (JPEG or PNG whatever its name says), as one channel, resized."""
    image = tf.io.decode_image(tf.io.read_file(path), channels=1, expand_animations=False)
    return tf.image.resize(image, size)  # bilinear, float32, as image_dataset_from_directory


def brain_images(
    paths: list[Path],
    labels: np.ndarray,
    size: tuple[int, int],
    batch_size: int = BRAIN_BATCH_SIZE,
    shuffle_seed: int | None = None,
) -> tf.data.Dataset:
    """Batches of (image, label): files decoded once, then cached in memory for later epochs."""
    ds = tf.data.Dataset.from_tensor_slices(([str(p) for p in paths], labels.astype("float32")))
    ds = ds.map(lambda p, y: (decode_grayscale(p, size), y), num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.cache()
    if shuffle_seed is not None:
        ds = ds.shuffle(len(paths), seed=shuffle_seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def image_batches(
    images: np.ndarray,
    labels: np.ndarray,
    batch_size: int,
    num_classes: int,
    shuffle_seed: int | None = None,
    augment: Callable[[tf.Tensor, tf.Tensor], tf.Tensor] | None = None,
    augment_seed: int | None = None,
) -> tf.data.Dataset:
    """A tf.data pipeline: uint8 images scaled to [0, 1], one-hot labels, optional seeded
    per-epoch shuffling and ``augment(image, seed)`` (both different every epoch, identical
    every run), e.g. notebook 05's ``cifar_recipe.augment_cifar``."""
    if (augment is None) != (augment_seed is None):
        raise ValueError("augment and augment_seed go together: give both or neither")
    ds = tf.data.Dataset.from_tensor_slices((images, labels.ravel().astype("int32")))
    if shuffle_seed is not None:
        ds = ds.shuffle(len(images), seed=shuffle_seed, reshuffle_each_iteration=True)
    if augment is not None:
        # Flips and crops only move pixels, so they act on the uint8 image, a quarter of the
        # bytes; each image draws its own seed.
        seeds = tf.data.Dataset.random(seed=augment_seed, rerandomize_each_iteration=True)
        ds = tf.data.Dataset.zip(ds, seeds.batch(2)).map(
            lambda pair, seed: (augment(pair[0], seed), pair[1]),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    # Scaling and one-hot once per batch rather than once per image: fewer, larger ops.
    ds = ds.batch(batch_size).map(
        lambda x, y: (tf.cast(x, tf.float32) / 255.0, tf.one_hot(y, num_classes)),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    return ds.prefetch(tf.data.AUTOTUNE)
