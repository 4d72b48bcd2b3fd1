"""Evaluating a trained classifier: final figures with confidence intervals, a one-output
classifier's results image by image, the stability of the last epochs, the loss floor that
label smoothing sets, and how well a classifier's confidence matches its accuracy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import keras
import numpy as np
import pandas as pd
from scipy.special import expit, xlogy
from sklearn.metrics import confusion_matrix, roc_auc_score, roc_curve

from cnnlab.model_inspection import dense_logit
from cnnlab.stats import Accuracy, accuracy_interval, accuracy_of

if TYPE_CHECKING:
    import tensorflow as tf

TRAIN, VALIDATION, TEST = (
    "train accuracy (last epoch)",
    "validation accuracy (last epoch)",
    "test accuracy [95% CI]",
)


def final_metrics(
    history: Mapping[str, list[float]], y_true: np.ndarray, y_pred: np.ndarray
) -> dict[str, float | Accuracy]:
    """Last epoch's train and validation accuracy, and test accuracy with its Wilson interval."""
    return {
        TRAIN: float(history["accuracy"][-1]),
        VALIDATION: float(history["val_accuracy"][-1]),
        TEST: accuracy_of(y_true, y_pred),
    }


def results_table(rows: Mapping[str, Mapping[str, float | Accuracy | None]]) -> pd.DataFrame:
    """One row per run, accuracies as percentages, intervals as ``82.47% [81.7%, 83.2%]``."""

    def shown(value: float | Accuracy | None) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return "—"
        return str(value) if isinstance(value, Accuracy) else f"{value:.2%}"

    return pd.DataFrame(
        {run: {column: shown(value) for column, value in row.items()} for run, row in rows.items()}
    ).T


def per_class_accuracies(matrix: np.ndarray) -> list[Accuracy]:
    """Each true class's accuracy (diagonal over row total), with its Wilson interval."""
    matrix = np.asarray(matrix)
    return [accuracy_interval(int(matrix[i, i]), int(matrix[i].sum())) for i in range(len(matrix))]


@dataclass(frozen=True)
class Stability:
    """How much validation accuracy moved between consecutive epochs at the end of training."""

    epochs: int
    mean: float
    largest: float


def epoch_to_epoch(history: Mapping[str, list[float]], last: int = 5) -> Stability:
    """Mean and largest change of validation accuracy between consecutive ones of the last epochs.

    With fewer than ``last + 1`` epochs, all the changes there are count.
    """
    values = np.asarray(history["val_accuracy"][-(last + 1) :], dtype=float)
    if values.size < 2:
        raise ValueError("need at least two epochs to measure a change between epochs")
    changes = np.abs(np.diff(values))
    return Stability(changes.size, float(changes.mean()), float(changes.max()))


def label_smoothing_floor(eps: float, k: int) -> float:
    """The least cross-entropy (nats) possible against ``k``-class targets smoothed by ``eps``.

    The smoothed target puts ``1 - eps + eps/k`` on the true class and ``eps/k`` on each other;
    cross-entropy is smallest when the prediction equals it, and is then its entropy.
    """
    if not 0 <= eps <= 1 or k < 2:
        raise ValueError(f"need 0 <= eps <= 1 and k >= 2, got eps={eps}, k={k}")
    target = np.full(k, eps / k)
    target[0] += 1 - eps
    return float(-xlogy(target, target).sum())


@dataclass(frozen=True)
class Calibration:
    """Mean top-class confidence, accuracy, and the expected calibration error between them."""

    confidence: float
    accuracy: float
    ece: float


def calibration(probabilities: np.ndarray, labels: np.ndarray, bins: int = 15) -> Calibration:
    """Expected calibration error over equal-width confidence bins (Guo et al., 2017).

    The share-weighted mean, over bins of the top-class probability, of |accuracy - confidence|.
    """
    probabilities, labels = np.asarray(probabilities), np.asarray(labels).ravel()
    if probabilities.ndim != 2 or len(probabilities) != len(labels) or not len(labels):
        raise ValueError(
            f"need one row of class probabilities per label: got {probabilities.shape} "
            f"probabilities for {labels.shape} labels"
        )
    confidence = probabilities.max(axis=1)
    right = probabilities.argmax(axis=1) == labels
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    ece = sum(
        abs(right[which == b].mean() - confidence[which == b].mean()) * np.mean(which == b)
        for b in np.unique(which)
    )
    return Calibration(float(confidence.mean()), float(right.mean()), float(ece))


