"""Notebook 03's networks (exported): shapes, parameter counts from the formulas, two APIs."""

import keras

from cnnlab import data, shapes, training
from cnnlab.brain_tumor_models import (
    brain_tumor_functional,
    brain_tumor_improved,
    brain_tumor_sequential,
)
from cnnlab.model_inspection import layer_structure


def test_sequential_and_functional_are_the_same_network():
    seq, func = brain_tumor_sequential(), brain_tumor_functional()
    assert layer_structure(seq) == layer_structure(func)
    assert layer_structure(seq) != layer_structure(brain_tumor_improved())
    conv = shapes.conv_params(9, 1, 32)
    dense = shapes.dense_params(127 * 127 * 32, 128) + shapes.dense_params(128, 1)
    assert seq.count_params() == func.count_params() == conv + dense


def test_brain_models_output_a_probability_for_the_registry_image_size():
    for build in (brain_tumor_sequential, brain_tumor_functional, brain_tumor_improved):
        model = build()
        assert model.output_shape == (None, 1)
        assert model.input_shape == (None, *data.BRAIN_TUMOR.image_size, 1)


def test_output_layers_stay_float32_under_a_mixed_policy():
    # Building needs no bfloat16 hardware; a sigmoid in bfloat16 would lose precision.
    with training.precision_policy("mixed_bfloat16"):
        small = (32, 32, 1)
        built = [
            build(input_shape=small)
            for build in (brain_tumor_sequential, brain_tumor_functional, brain_tumor_improved)
        ]
    for model in built:
        assert model.layers[1].compute_dtype == "bfloat16"
        assert model.layers[-1].compute_dtype == "float32"
        # Symbolic: running a bfloat16 convolution needs the hardware (see test_hirescam).
        spec = model.compute_output_spec(keras.KerasTensor((1, *model.input_shape[1:])))
        assert spec.dtype == "float32"
