"""Worked solutions to the exercises of notebook 01 (optimization theory).

Each value or function is the answer a student passes to the matching check of
``cnnlab.exercises.optimization_theory``; the comment above it shows how it was found. ``CELLS``
maps each exercise cell's nbgrader grade id to the code ``make instructor`` fills it with.
"""

import inspect

import numpy as np

# Exercise 1, check_largest_stable_rate. Run the sweep over the grid and find, for each rate,
# the first epoch whose training loss is inf or nan:
#     sweep = lr_sweep.learning_rate_sweep(list(STABLE_RATE_GRID), epochs=30, seed=42)
#     {rate: toy_problems.first_nonfinite_epoch(h["loss"]) for rate, h in sweep.items()}
# gives None for 0.2 and 0.22, and an epoch for 0.25, 0.27 and 0.3.
largest_stable_rate = 0.22

# Exercise 2, check_state_values. toy_problems.small_regressor() has 1,249 weights
# ((4 + 1) x 32 + (32 + 1) x 32 + (32 + 1) x 1). RMSprop keeps one running mean of squared
# gradients per weight; Adam keeps two moments per weight:
#     n = toy_problems.small_regressor().count_params()
state_values = {"rmsprop": 1249, "adam": 2 * 1249}

# Exercise 3, check_saddle_trap. The gradient of x^2 + y^4/4 - y^2/2 along y is y^3 - y, which
# is exactly 0 on y = 0: SGD never moves along y, however many steps it runs, and slides along
# x (contracting by 1 - 2 x 0.05 = 0.9 per step) into the saddle. Any x other than 0 and
# section 3's own 0.3 works, e.g. -0.5. A tiny y such as 1e-300 looks trapped after 300 steps
# but grows by 1.05 per step and leaves after about 14,000.
saddle_trap_start = (-0.5, 0.0)


# Exercise 4, check_nesterov_step. Keras's SGD(nesterov=True) keeps a velocity m per weight:
# m = momentum x m - rate x gradient, then weight = weight + momentum x m - rate x gradient
# (keras/src/optimizers/sgd.py): the step looks ahead along the velocity it now has.
def nesterov_step(
    point: np.ndarray,
    gradient: np.ndarray,
    velocity: np.ndarray,
    learning_rate: float,
    momentum: float,
) -> tuple[np.ndarray, np.ndarray]:
    """One step of SGD with Nesterov's momentum, as Keras computes it."""
    velocity = momentum * velocity - learning_rate * gradient
    return point + momentum * velocity - learning_rate * gradient, velocity


CELLS = {
    "largest_stable_rate": 'print("rates to try:", STABLE_RATE_GRID)\n'
    f"answer = {largest_stable_rate!r}\ncheck_largest_stable_rate(answer)",
    "state_values": f"answer = {state_values!r}\ncheck_state_values(answer)",
    "saddle_trap": f"answer = {saddle_trap_start!r}\ncheck_saddle_trap(answer)",
    "nesterov_step": "from cnnlab.exercises.optimization_theory import check_nesterov_step\n\n\n"
    f"{inspect.getsource(nesterov_step)}\n\ncheck_nesterov_step(nesterov_step)",
}
