"""Notebook 01's exercise checks accept the worked solutions and explain typical mistakes."""

import math

import pytest
from worked_solutions import load

from cnnlab import lr_sweep, toy_problems
from cnnlab.exercises import optimization_theory as ex


@pytest.fixture(scope="module")
def solutions():
    return load("01_optimization_theory")


def test_the_worked_solutions_are_solved(solutions):
    assert ex.check_largest_stable_rate(solutions.largest_stable_rate).solved
    assert ex.check_state_values(solutions.state_values).solved
    assert ex.check_saddle_trap(solutions.saddle_trap_start).solved
    assert ex.check_nesterov_step(solutions.nesterov_step).solved


N = ex.WEIGHTS  # the model's weights, counted with Keras below


@pytest.mark.parametrize(
    ("check", "answer", "phrase"),
    [
        (ex.check_largest_stable_rate, 0.25, "inf or nan"),
        (ex.check_largest_stable_rate, 0.3, "inf or nan"),
        (ex.check_largest_stable_rate, 0.2, "'too high' rate"),
        (ex.check_largest_stable_rate, 0.21, "not one of the rates"),
        (ex.check_state_values, {"rmsprop": N, "adam": N}, "adam: that is one value per weight"),
        (ex.check_state_values, {"rmsprop": N, "adam": 3 * N}, "adam: you counted the weights"),
        (ex.check_state_values, {"rmsprop": 2 * N, "adam": 2 * N}, "rmsprop: that is Adam's"),
        (ex.check_state_values, {"rmsprop": N + 1, "adam": 2 * N + 1}, "step counter"),
        (ex.check_state_values, {"rmsprop": 3 * N, "adam": 2 * N}, "not the right one"),
        (ex.check_state_values, {"rmsprop": N, "adam": 2000}, "not a multiple"),
        (ex.check_state_values, 2 * N, "exactly these keys"),
        (ex.check_saddle_trap, (-0.5, 0.0), "converged for ever"),
        (ex.check_saddle_trap, [0.3, 1e-3], "after about 131 steps"),
        (ex.check_saddle_trap, (0.3, 1e-300), "after about 14147 steps"),
        (ex.check_saddle_trap, (0.3, 1e-30), "tiny but not zero"),
        (ex.check_saddle_trap, (0.0, 0.0), "saddle itself"),
        (ex.check_saddle_trap, (0.3, 0.0), "section 3 already ran"),
        (ex.check_saddle_trap, (1e30, 0.0), "far larger than any answer"),
        (ex.check_saddle_trap, (0.3, 0.2), "ends at a minimum"),
    ],
)
def test_each_check_names_the_mistake(check, answer, phrase):
    feedback = check(answer)
    assert feedback.solved == (phrase == "converged for ever") and phrase in feedback.message


def test_the_precomputed_grid_matches_a_real_sweep():
    sweep = lr_sweep.learning_rate_sweep(
        list(ex.STABLE_RATE_GRID), epochs=ex.SWEEP_EPOCHS, seed=ex.SWEEP_SEED
    )
    found = {
        rate: toy_problems.first_nonfinite_epoch(h["loss"]) is None for rate, h in sweep.items()
    }
    assert found == ex.STAYS_FINITE


def test_the_model_has_the_weights_the_check_counts():
    assert toy_problems.small_regressor().count_params() == ex.WEIGHTS


@pytest.mark.parametrize(
    "start", [(1.0, 1e-12), (0.6, 1e-30), [0.6, 1e-9], (0.0, 10.0), (0.3, -1e14)]
)
def test_saddle_trap_judges_by_y_not_by_distance(start):
    feedback = ex.check_saddle_trap(start)
    expected = "diverges" if abs(start[1]) > 1 else "tiny but not zero"
    assert not feedback.solved and expected in feedback.message


