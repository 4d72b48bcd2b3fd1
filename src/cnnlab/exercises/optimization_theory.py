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
    as_number,
    call,
    close,
    pair_of,
    parts_check,
    record_of,
    same_output,
)
from cnnlab.update_rules import descend, saddle_gradient

# Exercise 1: whether each rate's training loss stays finite for 30 epochs of
# lr_sweep.learning_rate_sweep(..., epochs=30, seed=42). Precomputed so the check is instant;
# tests/test_exercises_optimization_theory.py re-runs the grid to keep this table honest. Only
# finite or not is kept: the epoch a chaotic run overflows at may differ from CPU to CPU.
STAYS_FINITE = {0.2: True, 0.22: True, 0.25: False, 0.27: False, 0.3: False}
STABLE_RATE_GRID = tuple(STAYS_FINITE)
SWEEP_SEED, SWEEP_EPOCHS = 42, 30
LARGEST_STABLE = max(rate for rate, finite in STAYS_FINITE.items() if finite)

check_largest_stable_rate = Check(
    hint="run lr_sweep.learning_rate_sweep(list(STABLE_RATE_GRID), epochs=30, seed=42) and "
    "look for the first epoch at which each rate's training loss is inf or nan "
    "(toy_problems.first_nonfinite_epoch).",
    read=lambda a: as_number(a, "one rate of the grid"),
    right=LARGEST_STABLE,
    tolerance=1e-6,  # a float32 rate (0.2199999988) is still the rate 0.22
    solved=f"{LARGEST_STABLE} is the largest rate whose loss stays finite for {SWEEP_EPOCHS} "
    "epochs; the next one diverges within them: a small step up in rate turns a finite run "
    "into an overflow.",
    mistakes={
        0.2: "0.2 is section 1's 'too high' rate: it ends with a poor loss but never diverges, "
        "and a larger rate of the grid also stays finite.",
        **dict.fromkeys(
            (rate for rate, finite in STAYS_FINITE.items() if not finite),
            lambda r: (
                f"{r:g} diverges (its loss becomes inf or nan) within the 30 epochs: try a "
                "smaller one."
            ),
        ),
    },
    otherwise=lambda r: f"{r:g} is not one of the rates to try: choose from {STABLE_RATE_GRID}.",
)

# Exercise 2: toy_problems.small_regressor() has 1,249 weights (the test counts them with Keras).
WEIGHTS = 1249


def _state(per_weight: int, mistakes: dict[int, str]) -> Check:
    """The check of one optimizer's state: ``per_weight`` values for each weight."""
    right = per_weight * WEIGHTS
    return Check(
        read=as_count,
        right=right,
        mistakes={
            **mistakes,
            lambda n: 0 < n - right <= 4: "scalars such as the step counter are not per-weight "
            "state.",
            lambda n: n % WEIGHTS == 0: f"a multiple of the {WEIGHTS} weights, but not the right "
            "one.",
        },
        otherwise=lambda n: f"{n} is not a multiple of the model's {WEIGHTS} weights.",
    )


RMSPROP_STATE = _state(
    1,
    {
        2 * WEIGHTS: "that is Adam's count (or the state plus the weights themselves); RMSprop "
        "keeps one running mean of squared gradients per weight."
    },
)
ADAM_STATE = _state(
    2,
    {
        WEIGHTS: "that is one value per weight, RMSprop's count; Adam keeps two, a first and a "
        "second moment per weight.",
        3 * WEIGHTS: "you counted the weights themselves too; count only the state.",
    },
)
check_state_values = parts_check(
    record_of({"rmsprop": as_count, "adam": as_count}, '{"rmsprop": ..., "adam": ...}'),
    {"rmsprop": RMSPROP_STATE, "adam": ADAM_STATE},
    hint="count the weights of toy_problems.small_regressor() (model.count_params()), then use "
    "the memory table: how many values per weight does each optimizer keep? Answer "
    '{"rmsprop": ..., "adam": ...}.',
    solved=f"for {WEIGHTS} weights RMSprop keeps {WEIGHTS} values (one per weight) and Adam "
    f"{2 * WEIGHTS} (two per weight), on top of the weights themselves.",
)

# Exercise 3: section 3's surface (toy_problems.saddle), rate and starts. Along y, SGD's update
# y - rate (y^3 - y) does not depend on x.
SADDLE_RATE, SADDLE_RADIUS = 0.05, 0.5
# Each step multiplies y by 1 + rate - rate y^2. Beyond this |y| that factor is below -1, so every
# step overshoots further and SGD diverges; from below it |y| never grows past max(|y|, 1).
DIVERGES_ABOVE = math.sqrt((2 + SADDLE_RATE) / SADDLE_RATE)
SECTION_3_TRAP = (0.3, 0.0)  # section 3 starts at (0.3, 0.001), then runs this one


def steps_to_leave(y: float) -> int:
    """Steps of plain SGD from a start at height ``y`` != 0 until |y| > ``SADDLE_RADIUS``."""
    steps = 0
    while abs(y) <= SADDLE_RADIUS:  # near 0, y grows by 1 + rate per step: from 1e-300, 14,147
        y -= SADDLE_RATE * (y**3 - y)
        steps += 1
    return steps


