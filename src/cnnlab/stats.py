"""Statistics for test-set results: how far an accuracy can be trusted, and whether two differ.

scipy does the arithmetic (its binomial test and Wilson interval are well tested); this module
only says which test answers which question.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import binomtest, chi2, norm, ttest_rel


@dataclass(frozen=True)
class Accuracy:
    """An accuracy measured on ``n`` test images, with its 95% Wilson interval."""

    correct: int
    n: int
    low: float
    high: float

    @property
    def value(self) -> float:
        """The measured accuracy, correct / n."""
        return self.correct / self.n

    @property
    def standard_error(self) -> float:
        """sqrt(p(1 - p)/n): how far the choice of the ``n`` test images alone moves ``value``."""
        return math.sqrt(self.value * (1 - self.value) / self.n)

    def __str__(self) -> str:
        return f"{self.value:.2%} [{self.low:.1%}, {self.high:.1%}]"


def accuracy_interval(correct: int, n: int, confidence: float = 0.95) -> Accuracy:
    """The accuracy ``correct / n`` with its Wilson score interval (sound at small n and near 1)."""
    if n < 1 or not 0 <= correct <= n:
        raise ValueError(f"need 0 <= correct <= n and n >= 1, got correct={correct}, n={n}")
    interval = binomtest(int(correct), int(n)).proportion_ci(confidence, method="wilson")
    return Accuracy(int(correct), int(n), float(interval.low), float(interval.high))


def wald_interval(correct: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The normal-approximation (Wald) interval p ± z sqrt(p(1-p)/n): the usual textbook slip.

    Symmetric around p = correct / n, it is too narrow at small n and near 0 or 1, where it can
    pass 100%; ``accuracy_interval`` (Wilson) is the one to report. Kept to recognise the slip.
    """
    if n < 1 or not 0 <= correct <= n:
        raise ValueError(f"need 0 <= correct <= n and n >= 1, got correct={correct}, n={n}")
    p = correct / n
    half = float(norm.ppf(0.5 + confidence / 2)) * math.sqrt(p * (1 - p) / n)
    return p - half, p + half


def accuracy_of(y_true: np.ndarray, y_pred: np.ndarray, confidence: float = 0.95) -> Accuracy:
    """Accuracy of predicted labels against true labels, with its Wilson interval."""
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{y_true.size} true labels but {y_pred.size} predictions")
    return accuracy_interval(int((y_true == y_pred).sum()), y_true.size, confidence)


SIGNIFICANCE = 0.05
"""The level below which the notebooks call a p-value significant."""


class SignificanceTest:
    """A test's result with a p-value, read at a level: shared by every paired test here."""

    p_value: float

    def significant(self, alpha: float = SIGNIFICANCE) -> bool:
        """Whether the difference is significant at level ``alpha`` (p < alpha)."""
        return self.p_value < alpha

    def verdict(self, alpha: float = SIGNIFICANCE) -> str:
        """What the test says of the difference, as a phrase to end a sentence with."""
        if self.significant(alpha):
            return "larger than the choice of test images alone would produce"
        return "within what the choice of test images alone could produce"


@dataclass(frozen=True)
class McNemar(SignificanceTest):
    """Exact McNemar test on paired predictions: only images the two models disagree on count."""

    only_first_right: int
    only_second_right: int
    p_value: float

    def __str__(self) -> str:
        return (
            f"only the first right: {self.only_first_right}, only the second right: "
            f"{self.only_second_right}, exact McNemar p = {self.p_value:.3g}"
        )


def mcnemar(y_true: np.ndarray, first: np.ndarray, second: np.ndarray) -> McNemar:
    """Do two models' accuracies on the same images differ more than chance would make them?"""
    y_true, first, second = (np.asarray(a).ravel() for a in (y_true, first, second))
    if not y_true.shape == first.shape == second.shape:
        raise ValueError("both models must be scored on the same images")
    first_right, second_right = first == y_true, second == y_true
    b = int((first_right & ~second_right).sum())
    c = int((~first_right & second_right).sum())
    # With no disagreements there is no evidence of a difference at all.
    p = 1.0 if b + c == 0 else float(binomtest(b, b + c, 0.5).pvalue)
    return McNemar(b, c, p)


def standard_deviation_interval(
    values: Sequence[float], confidence: float = 0.95
) -> tuple[float, float]:
    """The sample standard deviation's interval (chi-square, assuming normal values)."""
    n = len(values)
    if n < 2:
        raise ValueError("a standard deviation needs at least two values")
    spread = float(np.std(values, ddof=1))
    upper_q, lower_q = chi2.ppf([(1 + confidence) / 2, (1 - confidence) / 2], n - 1)
    return spread * math.sqrt((n - 1) / upper_q), spread * math.sqrt((n - 1) / lower_q)


@dataclass(frozen=True)
class PairedRuns(SignificanceTest):
    """Paired training runs (one seed each, one change between them): a paired t-test."""

    differences: tuple[float, ...]
    p_value: float

    @property
    def mean(self) -> float:
        """The mean difference, second minus first."""
        return float(np.mean(self.differences))

    @property
    def standard_error(self) -> float:
        """The mean difference's standard error over the pairs."""
        return float(np.std(self.differences, ddof=1) / math.sqrt(len(self.differences)))

    def verdict(self, alpha: float = SIGNIFICANCE) -> str:
        """What the test says of the difference, as a phrase to end a sentence with."""
        if math.isnan(self.p_value):
            return "the same for every seed, which a t-test cannot weigh"
        if self.significant(alpha):
            return "larger than its variation from seed to seed would produce"
        return "within what its variation from seed to seed could produce"


def paired_runs(first: Sequence[float], second: Sequence[float]) -> PairedRuns:
    """Does a change move the result of training runs paired by seed more than the seed does?"""
    if len(first) != len(second) or len(first) < 2:
        raise ValueError("give two equally long lists of at least two runs, paired by seed")
    differences = tuple(float(b - a) for a, b in zip(first, second, strict=True))
    if np.ptp(differences) == 0:  # no variation: t is 0/0 or infinite, neither a p-value
        p = 1.0 if differences[0] == 0 else math.nan
    else:
        p = float(ttest_rel(second, first).pvalue)
    return PairedRuns(differences, p)
