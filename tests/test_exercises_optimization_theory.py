"""Notebook 01's exercise checks accept the worked solutions and explain typical mistakes."""

import pytest
from worked_solutions import load

from cnnlab import lr_sweep, toy_problems
from cnnlab.exercises import optimization_theory as ex


@pytest.fixture(scope="module")
def solutions():
    return load("01_optimization_theory")


@pytest.mark.parametrize(
    "check", [ex.check_largest_stable_rate, ex.check_state_values, ex.check_saddle_trap]
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
    assert "exactly two keys" in ex.check_state_values(2 * n).message


def test_saddle_trap(solutions):
    result = ex.check_saddle_trap(solutions.saddle_trap_start)
    assert result.solved and "(0.000, 0.000)" in result.message
    section_3 = ex.check_saddle_trap([0.3, 1e-3])
    assert not section_3.solved and "after 131 steps" in section_3.message
    tiny = ex.check_saddle_trap((0.3, 1e-30))
    assert not tiny.solved and "tiny but not zero" in tiny.message
    assert "saddle itself" in ex.check_saddle_trap((0.0, 0.0)).message
    assert "section 3 already ran" in ex.check_saddle_trap((0.3, 0.0)).message
    assert "start closer" in ex.check_saddle_trap((1e30, 0.0)).message


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
        ((0.3, "zero"), "must be numbers"),
        (3j, "a complex is not a start point"),
    ],
)
def test_saddle_trap_says_what_is_not_a_start_point(start, phrase):
    feedback = ex.check_saddle_trap(start)
    assert not feedback.solved and phrase in feedback.message and "(x, y)" in feedback.message


@pytest.mark.parametrize("start", [(0.0, 10.0), (0.3, -1e200)])
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
