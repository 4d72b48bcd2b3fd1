"""Notebook 01's exercise checks accept the worked solutions and explain typical mistakes."""

import pytest
from worked_solutions import load

from cnnlab import lr_sweep, toy_problems
from cnnlab.exercises import optimization_theory as ex


@pytest.fixture(scope="module")
def solutions():
    return load("01_optimization_theory")


@pytest.mark.parametrize(
    "check",
    [
        ex.check_largest_stable_rate,
        ex.check_state_values,
        ex.check_saddle_trap,
        ex.check_nesterov_step,
    ],
)
def test_unanswered_gives_a_hint(check):
    feedback = check(None)
    assert not feedback.solved and feedback.message.startswith("no answer yet.")


def test_largest_stable_rate(solutions):
    assert ex.check_largest_stable_rate(solutions.largest_stable_rate).solved
    for rate in (0.25, 0.3):
        diverged = ex.check_largest_stable_rate(rate)
        assert not diverged.solved and "inf or nan" in diverged.message
    too_small = ex.check_largest_stable_rate(0.2)
    assert not too_small.solved and "'too high' rate" in too_small.message
    assert "not one of the rates" in ex.check_largest_stable_rate(0.21).message


def test_the_precomputed_grid_matches_a_real_sweep():
    sweep = lr_sweep.learning_rate_sweep(
        list(ex.STABLE_RATE_GRID), epochs=ex.SWEEP_EPOCHS, seed=ex.SWEEP_SEED
    )
    found = {
        rate: toy_problems.first_nonfinite_epoch(h["loss"]) is None for rate, h in sweep.items()
    }
    assert found == ex.STAYS_FINITE


def test_state_values(solutions):
    assert ex.check_state_values(solutions.state_values).solved
    n = toy_problems.small_regressor().count_params()
    one_moment = ex.check_state_values({"rmsprop": n, "adam": n})
    assert not one_moment.solved and "RMSprop's count; Adam keeps two" in one_moment.message
    with_weights = ex.check_state_values({"rmsprop": n, "adam": 3 * n})
    assert with_weights.message.startswith("adam: you counted the weights themselves")
    assert "Adam's count" in ex.check_state_values({"rmsprop": 2 * n, "adam": 2 * n}).message
    counter = ex.check_state_values({"rmsprop": n + 1, "adam": 2 * n + 1})
    assert "step counter" in counter.message
    assert "exactly these keys" in ex.check_state_values(2 * n).message
    assert n == ex.WEIGHTS


def test_saddle_trap(solutions):
    result = ex.check_saddle_trap(solutions.saddle_trap_start)
    assert result.solved and "converged for ever" in result.message
    section_3 = ex.check_saddle_trap([0.3, 1e-3])
    assert not section_3.solved and "after about 131 steps" in section_3.message
    tiny = ex.check_saddle_trap((0.3, 1e-30))
    assert not tiny.solved and "tiny but not zero" in tiny.message
    assert "saddle itself" in ex.check_saddle_trap((0.0, 0.0)).message
    assert "section 3 already ran" in ex.check_saddle_trap((0.3, 0.0)).message
    assert "far larger than any answer" in ex.check_saddle_trap((1e30, 0.0)).message
    far = ex.check_saddle_trap((0.3, 1e-300))
    assert not far.solved and "after about 14147 steps" in far.message


@pytest.mark.parametrize("start", [(1.0, 1e-12), (0.6, 1e-30), [0.6, 1e-9]])
def test_saddle_trap_judges_by_y_not_by_distance(start):
    feedback = ex.check_saddle_trap(start)
    assert not feedback.solved and "tiny but not zero" in feedback.message


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


@pytest.mark.parametrize("start", [(0.0, 10.0), (0.3, -1e14)])
def test_saddle_trap_far_starts_diverge_with_feedback(start):
    feedback = ex.check_saddle_trap(start)
    assert not feedback.solved and "diverges" in feedback.message


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


def test_nesterov_step_accepts_the_solution_and_the_other_textbook_form(solutions):
    assert ex.check_nesterov_step(solutions.nesterov_step).solved

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


def test_the_stub_is_unanswered():
    def nesterov_step(point, gradient, velocity, learning_rate, momentum):
        raise NotImplementedError

    assert ex.check_nesterov_step(nesterov_step).message.startswith("no answer yet")


@pytest.mark.parametrize("y", [1e-3, 0.2, -0.45])
def test_steps_to_leave_counts_keras_s_plain_sgd(y):
    steps = ex.steps_to_leave(y)
    path = toy_problems.trajectory(toy_problems.saddle, "sgd", (0.0, y), ex.SADDLE_RATE, steps + 2)
    keras_steps = toy_problems.steps_to_leave(path, (0.0, 0.0), ex.SADDLE_RADIUS)
    assert keras_steps is not None and abs(keras_steps - steps) <= 1
