"""The notebook 03 exercises: checks accept the worked solutions and name typical mistakes; each
number in a table of recognised mistakes is recomputed from the mistake its message names."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy.stats import beta, binomtest, chi2, norm
from worked_solutions import load

from cnnlab import brain_tumor_models
from cnnlab.exercises import brain_tumor_cnn as ex
from cnnlab.stats import accuracy_interval, mcnemar


@pytest.fixture(scope="module")
def solutions():
    return load("03_brain_tumor_cnn")


def other_intervals(k=122, n=128):
    """Wald, Clopper-Pearson, Agresti-Coull, Jeffreys and continuity-corrected Wilson."""
    z, p = norm.ppf(0.975), k / n
    wald = z * math.sqrt(p * (1 - p) / n)
    n_ac = n + z * z
    p_ac = (k + z * z / 2) / n_ac
    ac = z * math.sqrt(p_ac * (1 - p_ac) / n_ac)
    exact = binomtest(k, n).proportion_ci(0.95, method="exact")
    low_root = math.sqrt(z * z - 2 - 1 / n + 4 * p * (n * (1 - p) + 1))  # Newcombe (1998), 4
    high_root = math.sqrt(z * z + 2 - 1 / n + 4 * p * (n * (1 - p) - 1))
    return [
        (p - wald, p + wald),
        (exact.low, exact.high),
        (p_ac - ac, p_ac + ac),
        (beta.ppf(0.025, k + 0.5, n - k + 0.5), beta.ppf(0.975, k + 0.5, n - k + 0.5)),
        (
            (2 * n * p + z * z - 1 - z * low_root) / (2 * (n + z * z)),
            (2 * n * p + z * z + 1 + z * high_root) / (2 * (n + z * z)),
        ),
    ]


def test_the_table_of_other_intervals_is_recomputed():
    for (low, high), ends in zip(other_intervals(), ex.OTHER_INTERVALS, strict=True):
        assert ends == pytest.approx((low, high), abs=5e-5)
        assert max(abs(low - ex.WILSON.low), abs(high - ex.WILSON.high)) > ex.INTERVAL_TOLERANCE


def test_wilson_check_accepts_solution_and_scipy_agrees(solutions):
    low, high = solutions.wilson_interval()
    scipy_ci = binomtest(122, 128).proportion_ci(method="wilson")
    assert (low, high) == pytest.approx((scipy_ci.low, scipy_ci.high), abs=1e-12)
    feedback = ex.check_wilson_interval(solutions.wilson_answer())
    assert feedback.solved and "90.62% lies inside" in feedback.message
    assert "paired test of exercise 3" in feedback.message
    interval = accuracy_interval(122, 128)
    assert ex.check_wilson_interval({"interval": interval, "inside": np.True_}).solved
    assert ex.check_wilson_interval({"interval": np.array([low, high]), "inside": True}).solved


def answer(interval, inside=True):
    return {"interval": interval, "inside": inside}


W = (ex.WILSON.low, ex.WILSON.high)


@pytest.mark.parametrize(
    ("given", "phrase"),
    [
        (answer(W, False), "inside: 90.62% lies inside Wilson's interval. Your interval is right."),
        (answer((100 * W[0], 100 * W[1])), "those are percentages"),
        (answer(W[::-1]), "reversed"),
        *((answer(ends), name.split(" (")[0][:20]) for ends, name in ex.OTHER_INTERVALS.items()),
        (answer((-0.1, 0.9)), "0 <= low <= high <= 1"),
        (answer((0.80, 0.90)), "does not contain the measured accuracy"),
        (answer((0.93, 0.9762)), "centred on the measured accuracy"),
        (answer((0.93, 0.97)), "is not Wilson's"),
        (W, "answer a dict"),
        (answer((0.9, 0.95, 0.97)), "has 3 values"),
        (answer(W, "yes"), "inside: 'yes' is not True or False"),
        (answer("0.90, 0.98"), "is text"),
        ({"low": 0.9}, "answer a dict"),
        (answer({0.98, 0.9}), "a set is not an interval"),
    ],
)
def test_wilson_check_names_the_mistake(given, phrase):
    feedback = ex.check_wilson_interval(given)
    assert not feedback.solved and phrase in feedback.message


def test_dense_answer_and_table_agree_with_keras(solutions):
    shape = (None, 256, 256, 1)
    for layer in (
        keras.layers.Conv2D(32, 3, padding="same"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
    ):
        shape = layer.compute_output_shape(shape)
    assert solutions.dense_parameters() == (shape[-1] + 1) * 128 == ex.DENSE_SAME
    valid = brain_tumor_models.brain_tumor_sequential()
    assert valid.get_layer("dense").count_params() == 66_064_512
    assert valid.count_params() == 66_064_961
    assert 66_064_961 - 66_064_512 + ex.DENSE_SAME == 67_109_441
    assert (256 * 256 * 32 + 1) * 128 == 268_435_584 and (128 * 128 + 1) * 128 == 2_097_280
    assert ex.check_dense_parameters(solutions.dense_parameters()).solved


@pytest.mark.parametrize(
    ("given", "phrase"),
    [
        (66_064_512, "valid-padding count the notebook prints"),
        (67_108_864, "forgets the bias"),
        (268_435_584, "forgets the pooling"),
        (67_109_441, "counts the whole network"),
        (66_064_961, "counts the whole (valid-padding) network"),
        (129 * 129 * 32 * 128 + 128, "rounding"),
        (2_097_280, "forgets the 32 channels"),
        (254 * 254 * 32 * 128 + 128, "follow the shape"),
        (1000, "is not it"),
        ("67108992", "is text"),
        (6.7e7 + 0.5, "fractional part"),
        (True, "truth value"),
        (10**400, "far too large"),
        (float("inf"), "far larger"),
    ],
)
def test_dense_check_names_the_mistake(given, phrase):
    feedback = ex.check_dense_parameters(given)
    assert not feedback.solved and phrase in feedback.message


def test_the_mcnemar_table_is_recomputed(solutions):
    assert solutions.mcnemar_p_value() == pytest.approx(ex.P) == pytest.approx(0.0636, abs=1e-4)
    table = [v for v in ex.check_mcnemar.mistakes if not callable(v)]
    assert table[1:5] == pytest.approx(
        [81 / 19, chi2.sf(81 / 19, 1), 64 / 19, chi2.sf(64 / 19, 1)], abs=5e-5
    )
    assert table[6:8] == pytest.approx(
        [binomtest(5, 19, 0.5, alternative="greater").pvalue, binomtest(5, 14, 0.5).pvalue],
        abs=5e-5,
    )


def test_mcnemar_check_accepts_solution_and_the_stats_result(solutions):
    feedback = ex.check_mcnemar(solutions.mcnemar_p_value())
    assert feedback.solved and "no proof the models are equally good" in feedback.message
    y_true = np.ones(450, dtype=int)
    first, second = y_true.copy(), y_true.copy()
    second[:5] = 0  # only A right
    first[5:19] = 0  # only B right
    first[19:40] = second[19:40] = 0  # both wrong
    assert ex.check_mcnemar(mcnemar(y_true, first, second)).solved


@pytest.mark.parametrize(
    ("given", "phrase"),
    [
        (81 / 19, "chi-square statistic (b - c)²/(b + c)"),
        (0.0389, "without continuity correction"),
        (64 / 19, "continuity-corrected chi-square statistic"),
        (0.0665, "continuity-corrected chi-square p-value"),
        (0.0318, "one-sided p-value"),
        (0.9904, "the opposite of what the data"),
        (0.4240, "you used 14 trials"),
        (19, "number of discordant images"),
        (True, "truth value"),
        (np.False_, "truth value"),
        (6.36, "that is a percentage"),
        (1.5, "not a probability"),
        (0.5, "is not it"),
        ("0.064", "is text"),
        (0.06, "3 significant digits"),
    ],
)
def test_mcnemar_check_names_the_mistake(given, phrase):
    feedback = ex.check_mcnemar(given)
    assert not feedback.solved and phrase in feedback.message


def test_grad_cam_accepts_the_solution_raw_or_scaled(solutions):
    assert ex.check_grad_cam(solutions.grad_cam).solved
    assert ex.check_grad_cam(
        lambda m, i, name: (h := solutions.grad_cam(m, i, name)) / h.max()
    ).solved


def test_the_tiny_model_tells_hirescam_from_grad_cam():
    _, _, a, g = ex.cam_parts()
    products = (g * a).sum(axis=-1)
    assert products.min() < 0 < products.max()  # so a missing ReLU shows
    weighted = (g.mean(axis=(0, 1)) * a).sum(axis=-1)
    assert weighted.min() < 0 < weighted.max()  # so a missing ReLU shows in Grad-CAM too
    assert not np.allclose(np.maximum(weighted, 0), np.maximum(products, 0), rtol=1e-2)


def _cam(combine):
    """A student's function that computes the map from (A, dScore/dA) with ``combine``."""

    def grad_cam(model, image, layer_name):
        probe = keras.Model(model.input, [model.get_layer(layer_name).output, model.output])
        with tf.GradientTape() as tape:
            features, score = probe(image[None])
        grads = tape.gradient(score, features)
        return combine(features[0].numpy(), grads[0].numpy())

    return grad_cam


