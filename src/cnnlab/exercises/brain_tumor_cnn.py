"""Exercises of notebook 03: how far a 128-image test accuracy can be trusted, what a padding
choice costs the report's network, whether two models really differ, and a HiResCAM map.

The tables of recognised wrong answers hold numbers; tests/test_exercises_brain_tumor_cnn.py
recomputes each one from the mistake its message names.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from scipy.stats import binomtest

from cnnlab import stats
from cnnlab.exercises import (
    Check,
    Unusable,
    as_array,
    as_count,
    as_function,
    as_number,
    as_truth,
    call,
    near,
    pair_of,
    record_of,
    shape_of,
)

CORRECT, TEST_IMAGES, FUNCTIONAL_ACCURACY = 122, 128, 0.9062
P_HAT = CORRECT / TEST_IMAGES
WILSON = stats.accuracy_interval(CORRECT, TEST_IMAGES)
INSIDE = WILSON.low <= FUNCTIONAL_ACCURACY <= WILSON.high
INTERVAL_TOLERANCE = 0.002
OTHER_INTERVALS = {
    (0.9165, 0.9897): "the normal-approximation (Wald) interval p ± 1.96·sqrt(p(1-p)/n): it is "
    "symmetric and can pass 100%; the Wilson interval is pulled towards 50%",
    (0.9008, 0.9826): "the exact (Clopper-Pearson) interval: valid but deliberately wide",
    (0.8994, 0.9805): "the Agresti-Coull interval (a Wald interval around Wilson's centre): "
    "close, but wider",
    (0.9059, 0.9802): "the Jeffreys interval (Beta(k + 1/2, n - k + 1/2) quantiles)",
    (0.8964, 0.9808): "Wilson's interval with continuity correction, wider by about 1/2n",
}
FORM = '{"interval": (low, high), "inside": True or False}'


def _interval(value: object) -> tuple[float, float]:
    if isinstance(value, stats.Accuracy):
        value = (value.low, value.high)
    return pair_of(as_number, "an interval (low, high)")(value)


def _on_interval(test: Callable[[Any], bool]) -> Callable[[dict[str, Any]], bool]:
    """A predicate on the answer's interval (low, high)."""
    return lambda answer: test(answer["interval"])


def _is_wilson(ends: tuple[float, float]) -> bool:
    return near((WILSON.low, WILSON.high), INTERVAL_TOLERANCE)(ends)


check_wilson_interval = Check(
    hint=f"The Wilson interval holds every accuracy p whose score (k/n - p) / sqrt(p(1-p)/n) lies "
    f"within ±1.96, here with k = {CORRECT} and n = {TEST_IMAGES}: solve that quadratic in p, "
    f"or let scipy's binomial test compute it. Answer {FORM}.",
    read=record_of({"interval": _interval, "inside": as_truth}, FORM),
    right=lambda a: _is_wilson(a["interval"]) and a["inside"] == INSIDE,
    solved=f"[{WILSON.low:.2%}, {WILSON.high:.2%}] around {P_HAT:.2%}: it is not symmetric, it "
    f"leans towards 50%, and {FUNCTIONAL_ACCURACY:.2%} lies {'in' if INSIDE else 'out'}side. But "
    "comparing the other model's point estimate with this interval is not a test: use the "
    "paired test of exercise 3.",
    mistakes={
        _on_interval(_is_wilson): f"the interval is right, but {FUNCTIONAL_ACCURACY:.2%} lies "
        f"{'in' if INSIDE else 'out'}side it.",
        _on_interval(lambda e: _is_wilson((e[0] / 100, e[1] / 100))): "those are percentages; give "
        f"the ends as fractions, like the accuracy {P_HAT:.4f}.",
        _on_interval(lambda e: _is_wilson(e[::-1])): "the right two numbers in reversed "
        "order: give the lower end first, (low, high).",
        **{
            _on_interval(near(ends, 0.001)): f"that is {name}; the exercise asks for the Wilson "
            "(score) interval."
            for ends, name in OTHER_INTERVALS.items()
        },
        _on_interval(lambda e: not 0 <= e[0] <= e[1] <= 1): "an interval of an accuracy is "
        "(low, high) with 0 <= low <= high <= 1.",
        _on_interval(lambda e: not e[0] <= P_HAT <= e[1]): "that interval does not contain the "
        f"measured accuracy {P_HAT:.4f}.",
        _on_interval(lambda e: abs(sum(e) / 2 - P_HAT) <= INTERVAL_TOLERANCE): "that is "
        "centred on the measured accuracy; Wilson's centre (p + z²/2n) / (1 + z²/n) is pulled "
        "towards 50%.",
    },
    otherwise="that interval contains the accuracy but is not Wilson's: solve "
    "|k/n - p| = 1.96 sqrt(p(1-p)/n) for p.",
)

