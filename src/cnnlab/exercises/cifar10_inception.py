"""Notebook 05's exercises (Inception on CIFAR-10): reductions, channel counts, receptive fields."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cnnlab.exercises import Feedback, is_whole, solved, unanswered, wrong
from cnnlab.inception import INCEPTION_FILTERS
from cnnlab.receptive_field import receptive_fields
from cnnlab.shapes import inception_costs

# inception1 of the notebook's network reads the stem's 64 channels on an 8x8 map.
INCEPTION1_IN_CHANNELS, MAP_SIZE = 64, 8
# GoogLeNet's inception (4a) (Szegedy et al. 2015, table 1): it reads 480 channels.
GOOGLENET_4A = (192, 96, 208, 16, 48, 64)
GOOGLENET_4A_IN_CHANNELS = 480
# (kernel, stride) of the stem of inception_cifar10 (Conv2D 7x7 stride 2, MaxPooling2D 3x3
# stride 2), then of inception1's 3x3 branch (1x1 reduction, 3x3 convolution).
STEM = ((7, 2), (3, 2))
BRANCH_3X3 = (*STEM, (1, 1), (3, 1))


def _module_params(filters: Sequence[int], in_channels: int) -> int:
    rows = inception_costs(MAP_SIZE, MAP_SIZE, in_channels, list(filters))
    return sum(int(row["params"]) for row in rows)


def _branch_params(filters: Sequence[int], reductions: bool) -> int:
    """Parameters of inception1's 3x3 branch with ``filters``, with or without its reduction."""
    rows = inception_costs(MAP_SIZE, MAP_SIZE, INCEPTION1_IN_CHANNELS, list(filters), reductions)
    return next(int(row["params"]) for row in rows if row["branch"] == "3x3")


def reduction_saving(f3x3_reduce: int) -> int:
    """Parameters inception1 saves when its 3x3 reduction has ``f3x3_reduce`` filters, not 96."""
    built = list(INCEPTION_FILTERS[0])
    changed = [built[0], f3x3_reduce, *built[2:]]
    return _module_params(built, INCEPTION1_IN_CHANNELS) - _module_params(
        changed, INCEPTION1_IN_CHANNELS
    )


def check_reduction(answer: object) -> Feedback:
    """Exercise 1: a 3x3 reduction for inception1 that reduces, and the parameters it saves."""
    if answer is None:
        return unanswered(
            "Answer with a pair (f3x3_reduce, saved): a number of 1x1 filters below the 64 input "
            "channels, and how many parameters the module then has fewer than as built "
            "(shapes.inception_costs counts them)."
        )
    pair = list(answer) if isinstance(answer, tuple | list | np.ndarray) else []
    if len(pair) != 2 or not all(is_whole(v) for v in pair):
        return wrong("answer with two whole numbers, e.g. (32, 12345): (f3x3_reduce, saved).")
    reduce, saved = (int(v) for v in pair)
    cin, built = INCEPTION1_IN_CHANNELS, INCEPTION_FILTERS[0][1]
    if reduce < 1:
        return wrong(f"f3x3_reduce = {reduce}: a layer needs at least one filter.")
    if reduce >= cin:
        return wrong(
            f"f3x3_reduce = {reduce} filters on {cin} input channels does not reduce: the 3x3 "
            f"convolution would read {reduce} channels, not fewer than {cin}. Choose fewer than "
            f"{cin}."
        )
    right = reduction_saving(reduce)
    if saved == right:
        return solved(
            f"with {reduce} filters the 3x3 branch reads {reduce} instead of {cin} channels and "
            f"the module has {right:,} parameters fewer than with {built}: each filter removed "
            f"saves its own 1x1 weights and bias ({cin} + 1) and one 3x3 slice in each of the "
            f"{INCEPTION_FILTERS[0][2]} 3x3 filters (9 x {INCEPTION_FILTERS[0][2]})."
        )
    removed = built - reduce
    f3 = INCEPTION_FILTERS[0][2]
    if saved == -right:
        return wrong("right size, wrong sign: the module shrinks, so the saving is positive.")
    if saved == removed * (cin + 9 * f3):
        return wrong(
            f"{saved:,} leaves out the biases: each 1x1 reduction filter also has one bias, "
            f"so a removed filter saves {cin} + 1 weights in the 1x1 layer."
        )
    if saved == removed * 9 * f3:
        return wrong(
            f"{saved:,} counts only the 3x3 convolution's smaller input; the 1x1 reduction "
            f"itself also loses {removed} filters of {cin} weights and a bias each."
        )
    if saved == removed * (cin + 1):
        return wrong(
            f"{saved:,} counts only the 1x1 reduction's filters; the 3x3 convolution after it "
            f"now reads {reduce} channels instead of {built}, which saves far more."
        )
    mine = [INCEPTION_FILTERS[0][0], reduce, *INCEPTION_FILTERS[0][2:]]
    if saved == _branch_params(mine, reductions=False) - _branch_params(mine, reductions=True):
        return wrong(
            f"{saved:,} is the saving against a 3x3 convolution reading all {cin} channels "
            f"directly; the exercise compares with the module as built ({built} filters)."
        )
    return wrong(
        f"not {saved:,}. Sum the 'params' column of shapes.inception_costs(8, 8, {cin}, filters) "
        f"for the built filters and for yours, and subtract."
    )


