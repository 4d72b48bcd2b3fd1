"""Notebook 05's exercises (Inception on CIFAR-10): reductions, channel counts, receptive fields
and a stem for 32x32 images. tests/test_exercises_cifar10_inception.py recomputes each number
of the tables of wrong answers from the mistake its message names."""

from __future__ import annotations

from typing import NamedTuple

import keras

from cnnlab.exercises import Check, Unusable, as_count, call, first_line, pair_of
from cnnlab.model_inspection import flat_layers, model_macs
from cnnlab.shapes import conv2d_macs

# Exercise 1: inception1 reads the stem's 64 channels; its 3x3 reduction has 96 filters and
# feeds a 3x3 convolution with 128. Each reduction filter removed saves its own 1x1 weights
# and bias (64 + 1) and one 3x3 slice in each of the 128 filters after it (9 x 128).
IN_CHANNELS, BUILT_REDUCE, PER_FILTER = 64, 96, 64 + 1 + 9 * 128


def reduction_saving(reduce: int) -> int:
    """Parameters inception1 saves when its 3x3 reduction has ``reduce`` filters, not 96."""
    return (BUILT_REDUCE - reduce) * PER_FILTER


check_reduction = Check(
    hint="Answer with a pair (f3x3_reduce, saved): a number of 1x1 filters below the 64 input "
    "channels, and how many parameters the module then has fewer than as built "
    "(shapes.inception_costs counts them).",
    read=pair_of(as_count, "two whole numbers (f3x3_reduce, saved)"),
    right=lambda a: 1 <= a[0] < IN_CHANNELS and a[1] == reduction_saving(a[0]),
    solved=lambda a: (
        f"with {a[0]} filters the 3x3 branch reads {a[0]} instead of 64 channels and "
        f"the module has {a[1]:,} parameters fewer than with 96: each filter removed saves its own "
        "1x1 weights and bias (64 + 1) and one 3x3 slice in each of the 128 3x3 filters (9 x 128)."
    ),
    mistakes={
        lambda a: a[0] < 1: "a layer needs at least one filter.",
        lambda a: a[0] >= IN_CHANNELS: "with that many filters on 64 input channels the 3x3 "
        "convolution would not read fewer channels: choose fewer than 64.",
        lambda a: a[1] == -reduction_saving(a[0]): "right size, wrong sign: the module shrinks, so "
        "the saving is positive.",
        lambda a: a[1] == (BUILT_REDUCE - a[0]) * (64 + 9 * 128): "that leaves out the biases: "
        "each 1x1 reduction filter also has one bias.",
        lambda a: a[1] == (BUILT_REDUCE - a[0]) * 9 * 128: "that counts only the 3x3 "
        "convolution's smaller input; the 1x1 reduction itself also loses filters of 64 "
        "weights and a bias each.",
        lambda a: a[1] == (BUILT_REDUCE - a[0]) * 65: "that counts only the 1x1 reduction's "
        "filters; the 3x3 convolution after it reads fewer channels, which saves far more.",
        lambda a: a[1] == (9 * 64 + 1) * 128 - (1217 * a[0] + 128): "that is the saving against "
        "a 3x3 convolution reading all 64 channels directly; the exercise compares with the "
        "module as built (96 filters).",
    },
    otherwise="Sum the 'params' column of shapes.inception_costs(8, 8, 64, filters) for the "
    "built filters and for yours, and subtract.",
)

# Exercise 2: GoogLeNet's inception (4a) (Szegedy et al. 2015, table 1) reads 480 channels.
GOOGLENET_4A, GOOGLENET_4A_IN_CHANNELS = (192, 96, 208, 16, 48, 64), 480

check_output_channels = Check(
    hint="Which layers' outputs reach the concatenation? Look at the diagram in §2.",
    read=lambda a: as_count(a, "a whole number of channels"),
    right=192 + 208 + 48 + 64,
    solved="192 + 208 + 48 + 64 = 512: only each branch's last layer is concatenated.",
    mistakes={
        624: "that adds all six numbers; the reductions (96 and 16) feed the 3x3 and 5x5 "
        "convolutions and never reach the concatenation.",
        928: "that passes the pooled 480 input channels through; the pooling branch ends in a "
        "1x1 projection with 64 filters.",
        208: "that is the widest branch; concatenation stacks the branches' channels.",
        992: "the module's input is not concatenated with its output (no skip here).",
    },
    otherwise="add the channels of the four layers that end the branches.",
)

# Exercise 3: the stem (Conv2D 7x7 stride 2, MaxPooling2D 3x3 stride 2) sees 7 + 2 x 2 = 11
# pixels with a jump of 4; the 1x1 reduction adds nothing, the 3x3 adds (3 - 1) x 4.
check_branch_receptive_field = Check(
    hint="A layer with kernel k adds (k - 1) x jump input pixels, where the jump is the product "
    "of the strides of the layers before it. Start from the stem's field.",
    read=lambda a: as_count(a, "a whole number of pixels"),
    right=19,
    solved="11 + (3 - 1) x 4 = 19: after two stride-2 layers, the 3x3 convolution's neighbouring "
    "inputs are 4 input pixels apart (the 1x1 reduction adds nothing).",
    mistakes={
        11: "that is the stem's field; the 3x3 convolution widens it.",
        3: "that counts the kernel in the 8x8 map; the field is measured in input pixels, and "
        "each map position already sees 11 of them.",
        13: "that adds 2 pixels as if the jump were 1; after the stem neighbouring positions are "
        "4 input pixels apart, so the 3x3 adds 2 x 4.",
        15: "that counts only the convolution's stride; the stride-2 pooling doubles the jump "
        "again, to 4.",
        14: "that adds the kernel; a k-wide kernel adds (k - 1) x jump pixels.",
        33: "that multiplies; fields grow by addition, (k - 1) x jump per layer.",
    },
    otherwise="the stem sees 11 pixels with a jump of 4; add (k - 1) x jump for the 3x3.",
)

