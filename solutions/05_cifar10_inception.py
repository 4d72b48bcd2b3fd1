"""Worked solutions to the exercises of notebook 05 (CIFAR-10 with Inception modules).

Each constant or function is the answer a student passes to the notebook's check function;
``CELLS`` maps each exercise cell's nbgrader grade id to the code ``make instructor`` fills it
with.
"""

import inspect

import keras

# Exercise 1: a 3x3 reduction that reduces. inception1 reads 64 channels, so any count below
# 64 reduces; 32 halves them. A k x k convolution with f filters on cin channels has
# (k x k x cin + 1) x f parameters. Changing the reduction from 96 to 32 filters touches two
# layers: the 1x1 reduction (64 input channels) and the 3x3 convolution after it (128 filters),
# which now reads 32 channels instead of 96.
F3X3_REDUCE = 32


def _conv(k: int, cin: int, f: int) -> int:
    """Parameters of a k x k convolution with f filters on cin channels, biases included."""
    return (k * k * cin + 1) * f


SAVED_PARAMETERS = (_conv(1, 64, 96) + _conv(3, 96, 128)) - (
    _conv(1, 64, F3X3_REDUCE) + _conv(3, F3X3_REDUCE, 128)
)  # (96 - 32) x (64 + 1 + 9 x 128) = 77,888
REDUCTION = (F3X3_REDUCE, SAVED_PARAMETERS)

# Exercise 2: only each branch's last layer reaches the concatenation (the 1x1 reductions do
# not): of [192, 96, 208, 16, 48, 64], the 1x1 branch, the 3x3, the 5x5 and the pool projection.
OUTPUT_CHANNELS = 192 + 208 + 48 + 64  # 512

# Exercise 3: the stem sees 7 + (3 - 1) x 2 = 11 pixels, and after its two stride-2 layers
# neighbouring positions are 2 x 2 = 4 input pixels apart. The 1x1 reduction adds nothing; the
# 3x3 convolution adds (3 - 1) x 4 = 8: 19 pixels per side.
BRANCH_RECEPTIVE_FIELD = 7 + (3 - 1) * 2 + (3 - 1) * 4


# Exercise 4: two 3x3 convolutions, the first at the full 32 x 32 and the second at 16 x 16,
# each followed by pooling: 896 + 18,496 = 19,392 parameters and 884,736 + 4,718,592 =
# 5,603,328 multiply-adds, against 9,472 and 2,408,448 for the built 7x7 stride-2 stem.
def cifar_stem() -> list[keras.layers.Layer]:
    """Layers that turn a 32 x 32 x 3 image into inception1's 8 x 8 x 64 input."""
    return [
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),
    ]


CELLS = {
    "reduction": f"answer = {REDUCTION!r}\ncheck_reduction(answer)",
    "output_channels": f"answer = {OUTPUT_CHANNELS}\ncheck_output_channels(answer)",
    "branch_receptive_field": f"answer = {BRANCH_RECEPTIVE_FIELD}\n"
    "check_branch_receptive_field(answer)",
    "cifar_stem": "from cnnlab.exercises.cifar10_inception import check_cifar_stem\n\n\n"
    f"{inspect.getsource(cifar_stem)}\n\ncheck_cifar_stem(cifar_stem)",
}
