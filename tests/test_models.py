"""The course's networks: shapes, parameter counts from the formulas, and API equivalence."""

import keras
import numpy as np
import pytest

from cnnlab import models, shapes, training


def layer_structure(model):
    return [
        (type(layer).__name__, layer.count_params())
        for layer in model.layers
        if not isinstance(layer, keras.layers.InputLayer)
    ]


def test_sequential_and_functional_are_the_same_network():
    seq, func = models.brain_tumor_sequential(), models.brain_tumor_functional()
    assert layer_structure(seq) == layer_structure(func)
    conv = shapes.conv_params(9, 1, 32)
    dense = shapes.dense_params(127 * 127 * 32, 128) + shapes.dense_params(128, 1)
    assert seq.count_params() == func.count_params() == conv + dense


def test_brain_models_output_a_probability():
    for build in (models.brain_tumor_sequential, models.brain_tumor_improved):
        assert build().output_shape == (None, 1)


def test_inception_module_channels():
    inputs = keras.Input((8, 8, 64))
    first = models.inception_module(inputs, models.INCEPTION_FILTERS[0], name="a")
    second = models.inception_module(first, models.INCEPTION_FILTERS[1], name="b")
    assert first.shape[-1] == 256 and second.shape[-1] == 480


def test_inception_module_rejects_bad_filters():
    with pytest.raises(ValueError, match="filters must be six positive counts"):
        models.inception_module(keras.Input((8, 8, 3)), [64, 96, 128])


def test_inception_cifar10_shape_and_parameter_count_from_formulas():
    model = models.inception_cifar10()
    assert model.output_shape == (None, 10)
    stem = shapes.conv_params(49, 3, 64)
    first = sum(r["params"] for r in shapes.inception_costs(8, 8, 64, models.INCEPTION_FILTERS[0]))
    second = sum(
        r["params"] for r in shapes.inception_costs(8, 8, 256, models.INCEPTION_FILTERS[1])
    )
    batch_norm = 4 * 480  # gamma, beta, moving mean, moving variance
    head = shapes.dense_params(480, 10)
    assert model.count_params() == stem + first + second + batch_norm + head
    assert model.get_layer("inception1_concat").output.shape[1:] == (8, 8, 256)
    assert model.get_layer("inception2_concat").output.shape[1:] == (8, 8, 480)


def test_inception_costs_match_keras_per_branch():
    inputs = keras.Input((8, 8, 64))
    model = keras.Model(inputs, models.inception_module(inputs, models.INCEPTION_FILTERS[0], "m"))
    count = lambda *names: sum(model.get_layer(f"m_{n}").count_params() for n in names)  # noqa: E731
    rows = {r["branch"]: r for r in shapes.inception_costs(8, 8, 64, models.INCEPTION_FILTERS[0])}
    assert rows["1x1"]["params"] == count("1x1")
    assert rows["3x3"]["params"] == count("3x3_reduce", "3x3")
    assert rows["5x5"]["params"] == count("5x5_reduce", "5x5")
    assert rows["pool"]["params"] == count("pool_proj")
    naive = shapes.inception_costs(8, 8, 64, models.INCEPTION_FILTERS[0], reductions=False)
    assert {r["branch"]: r["MACs"] for r in naive}["5x5"] == 8 * 8 * 32 * 25 * 64


def test_layer_structure_shows_sequential_and_functional_are_one_network():
    sequential = models.layer_structure(models.brain_tumor_sequential())
    assert sequential == models.layer_structure(models.brain_tumor_functional())
    assert sequential != models.layer_structure(models.brain_tumor_improved())
    assert all(kind != "InputLayer" for kind, _ in sequential)


def test_dense_logit_is_what_the_sigmoid_is_applied_to():
    model = models.brain_tumor_sequential(input_shape=(8, 8, 1), filters=2, units=4)
    head = model.get_layer("tumour")
    images = np.random.default_rng(0).random((3, 8, 8, 1)).astype("float32") * 255
    features = keras.Model(model.inputs, head.input)(images)
    logits = np.asarray(models.dense_logit(head, features))
    probabilities = model.predict(images, verbose=0)[:, 0]
    np.testing.assert_allclose(1 / (1 + np.exp(-logits)), probabilities, rtol=1e-5)


def test_output_layers_stay_float32_under_a_mixed_policy():
    # Building needs no bfloat16 hardware; a softmax or sigmoid in bfloat16 would lose precision.
    with training.precision_policy("mixed_bfloat16"):
        small = (32, 32, 1)
        built = [
            models.inception_cifar10(),
            models.brain_tumor_sequential(input_shape=small),
            models.brain_tumor_functional(input_shape=small),
            models.brain_tumor_improved(input_shape=small),
        ]
    for model in built:
        assert model.layers[1].compute_dtype == "bfloat16"
        assert model.layers[-1].compute_dtype == "float32"
        # Symbolic: running a bfloat16 convolution needs the hardware (see test_gradcam).
        spec = model.compute_output_spec(keras.KerasTensor((1, *model.input_shape[1:])))
        assert spec.dtype == "float32"


def test_the_brain_image_size_is_the_registry_entrys():
    from cnnlab import data

    assert models.BRAIN_IMAGE_SIZE == data.BRAIN_TUMOR.image_size == (256, 256)
    assert models.brain_tumor_sequential().input_shape == (None, *data.BRAIN_TUMOR.image_size, 1)