# Exercise 4: a stem for 32x32 images that hands inception1 the same 8 x 8 x 64 map.
STEM_OUTPUT = (8, 8, 64)
BUILT_STEM_PARAMS, BUILT_STEM_MACS = (7 * 7 * 3 + 1) * 64, conv2d_macs(16, 16, 7, 3, 64)
BUDGET = 3  # times the built stem's parameters and multiply-adds
PARAMS_BUDGET, MACS_BUDGET = BUDGET * BUILT_STEM_PARAMS, BUDGET * BUILT_STEM_MACS
# The notebook's own 32x32 stem (its section 8): 3x3 conv (32), 3x3 stride-2 conv (64), pooling.
NOTEBOOK_STEM_COST = (
    (27 + 1) * 32 + (288 + 1) * 64,
    conv2d_macs(32, 32, 3, 3, 32) + conv2d_macs(16, 16, 3, 32, 64),
)


class Stem(NamedTuple):
    """What the check measures of a stem: output shape, first convolution's output side, cost,
    and whether a convolution strides."""

    output_shape: tuple[int, ...]
    first_side: int
    params: int
    macs: int
    strided: bool


def measure_stem(function: object) -> Stem:
    """The student's ``cifar_stem()`` (layers or a model) behind a 32 x 32 x 3 input, measured."""
    built = call(function, "cifar_stem()")
    layers = built if isinstance(built, list | tuple) else [built]
    if not layers or not all(isinstance(layer, keras.layers.Layer) for layer in layers):
        raise Unusable("cifar_stem() must return a Keras model, a layer or a list of layers.")
    try:
        model = keras.Sequential([keras.Input((32, 32, 3)), *layers])
    except Exception as err:  # any layer may refuse the input it gets
        raise Unusable(f"your layers do not fit a 32 x 32 x 3 input: {first_line(err)}") from None
    kernels = [
        layer for layer in flat_layers(model.layers) if any(len(w.shape) > 1 for w in layer.weights)
    ]
    if not kernels:
        raise Unusable("your stem has no convolution.")
    first_side = int(kernels[0].output.shape[1])
    strided = any(max(getattr(layer, "strides", (1,))) > 1 for layer in kernels)
    return Stem(
        tuple(model.output_shape[1:]),
        first_side,
        int(model.count_params()),
        model_macs(model),
        strided,
    )


def _is_notebook_stem(stem: Stem) -> bool:
    """The stem §8 of the notebook trains, recognised by its cost and its strided convolution."""
    return stem.strided and (stem.params, stem.macs) == NOTEBOOK_STEM_COST


def _cost(stem: Stem) -> str:
    return f"{stem.params:,} parameters and {stem.macs:,} multiply-adds"


check_cifar_stem = Check(
    hint="write cifar_stem() returning a list of Keras layers (or a model on 32 x 32 x 3) whose "
    "first convolution keeps 32 x 32 (stride 1, padding 'same') and whose output is "
    "8 x 8 x 64, as inception1 expects, within "
    f"{BUDGET}x the built stem's {BUILT_STEM_PARAMS:,} parameters and {BUILT_STEM_MACS:,} "
    "multiply-adds.",
    read=measure_stem,
    right=lambda s: (
        (s.output_shape, s.first_side) == (STEM_OUTPUT, 32)
        and s.params <= PARAMS_BUDGET
        and s.macs <= MACS_BUDGET
        and not _is_notebook_stem(s)
    ),
    solved=lambda s: (
        f"your stem keeps 32 x 32 through its first convolution and hands inception1 8 x 8 x 64 "
        f"for {_cost(s)} (the built stem: {BUILT_STEM_PARAMS:,} and {BUILT_STEM_MACS:,}): small "
        "kernels at full resolution see the image's detail before any is thrown away."
    ),
    mistakes={
        _is_notebook_stem: "that is §8's stem (or costs exactly what it does, with a strided "
        "convolution): design your own, e.g. reduce with pooling only, or change the widths.",
        lambda s: s.output_shape[-1:] != (64,): lambda s: (
            f"your stem outputs {s.output_shape}; inception1 reads 64 channels."
        ),
        lambda s: s.output_shape[:2] == (32, 32): "your stem never downsamples: reach 8 x 8 with "
        "two stride-2 steps (pooling or strided convolutions) after the first convolution.",
        lambda s: s.output_shape != STEM_OUTPUT: lambda s: (
            f"your stem outputs {s.output_shape}, not 8 x 8 x 64: halve the side once per "
            "stride-2 step, 32 -> 16 -> 8."
        ),
        lambda s: s.first_side != 32: "your first convolution already shrinks the image (stride "
        "2 or 'valid' padding): keep 32 x 32 through it.",
        lambda s: s.macs > MACS_BUDGET: lambda s: (
            f"{_cost(s)}: over the budget of {MACS_BUDGET:,} multiply-adds. A layer at 32 x 32 "
            "costs 4 times as much as at 16 x 16: keep kernels small and channels few there."
        ),
    },
    otherwise=lambda s: (
        f"{_cost(s)}: over the budget of {PARAMS_BUDGET:,} parameters; fewer or smaller kernels."
    ),
)
