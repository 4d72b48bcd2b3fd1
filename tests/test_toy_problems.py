"""The optimization helpers drive real Keras optimizers and report honest numbers."""

import numpy as np
import pytest

from cnnlab import shapes, toy_problems


def quadratic_bowl(v):
    """An ill-conditioned bowl, f(x, y) = x^2 + 10 y^2, minimum at the origin."""
    return v[0] ** 2 + 10 * v[1] ** 2


def test_unknown_optimizer_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown optimizer 'adagrad': choose one of"):
        toy_problems.make_optimizer("adagrad", 0.1)


@pytest.mark.parametrize("name", sorted(toy_problems.OPTIMIZERS))
def test_trajectory_shape_and_convergence_on_the_bowl(name):
    path = toy_problems.trajectory(
        quadratic_bowl, name, (1.0, 1.0), 0.01 if name == "sgd" else 0.05, 400
    )
    assert path.shape == (401, 2)
    np.testing.assert_allclose(path[0], [1.0, 1.0])
    assert quadratic_bowl(path[-1]) < 1e-2 * quadratic_bowl(path[0])


def test_sgd_step_matches_its_update_rule():
    path = toy_problems.trajectory(quadratic_bowl, "sgd", (1.0, 1.0), 0.01, 1)
    np.testing.assert_allclose(path[1], [1.0 - 0.01 * 2, 1.0 - 0.01 * 20], rtol=1e-6)


def test_steps_to_leave():
    path = np.array([[0.0, 0.0], [0.1, 0.0], [0.6, 0.0], [0.2, 0.0]])
    assert toy_problems.steps_to_leave(path, (0, 0), 0.5) == 2
    assert toy_problems.steps_to_leave(path, (0, 0), 5.0) is None


def test_batch_vs_minibatch_lengths_and_noise():
    curves = toy_problems.batch_vs_minibatch(steps=60)
    assert {k: v.shape for k, v in curves.items()} == {"full batch": (60,), "mini-batch": (60,)}
    assert np.std(np.diff(curves["mini-batch"])) > np.std(np.diff(curves["full batch"]))


def test_optimizer_state_counts():
    model = shapes.build_model(
        (20, 3), [shapes.Conv1DSpec(4, 3), shapes.FlattenSpec(), shapes.DenseSpec(2)]
    )
    weights = model.count_params()
    assert toy_problems.optimizer_state_size(model, "sgd")["state values"] == 0
    assert toy_problems.optimizer_state_size(model, "momentum")["state values"] == weights
    assert toy_problems.optimizer_state_size(model, "adam")["state values"] == 2 * weights


def test_a_start_exactly_on_y_0_ends_at_the_saddle():
    path = toy_problems.trajectory(toy_problems.saddle, "adam", (0.3, 0.0), 0.05, 200)
    assert (path[:, 1] == 0).all()
    assert np.linalg.norm(path[-1]) < 1e-3


def test_mean_baseline_is_the_target_variance():
    (_, y), (_, y_val) = toy_problems.synthetic_regression(seed=3)
    baseline = toy_problems.mean_baseline_mse(seed=3)
    assert baseline["train"] == pytest.approx(float(y.var()), rel=1e-5)
    # Predicting the *training* mean, not y_val's own: the baseline a model must beat.
    expected = float(np.mean((y_val - y.mean()) ** 2))
    assert baseline["validation"] == pytest.approx(expected, rel=1e-5)
    assert baseline["validation"] != pytest.approx(float(y_val.var()), rel=1e-9)


def test_first_nonfinite_epoch_and_rises():
    assert toy_problems.first_nonfinite_epoch([3.0, 2.0, 1e30, float("inf"), float("nan")]) == 4
    assert toy_problems.first_nonfinite_epoch([3.0, 2.0]) is None
    assert toy_problems.epochs_loss_rose([3.0, 2.0, 2.5, 1.0, 1.2]) == 2
    assert toy_problems.epochs_loss_rose([3.0, 2.0, 1.0]) == 0


def test_sweep_verdicts():
    nan = float("nan")
    histories = {
        0.01: {"loss": [3.0, 2.0, 1.5]},
        0.1: {"loss": [3.0, 0.5, 0.1]},
        1.0: {"loss": [3.0, 2.0, 2.5]},
        10.0: {"loss": [1e30, nan, nan]},
    }
    assert toy_problems.good_rates(histories) == [0.1]
    assert toy_problems.sweep_verdicts(histories) == {
        0.01: "1.5 (still falling)",
        0.1: "0.10 (within 10x of best)",
        1.0: "unsettled, > 10x best",
        10.0: "diverged (nan)",
    }
