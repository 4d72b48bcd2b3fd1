"""Exercises of notebook 01: learning-rate divergence, optimizer memory, saddle points and the
momentum update written by hand."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from cnnlab import toy_problems
from cnnlab.exercises import (
    Check,
    Unusable,
    as_array,
    as_count,
    as_function,
    as_number,
    call,
    pair_of,
    record_of,
)
from cnnlab.update_rules import saddle_gradient

# Exercise 1: whether each rate's training loss stays finite for 30 epochs of
# lr_sweep.learning_rate_sweep(..., epochs=30, seed=42). Precomputed so the check is instant;
# tests/test_exercises_optimization_theory.py re-runs the grid to keep this table honest. Only
# finite or not is kept: the epoch a chaotic run overflows at may differ from CPU to CPU.
STABLE_RATE_GRID = (0.2, 0.22, 0.25, 0.27, 0.3)
STAYS_FINITE: dict[float, bool] = {0.2: True, 0.22: True, 0.25: False, 0.27: False, 0.3: False}
SWEEP_SEED, SWEEP_EPOCHS = 42, 30
LARGEST_STABLE = max(r for r in STABLE_RATE_GRID if STAYS_FINITE[r])
# A float32 rate (0.2199999988) is still the rate 0.22.
RATE_TOLERANCE = 1e-6

check_largest_stable_rate = Check(
    hint="run lr_sweep.learning_rate_sweep(list(STABLE_RATE_GRID), epochs=30, seed=42) and "
    "look for the first epoch at which each rate's training loss is inf or nan "
    "(toy_problems.first_nonfinite_epoch).",
    read=lambda a: as_number(a, "one rate of the grid"),
    right=LARGEST_STABLE,
    tolerance=RATE_TOLERANCE,
    solved=f"{LARGEST_STABLE} is the largest rate whose loss stays finite for {SWEEP_EPOCHS} "
    "epochs; the next one diverges (its loss becomes inf or nan) within them. The boundary is "
    "sharp: a small step up in rate turns a finite run into an overflow.",
    mistakes={
        0.2: "0.2 is section 1's 'too high' rate: it ends with a poor loss but never diverges, "
        "and a larger rate of the grid also stays finite.",
        **{
            rate: f"{rate} diverges (its loss becomes inf or nan) within the {SWEEP_EPOCHS} "
            "epochs. Try a smaller one."
            for rate in STABLE_RATE_GRID
            if not STAYS_FINITE[rate]
        },
    },
    otherwise=lambda r: f"{r:g} is not one of the rates to try: choose from {STABLE_RATE_GRID}.",
)

# Exercise 2: toy_problems.small_regressor() has 1,249 weights (the test counts them with Keras).
WEIGHTS = 1249
STATE_VALUES = {"rmsprop": WEIGHTS, "adam": 2 * WEIGHTS}
PER_WEIGHT = {
    "rmsprop": "a running mean of squared gradients",
    "adam": "a first and a second moment",
}
STATE_MISTAKES = {
    ("rmsprop", 2 * WEIGHTS): "that is Adam's count (or the state plus the weights themselves); "
    "RMSprop keeps no first moment",
    ("adam", WEIGHTS): "that is one value per weight, RMSprop's count; Adam keeps two",
    ("adam", 3 * WEIGHTS): "you counted the weights themselves too; count only the state",
}


def _state_problem(name: str, given: int) -> str:
    """What is wrong with ``given`` as the state count of optimizer ``name``."""
    excess = given - STATE_VALUES[name]
    why = STATE_MISTAKES.get((name, given)) or (
        "scalars such as the step counter are not per-weight state"
        if 0 < excess <= 4
        else f"a multiple of the {WEIGHTS} weights, but not the right one"
        if given % WEIGHTS == 0
        else f"{given} is not a multiple of the model's {WEIGHTS} weights"
    )
    return f"{name}: {why} ({PER_WEIGHT[name]} per weight)"


check_state_values = Check(
    hint="count the weights of toy_problems.small_regressor() (model.count_params()), then use "
    "the memory table: how many values per weight does each optimizer keep? Answer "
    '{"rmsprop": ..., "adam": ...}.',
    read=record_of({"rmsprop": as_count, "adam": as_count}, '{"rmsprop": ..., "adam": ...}'),
    right=lambda counts: counts == STATE_VALUES,
    solved=f"for {WEIGHTS} weights RMSprop keeps {WEIGHTS} values (one per weight) and Adam "
    f"{2 * WEIGHTS} (two per weight), on top of the weights themselves.",
    otherwise=lambda counts: (
        "; ".join(_state_problem(name, n) for name, n in counts.items() if n != STATE_VALUES[name])
        + "."
    ),
)

# Exercise 3: section 3's surface (toy_problems.saddle), rate and starts.
SADDLE_RATE, SADDLE_STEPS, SADDLE_RADIUS = 0.05, 300, 0.5
SECTION_3_TRAP = (0.3, 0.0)  # section 3 starts at (0.3, 0.001), then runs this one


def steps_to_leave(y: float) -> int:
    """Steps of plain SGD from a start at height ``y`` != 0 until |y| > ``SADDLE_RADIUS``.

    Along y the update y - rate (y^3 - y) does not depend on x. Near 0 it multiplies y by
    1 + rate, so a tiny y is first carried to 1e-3 in one jump, in logarithms (no overflow).
    """
    steps = 0
    if abs(y) < 1e-3:
        steps = math.floor((math.log(1e-3) - math.log(abs(y))) / math.log(1 + SADDLE_RATE))
        y = math.copysign(math.exp(math.log(abs(y)) + steps * math.log(1 + SADDLE_RATE)), y)
    while abs(y) <= SADDLE_RADIUS:
        y, steps = y - SADDLE_RATE * (y**3 - y), steps + 1
    return steps


def diverges(y: float) -> bool:
    """Whether plain SGD's y overflows within section 3's steps (the update overshoots)."""
    try:
        for _ in range(SADDLE_STEPS):
            y -= SADDLE_RATE * (y**3 - y)
    except OverflowError:
        return True
    return not math.isfinite(y)


check_saddle_trap = Check(
    hint="the saddle section starts at (0.3, 0.001). The gradient along y is y^3 - y: what must "
    "y be for SGD never to move along y?",
    read=pair_of(as_number, "a start point (x, y)"),
    right=lambda p: p[1] == 0 and p[0] != 0 and p != SECTION_3_TRAP,
    solved=lambda p: (
        f"on y = 0 the gradient along y is exactly 0, so SGD never moves along y: from "
        f"({p[0]:g}, 0) it slides along x (shrinking by {1 - 2 * SADDLE_RATE:g} per step) into "
        "the saddle, where the gradient is zero and the run looks converged for ever. Only "
        "there is a saddle 'mistaken for a minimum'."
    ),
    mistakes={
        (0, 0): "(0, 0) is the saddle itself: start somewhere else and let SGD get there.",
        SECTION_3_TRAP: f"{SECTION_3_TRAP} is the start section 3 already ran: find another one.",
        lambda p: diverges(p[1]): lambda p: (
            f"from y = {p[1]:g} plain SGD diverges: far from the saddle the gradient y^3 - y is "
            f"so large that a step of rate {SADDLE_RATE} overshoots further each time."
        ),
        lambda p: abs(p[1]) < 0.01: lambda p: (
            f"y = {p[1]:g} is tiny but not zero: y grows by a factor of about "
            f"{1 + SADDLE_RATE} per step, so SGD leaves the saddle after about "
            f"{steps_to_leave(p[1])} steps and ends at a minimum. Only y = 0 keeps it there "
            "however many steps it runs."
        ),
    },
    otherwise=lambda p: (
        f"from ({p[0]:g}, {p[1]:g}) SGD ends at a minimum (0, ±1): along y the surface curves "
        "down, so any y other than 0 is pushed towards y = ±1."
    ),
)

# Exercise 4: Nesterov's momentum, run by the check on section 3's saddle against Keras's
# SGD(momentum=0.9, nesterov=True). Section 3 writes out the classical update; this one looks
# ahead: the step uses the velocity it is about to have.
NESTEROV_RATE, MOMENTUM, NESTEROV_START, NESTEROV_STEPS = 0.05, 0.9, (0.8, 0.05), 40
TRAJECTORY_TOLERANCE = 1e-4  # Keras steps in float32, the student's NumPy in float64
Step = Callable[[np.ndarray, np.ndarray, np.ndarray, float, float], Any]


@cache
def keras_nesterov_path() -> np.ndarray:
    """The points Keras's SGD(momentum=0.9, nesterov=True) visits on the saddle."""
    return toy_problems.trajectory(
        toy_problems.saddle, "nesterov", NESTEROV_START, NESTEROV_RATE, NESTEROV_STEPS
    ).astype(float)


