"""Exercises of notebook 03: how far a 128-image test accuracy can be trusted, what a padding
choice costs the report's network, and whether two models on the same images really differ."""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import binomtest, chi2

from cnnlab.exercises import Feedback, as_number, as_pair, is_whole, solved, unanswered, wrong
from cnnlab.shapes import conv1d_output_length, conv_params, dense_params, pool1d_output_length
from cnnlab.stats import accuracy_interval, wald_interval

TEST_IMAGES = 128
SEQUENTIAL_CORRECT = 122
INTERVAL_TOLERANCE = 0.002

IMAGE_SIDE, CHANNELS = 256, 1
FILTERS, KERNEL, POOL, UNITS = 32, 3, 2, 128

PAIRED_IMAGES = 450
ONLY_A_RIGHT, ONLY_B_RIGHT = 5, 14
P_TOLERANCE = 0.002
# Slips are matched more tightly than the tolerance, so no slip can hide a right answer.
SLIP_TOLERANCE = 0.001


def _near(got: tuple[float, float], target: tuple[float, float], tolerance: float) -> bool:
    return all(abs(g - t) <= tolerance for g, t in zip(got, target, strict=True))


def _as_interval(answer: object) -> tuple[float, float] | str:
    """The answer as (low, high) (an ``Interval`` too), or the reason it is not a pair."""
    if hasattr(answer, "low") and hasattr(answer, "high"):
        answer = (answer.low, answer.high)
    return as_pair(answer, "an interval", "(low, high)")


def check_wilson_interval(answer: object) -> Feedback:
    """Exercise 1: the 95% Wilson interval of the Sequential model's 122/128 test accuracy."""
    n, k = TEST_IMAGES, SEQUENTIAL_CORRECT
    if answer is None:
        return unanswered(
            f"The Wilson interval holds every accuracy p whose score (k/n - p) / sqrt(p(1-p)/n) "
            f"lies within ±1.96, here with k = {k} and n = {n}: solve that quadratic in p, or "
            "let scipy's binomial test compute it. Give its two ends as fractions, (low, high)."
        )
    pair = _as_interval(answer)
    if isinstance(pair, str):
        return wrong(pair)
    low, high = pair
    right = accuracy_interval(k, n)
    target = (right.low, right.high)
    p = k / n
    if max(low, high) > 1 and _near((low / 100, high / 100), target, INTERVAL_TOLERANCE):
        return wrong(
            f"those are percentages; give the ends as fractions, ({low / 100:.4f}, "
            f"{high / 100:.4f}), like the accuracy {p:.4f}."
        )
    if min(low, high) < 0 or max(low, high) > 1:
        return wrong("an accuracy lies between 0 and 1, so both ends of its interval must too.")
    if low > high and _near((high, low), target, INTERVAL_TOLERANCE):
        return wrong(
            "the right two numbers in reversed order: give the lower end first, (low, high)."
        )
    if low > high:
        return wrong(
            f"the lower end {low:.4f} is above the upper end {high:.4f}: give (low, high)."
        )
    if _near((low, high), target, INTERVAL_TOLERANCE):
        return solved(
            f"[{right.low:.2%}, {right.high:.2%}] around {p:.2%}: it is not symmetric, it leans "
            "towards 50%. Comparing the other model's point estimate with this interval is not "
            "a test: use the paired test of exercise 3."
        )
    if _near((low, high), wald_interval(k, n), SLIP_TOLERANCE):
        return wrong(
            "that is the normal-approximation (Wald) interval p ± 1.96·sqrt(p(1-p)/n): it is "
            "symmetric and can pass 100%; the Wilson interval is pulled towards 50%."
        )
    exact = binomtest(k, n).proportion_ci(0.95, method="exact")
    if _near((low, high), (float(exact.low), float(exact.high)), SLIP_TOLERANCE):
        return wrong(
            "that is the exact (Clopper-Pearson) interval: valid but deliberately wide; the "
            "exercise asks for the Wilson (score) interval."
        )
    if not low <= p <= high:
        return wrong(
            f"[{low:.4f}, {high:.4f}] does not contain the measured accuracy {k}/{n} = {p:.4f}; "
            "every 95% interval for it does."
        )
    return wrong(
        f"[{low:.4f}, {high:.4f}] contains {p:.4f} but is not the Wilson interval: its centre "
        "is (p + z²/2n) / (1 + z²/n) with z = 1.96, not p itself."
    )


