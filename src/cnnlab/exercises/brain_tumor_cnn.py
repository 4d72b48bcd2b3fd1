"""Exercises of notebook 03: how far a 128-image accuracy can be trusted, what a padding choice
costs the report's network, whether two models differ, and a Grad-CAM map. The tests recompute
each number of the tables of wrong answers from the mistake its message names."""

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
    as_array,
    as_count,
    as_number,
    as_truth,
    call,
    close,
    pair_of,
    parts_check,
    record_of,
    same_output,
)

# Exercise 1: the Wilson interval of 122 right out of 128, and whether 90.62% lies inside it.
CORRECT, TEST_IMAGES, FUNCTIONAL_ACCURACY = 122, 128, 0.9062
P_HAT, WILSON = CORRECT / TEST_IMAGES, stats.accuracy_interval(CORRECT, TEST_IMAGES)
INSIDE = WILSON.low <= FUNCTIONAL_ACCURACY <= WILSON.high
INTERVAL_TOLERANCE = 0.002
OTHER_INTERVALS = {
    (0.9165, 0.9897): "the normal-approximation (Wald) interval p ± 1.96·sqrt(p(1-p)/n): it is "
    "symmetric and can pass 100%; the Wilson interval is pulled towards 50%",
    (0.9008, 0.9826): "the exact (Clopper-Pearson) interval: valid but deliberately wide",
    (0.8994, 0.9805): "the Agresti-Coull interval (a Wald interval around Wilson's centre)",
    (0.9059, 0.9802): "the Jeffreys interval (Beta(k + 1/2, n - k + 1/2) quantiles)",
    (0.8964, 0.9808): "Wilson's interval with continuity correction, wider by about 1/2n",
}


def _interval(value: object) -> tuple[float, float]:
    if isinstance(value, stats.Accuracy):
        value = (value.low, value.high)
    return pair_of(as_number, "an interval (low, high)")(value)


def _is_wilson(ends: tuple[float, float]) -> bool:
    return close(ends, (WILSON.low, WILSON.high), INTERVAL_TOLERANCE)


WILSON_ENDS = Check(
    read=_interval,
    right=(WILSON.low, WILSON.high),
    tolerance=INTERVAL_TOLERANCE,  # half of it for the other intervals
    mistakes={
        lambda e: _is_wilson((e[0] / 100, e[1] / 100)): "those are percentages; give the ends as "
        f"fractions, like the accuracy {P_HAT:.4f}.",
        lambda e: _is_wilson(e[::-1]): "the right numbers in reversed order: give (low, high).",
        **{
            ends: f"that is {name}; the exercise asks for the Wilson (score) interval."
            for ends, name in OTHER_INTERVALS.items()
        },
        lambda e: not 0 <= e[0] <= e[1] <= 1: "an interval of an accuracy is (low, high) with "
        "0 <= low <= high <= 1.",
        lambda e: not e[0] <= P_HAT <= e[1]: "that interval does not contain the measured "
        f"accuracy {P_HAT:.4f}.",
        lambda e: abs(sum(e) / 2 - P_HAT) <= INTERVAL_TOLERANCE: "that is centred on the "
        "measured accuracy; Wilson's centre (p + z²/2n) / (1 + z²/n) is pulled towards 50%.",
    },
    otherwise="that interval contains the accuracy but is not Wilson's: solve "
    "|k/n - p| = 1.96 sqrt(p(1-p)/n) for p.",
)
INSIDE_ANSWER = Check(
    read=as_truth,
    right=INSIDE,
    otherwise=f"{FUNCTIONAL_ACCURACY:.2%} lies {'in' if INSIDE else 'out'}side Wilson's interval.",
)
FORM = '{"interval": (low, high), "inside": True or False}'
check_wilson_interval = parts_check(
    record_of({"interval": _interval, "inside": as_truth}, FORM),
    {"interval": WILSON_ENDS, "inside": INSIDE_ANSWER},
    hint="The Wilson interval holds every accuracy p whose score (k/n - p) / sqrt(p(1-p)/n) lies "
    "within ±1.96, here with k = 122 and n = 128: solve that quadratic in p, or let scipy's "
    f"binomial test compute it. Answer {FORM}.",
    solved=f"[{WILSON.low:.2%}, {WILSON.high:.2%}] around {P_HAT:.2%} leans towards 50%, and "
    f"{FUNCTIONAL_ACCURACY:.2%} lies {'in' if INSIDE else 'out'}side. But a point estimate "
    "against an interval is not a test: use the paired test of exercise 3.",
)

# Exercise 2: the report's Conv2D(32, 3x3) on 256 x 256 x 1, MaxPooling2D(2), Dense(128).
DENSE_SAME = (128 * 128 * 32 + 1) * 128