def nesterov_path(step: Step) -> np.ndarray:
    """The points ``step(point, gradient, velocity, rate, momentum)`` visits from the start."""
    point, velocity = np.array(NESTEROV_START, dtype=float), np.zeros(2)
    path = [point]
    for _ in range(NESTEROV_STEPS):
        out = call(
            step, point.copy(), saddle_gradient(point), velocity.copy(), NESTEROV_RATE, MOMENTUM
        )
        if not (isinstance(out, tuple | list) and len(out) == 2):
            raise Unusable("nesterov_step must return the pair (new_point, new_velocity).")
        point = as_array(out[0], (2,), "a point (x, y)")
        velocity = as_array(out[1], (2,), "a velocity (vx, vy)")
        path.append(point)
    return np.array(path)


# Known wrong updates, as NumPy steps, and what each gets wrong.
WRONG_STEPS: dict[str, Step] = {
    "your points follow plain SGD: the velocity must carry the past steps into this one.": (
        lambda p, g, v, lr, mu: (p - lr * g, v)
    ),
    "that is classical momentum, section 3's momentum_step: Nesterov's step adds the new "
    "velocity once more, scaled by the momentum (point + momentum x velocity - rate x "
    "gradient), so it moves where the velocity is about to take it.": (
        lambda p, g, v, lr, mu: (p + (mu * v - lr * g), mu * v - lr * g)
    ),
    "you average the gradients, (1 - momentum) x gradient: that is Adam's first moment, never "
    "larger than one gradient; Keras's velocity adds them up undamped.": (
        lambda p, g, v, lr, mu: (p - lr * (mu * v + (1 - mu) * g), mu * v + (1 - mu) * g)
    ),
    "your point moves uphill: the velocity already holds minus the gradient, so add it.": (
        lambda p, g, v, lr, mu: (p - (mu * (mu * v - lr * g) - lr * g), mu * v - lr * g)
    ),
}


