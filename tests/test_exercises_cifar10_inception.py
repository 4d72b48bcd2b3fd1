"""Notebook 05's exercises: each check accepts the worked solution and names typical mistakes;
the numbers of the tables of wrong answers are recomputed from the mistakes they name."""

import keras
import pytest
from worked_solutions import load

from cnnlab import inception
from cnnlab.exercises import cifar10_inception as ex
from cnnlab.receptive_field import keras_stack, receptive_fields
from cnnlab.shapes import inception_costs


@pytest.fixture(scope="module")
def solution():
    return load("05_cifar10_inception")


def module_params(filters, reductions=True):
    return sum(int(r["params"]) for r in inception_costs(8, 8, 64, list(filters), reductions))


def test_reduction_saving_matches_keras_and_the_costs(solution):
    def params(filters):
        inputs = keras.Input((8, 8, 64))
        return keras.Model(inputs, inception.inception_module(inputs, filters)).count_params()

    built = list(inception.INCEPTION_FILTERS[0])
    mine = [built[0], solution.F3X3_REDUCE, *built[2:]]
    assert params(built) - params(mine) == solution.SAVED_PARAMETERS == 77_888
    for reduce in (1, 32, 63):
        changed = [built[0], reduce, *built[2:]]
        assert module_params(built) - module_params(changed) == ex.reduction_saving(reduce)
    direct = [r for r in inception_costs(8, 8, 64, mine, False) if r["branch"] == "3x3"]
    reduced = [r for r in inception_costs(8, 8, 64, mine) if r["branch"] == "3x3"]
    assert direct[0]["params"] - reduced[0]["params"] == (9 * 64 + 1) * 128 - (1217 * 32 + 128)
    assert ex.check_reduction(solution.REDUCTION).solved
    assert ex.check_reduction([32.0, 77_888.0]).solved


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((96, 0), "choose fewer than 64"),
        ((64, 0), "choose fewer than 64"),
        ((0, 0), "at least one filter"),
        ((32, 64 * (64 + 9 * 128)), "leaves out the biases"),
        ((32, 64 * 9 * 128), "counts only the 3x3"),
        ((32, 64 * 65), "counts only the 1x1"),
        ((32, 73_856 - (65 * 32 + (9 * 32 + 1) * 128)), "all 64 channels directly"),
        ((32, -77_888), "wrong sign"),
        ((32, 1), "and subtract"),
        ("32", "is text"),
        ([32.5, 77_888], "fractional part"),
        ((float("inf"), 1), "far larger"),
    ],
)
def test_reduction_names_the_mistake(answer, message):
    feedback = ex.check_reduction(answer)
    assert not feedback.solved and message in feedback.message


def test_output_channels_agree_with_keras(solution):
    inputs = keras.Input((4, 4, ex.GOOGLENET_4A_IN_CHANNELS))
    outputs = inception.inception_module(inputs, list(ex.GOOGLENET_4A))
    assert outputs.shape[-1] == solution.OUTPUT_CHANNELS
    assert ex.check_output_channels(solution.OUTPUT_CHANNELS).solved
    assert ex.check_output_channels(512.0).solved
    assert sum(ex.GOOGLENET_4A) == 624 and 192 + 208 + 48 + 480 == 928 and 512 + 480 == 992


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (624, "adds all six"),
        (928, "pooled 480 input channels"),
        (208, "widest branch"),
        (992, "no skip here"),
        (100, "add the channels"),
    ],
)
def test_output_channels_names_the_mistake(answer, message):
    feedback = ex.check_output_channels(answer)
    assert not feedback.solved and message in feedback.message


def test_branch_receptive_field_matches_the_model(solution):
    names = ["stem_conv", "stem_pool", "inception1_3x3_reduce", "inception1_3x3"]
    stack = keras_stack(inception.inception_cifar10(), names)
    assert receptive_fields(stack)[-1].size == solution.BRANCH_RECEPTIVE_FIELD == 19
    stem = receptive_fields(stack[:2])[-1]
    assert (stem.size, stem.jump) == (11, 4)
    assert ex.check_branch_receptive_field(19.0).solved


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (11, "the stem's field"),
        (3, "measured in input pixels"),
        (13, "as if the jump were 1"),
        (15, "only the convolution's stride"),
        (14, "adds the kernel"),
        (33, "multiplies"),
        (20, "add (k - 1) x jump"),
    ],
)
def test_branch_receptive_field_names_the_mistake(answer, message):
    feedback = ex.check_branch_receptive_field(answer)
    assert not feedback.solved and message in feedback.message