# Exercise 2: the report's Conv2D(32, 3x3) on 256 x 256 x 1, MaxPooling2D(2), Dense(128).
FILTERS, UNITS, POOLED = 32, 128, 128
DENSE_SAME = (POOLED * POOLED * FILTERS + 1) * UNITS


def _map_side(count: int) -> int | None:
    """The side s of the s x s x 32 map a Dense(128) with ``count`` weights reads, if any."""
    inputs, rest = divmod(count, UNITS)
    side = math.isqrt(max(inputs - 1, 0) // FILTERS)
    return side if side and not rest and (side * side * FILTERS + 1) * UNITS == count else None


check_dense_parameters = Check(
    hint="Follow the shape: what does a 3x3 'same' convolution leave of 256 x 256, what does "
    "pooling by 2 leave of that, and how many values does Flatten then hand to each of the 128 "
    "units (plus a bias)?",
    read=lambda a: as_count(a, "a whole number of weights"),
    right=DENSE_SAME,
    solved=f"'same' keeps 256 x 256, pooling halves it to 128 x 128 x 32 = 524,288 inputs, so "
    f"(524,288 + 1) x 128 = {DENSE_SAME:,}: 1,044,480 more than with 'valid'. This one layer "
    "holds 99.999% of the network's weights.",
    mistakes={
        66_064_512: "that is the valid-padding count the notebook prints: 'valid' trims the 3x3 "
        "convolution's output to 254 x 254; 'same' pads the border and keeps 256 x 256.",
        DENSE_SAME - UNITS: "that forgets the bias: each of the 128 units has one more weight.",
        67_109_441: "that counts the whole network; the exercise asks for the Dense(128) alone.",
        66_064_961: "that counts the whole (valid-padding) network; the exercise asks for the "
        "Dense(128) layer alone, with 'same' padding.",
        268_435_584: "that forgets the pooling: MaxPooling2D(2) halves both sides before "
        "Flatten, 256 x 256 becomes 128 x 128.",
        2_097_280: "that forgets the 32 channels: Flatten hands over height x width x channels.",
        lambda n: abs((_map_side(n) or 0) - POOLED) <= 2: "that is a Dense layer on a map a "
        "little off 128 x 128 x 32: check the rounding; pooling by 2 turns 256 into exactly 128.",
        lambda n: _map_side(n) is not None: "that is a Dense layer on a square map of 32 "
        "channels, but not the one Flatten receives: follow the shape through the convolution "
        "and the pooling.",
    },
    otherwise="that is not it: find the shape Flatten receives, then (inputs + 1) x 128.",
)

# Exercise 3: 450 images; only A is right on 5, only B on 14.
P = float(binomtest(5, 19, 0.5).pvalue)
EXACT = "with only 19 discordant images the exact binomial test is the right one"


def _p_value(value: object) -> float:
    if isinstance(value, stats.McNemar):
        value = value.p_value
    return as_number(value, "a p-value (a number between 0 and 1)")


check_mcnemar = Check(
    hint="Only the images the two models disagree on carry evidence. If the models were equally "
    "good, each disagreement would go either way with probability 1/2: scipy.stats.binomtest "
    "does the rest.",
    read=_p_value,
    right=P,
    tolerance=0.002,
    solved=f"p = {P:.3f}, not significant at 5%: 5 against 14 is a split chance alone produces "
    "often enough. That is no proof the models are equally good, only that these 19 "
    "disagreements cannot tell them apart. The other 431 images, which both models get right "
    "or both wrong, say nothing about which is better.",
    mistakes={
        round(P, 2): "right, but rounded to 2 decimals: give 3 significant digits.",
        81 / 19: f"that is the chi-square statistic (b - c)²/(b + c), not a p-value; {EXACT}.",
        0.0389: f"that is the chi-square approximation without continuity correction; {EXACT}.",
        64 / 19: f"that is the continuity-corrected chi-square statistic, not a p-value; {EXACT}.",
        0.0665: f"that is the continuity-corrected chi-square p-value; {EXACT}.",
        P / 2: "that is the one-sided p-value; the question is whether the models differ in "
        "either direction: give the two-sided p.",
        0.9904: "that is a one-sided p-value for 'A is better', the opposite of what the data "
        "suggest; give the two-sided p-value.",
        0.4240: "you used 14 trials; the trials are all 19 disagreements.",
        19: "19 is the number of discordant images, the n of the test, not a p-value.",
        lambda p: (
            abs(p / 100 - P) <= 0.002
        ): "that is a percentage; give the p-value as a fraction.",
        lambda p: not 0 <= p <= 1: "that is not a probability: a p-value lies between 0 and 1.",
    },
    otherwise="that is not it: how likely is a split of 19 disagreements at least as uneven as "
    "5 against 14 when each goes either way with probability 1/2?",
)

# Exercise 4: a HiResCAM map (Draelos & Carin 2020) on a tiny model the check builds. Its
# head is Flatten + Dense, not global pooling: there HiResCAM would equal Grad-CAM.
CAM_LAYER = "features"


@cache
def cam_model() -> keras.Model:
    """A tiny seeded convolutional network with a one-unit linear output (the score)."""
    seeded = {"kernel_initializer": keras.initializers.GlorotUniform(seed=3)}
    inputs = keras.Input((12, 12, 1))
    x = keras.layers.Conv2D(4, 3, activation="relu", name=CAM_LAYER, **seeded)(inputs)
    x = keras.layers.Dense(8, activation="relu", **seeded)(keras.layers.Flatten()(x))
    return keras.Model(inputs, keras.layers.Dense(1, name="score", **seeded)(x))


@cache
def cam_parts() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The image (12, 12, 1), the layer's activations A and dScore/dA, each (10, 10, 4)."""
    image = np.random.default_rng(0).uniform(size=(12, 12, 1)).astype("float32")
    model = cam_model()
    probe = keras.Model(model.input, [model.get_layer(CAM_LAYER).output, model.output])
    with tf.GradientTape() as tape:
        features, score = probe(image[None])
    grads = tape.gradient(score, features)
    return image, features[0].numpy().astype(float), grads[0].numpy().astype(float)


def cam_of(function: object) -> np.ndarray:
    """The map the student's ``hirescam(model, image, layer_name)`` returns for the image."""
    hirescam = as_function(function, "hirescam(model, image, layer_name)")
    image, features, _ = cam_parts()
    got = call(hirescam, cam_model(), image.copy(), CAM_LAYER)
    if shape_of(got) in ((1, 10, 10), (10, 10, 1)):
        got = np.reshape(got, (10, 10))
    if shape_of(got) in ((10, 10, 4), (1, 10, 10, 4)):
        raise Unusable("your map still has one value per channel: sum over the channels.")
    return as_array(got, (10, 10), "a map at the layer's resolution")


def _is_map(map_of: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> Callable[[Any], bool]:
    """A predicate: the answer is this map of (A, dScore/dA), raw or scaled to a peak of 1."""

    def matches(got: np.ndarray) -> bool:
        target = map_of(*cam_parts()[1:])
        scaled = target / target.max() if target.max() > 0 else target
        return any(np.allclose(got, t, rtol=1e-3, atol=1e-6) for t in (target, scaled))

    return matches


check_hirescam = Check(
    hint="write hirescam(model, image, layer_name): the gradient of the model's score with respect "
    "to the layer's activations (tf.GradientTape), times the activations element by element, "
    "summed over the channels, then ReLU. Return the (height, width) map at the layer's size.",
    read=cam_of,
    right=_is_map(lambda a, g: np.maximum((g * a).sum(axis=-1), 0)),
    solved="your map is HiResCAM's: each position's activations weighted by their own "
    "gradients, so it shows exactly which positions raised the score. Grad-CAM averages the "
    "gradients over the map first, and can show places that did not matter.",
    mistakes={
        _is_map(lambda a, g: np.maximum((g.mean(axis=(0, 1)) * a).sum(axis=-1), 0)): "that is "
        "Grad-CAM: it averages each channel's gradients over the map before weighting; HiResCAM "
        "multiplies gradient and activation position by position.",
        _is_map(
            lambda a, g: (g * a).sum(axis=-1)
        ): "your map has negative values: end with a ReLU.",
        _is_map(lambda a, g: np.abs(g * a).sum(axis=-1)): "you took absolute values: positions "
        "that lowered the score count as evidence too. Sum the signed products, then ReLU.",
        _is_map(lambda a, g: np.maximum(g.sum(axis=-1), 0)): "you summed the gradients alone: "
        "multiply them by the activations first.",
        _is_map(lambda a, g: a.sum(axis=-1)): "you summed the activations alone: weight them by "
        "the score's gradients first.",
    },
    otherwise="your map differs from HiResCAM's: gradient x activation, element by element, "
    "summed over the channels, then ReLU (no resizing).",
)
