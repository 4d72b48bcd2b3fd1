"""Notebook 01's NumPy update rules (exported) take the steps Keras's optimizers take."""

import numpy as np
import pytest

from cnnlab import toy_problems
from cnnlab.update_rules import UPDATE_RULES, descend, saddle_gradient


def bowl_gradient(w):
    return np.array([2 * w[0], 20 * w[1]])


def bowl(v):
    return v[0] ** 2 + 10 * v[1] ** 2


@pytest.mark.parametrize("name", sorted(UPDATE_RULES))
@pytest.mark.parametrize(
    ("surface", "gradient", "start"),
    [(toy_problems.saddle, saddle_gradient, (0.3, 1e-3)), (bowl, bowl_gradient, (1.0, -0.5))],
    ids=["saddle", "bowl"],
)
def test_each_rule_follows_the_keras_optimizer_of_its_name(name, surface, gradient, start):
    ours = descend(gradient, UPDATE_RULES[name], start, 0.01, 60)
    keras_path = toy_problems.trajectory(surface, name, start, 0.01, 60)
    np.testing.assert_allclose(ours, keras_path, atol=1e-5)  # Keras steps in float32


def test_a_wrong_rule_is_caught_by_the_same_comparison():
    def adam_without_bias_correction(w, g, state, lr, beta_1=0.9, beta_2=0.999, eps=1e-7):
        m = beta_1 * state.get("m", 0.0) + (1 - beta_1) * g
        v = beta_2 * state.get("v", 0.0) + (1 - beta_2) * g**2
        return w - lr * m / (np.sqrt(v) + eps), {"m": m, "v": v}

    ours = descend(saddle_gradient, adam_without_bias_correction, (0.3, 1e-3), 0.01, 60)
    keras_path = toy_problems.trajectory(toy_problems.saddle, "adam", (0.3, 1e-3), 0.01, 60)
    assert np.abs(ours - keras_path).max() > 1e-3


def test_descend_records_the_start_and_every_step():
    path = descend(saddle_gradient, UPDATE_RULES["sgd"], (0.3, 0.0), 0.05, 10)
    assert path.shape == (11, 2) and path.dtype == np.float64
    np.testing.assert_array_equal(path[0], [0.3, 0.0])
    assert (path[:, 1] == 0).all()  # nothing moves along y from y = 0