check_saddle_trap = Check(
    hint="the saddle section starts at (0.3, 0.001). The gradient along y is y^3 - y: what must "
    "y be for SGD never to move along y?",
    read=pair_of(as_number, "a start point (x, y)"),
    right=lambda p: p[1] == 0 and p[0] != 0 and p != SECTION_3_TRAP,
    solved=lambda p: (
        f"on y = 0 the gradient along y is exactly 0: from ({p[0]:g}, 0) SGD "
        f"slides along x (x {1 - 2 * SADDLE_RATE:g} per step) into the saddle, where the gradient "
        "is zero and the run looks converged for ever: a saddle 'mistaken for a minimum'."
    ),
    mistakes={
        (0, 0): "(0, 0) is the saddle itself: start somewhere else and let SGD get there.",
        SECTION_3_TRAP: f"{SECTION_3_TRAP} is the start section 3 already ran: find another one.",
        lambda p: abs(p[1]) > DIVERGES_ABOVE: lambda p: (
            f"from y = {p[1]:g} plain SGD diverges: "
            f"beyond |y| = {DIVERGES_ABOVE:.2f} the gradient y^3 - y is so large that each step of "
            f"rate {SADDLE_RATE} overshoots further."
        ),
        lambda p: abs(p[1]) < 0.01: lambda p: (
            f"y = {p[1]:g} is tiny but not zero: it grows by "
            f"about {1 + SADDLE_RATE} per step, so SGD leaves the saddle after about "
            f"{steps_to_leave(p[1])} steps. Only y = 0 keeps it there however many steps it runs."
        ),
    },
    otherwise=lambda p: (
        f"from ({p[0]:g}, {p[1]:g}) SGD ends at a minimum (0, ±1): along y the "
        "surface curves down, so any y other than 0 is pushed towards y = ±1."
    ),
)

# Exercise 4: Nesterov's momentum, run by the check on section 3's saddle against Keras's
# SGD(momentum=0.9, nesterov=True). Section 3 writes out the classical update; this one looks
# ahead: the step uses the velocity it is about to have.
NESTEROV_RATE, MOMENTUM, NESTEROV_START, NESTEROV_STEPS = 0.05, 0.9, (0.8, 0.05), 40
TRAJECTORY_TOLERANCE = 1e-4  # Keras steps in float32, the student's NumPy in float64
Step = Callable[[np.ndarray, np.ndarray, np.ndarray, float, float], Any]
SIGNATURE = "nesterov_step(point, gradient, velocity, learning_rate, momentum)"


@cache
def keras_nesterov_path() -> np.ndarray:
    """The points Keras's SGD(momentum=0.9, nesterov=True) visits on the saddle."""
    return toy_problems.trajectory(
        toy_problems.saddle, "nesterov", NESTEROV_START, NESTEROV_RATE, NESTEROV_STEPS
    ).astype(float)


def nesterov_path(step: object) -> np.ndarray:
    """The points ``step(point, gradient, velocity, rate, momentum)`` visits from the start."""

    def rule(point: np.ndarray, gradient: np.ndarray, state: dict, rate: float) -> tuple:
        velocity = state.get("v", np.zeros(2))
        out = call(step, SIGNATURE, point.copy(), gradient, velocity, rate, MOMENTUM)
        if not (isinstance(out, tuple | list) and len(out) == 2):
            raise Unusable("nesterov_step must return the pair (new_point, new_velocity).")
        new_point = as_array(out[0], (2,), "a point (x, y)")
        return new_point, {"v": as_array(out[1], (2,), "a velocity (vx, vy)")}

    return descend(saddle_gradient, rule, NESTEROV_START, NESTEROV_RATE, NESTEROV_STEPS)


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


def _first_difference(path: np.ndarray) -> str:
    keras = keras_nesterov_path()
    step = int(np.argmax(np.abs(path - keras).max(axis=1) > TRAJECTORY_TOLERANCE))
    return (
        f"after step {step} your point is {np.round(path[step], 4).tolist()}, Keras's "
        f"{np.round(keras[step], 4).tolist()}: velocity = momentum x velocity - rate x gradient, "
        "then point = point + momentum x velocity - rate x gradient."
    )


check_nesterov_step = Check(
    hint=f"write {SIGNATURE} returning (new_point, new_velocity) as Keras's "
    "SGD(momentum=..., nesterov=True) computes them; the velocity starts at zero.",
    read=nesterov_path,
    right=lambda path: close(path, keras_nesterov_path(), TRAJECTORY_TOLERANCE),
    solved=f"your {NESTEROV_STEPS} steps follow Keras's SGD(momentum={MOMENTUM}, nesterov=True): "
    "each goes where the velocity is about to take the point, so it brakes earlier than "
    "classical momentum when the slope turns (PyTorch's form, the rate outside the velocity, "
    "takes the same path).",
    mistakes={
        same_output(nesterov_path, step, TRAJECTORY_TOLERANCE): message
        for message, step in WRONG_STEPS.items()
    },
    otherwise=_first_difference,
)
