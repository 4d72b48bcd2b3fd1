"""Exercises of notebook 01: learning-rate divergence, optimizer memory, saddle points."""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache

from cnnlab import toy_problems
from cnnlab.exercises import Feedback, as_number, as_pair, is_whole, solved, unanswered, wrong
from cnnlab.formatting import fixed

# Exercise 1: the rates to try, and whether each one's training loss stays finite for 30 epochs
# in lr_sweep.learning_rate_sweep(..., epochs=30, seed=42). Precomputed so the check is instant;
# tests/test_exercises_optimization_theory.py re-runs the whole grid to keep this table honest. Only
# finite or not is kept: the epoch a chaotic run overflows at may differ from CPU to CPU.
STABLE_RATE_GRID = (0.2, 0.22, 0.25, 0.27, 0.3)
STAYS_FINITE: dict[float, bool] = {0.2: True, 0.22: True, 0.25: False, 0.27: False, 0.3: False}
SWEEP_SEED, SWEEP_EPOCHS = 42, 30

# Exercise 3: the saddle surface, learning rate and number of steps of the notebook's section 3.
SADDLE_RATE, SADDLE_STEPS, SADDLE_RADIUS = 0.05, 300, 0.5
# The start on y = 0 that section 3 of the notebook runs (its answer is printed there).
SECTION_3_TRAP = (0.3, 0.0)


def check_largest_stable_rate(answer: object) -> Feedback:
    """Exercise 1: the largest rate of ``STABLE_RATE_GRID`` whose loss stays finite."""
    if answer is None:
        return unanswered(
            "run lr_sweep.learning_rate_sweep(list(STABLE_RATE_GRID), epochs=30, seed=42) "
            "and look "
            "for the first epoch at which each rate's training loss is inf or nan "
            "(toy_problems.first_nonfinite_epoch)."
        )
    value = as_number(answer)
    if value is None:
        return wrong(f"{answer!r} is not a number: give one rate of {STABLE_RATE_GRID}.")
    largest = max(r for r in STABLE_RATE_GRID if STAYS_FINITE[r])
    rate = next((r for r in STABLE_RATE_GRID if math.isclose(value, r)), None)
    if rate is None:
        return wrong(f"{answer} is not one of the rates to try: choose from {STABLE_RATE_GRID}.")
    if not STAYS_FINITE[rate]:
        return wrong(
            f"that rate diverges (its loss becomes inf or nan) within the {SWEEP_EPOCHS} epochs. "
            "Try a smaller one."
        )
    if rate < largest:
        if rate == 0.2:
            return wrong(
                "0.2 is section 1's 'too high' rate: it ends with a poor loss but never "
                "diverges, and a larger rate of the grid also stays finite."
            )
        return wrong(f"{rate} stays finite, but a larger rate of the grid does too.")
    next_rate = min(r for r in STABLE_RATE_GRID if r > largest)
    return solved(
        f"{largest} is the largest rate whose loss stays finite for {SWEEP_EPOCHS} epochs; "
        f"{next_rate} diverges (its loss becomes inf or nan) within them. The boundary is "
        "sharp: a small step up in rate turns a finite run into an overflow."
    )


@cache
def _state_values() -> dict[str, int]:
    model = toy_problems.small_regressor(SWEEP_SEED)
    counts = {
        name: toy_problems.optimizer_state_size(model, name)["state values"]
        for name in toy_problems.OPTIMIZERS
    }
    return {"weights": model.count_params(), **counts}