def concatenated_channels(filters: Sequence[int]) -> int:
    """Channels an Inception module outputs: the four branches' last layers, stacked."""
    f1, _, f3, _, f5, fp = filters
    return f1 + f3 + f5 + fp


def check_output_channels(answer: object) -> Feedback:
    """Exercise 2: how many channels GoogLeNet's inception (4a) outputs (filters GOOGLENET_4A)."""
    if answer is None:
        return unanswered(
            "Which layers' outputs reach the concatenation? Look at the diagram in §2."
        )
    if not is_whole(answer):
        return wrong(f"{answer!r} is not a number: give the whole number of output channels.")
    f1, f3r, f3, f5r, f5, fp = GOOGLENET_4A
    right = concatenated_channels(GOOGLENET_4A)
    if answer == right:
        return solved(
            f"{f1} + {f3} + {f5} + {fp} = {right}: only each branch's last layer is concatenated."
        )
    if answer == sum(GOOGLENET_4A):
        return wrong(
            f"{answer} adds all six numbers; the reductions ({f3r} and {f5r}) feed the 3x3 and "
            f"5x5 convolutions and never reach the concatenation."
        )
    if answer == f1 + f3 + f5 + GOOGLENET_4A_IN_CHANNELS:
        return wrong(
            f"{answer} passes the pooled {GOOGLENET_4A_IN_CHANNELS} input channels through; the "
            f"pooling branch ends in a 1x1 projection with {fp} filters."
        )
    if answer == max(GOOGLENET_4A):
        return wrong(f"{answer} is the widest branch; concatenation stacks the branches' channels.")
    if answer == right + GOOGLENET_4A_IN_CHANNELS:
        return wrong("the module's input is not concatenated with its output (no skip here).")
    return wrong(f"not {answer}: add the channels of the four layers that end the branches.")


def branch_receptive_field() -> int:
    """Input pixels (per side) one output of inception1's 3x3 branch sees."""
    return receptive_fields(BRANCH_3X3)[-1].size


def check_branch_receptive_field(answer: object) -> Feedback:
    """Exercise 3: the receptive field (per side) of one output of inception1's 3x3 branch."""
    if answer is None:
        return unanswered(
            "A layer with kernel k adds (k - 1) x jump input pixels, where the jump is the "
            "product of the strides of the layers before it. Start from the stem's field."
        )
    if not is_whole(answer):
        return wrong(f"{answer!r} is not a number: give the field's side in whole pixels.")
    stem = receptive_fields(STEM)[-1]
    right = branch_receptive_field()
    if answer == right:
        return solved(
            f"{stem.size} + (3 - 1) x {stem.jump} = {right}: after two stride-2 layers, the 3x3 "
            f"convolution's neighbouring inputs are {stem.jump} input pixels apart (the 1x1 "
            f"reduction adds nothing)."
        )
    if answer == stem.size:
        return wrong(f"{answer} is the stem's field; the 3x3 convolution widens it.")
    if answer == 3:
        return wrong(
            f"{answer} counts the kernel in the 8x8 map; the field is measured in input pixels, "
            f"and each map position already sees {stem.size} of them."
        )
    if answer == stem.size + 2:
        return wrong(
            f"{answer} adds 2 pixels as if the jump were 1; after the stem neighbouring "
            f"positions are {stem.jump} input pixels apart, so the 3x3 adds 2 x {stem.jump}."
        )
    if answer == stem.size + 2 * STEM[0][1]:
        return wrong(
            f"{answer} counts only the convolution's stride; the stride-2 pooling doubles the "
            f"jump again, to {stem.jump}."
        )
    if answer == stem.size + 3:
        return wrong(f"{answer} adds the kernel; a k-wide kernel adds (k - 1) x jump pixels.")
    if answer == stem.size * 3:
        return wrong(f"{answer} multiplies; fields grow by addition, (k - 1) x jump per layer.")
    return wrong(
        f"not {answer}: the stem sees {stem.size} pixels with a jump of {stem.jump}; "
        "add (k - 1) x jump for the 3x3."
    )