@pytest.mark.parametrize(
    ("start", "phrase"),
    [
        ("0.3, 0", "is text"),
        (0.3, "single number"),
        ({"x": 0.3, "y": 0}, "a dict is not a start point"),
        ((0.3, 0.0, 1.0), "has 3 values"),
        ((0.3, "zero"), "is text"),
        (3j, "a complex is not a start point"),
    ],
)
def test_saddle_trap_says_what_is_not_a_start_point(start, phrase):
    feedback = ex.check_saddle_trap(start)
    assert not feedback.solved and phrase in feedback.message and "(x, y)" in feedback.message


@pytest.mark.parametrize(
    "check", [ex.check_largest_stable_rate, ex.check_state_values, ex.check_saddle_trap]
)
@pytest.mark.parametrize(
    "answer",
    [
        "seventy",
        "0.22",
        [],
        {},
        object(),
        float("nan"),
        [None, None],
        ("0.3", 0),
        0.3,
        True,
        10**400,
        (10**400, 0),
        {"rmsprop": "x", "adam": None},
    ],
)
def test_wrong_types_give_feedback_not_errors(check, answer):
    feedback = check(answer)
    assert not feedback.solved and "\n" not in feedback.message


def test_nesterov_step_accepts_the_other_textbook_form():
    def rate_outside(point, gradient, velocity, learning_rate, momentum):  # PyTorch's form
        velocity = momentum * velocity + gradient
        return point - learning_rate * (gradient + momentum * velocity), velocity

    assert ex.check_nesterov_step(rate_outside).solved


def test_the_solution_follows_keras_and_every_wrong_step_does_not(solutions):
    keras_path = ex.keras_nesterov_path()
    mine = ex.nesterov_path(solutions.nesterov_step)
    assert abs(mine - keras_path).max() < ex.TRAJECTORY_TOLERANCE / 10
    for step in ex.WRONG_STEPS.values():
        assert abs(ex.nesterov_path(step) - keras_path).max() > 10 * ex.TRAJECTORY_TOLERANCE


@pytest.mark.parametrize("message", list(ex.WRONG_STEPS))
def test_nesterov_step_names_each_wrong_update(message):
    feedback = ex.check_nesterov_step(ex.WRONG_STEPS[message])
    assert not feedback.solved and feedback.message == message


@pytest.mark.parametrize(
    ("step", "phrase"),
    [
        (lambda p, g, v, lr, mu: (p - 2 * lr * g, v), "after step 1 your point is"),
        (lambda p, g, v, lr, mu: p - lr * g, "must return the pair"),
        (lambda p, g, v, lr, mu: (p[:1], v), "returned shape (1,)"),
        (lambda p, g, v: (p, v), "raised TypeError"),
        (lambda p, g, v, lr, mu: (p + float("inf"), v), "nan or inf"),
        ("nesterov_step", "is not a function"),
    ],
)
def test_nesterov_step_explains_wrong_and_malformed_functions(step, phrase):
    feedback = ex.check_nesterov_step(step)
    assert not feedback.solved and phrase in feedback.message


@pytest.mark.parametrize("y", [1e-3, 0.2, -0.45])
def test_steps_to_leave_counts_keras_s_plain_sgd(y):
    steps = ex.steps_to_leave(y)
    path = toy_problems.trajectory(toy_problems.saddle, "sgd", (0.0, y), ex.SADDLE_RATE, steps + 2)
    keras_steps = toy_problems.steps_to_leave(path, (0.0, 0.0), ex.SADDLE_RADIUS)
    assert keras_steps is not None and abs(keras_steps - steps) <= 1


def sgd_overflows(y, steps=2000):
    """Whether plain SGD along y on the saddle overflows within ``steps``, by simulation."""
    try:
        for _ in range(steps):
            y -= ex.SADDLE_RATE * (y**3 - y)
    except OverflowError:
        return True
    return not math.isfinite(y)


@pytest.mark.parametrize("y", [0.3, 6.3, -6.4, 6.41, -7.0, 10.0, 1e14])
def test_sgd_diverges_exactly_beyond_the_threshold(y):
    assert sgd_overflows(y) == (abs(y) > ex.DIVERGES_ABOVE)
