"""The closed-form shape and parameter formulas against Keras itself."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnlab import shapes


def keras_rows(input_shape, specs):
    return shapes.keras_layer_shapes(shapes.build_model(input_shape, specs))


def formula_rows(input_shape, specs):
    return [(row.output_shape, row.params) for row in shapes.layer_table(input_shape, specs)]


def test_report_table_total_and_rows():
    rows = shapes.layer_table(shapes.REPORT_Q3_INPUT, shapes.REPORT_Q3_LAYERS)
    assert [row.output_shape for row in rows] == [
        (498, 16),
        (249, 16),
        (245, 32),
        (122, 32),
        (118, 64),
        (59, 64),
        (3776,),
        (128,),
        (5,),
    ]
    assert sum(row.params for row in rows) == 497_349
    assert rows[-1].formula == "(128 + 1) x 5 = 645"


@st.composite
def conv_block(draw):
    padding = draw(st.sampled_from(shapes.PADDINGS))
    strides = draw(st.integers(1, 4))
    dilation = 1 if strides > 1 else draw(st.integers(1, 3))
    return [
        shapes.Conv1DSpec(
            draw(st.integers(1, 8)), draw(st.integers(1, 7)), strides, padding, dilation
        ),
        shapes.MaxPool1DSpec(
            draw(st.integers(1, 5)),
            draw(st.one_of(st.none(), st.integers(1, 4))),
            draw(st.sampled_from(shapes.PADDINGS)),
        ),
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    length=st.integers(1, 120),
    channels=st.integers(1, 6),
    blocks=st.lists(conv_block(), min_size=1, max_size=2),
    units=st.integers(1, 9),
)
def test_formulas_match_keras(length, channels, blocks, units):
    specs = [spec for block in blocks for spec in block]
    specs += [shapes.FlattenSpec(), shapes.DenseSpec(units)]
    try:
        expected = formula_rows((length, channels), specs)
    except ValueError:
        return  # the formulas refused this network (e.g. a kernel longer than its input)
    assert keras_rows((length, channels), specs) == expected


@pytest.mark.parametrize(
    ("length", "kernel", "strides", "padding", "dilation", "expected"),
    [
        (500, 3, 1, "valid", 1, 498),
        (10, 3, 2, "same", 1, 5),
        (11, 3, 2, "same", 1, 6),
        (20, 3, 1, "valid", 4, 12),
        (7, 7, 1, "valid", 1, 1),
    ],
)
def test_conv1d_output_length_cases(length, kernel, strides, padding, dilation, expected):
    assert shapes.conv1d_output_length(length, kernel, strides, padding, dilation) == expected


def test_pool_that_does_not_divide_the_length():
    assert shapes.pool1d_output_length(245, 2) == 122
    assert shapes.pool1d_output_length(245, 2, padding="same") == 123
    assert shapes.pool1d_output_length(10, 3, 2) == 4


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: shapes.conv1d_output_length(4, 5), "kernel spans 5 steps"),
        (lambda: shapes.conv1d_output_length(10, 3, dilation_rate=5), "kernel spans 11 steps"),
        (lambda: shapes.conv1d_output_length(0, 3), "length must be a positive integer"),
        (lambda: shapes.conv1d_output_length(10, -1), "kernel_size must be a positive integer"),
        (lambda: shapes.conv1d_output_length(10, 3, 2, dilation_rate=2), "cannot be combined"),
        (lambda: shapes.conv1d_output_length(10, 3, padding="causal"), "padding must be one of"),
        (lambda: shapes.pool1d_output_length(3, 4), "pool_size 4 is longer"),
        (lambda: shapes.pool1d_output_length(3, 2, strides=0), "strides must be a positive"),
        (lambda: shapes.layer_table((10, 2), [shapes.Conv1DSpec(0, 3)]), "filters must be"),
        (lambda: shapes.layer_table((10, 2), [shapes.DenseSpec(3)]), "add a FlattenSpec"),
        (lambda: shapes.layer_table((10,), []), "input_shape must be"),
    ],
)
def test_invalid_specs_raise_one_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message) as info:
        call()
    assert "\n" not in str(info.value)


def test_builder_refuses_bad_spec_before_keras():
    with pytest.raises(ValueError, match="kernel spans 5 steps"):
        shapes.build_model((4, 7), [shapes.Conv1DSpec(16, 5)])


def test_conv_costs_match_keras():
    import keras

    layer = keras.layers.Conv2D(32, 5, padding="same")
    layer.build((None, 28, 28, 192))
    assert shapes.conv_params(25, 192, 32) == layer.count_params()
    assert shapes.conv2d_macs(28, 28, 5, 192, 32) == 28 * 28 * 32 * 5 * 5 * 192


def test_layer_names_show_non_default_arguments():
    rows = shapes.layer_table(
        (100, 3),
        [
            shapes.Conv1DSpec(8, 5, strides=2, padding="same"),
            shapes.Conv1DSpec(8, 3, dilation_rate=2),
            shapes.MaxPool1DSpec(3, strides=2),
            shapes.MaxPool1DSpec(2),
        ],
    )
    assert [row.layer for row in rows] == [
        "Conv1D(filters=8, kernel=5, strides=2, padding='same')",
        "Conv1D(filters=8, kernel=3, dilation_rate=2)",
        "MaxPool1D(3, strides=2)",
        "MaxPool1D(2)",
    ]