def check_state_values(answer: object) -> Feedback:
    """Exercise 2: the state values RMSprop and Adam keep for ``toy_problems.small_regressor``."""
    if answer is None:
        return unanswered(
            "count the weights of toy_problems.small_regressor() (model.count_params()), then use "
            "the memory table: how many values per weight does each optimizer keep? Answer "
            '{"rmsprop": ..., "adam": ...}.'
        )
    if not isinstance(answer, Mapping) or set(answer) != {"rmsprop", "adam"}:
        return wrong('answer a dict with exactly two keys: {"rmsprop": ..., "adam": ...}.')
    counts = _state_values()
    n = counts["weights"]
    problems = []
    for name, per_weight, what in (
        ("rmsprop", 1, "a running mean of squared gradients"),
        ("adam", 2, "a first and a second moment"),
    ):
        if answer[name] == counts[name]:
            continue
        if not is_whole(answer[name]):
            problems.append(f"{name}: {answer[name]!r} is not a whole number")
            continue
        given = int(answer[name])
        if name == "rmsprop" and given == 2 * n:
            problems.append(
                "rmsprop: that is Adam's count (or the state plus the weights themselves); "
                "RMSprop keeps no first moment"
            )
        elif given == (per_weight + 1) * n:
            problems.append(f"{name}: you counted the weights themselves too; count only the state")
        elif name == "adam" and given == n:
            problems.append("adam: that is one value per weight, RMSprop's count; Adam keeps two")
        elif 0 < given - counts[name] <= 4:
            problems.append(f"{name}: scalars such as the step counter are not per-weight state")
        elif given % n == 0:
            problems.append(f"{name}: a multiple of the {n} weights, but not the right one")
        else:
            problems.append(f"{name}: {given} is not a multiple of the model's weight count")
        problems[-1] += f" ({what} per weight)"
    if problems:
        return wrong("; ".join(problems) + ".")
    return solved(
        f"for {n} weights RMSprop keeps {counts['rmsprop']} values (one per weight) and Adam "
        f"{counts['adam']} (two per weight), on top of the weights themselves."
    )


def _sgd_on_saddle(
    start: tuple[float, float], steps: int
) -> tuple[tuple[float, float] | None, int | None]:
    """Plain SGD on ``toy_problems.saddle`` in float64: the end point (None if it overflows) and the
    first step at which |y| exceeds ``SADDLE_RADIUS``."""
    x, y = start
    left = None
    try:
        for step in range(1, steps + 1):
            x, y = x - SADDLE_RATE * 2 * x, y - SADDLE_RATE * (y**3 - y)
            if left is None and abs(y) > SADDLE_RADIUS:
                left = step
    except OverflowError:
        return None, left
    if not (math.isfinite(x) and math.isfinite(y)):
        return None, left
    return (x, y), left


def check_saddle_trap(answer: object) -> Feedback:
    """Exercise 3: a start (x, y), not the saddle nor section 3's, from which SGD ends there."""
    if answer is None:
        return unanswered(
            "the saddle section starts at (0.3, 0.001). The gradient along y is y^3 - y: "
            "what must y be for SGD never to move along y?"
        )
    point = as_pair(answer, "a start point", "(x, y)")
    if isinstance(point, str):
        return wrong(point)
    x, y = point
    if not (math.isfinite(x) and math.isfinite(y)):
        return wrong("give a start with finite coordinates.")
    if x == 0 and y == 0:
        return wrong("(0, 0) is the saddle itself: start somewhere else and let SGD get there.")
    if (x, y) == SECTION_3_TRAP:
        return wrong(
            f"{SECTION_3_TRAP} is the start section 3 already ran: find another one, and say "
            "why it works."
        )
    start = f"({x:g}, {y:g})"
    ended, left = _sgd_on_saddle((x, y), SADDLE_STEPS)
    if ended is None:
        return wrong(
            f"from {start} plain SGD diverges: far from the saddle the gradient y^3 - y is so "
            f"large that a step of rate {SADDLE_RATE} overshoots further each time. Start near "
            "the saddle."
        )
    end_x, end_y = ended
    end = f"({fixed(end_x, 3)}, {fixed(end_y, 3)})"
    if abs(end_y) > SADDLE_RADIUS:
        return wrong(
            f"from {start} SGD is more than {SADDLE_RADIUS} away from the line y = 0 after "
            f"{left} steps and ends at {end}, a minimum: along y the surface curves down, so "
            "any y other than 0 is pushed towards y = +-1."
        )
    if y != 0:
        growth = 1 + SADDLE_RATE
        steps_needed = math.ceil(math.log(SADDLE_RADIUS / abs(y)) / math.log(growth))
        return wrong(
            f"y = {y:g} is tiny but not zero: SGD is still near the saddle after {SADDLE_STEPS} "
            f"steps, but y grows by a factor of about {growth} per step, so it leaves after "
            f"about {steps_needed} steps."
        )
    if math.hypot(end_x, end_y) > 1e-3:
        return wrong(
            f"y = 0 is right, but from x = {x:g} SGD is still at {end} after {SADDLE_STEPS} "
            "steps: start closer to the saddle."
        )
    return solved(
        f"on y = 0 the gradient along y is exactly 0, so SGD never moves along y: from {start} "
        f"it slides along x to {end}, the saddle, where the gradient is zero and the run "
        "looks converged. Only there is a saddle 'mistaken for a minimum'."
    )
