"""Final figures carry Wilson intervals; epoch-to-epoch changes; the label-smoothing loss floor."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from cnnlab import evaluation
from cnnlab.evaluation import (
    TEST,
    TRAIN,
    VALIDATION,
    as_numbers,
    epoch_to_epoch,
    final_metrics,
    label_smoothing_floor,
    per_class_accuracies,
    results_table,
)
from cnnlab.stats import Accuracy

HISTORY = {"accuracy": [0.5, 0.9], "val_accuracy": [0.60, 0.70, 0.65, 0.75, 0.74, 0.76, 0.80]}


def test_final_metrics_take_the_last_epoch_and_an_interval_on_test():
    y_true = np.array([0, 1, 2, 3] * 25)
    y_pred = y_true.copy()
    y_pred[:20] = (y_pred[:20] + 1) % 4
    metrics = final_metrics(HISTORY, y_true, y_pred)
    assert metrics[TRAIN] == 0.9 and metrics[VALIDATION] == 0.80
    test = metrics[TEST]
    assert isinstance(test, Accuracy) and (test.correct, test.n) == (80, 100)
    assert test.low < 0.8 < test.high


def test_results_table_formats_percentages_intervals_and_missing_values():
    rows = {
        "report": {TRAIN: 0.9509, VALIDATION: 0.7328, TEST: None},
        "here": {TRAIN: 0.9, VALIDATION: 0.8, TEST: Accuracy(8247, 10000, 0.817, 0.832)},
    }
    table = results_table(rows)
    assert table.loc["report", TEST] == "—"
    assert table.loc["report", TRAIN] == "95.09%"
    assert table.loc["here", TEST] == "82.47% [81.7%, 83.2%]"


def test_per_class_accuracies_are_row_recalls_with_intervals():
    accuracies = per_class_accuracies(np.array([[8, 2], [5, 5]]))
    assert [(a.correct, a.n) for a in accuracies] == [(8, 10), (5, 10)]


def test_epoch_to_epoch_uses_the_last_changes_only():
    stability = epoch_to_epoch(HISTORY, last=5)
    changes = [0.05, 0.10, 0.01, 0.02, 0.04]
    assert stability.epochs == 5
    assert stability.mean == pytest.approx(np.mean(changes))
    assert stability.largest == pytest.approx(0.10)
    assert epoch_to_epoch({"val_accuracy": [0.1, 0.3]}).epochs == 1
    with pytest.raises(ValueError, match="two epochs"):
        epoch_to_epoch({"val_accuracy": [0.1]})


def test_label_smoothing_floor_is_the_smoothed_target_entropy():
    eps, k = 0.1, 10
    high, low = 1 - eps + eps / k, eps / k
    expected = -high * math.log(high) - (k - 1) * low * math.log(low)
    assert label_smoothing_floor(eps, k) == pytest.approx(expected)
    assert label_smoothing_floor(eps, k) == pytest.approx(0.50, abs=0.005)
    assert label_smoothing_floor(0.0, k) == 0.0
    assert label_smoothing_floor(1.0, k) == pytest.approx(math.log(k))
    with pytest.raises(ValueError):
        label_smoothing_floor(0.1, 1)


def test_the_floor_is_what_keras_computes_for_a_perfect_smoothed_prediction():
    target = np.eye(10)[[3]]
    smoothed = target * 0.9 + 0.01
    loss = keras.losses.CategoricalCrossentropy(label_smoothing=0.1)(target, smoothed)
    assert float(loss) == pytest.approx(label_smoothing_floor(0.1, 10), rel=1e-5)


def test_as_numbers_spreads_an_interval_into_value_low_and_high():
    numbers = as_numbers({TRAIN: 0.9, TEST: Accuracy(8, 10, 0.5, 0.95)})
    assert numbers == {
        TRAIN: 0.9,
        "test accuracy": 0.8,
        "test accuracy low": 0.5,
        "test accuracy high": 0.95,
    }


def _sigmoid_model(bias: float) -> keras.Model:
    """A model whose logit is 10 x (first pixel) + bias, behind a sigmoid layer named tumour."""
    inputs = keras.Input((2,))
    head = keras.layers.Dense(1, activation="sigmoid", name="tumour")
    model = keras.Model(inputs, head(inputs))
    head.set_weights([np.array([[10.0], [0.0]]), np.array([bias])])
    model.compile(loss="binary_crossentropy")
    return model


def test_binary_results_reads_logits_and_matches_keras_loss():
    x = np.array([[1.0, 0.0], [-1.0, 0.0], [3.0, 0.0], [-3.0, 0.0]], dtype="float32")
    y = np.array([1, 0, 0, 1])  # the last two are confidently wrong (|logit| = 30)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(3)
    results = evaluation.binary_results(_sigmoid_model(0.0), dataset)
    np.testing.assert_allclose(results.logits, [10, -10, 30, -30], rtol=1e-6)
    assert results.predicted.tolist() == [1, 0, 1, 0]
    assert results.accuracy.correct == 2 and results.confusion.tolist() == [[1, 1], [1, 1]]
    # The logit form, unlike clipped probabilities, prices a confident error at ~|logit|.
    np.testing.assert_allclose(results.image_losses[2:], [30, 30], rtol=1e-6)
    assert results.loss == pytest.approx(results.image_losses.mean(), rel=1e-5)
    breakdown = evaluation.loss_breakdown(results)
    assert breakdown["share of the loss from wrong images"] == pytest.approx(1.0, abs=1e-4)
    assert breakdown["largest single-image loss"] == pytest.approx(30.0, rel=1e-6)
    assert breakdown["median |logit|"] == pytest.approx(20.0)


def test_binary_results_auc_and_roc_rank_the_probabilities():
    x = np.array([[0.1, 0.0], [0.2, 0.0], [0.3, 0.0], [0.4, 0.0]], dtype="float32")
    y = np.array([0, 0, 1, 1])
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
    results = evaluation.binary_results(_sigmoid_model(-2.5), dataset)
    assert results.auc == 1.0
    fpr, tpr, _ = results.roc
    assert fpr[0] == 0 and tpr[-1] == 1


def test_calibration_is_zero_when_confidence_matches_accuracy_and_grows_with_overconfidence():
    rng = np.random.default_rng(0)
    n, classes = 20_000, 10
    labels = rng.integers(0, classes, n)
    # Every prediction 70% confident and right 70% of the time: calibrated.
    predicted = np.where(rng.random(n) < 0.7, labels, (labels + 1) % classes)
    calibrated = np.full((n, classes), 0.3 / (classes - 1))
    calibrated[np.arange(n), predicted] = 0.7
    honest = evaluation.calibration(calibrated, labels)
    assert abs(honest.accuracy - 0.7) < 0.01 and honest.ece < 0.01
    # The same verdicts at 99% confidence: over-confident by about 29 points.
    confident = np.full((n, classes), 0.01 / (classes - 1))
    confident[np.arange(n), predicted] = 0.99
    over = evaluation.calibration(confident, labels)
    assert over.confidence == pytest.approx(0.99) and over.ece == pytest.approx(0.29, abs=0.01)


def test_calibration_explains_mismatched_inputs_in_one_line():
    with pytest.raises(ValueError, match="one row of class probabilities per label"):
        evaluation.calibration(np.ones((3, 2)) / 2, np.array([0, 1]))