def as_numbers(metrics: Mapping[str, float | Accuracy | None]) -> dict[str, float | None]:
    """``final_metrics`` as plain numbers (for a metrics file): an interval becomes three."""
    numbers: dict[str, float | None] = {}
    for key, value in metrics.items():
        if isinstance(value, Accuracy):
            name = key.removesuffix(" [95% CI]")
            numbers |= {name: value.value, f"{name} low": value.low, f"{name} high": value.high}
        else:
            numbers[key] = value
    return numbers


@dataclass(frozen=True)
class BinaryResults:
    """A one-output (sigmoid) classifier on a test set: what it got right, how sure, how well."""

    labels: np.ndarray
    probabilities: np.ndarray
    logits: np.ndarray
    loss: float

    @property
    def predicted(self) -> np.ndarray:
        """The predicted class of each image (probability of class 1 at least 0.5)."""
        return (self.probabilities >= 0.5).astype(int)

    @property
    def accuracy(self) -> Accuracy:
        """Test accuracy with its 95% Wilson interval."""
        return accuracy_of(self.labels, self.predicted)

    @property
    def auc(self) -> float:
        """Area under the ROC curve."""
        return float(roc_auc_score(self.labels, self.probabilities))

    @property
    def roc(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """False-positive rates, true-positive rates and thresholds of the ROC curve."""
        fpr, tpr, thresholds = roc_curve(self.labels, self.probabilities)
        return fpr, tpr, thresholds

    @property
    def confusion(self) -> np.ndarray:
        """Counts: rows the true class, columns the predicted one."""
        return confusion_matrix(self.labels, self.predicted, labels=[0, 1])

    @property
    def image_losses(self) -> np.ndarray:
        """Each image's binary cross-entropy, computed from the logit as Keras does."""
        sign = 2 * self.labels - 1  # log(1 + e^-z) for class 1, log(1 + e^z) for class 0
        return np.logaddexp(0.0, -sign * self.logits)


def binary_results(
    model: keras.Model, dataset: tf.data.Dataset, output_layer: str = "tumour"
) -> BinaryResults:
    """Labels, probabilities and logits of a sigmoid model over a finite, unshuffled dataset."""
    head = model.get_layer(output_layer)
    to_head = keras.Model(model.inputs, head.input)
    labels, logits = [], []
    for x, y in dataset:
        labels.append(np.asarray(y).ravel())
        logits.append(np.asarray(dense_logit(head, to_head(x, training=False))))
    z = np.concatenate(logits).astype(np.float64)
    loss = float(model.evaluate(dataset, verbose=0, return_dict=True)["loss"])
    return BinaryResults(np.concatenate(labels).astype(int), expit(z), z, loss)


def loss_breakdown(results: BinaryResults) -> dict[str, float]:
    """Where a test loss comes from: the right and the wrong images, and the single worst one."""
    losses, wrong = results.image_losses, results.predicted != results.labels
    return {
        "accuracy": results.accuracy.value,
        "test loss (Keras)": results.loss,
        "mean loss, right images": float(losses[~wrong].mean()) if (~wrong).any() else np.nan,
        "mean loss, wrong images": float(losses[wrong].mean()) if wrong.any() else np.nan,
        "share of the loss from wrong images": float(losses[wrong].sum() / losses.sum()),
        "largest single-image loss": float(losses.max()),
        "median |logit|": float(np.median(np.abs(results.logits))),
    }


def examples_by_class_and_verdict(
    labels: np.ndarray, predicted: np.ndarray, per_cell: int = 1, seed: int = 0
) -> list[tuple[int, int, bool]]:
    """Random test images for each (true class, right or wrong) cell: ``(index, class, right)``.

    Drawn from a seeded shuffle, so both classes and both verdicts are shown whatever order the
    test set is stored in; a cell with fewer images than ``per_cell`` gives what it has.
    """
    labels, predicted = np.asarray(labels).ravel(), np.asarray(predicted).ravel()
    order = np.random.default_rng(seed).permutation(len(labels))
    chosen = []
    for label in np.unique(labels):
        for right in (True, False):
            cell = [i for i in order if labels[i] == label and (predicted[i] == label) == right]
            chosen += [(int(i), int(label), right) for i in cell[:per_cell]]
    return chosen