def _map_side(count: int) -> int | None:
    """The side s of the s x s x 32 map a Dense(128) with ``count`` weights reads, if any."""
    side = math.isqrt(max(count // 128 - 1, 0) // 32)
    return side if side and (side * side * 32 + 1) * 128 == count else None


check_dense_parameters = Check(
    hint="Follow the shape: what does a 3x3 'same' convolution leave of 256 x 256, what does "
    "pooling by 2 leave of that, and how many values does Flatten then hand to each of the 128 "
    "units (plus a bias)?",
    read=lambda a: as_count(a, "a whole number of weights"),
    right=DENSE_SAME,
    solved=f"'same' keeps 256 x 256, pooling leaves 128 x 128 x 32 = 524,288 inputs: "
    f"(524,288 + 1) x 128 = {DENSE_SAME:,}, 99.999% of the network's weights in one layer.",
    mistakes={
        66_064_512: "that is the valid-padding count the notebook prints: 'valid' trims the "
        "output to 254 x 254; 'same' pads the border and keeps 256 x 256.",
        DENSE_SAME - 128: "that forgets the bias: each of the 128 units has one more weight.",
        67_109_441: "that counts the whole network; the exercise asks for the Dense(128) alone.",
        66_064_961: "that counts the whole (valid-padding) network; the exercise asks for the "
        "Dense(128) alone, with 'same' padding.",
        268_435_584: "that forgets the pooling: MaxPooling2D(2) halves 256 x 256 to 128 x 128.",
        2_097_280: "that forgets the 32 channels: Flatten hands over height x width x channels.",
        lambda n: abs((_map_side(n) or 0) - 128) <= 2: "that is a Dense layer on a map a little "
        "off 128 x 128 x 32: check the rounding; pooling by 2 turns 256 into exactly 128.",
        lambda n: _map_side(n) is not None: "that is a Dense layer on a square map of 32 "
        "channels, but not the one Flatten receives: follow the shape through the layers.",
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
    solved=f"p = {P:.3f}, not significant at 5%: chance alone often splits 19 disagreements 5 to "
    "14. That is no proof the models are equally good, and the 431 images both get right or "
    "both wrong say nothing about which is better.",
    mistakes={
        round(P, 2): "right, but rounded to 2 decimals: give 3 significant digits.",
        81 / 19: f"that is the chi-square statistic (b - c)²/(b + c), not a p-value; {EXACT}.",
        0.0389: f"that is the chi-square approximation without continuity correction; {EXACT}.",
        64 / 19: f"that is the continuity-corrected chi-square statistic, not a p-value; {EXACT}.",
        0.0665: f"that is the continuity-corrected chi-square p-value; {EXACT}.",
        P / 2: "that is the one-sided p-value; the question is whether the models differ either "
        "way: give the two-sided p.",
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

# Exercise 4: Grad-CAM (Selvaraju et al. 2017) on a tiny model the check builds. Its head is
# Flatten + Dense, not global pooling, so Grad-CAM differs there from the notebook's HiResCAM.
CAM_LAYER = "features"


@cache
def cam_parts() -> tuple[keras.Model, np.ndarray, np.ndarray, np.ndarray]:
    """A tiny seeded network (a linear score), an image, and the activations A and dScore/dA."""
    seeded = {"kernel_initializer": keras.initializers.GlorotUniform(seed=3)}
    inputs = keras.Input((12, 12, 1))
    features = keras.layers.Conv2D(4, 3, activation="relu", name=CAM_LAYER, **seeded)(inputs)
    hidden = keras.layers.Dense(8, activation="relu", **seeded)(keras.layers.Flatten()(features))
    score = keras.layers.Dense(1, name="score", **seeded)(hidden)
    image = np.random.default_rng(0).uniform(size=(12, 12, 1)).astype("float32")
    with tf.GradientTape() as tape:
        a, s = keras.Model(inputs, [features, score])(image[None])
    return keras.Model(inputs, score), image, a[0].numpy(), tape.gradient(s, a)[0].numpy()


def cam_of(function: object) -> np.ndarray:
    """The student's ``grad_cam(model, image, layer_name)`` map, scaled to a peak of 1 (a map
    is as right raw as scaled)."""
    model, image, _, _ = cam_parts()
    got = call(function, "grad_cam(model, image, layer_name)", model, image.copy(), CAM_LAYER)
    per_channel = "your map still has one value per channel: sum over the channels."
    known = {(10, 10, 4): per_channel, (1, 10, 10, 4): per_channel}
    cam = as_array(got, (10, 10), "a map at the layer's resolution", known)
    return cam / cam.max() if cam.max() > 0 else cam


def _map(combine: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> Callable[[Any], bool]:
    """A predicate: the student's map is ``combine(A, dScore/dA)``."""
    return same_output(cam_of, lambda *_: combine(*cam_parts()[2:]), 1e-3)


def _channel_weights(g: np.ndarray) -> np.ndarray:
    """Grad-CAM's weight of each channel: its gradient averaged over the map."""
    return g.mean(axis=(0, 1))


check_grad_cam = Check(
    hint="write grad_cam(model, image, layer_name): the gradient of the model's score with "
    "respect to the layer's activations (tf.GradientTape), averaged over the map for each "
    "channel; weight each channel's activations by that average, sum over the channels, then "
    "ReLU. Return the (height, width) map at the layer's size.",
    read=cam_of,
    right=_map(lambda a, g: np.maximum((_channel_weights(g) * a).sum(axis=-1), 0)),
    solved="your map is Grad-CAM's: one weight per channel, the gradient averaged over the map. "
    "Compare it with §5's HiResCAM: on a Flatten + Dense head that average can credit "
    "positions the head ignores.",
    mistakes={
        _map(lambda a, g: np.maximum((g * a).sum(axis=-1), 0)): "that is HiResCAM, §5's map: it "
        "keeps each gradient at its position. Grad-CAM first averages each channel's gradients "
        "over the map.",
        _map(
            lambda a, g: (_channel_weights(g) * a).sum(axis=-1)
        ): "your map has negative values: end with a ReLU.",
        _map(lambda a, g: np.maximum((np.abs(g).mean(axis=(0, 1)) * a).sum(axis=-1), 0)): "you "
        "averaged the gradients' absolute values: a channel that lowers the score would count as "
        "evidence. Average the signed gradients.",
        _map(lambda a, g: np.maximum(g.sum(axis=-1), 0)): "you summed the gradients alone: "
        "weight the activations by them first.",
        _map(lambda a, g: a.sum(axis=-1)): "you summed the activations alone: weight each "
        "channel by its mean gradient first.",
    },
    otherwise="your map differs from Grad-CAM's: average each channel's gradient over the map, "
    "weight the channel's activations by it, sum over the channels, then ReLU (no resizing).",
)