def dense_parameters(padding: str = "same") -> int:
    """Weights of the Dense(128) layer after Conv2D(32, 3x3, padding) and MaxPooling2D(2)."""
    side = pool1d_output_length(conv1d_output_length(IMAGE_SIDE, KERNEL, padding=padding), POOL)
    return dense_params(side * side * FILTERS, UNITS)


def whole_model_parameters(padding: str = "same") -> int:
    """Weights of the report's whole network: convolution, Dense(128) and the sigmoid unit."""
    return (
        conv_params(KERNEL * KERNEL, CHANNELS, FILTERS)
        + dense_parameters(padding)
        + dense_params(UNITS, 1)
    )


def _square_side(features: int) -> int | None:
    """The side s of an s x s x FILTERS map with ``features`` values, if there is one."""
    if features < 1 or features % FILTERS:
        return None
    side = math.isqrt(features // FILTERS)
    return side if side * side * FILTERS == features else None


def check_dense_parameters(answer: object) -> Feedback:
    """Exercise 2: the Dense(128) layer's weights if the report's Conv2D used padding='same'."""
    if answer is None:
        return unanswered(
            "Follow the shape: what does a 3x3 'same' convolution leave of 256 x 256, what does "
            "pooling by 2 leave of that, and how many values does Flatten then hand to each of "
            "the 128 units (plus a bias)?"
        )
    if is_whole(answer):
        count = int(answer)
    elif as_number(answer) is not None and float(answer).is_integer():  # type: ignore[arg-type]
        count = int(answer)  # type: ignore[call-overload]
    else:
        return wrong(f"{answer!r} is not a count: give a whole number of weights.")
    right = dense_parameters("same")
    same_side = conv1d_output_length(IMAGE_SIDE, KERNEL, padding="same")
    valid_side = conv1d_output_length(IMAGE_SIDE, KERNEL, padding="valid")
    pooled = pool1d_output_length(same_side, POOL)
    inputs = pooled * pooled * FILTERS
    if count == right:
        valid = dense_parameters("valid")
        return solved(
            f"'same' keeps {same_side} x {same_side}, pooling halves it to {pooled} x {pooled} "
            f"x {FILTERS} = {inputs:,} inputs, so ({inputs:,} + 1) x {UNITS} = {right:,}: "
            f"{right - valid:,} more than with 'valid'. This one layer holds "
            f"{right / whole_model_parameters('same'):.3%} of the network's weights."
        )
    if count == dense_parameters("valid"):
        return wrong(
            f"{count:,} is the valid-padding count the notebook prints: 'valid' trims the "
            f"{KERNEL}x{KERNEL} convolution's output to {valid_side} x {valid_side}; 'same' pads "
            f"the border and keeps {same_side} x {same_side}."
        )
    if count == right - UNITS:
        return wrong(f"{count:,} forgets the bias: each of the {UNITS} units has one more weight.")
    if count in (whole_model_parameters("same"), whole_model_parameters("valid")):
        return wrong(
            f"{count:,} counts the whole network (convolution and output unit too); the "
            "exercise asks for the Dense(128) layer alone."
        )
    if count == dense_params(same_side * same_side * FILTERS, UNITS):
        return wrong(
            f"{count:,} forgets the pooling: MaxPooling2D({POOL}) halves both sides before "
            f"Flatten, {same_side} x {same_side} becomes {pooled} x {pooled}."
        )
    if count == dense_params(pooled * pooled, UNITS):
        return wrong(
            f"{count:,} forgets the {FILTERS} channels: Flatten hands over height x width x "
            "channels values."
        )
    side = _square_side(count // UNITS - 1) if count % UNITS == 0 else None
    if side is not None and abs(side - pooled) <= 2:
        return wrong(
            f"{count:,} is a Dense layer on a {side} x {side} x {FILTERS} map: check the "
            f"rounding of the pooled size; pooling by {POOL} turns {same_side} into exactly "
            f"{pooled}."
        )
    if side is not None:
        return wrong(
            f"{count:,} is a Dense layer on a {side} x {side} x {FILTERS} map, but Flatten "
            f"receives {pooled} x {pooled} x {FILTERS}: follow the shape through the "
            "convolution and the pooling."
        )
    return wrong(
        f"{count:,} is not it: find the shape Flatten receives, then (inputs + 1) x {UNITS}."
    )


def mcnemar_p_value() -> float:
    """The two-sided exact McNemar p-value of the exercise's 5 against 14 disagreements."""
    return float(binomtest(ONLY_A_RIGHT, ONLY_A_RIGHT + ONLY_B_RIGHT, 0.5).pvalue)


def check_mcnemar(answer: object) -> Feedback:
    """Exercise 3: the exact McNemar p-value for 5 images only A gets right against 14 only B."""
    b, c = ONLY_A_RIGHT, ONLY_B_RIGHT
    discordant = b + c
    if answer is None:
        return unanswered(
            "Only the images the two models disagree on carry evidence. If the models were "
            "equally good, each disagreement would go either way with probability 1/2: "
            "scipy.stats.binomtest does the rest."
        )
    if hasattr(answer, "p_value"):
        answer = answer.p_value
    if isinstance(answer, bool | np.bool_):
        return wrong(
            "give the p-value itself, a number between 0 and 1, not whether it is significant."
        )
    if as_number(answer) is None:
        return wrong(f"{answer!r} is not a p-value: give a number between 0 and 1.")
    p = float(answer)  # type: ignore[arg-type]
    right = mcnemar_p_value()
    if abs(p - right) <= P_TOLERANCE:
        return solved(
            f"p = {right:.3f}, not significant at 5%: {b} against {c} is a split chance alone "
            "produces often enough. That is no proof the models are equally good, only that "
            f"these {discordant} disagreements cannot tell them apart. The other "
            f"{PAIRED_IMAGES - discordant} images, which both models get right or both wrong, "
            "say nothing about which is better."
        )
    if p == round(right, 2):
        return wrong(
            f"right, but {p:g} is the p-value rounded to 2 decimals: give more digits "
            "(3 significant)."
        )
    statistic = (b - c) ** 2 / discordant
    corrected = (abs(b - c) - 1) ** 2 / discordant
    exact_note = (
        f"with only {discordant} discordant images the exact binomial test is the right one"
    )
    slips = [
        (
            statistic,
            f"{statistic:.3f} is the chi-square statistic (b - c)²/(b + c), not a p-value; "
            f"{exact_note}",
        ),
        (
            float(chi2.sf(statistic, 1)),
            f"that is the chi-square approximation without continuity correction; {exact_note}, "
            f"and the approximation gives {chi2.sf(statistic, 1):.3f} instead of {right:.3f}",
        ),
        (
            corrected,
            f"{corrected:.3f} is the continuity-corrected chi-square statistic, not a p-value; "
            f"{exact_note}",
        ),
        (
            float(chi2.sf(corrected, 1)),
            f"that is the continuity-corrected chi-square p-value; {exact_note}: it gives "
            f"{right:.3f}",
        ),
        (
            right / 2,
            "that is the one-sided p-value; the question is whether the models differ in "
            "either direction, so the two-sided p (twice as large) answers it",
        ),
        (
            float(binomtest(b, discordant, 0.5, alternative="greater").pvalue),
            "that is a one-sided p-value for 'A is better', the opposite of what the data "
            "suggest; give the two-sided p-value",
        ),
        (
            float(binomtest(b, c, 0.5).pvalue),
            f"you used {c} trials; the trials are all {discordant} disagreements ({b} + {c}), "
            f"of which {b} went to A",
        ),
    ]
    for value, message in slips:
        if abs(p - value) <= SLIP_TOLERANCE:
            return wrong(f"{message}.")
    if p == discordant:
        return wrong(
            f"{discordant} is the number of discordant images, the n of the test; the p-value "
            f"is the chance of a split at least as lopsided as {b} against {c}."
        )
    if 1 < p <= 100 and abs(p / 100 - right) <= P_TOLERANCE:
        return wrong(f"that is a percentage; give the p-value as a fraction, {p / 100:.3f}.")
    if not 0 <= p <= 1:
        return wrong(f"{p:g} is not a probability: a p-value lies between 0 and 1.")
    return wrong(
        f"{p:.4g} is not it: count how likely a split of {discordant} disagreements at least as "
        f"uneven as {b} against {c} is when each goes either way with probability 1/2."
    )
