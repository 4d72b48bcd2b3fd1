"""1x1 (pointwise) convolutions: what they compute, what they learn, what they save."""

from __future__ import annotations

import keras
import numpy as np
from matplotlib import cbook

from cnnlab.shapes import conv2d_macs, conv_params

BT601_LUMA = np.array([0.299, 0.587, 0.114])
SAMPLE_PHOTOS = ("grace_hopper.jpg", "Minduka_Present_Blue_Pack.png")


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
    # (condition number ~1,400); in full-batch steps heavy-ball momentum crosses it ~40x faster
    # than plain gradient descent and ~4x faster than Adam (optimizer_race, notebook 04). The
    # target is exactly linear, so no decay is needed to settle.
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


def luma_loss_quadratic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(A, b) of the 1x1 filter's mean squared error, w·A·w - 2b·w + const, w = (R, G, B, bias)."""
    pixels = x.reshape(-1, x.shape[-1]).astype("float64")
    features = np.hstack([pixels, np.ones((len(pixels), 1))])
    return features.T @ features / len(features), features.T @ y.reshape(-1) / len(features)


def steps_to_solve(
    a: np.ndarray,
    b: np.ndarray,
    method: str,
    rate: float,
    tolerance: float = 0.01,
    max_steps: int = 20_000,
) -> int | None:
    """Full-batch steps of 'sgd', 'momentum' (0.9) or 'adam' from w = 0 until every weight but
    the bias is within ``tolerance`` of the least-squares solution; None if it never gets there.
    """
    solution = np.linalg.solve(a, b)
    w, velocity, first, second = (np.zeros(len(b)) for _ in range(4))
    for step in range(1, max_steps + 1):
        gradient = 2 * (a @ w - b)
        if method == "sgd":
            w = w - rate * gradient
        elif method == "momentum":
            velocity = 0.9 * velocity - rate * gradient
            w = w + velocity
        elif method == "adam":
            first = 0.9 * first + 0.1 * gradient
            second = 0.999 * second + 0.001 * gradient**2
            w = w - rate * (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + 1e-7)
        else:
            raise ValueError(f"method must be 'sgd', 'momentum' or 'adam', got {method!r}")
        if not np.all(np.abs(w) < 1e6):  # diverging: stop before the numbers overflow
            return None
        if np.max(np.abs(w[:-1] - solution[:-1])) < tolerance:
            return step
    return None


def optimizer_race(
    a: np.ndarray,
    b: np.ndarray,
    rates: tuple[float, ...] = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0),
    tolerance: float = 0.01,
) -> list[dict[str, str | float | int]]:
    """Each optimiser at its best rate from ``rates``: fewest full-batch steps to the solution."""
    rows: list[dict[str, str | float | int]] = []
    for method in ("sgd", "momentum", "adam"):
        results = {rate: steps_to_solve(a, b, method, rate, tolerance) for rate in rates}
        best = min((steps, rate) for rate, steps in results.items() if steps is not None)
        rows.append({"optimizer": method, "best rate": best[1], "steps": best[0]})
    return rows


def separable_params(in_channels: int, filters: int, kernel: int) -> dict[str, int]:
    """Keras's parameter counts: standard k x k Conv2D vs depthwise k x k + pointwise 1x1."""
    shape = (None, 32, 32, in_channels)
    standard = keras.layers.Conv2D(filters, kernel)
    depthwise = keras.layers.DepthwiseConv2D(kernel)
    pointwise = keras.layers.Conv2D(filters, 1)
    standard.build(shape)
    depthwise.build(shape)
    pointwise.build(shape)
    return {
        f"standard {kernel}x{kernel} conv": standard.count_params(),
        f"depthwise {kernel}x{kernel}": depthwise.count_params(),
        "pointwise 1x1": pointwise.count_params(),
        "depthwise-separable, total": depthwise.count_params() + pointwise.count_params(),
    }
