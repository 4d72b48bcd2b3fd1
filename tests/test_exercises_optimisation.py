"""Notebook 01's exercise checks accept the worked solutions and explain typical mistakes."""

import pytest
from worked_solutions import load

from cnnlab import optim
from cnnlab.exercises import optimisation as ex


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
    diverged = ex.check_largest_stable_rate(0.25)
    assert not diverged.solved and "diverges" in diverged.message and "epoch 7" in diverged.message
    too_small = ex.check_largest_stable_rate(0.2)
    assert not too_small.solved and "'too high' rate" in too_small.message
    assert "not one of the rates" in ex.check_largest_stable_rate(0.21).message


def test_the_precomputed_boundary_matches_a_real_sweep():
    stable = max(r for r, e in ex.FIRST_NONFINITE_EPOCH.items() if e is None)
    unstable = min(r for r in ex.STABLE_RATE_GRID if r > stable)
    sweep = optim.learning_rate_sweep(
        [stable, unstable], epochs=ex.SWEEP_EPOCHS, seed=ex.SWEEP_SEED
    )
    found = {rate: optim.first_nonfinite_epoch(h["loss"]) for rate, h in sweep.items()}
    assert found == {stable: None, unstable: ex.FIRST_NONFINITE_EPOCH[unstable]}


def test_state_values(solutions):
    assert ex.check_state_values(solutions.state_values).solved
    n = optim.small_regressor().count_params()
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
    section_2 = ex.check_saddle_trap((0.3, 1e-3))
    assert not section_2.solved and "after 131 steps" in section_2.message
    tiny = ex.check_saddle_trap((0.3, 1e-30))
    assert not tiny.solved and "tiny but not zero" in tiny.message
    assert "saddle itself" in ex.check_saddle_trap((0.0, 0.0)).message
    assert "start closer" in ex.check_saddle_trap((1e30, 0.0)).message
