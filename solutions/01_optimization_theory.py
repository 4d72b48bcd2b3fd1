"""Worked solutions to the exercises of notebook 01 (optimization theory).

Each constant is the answer a student passes to the matching check of
``cnnlab.exercises.optimization_theory``; the comment above it shows how it was found.
"""

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
# is exactly 0 on y = 0: SGD never moves along y and slides along x (contracting by
# 1 - 2 x 0.05 = 0.9 per step) into the saddle. Any x within reach works other than section
# 3's own 0.3, e.g. -0.5: after 300 steps x is 0.5 x 0.9^300, far below 0.001.
saddle_trap_start = (-0.5, 0.0)
