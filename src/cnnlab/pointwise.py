"""1x1 (pointwise) convolutions: what they compute, what they learn, what they save."""

from __future__ import annotations

import keras
import numpy as np
from matplotlib import cbook

from cnnlab.shapes import conv2d_macs, conv_params

BT601_LUMA = np.array([0.299, 0.587, 0.114])
SAMPLE_PHOTOS = ("grace_hopper.jpg", "Minduka_Present_Blue_Pack.png")


def pointwise_reference(images: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """A 1x1 convolution as a per-pixel matrix product over channels: (B,H,W,C) @ (C,F) + b."""
    return np.einsum("bhwc,cf->bhwf", images, kernel.reshape(kernel.shape[-2:])) + bias


def sample_photos() -> list[np.ndarray]:
    """The colour photographs that ship with matplotlib, as float RGB arrays in [0, 1]."""
    from PIL import Image

    photos = []
    for name in SAMPLE_PHOTOS:
        with Image.open(cbook.get_sample_data(name, asfileobj=False)) as image:
            photos.append(np.asarray(image.convert("RGB"), dtype="float32") / 255.0)
    return photos


def grayscale_patches(
    photos: list[np.ndarray], size: int = 16, count: int = 2048, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Random RGB patches and their BT.601 luminance, as (x, y) training arrays."""
    rng = np.random.default_rng(seed)
    patches = []
    for _ in range(count):
        photo = photos[rng.integers(len(photos))]
        top = rng.integers(photo.shape[0] - size)
        left = rng.integers(photo.shape[1] - size)
        patches.append(photo[top : top + size, left : left + size])
    x = np.stack(patches).astype("float32")
    y = (x @ BT601_LUMA.astype("float32"))[..., None]
    return x, y


def train_grayscale_filter(x: np.ndarray, y: np.ndarray, epochs: int = 30) -> keras.Model:
    """Fit one 1x1 Conv2D filter (no activation) that maps RGB to the target luminance."""
    model = keras.Sequential(
        [keras.Input(shape=(None, None, 3)), keras.layers.Conv2D(1, 1, name="to_gray")]
    )
    # R, G and B are strongly correlated in photographs, so the loss is a long narrow valley
    # (condition number ~1,500 here); heavy-ball momentum crosses it far faster than Adam or
    # plain SGD, and the target is exactly linear, so no decay is needed to settle.
    model.compile(keras.optimizers.SGD(0.5, momentum=0.9), loss="mse")
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
    return model


def reduction_costs(
    height: int, width: int, in_channels: int, out_channels: int, kernel: int, reduce_to: int
) -> list[dict[str, str | int]]:
    """Parameters and multiply-adds of a k x k convolution, direct vs after a 1x1 reduction."""
    direct = {
        "params": conv_params(kernel * kernel, in_channels, out_channels),
        "MACs": conv2d_macs(height, width, kernel, in_channels, out_channels),
    }
    reduce = {
        "params": conv_params(1, in_channels, reduce_to),
        "MACs": conv2d_macs(height, width, 1, in_channels, reduce_to),
    }
    then = {
        "params": conv_params(kernel * kernel, reduce_to, out_channels),
        "MACs": conv2d_macs(height, width, kernel, reduce_to, out_channels),
    }
    total = {key: reduce[key] + then[key] for key in direct}
    return [
        {"step": f"{kernel}x{kernel} conv, {in_channels} -> {out_channels}", **direct},
        {"step": f"1x1 conv, {in_channels} -> {reduce_to}", **reduce},
        {"step": f"{kernel}x{kernel} conv, {reduce_to} -> {out_channels}", **then},
        {"step": "1x1 reduction + conv, total", **total},
    ]


def keras_conv_params(height: int, width: int, in_channels: int, filters: int, kernel: int) -> int:
    """Keras's own parameter count for a 'same' Conv2D, to cross-check the formulas."""
    layer = keras.layers.Conv2D(filters, kernel, padding="same")
    layer.build((None, height, width, in_channels))
    return layer.count_params()
