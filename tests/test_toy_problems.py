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


def test_noise_floor_is_the_noise_variance_and_below_the_mean_baseline():
    floor = toy_problems.noise_floor_mse(seed=3)
    baseline = toy_problems.mean_baseline_mse(seed=3)
    for split in ("train", "validation"):
        assert floor[split] == pytest.approx(toy_problems.NOISE_STD**2, rel=0.2)
        assert floor[split] < baseline[split] / 50
    (x, y), _ = toy_problems.synthetic_regression(seed=3)
    residual = y[:, 0] - toy_problems.regression_function(x)
    assert abs(float(residual.mean())) < 3 * toy_problems.NOISE_STD / np.sqrt(len(x))


def test_epoch_orders_are_permutations_of_every_point():
    orders = toy_problems.epoch_orders(50, batch_size=8, epochs=2, seed=1)
    assert orders.shape == (2, 50)
    for order in orders:
        assert sorted(order.tolist()) == list(range(50))
    assert (orders[0] != np.arange(50)).any(), "shuffled"
    np.testing.assert_array_equal(orders, toy_problems.epoch_orders(50, 8, 2, seed=1))


def test_rises_by_more_than_a_fraction():
    curve = [3.0, 2.0, 2.01, 1.0, 1.5]
    assert toy_problems.epochs_loss_rose(curve) == 2
    assert toy_problems.epochs_loss_rose(curve, by=0.01) == 1
    assert toy_problems.epochs_loss_rose([1.0, float("nan"), float("inf"), float("inf")]) == 0


def test_steps_to_settle():
    assert toy_problems.steps_to_settle([1.0, -0.5, 0.2, -0.05, 0.3, 0.01, -0.001], 0.1) == 5
    assert toy_problems.steps_to_settle([0.01, 0.02], 0.1) == 0
    assert toy_problems.steps_to_settle([1.0, 0.5, 0.2], 0.1) is None
    assert toy_problems.steps_to_settle([1.0, float("nan")], 0.1) is None