def _follows(step: Step) -> Callable[[np.ndarray], bool]:
    """A predicate: a path is the one ``step`` takes, within the tolerance."""
    reference = nesterov_path(step)
    return lambda path: np.allclose(path, reference, rtol=0, atol=TRAJECTORY_TOLERANCE)


def _first_difference(path: np.ndarray) -> str:
    step = int(np.argmax(np.abs(path - keras_nesterov_path()).max(axis=1) > TRAJECTORY_TOLERANCE))
    mine, keras = (np.round(p[step], 4).tolist() for p in (path, keras_nesterov_path()))
    return (
        f"after step {step} your point is {mine}, Keras's {keras}: velocity = momentum x "
        "velocity - rate x gradient, then point = point + momentum x velocity - rate x gradient."
    )


check_nesterov_step = Check(
    hint="write nesterov_step(point, gradient, velocity, learning_rate, momentum) returning "
    "(new_point, new_velocity) as Keras's SGD(momentum=..., nesterov=True) computes them; the "
    "velocity starts at zero.",
    read=lambda f: nesterov_path(as_function(f, "nesterov_step(point, gradient, velocity, ...)")),
    right=lambda path: np.allclose(path, keras_nesterov_path(), rtol=0, atol=TRAJECTORY_TOLERANCE),
    solved=f"your {NESTEROV_STEPS} steps follow Keras's SGD(momentum={MOMENTUM}, nesterov=True) "
    f"within {TRAJECTORY_TOLERANCE:g}: each step goes where the velocity is about to take the "
    "point, so it brakes earlier than classical momentum when the slope turns (v = momentum v "
    "+ g, point -= rate (g + momentum v) is the same path with the rate outside the velocity).",
    mistakes={_follows(step): message for message, step in WRONG_STEPS.items()},
    otherwise=_first_difference,
)
