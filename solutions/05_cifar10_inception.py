"""Worked solutions to the exercises of notebook 05 (CIFAR-10 with Inception modules).

Each constant is the answer a student passes to the notebook's check function.
"""

from cnnlab.shapes import inception_costs

# Exercise 1: a 3x3 reduction that reduces. inception1 reads 64 channels, so any count below
# 64 reduces; 32 halves them. The saving is the module's parameters as built (reduce = 96)
# minus with 32, both summed from shapes.inception_costs at the module's 8x8 resolution.
F3X3_REDUCE = 32
_BUILT = [64, 96, 128, 16, 32, 32]
_MINE = [64, F3X3_REDUCE, 128, 16, 32, 32]


def _params(filters: list[int]) -> int:
    return sum(int(row["params"]) for row in inception_costs(8, 8, 64, filters))


SAVED_PARAMETERS = _params(_BUILT) - _params(_MINE)  # (96 - 32) x (64 + 1 + 9 x 128) = 77,888
REDUCTION = (F3X3_REDUCE, SAVED_PARAMETERS)

# Exercise 2: only each branch's last layer reaches the concatenation (the 1x1 reductions do
# not): of [192, 96, 208, 16, 48, 64], the 1x1 branch, the 3x3, the 5x5 and the pool projection.
OUTPUT_CHANNELS = 192 + 208 + 48 + 64  # 512

# Exercise 3: the stem sees 7 + (3 - 1) x 2 = 11 pixels, and after its two stride-2 layers
# neighbouring positions are 2 x 2 = 4 input pixels apart. The 1x1 reduction adds nothing; the
# 3x3 convolution adds (3 - 1) x 4 = 8: 19 pixels per side.
BRANCH_RECEPTIVE_FIELD = 7 + (3 - 1) * 2 + (3 - 1) * 4
