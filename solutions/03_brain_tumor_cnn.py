"""Worked solutions to the exercises of notebook 03 (the brain-tumour CNN).

Exercise 1: the Wilson interval solves |p_hat - p| = z sqrt(p(1 - p)/n) for p, which gives the
centre (p_hat + z²/2n) / (1 + z²/n) and half-width z sqrt(p_hat(1 - p_hat)/n + z²/4n²) / (1 + z²/n).
With p_hat = 122/128 it is about (0.902, 0.978), and 0.9062 lies inside it.

Exercise 2: with padding='same' the 3x3 convolution keeps 256 x 256 x 32, pooling by 2 leaves
128 x 128 x 32 = 524,288 values, and each of the 128 units has one weight per value plus a bias.

Exercise 3: only the 19 disagreements count. If the models are equally good, the number that go
to A is Binomial(19, 1/2); the p-value is the chance of a split at least as uneven as 5 to 14.

Exercise 4: Grad-CAM (Selvaraju et al. 2017) averages the score's gradient over the map for each
channel, weights the channel's activations by it and sums over the channels; HiResCAM (the
notebook's §5) keeps each gradient at its position instead.

``CELLS`` maps each exercise cell's nbgrader grade id to the code ``make instructor`` fills it
with.
"""

import inspect

import keras
import numpy as np
import tensorflow as tf
from scipy.stats import binomtest, norm


def wilson_interval(correct: int = 122, n: int = 128) -> tuple[float, float]:
    """The 95% Wilson interval of the accuracy correct / n, from its closed form."""
    z = norm.ppf(0.975)
    p = correct / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return float(centre - half), float(centre + half)


def wilson_answer() -> dict[str, object]:
    """The interval, and whether the Functional model's 90.62% lies inside it."""
    low, high = wilson_interval()
    return {"interval": (low, high), "inside": low <= 0.9062 <= high}


def dense_parameters() -> int:
    """Weights of the Dense(128) layer when the convolution pads 'same'."""
    side = 256 // 2  # 'same' keeps 256, pooling by 2 halves it
    inputs = side * side * 32
    return (inputs + 1) * 128


def mcnemar_p_value() -> float:
    """Two-sided exact McNemar p-value: a binomial test on the 5 + 14 disagreements."""
    return float(binomtest(5, 5 + 14, 0.5).pvalue)


def grad_cam(model: keras.Model, image: np.ndarray, layer_name: str) -> np.ndarray:
    """Grad-CAM of ``image`` at ``layer_name``: ReLU of the channels weighted by mean dScore/dA."""
    probe = keras.Model(model.input, [model.get_layer(layer_name).output, model.output])
    with tf.GradientTape() as tape:
        features, score = probe(image[None])
    weights = tf.reduce_mean(tape.gradient(score, features), axis=(1, 2), keepdims=True)
    return tf.nn.relu(tf.reduce_sum(weights * features, axis=-1))[0].numpy()


_ANSWER = {"interval": (0.9015, 0.9783), "inside": True}
CELLS = {
    "wilson_interval": f"answer = {_ANSWER!r}\ncheck_wilson_interval(answer)",
    "dense_parameters": f"answer = {dense_parameters()}\ncheck_dense_parameters(answer)",
    "mcnemar": f"answer = {mcnemar_p_value():.4f}\ncheck_mcnemar(answer)",
    "grad_cam": "from cnnlab.exercises.brain_tumor_cnn import check_grad_cam\n\n\n"
    f"{inspect.getsource(grad_cam)}\n\ncheck_grad_cam(grad_cam)",
}