def test_the_built_stem_costs_what_the_check_says():
    model = inception.inception_cifar10()
    stem = keras.Model(model.input, model.get_layer("stem_pool").output)
    measured = ex.measure_stem(lambda: stem)
    assert measured.output_shape == ex.STEM_OUTPUT and measured.first_side == 16
    assert (measured.params, measured.macs) == (ex.BUILT_STEM_PARAMS, ex.BUILT_STEM_MACS)
    assert not ex.check_cifar_stem(lambda: stem).solved


def test_cifar_stem_accepts_the_solution_as_layers_or_a_model(solution):
    feedback = ex.check_cifar_stem(solution.cifar_stem)
    assert feedback.solved and "19,392 parameters and 5,603,328 multiply-adds" in feedback.message
    assert ex.check_cifar_stem(lambda: keras.Sequential(solution.cifar_stem())).solved
    inputs = keras.Input((32, 32, 3))
    outputs = keras.Sequential(solution.cifar_stem())(inputs)
    assert ex.check_cifar_stem(lambda: keras.Model(inputs, outputs)).solved


def test_a_separable_stem_is_costed_kernel_by_kernel():
    def separable_stem():
        return [
            conv(16),
            keras.layers.MaxPooling2D(2),
            keras.layers.SeparableConv2D(64, 3, padding="same"),
            keras.layers.MaxPooling2D(2),
        ]

    measured = ex.measure_stem(separable_stem)
    depthwise, pointwise = 16 * 16 * 9 * 16, 16 * 16 * 16 * 64
    assert measured.macs == 32 * 32 * 9 * 3 * 16 + depthwise + pointwise
    assert ex.check_cifar_stem(separable_stem).solved


def conv(filters, kernel=3, strides=1, padding="same"):
    return keras.layers.Conv2D(filters, kernel, strides=strides, padding=padding)


@pytest.mark.parametrize(
    ("layers", "message"),
    [
        (
            [conv(32), keras.layers.MaxPooling2D(2), conv(32), keras.layers.MaxPooling2D(2)],
            "reads 64 channels",
        ),
        ([conv(32), conv(64)], "never downsamples"),
        ([conv(32), keras.layers.MaxPooling2D(2), conv(64)], "not 8 x 8 x 64"),
        ([conv(64, 7, strides=2), keras.layers.MaxPooling2D(2)], "already shrinks"),
        ([conv(64, 7), keras.layers.MaxPooling2D(4)], "over the budget"),
        ([conv(16), conv(64, 7, strides=4)], "over the budget of 28,416 parameters"),
        ([keras.layers.MaxPooling2D(4)], "no convolution"),
        ([conv(32), keras.layers.Dense], "a list of layers"),
        ([keras.layers.Reshape((10, 10))], "do not fit a 32 x 32 x 3 input"),
        ([conv(16), keras.layers.MaxPooling2D(2), keras.layers.Conv2D(64, 3)], "not 8 x 8 x 64"),
    ],
)
def test_cifar_stem_names_the_mistake(layers, message):
    feedback = ex.check_cifar_stem(lambda: layers)
    assert not feedback.solved and message in feedback.message


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (lambda: 1 / 0, "raised ZeroDivisionError"),
        (lambda: "stem", "must return a Keras model"),
        (keras.layers.Conv2D(64, 3), "raised TypeError"),
        ("cifar_stem", "is not a function"),
        (None, "no answer yet"),
    ],
)
def test_cifar_stem_explains_malformed_submissions(function, message):
    feedback = ex.check_cifar_stem(function)
    assert not feedback.solved and message in feedback.message


def test_cifar_stem_asks_for_a_design_of_ones_own_when_given_the_notebooks_stem(solution):
    notebook_stem = [
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.Conv2D(64, 3, strides=2, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(3, strides=2, padding="same"),
    ]
    feedback = ex.check_cifar_stem(lambda: notebook_stem)
    assert not feedback.solved and "that is §8's stem" in feedback.message
    # Its unstrided twin (pooling in place of the stride) costs the same and is the student's own.
    assert ex.check_cifar_stem(solution.cifar_stem).solved