@pytest.mark.parametrize(
    ("function", "phrase"),
    [
        (_cam(lambda a, g: np.maximum((g * a).sum(-1), 0)), "that is HiResCAM"),
        (_cam(lambda a, g: (g.mean(axis=(0, 1)) * a).sum(-1)), "negative values"),
        (_cam(lambda a, g: np.maximum((np.abs(g).mean(axis=(0, 1)) * a).sum(-1), 0)), "absolute"),
        (_cam(lambda a, g: np.maximum(g.sum(-1), 0)), "gradients alone"),
        (_cam(lambda a, g: a.sum(-1)), "activations alone"),
        (
            _cam(lambda a, g: np.maximum((g.max(axis=(0, 1)) * a).sum(-1), 0)),
            "differs from Grad-CAM",
        ),
        (_cam(lambda a, g: g * a), "one value per channel"),
        (_cam(lambda a, g: np.ones((12, 12))), "shape (12, 12)"),
        (lambda model, image: None, "raised TypeError"),
        (_cam(lambda a, g: "map"), "returned 'map'"),
        ("grad_cam", "is not a function"),
    ],
)
def test_grad_cam_names_the_mistake(function, phrase):
    feedback = ex.check_grad_cam(function)
    assert not feedback.solved and phrase in feedback.message


def test_wilson_hint_does_not_hand_out_the_call():
    assert "proportion_ci" not in ex.check_wilson_interval(None).message
