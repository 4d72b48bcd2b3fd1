"""Output shapes, parameter counts and multiply-adds of the layers the course uses.

A network is described by a plain list of layer specs (the dataclasses below). The same list
feeds the closed-form formulas (``layer_table``) and the Keras builder (``build_model``), so a
notebook can check one against the other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras
    import pandas as pd

PADDINGS = ("valid", "same")


@dataclass(frozen=True)
class Conv1DSpec:
    """A Keras ``Conv1D`` layer."""

    filters: int
    kernel_size: int
    strides: int = 1
    padding: str = "valid"
    dilation_rate: int = 1


@dataclass(frozen=True)
class MaxPool1DSpec:
    """A Keras ``MaxPooling1D`` layer; ``strides=None`` means "same as pool_size"."""

    pool_size: int = 2
    strides: int | None = None
    padding: str = "valid"


@dataclass(frozen=True)
class FlattenSpec:
    """A Keras ``Flatten`` layer."""


@dataclass(frozen=True)
class DenseSpec:
    """A Keras ``Dense`` layer."""

    units: int


LayerSpec = Conv1DSpec | MaxPool1DSpec | FlattenSpec | DenseSpec


@dataclass(frozen=True)
class LayerRow:
    """One row of a shape/parameter table."""

    layer: str
    output_shape: tuple[int, ...]
    params: int
    formula: str


def _positive(name: str, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _padding(padding: str) -> None:
    if padding not in PADDINGS:
        raise ValueError(f"padding must be one of {PADDINGS}, got {padding!r}")


def conv1d_output_length(
    length: int, kernel_size: int, strides: int = 1, padding: str = "valid", dilation_rate: int = 1
) -> int:
    """Conv1D output length: floor((L - d(k-1) - 1)/s) + 1 ('valid'), ceil(L/s) ('same')."""
    for name, value in [
        ("length", length),
        ("kernel_size", kernel_size),
        ("strides", strides),
        ("dilation_rate", dilation_rate),
    ]:
        _positive(name, value)
    _padding(padding)
    if strides > 1 and dilation_rate > 1:
        raise ValueError("strides > 1 and dilation_rate > 1 cannot be combined (Keras refuses it)")
    if padding == "same":
        return math.ceil(length / strides)
    span = dilation_rate * (kernel_size - 1) + 1
    if span > length:
        raise ValueError(
            f"kernel spans {span} steps but the input has only {length}: "
            "use a smaller kernel or padding='same'"
        )
    return (length - span) // strides + 1


def pool1d_output_length(
    length: int, pool_size: int, strides: int | None = None, padding: str = "valid"
) -> int:
    """Length of a MaxPool1D output: floor((L - p)/s) + 1 for 'valid', ceil(L/s) for 'same'."""
    strides = pool_size if strides is None else strides
    for name, value in [("length", length), ("pool_size", pool_size), ("strides", strides)]:
        _positive(name, value)
    _padding(padding)
    if padding == "same":
        return math.ceil(length / strides)
    if pool_size > length:
        raise ValueError(
            f"pool_size {pool_size} is longer than the input ({length}): "
            "use a smaller pool or padding='same'"
        )
    return (length - pool_size) // strides + 1


def conv_params(kernel_elements: int, in_channels: int, filters: int, bias: bool = True) -> int:
    """Weights of a convolution: (kernel elements x input channels + bias) x filters."""
    return (kernel_elements * in_channels + int(bias)) * filters


def dense_params(in_features: int, units: int) -> int:
    """Weights of a Dense layer: (inputs + 1) x units."""
    return (in_features + 1) * units


def conv2d_macs(
    out_height: int, out_width: int, kernel_size: int, in_channels: int, filters: int
) -> int:
    """Multiply-adds of a square Conv2D: one k x k x C_in dot product per output value."""
    return out_height * out_width * filters * kernel_size * kernel_size * in_channels


def _name(head: str, **arguments: tuple[object, object]) -> str:
    """A layer's name: ``head`` plus every argument that differs from its default, then ')'."""
    extra = [f"{key}={value!r}" for key, (value, default) in arguments.items() if value != default]
    return ", ".join([head, *extra]) + ")"


def layer_table(input_shape: tuple[int, int], specs: list[LayerSpec]) -> list[LayerRow]:
    """Output shape, parameter count and the formula used, layer by layer, for a 1-D network."""
    if len(input_shape) != 2:
        raise ValueError(f"input_shape must be (length, channels), got {input_shape!r}")
    length, channels = input_shape
    _positive("input length", length)
    _positive("input channels", channels)
    shape: tuple[int, ...] = (length, channels)
    rows = []
    for spec in specs:
        if isinstance(spec, Conv1DSpec):
            if len(shape) != 2:
                raise ValueError("Conv1D needs a (length, channels) input, not a flat one")
            _positive("filters", spec.filters)
            out = conv1d_output_length(
                shape[0], spec.kernel_size, spec.strides, spec.padding, spec.dilation_rate
            )
            params = conv_params(spec.kernel_size, shape[1], spec.filters)
            name = _name(
                f"Conv1D(filters={spec.filters}, kernel={spec.kernel_size}",
                strides=(spec.strides, 1),
                padding=(spec.padding, "valid"),
                dilation_rate=(spec.dilation_rate, 1),
            )
            formula = f"({spec.kernel_size} x {shape[1]} + 1) x {spec.filters} = {params:,}"
            shape = (out, spec.filters)
        elif isinstance(spec, MaxPool1DSpec):
            if len(shape) != 2:
                raise ValueError("MaxPool1D needs a (length, channels) input")
            out = pool1d_output_length(shape[0], spec.pool_size, spec.strides, spec.padding)
            params = 0
            name = _name(
                f"MaxPool1D({spec.pool_size}",
                strides=(spec.strides, None),
                padding=(spec.padding, "valid"),
            )
            formula = "no weights"
            shape = (out, shape[1])
        elif isinstance(spec, FlattenSpec):
            params = 0
            name = "Flatten"
            formula = "no weights"
            shape = (math.prod(shape),)
        elif isinstance(spec, DenseSpec):
            if len(shape) != 1:
                raise ValueError("this table puts Dense after Flatten; add a FlattenSpec first")
            _positive("units", spec.units)
            params = dense_params(shape[0], spec.units)
            name = f"Dense({spec.units})"
            formula = f"({shape[0]} + 1) x {spec.units} = {params:,}"
            shape = (spec.units,)
        else:
            raise ValueError(f"unknown layer spec {spec!r}")
        rows.append(LayerRow(name, shape, params, formula))
    return rows


def build_model(input_shape: tuple[int, int], specs: list[LayerSpec]) -> keras.Sequential:
    """The Keras model described by ``specs`` (validated by ``layer_table`` first)."""
    import keras

    layer_table(input_shape, specs)  # raises a one-line ValueError before Keras sees bad specs
    layers = [keras.Input(shape=input_shape)]
    for spec in specs:
        if isinstance(spec, Conv1DSpec):
            layers.append(
                keras.layers.Conv1D(
                    spec.filters,
                    spec.kernel_size,
                    strides=spec.strides,
                    padding=spec.padding,
                    dilation_rate=spec.dilation_rate,
                )
            )
        elif isinstance(spec, MaxPool1DSpec):
            layers.append(
                keras.layers.MaxPooling1D(
                    spec.pool_size, strides=spec.strides, padding=spec.padding
                )
            )
        elif isinstance(spec, FlattenSpec):
            layers.append(keras.layers.Flatten())
        else:
            layers.append(keras.layers.Dense(spec.units))
    return keras.Sequential(layers)


REPORT_Q3_INPUT = (500, 7)
REPORT_Q3_LAYERS: list[LayerSpec] = [
    Conv1DSpec(16, 3),
    MaxPool1DSpec(2),
    Conv1DSpec(32, 5),
    MaxPool1DSpec(2),
    Conv1DSpec(64, 5),
    MaxPool1DSpec(2),
    FlattenSpec(),
    DenseSpec(128),
    DenseSpec(5),
]


def keras_layer_shapes(model: keras.Model) -> list[tuple[tuple[int, ...], int]]:
    """(output shape without the batch axis, parameter count) of each layer of a Keras model."""
    return [(tuple(layer.output.shape[1:]), layer.count_params()) for layer in model.layers]


def table_frame(input_shape: tuple[int, int], specs: list[LayerSpec]) -> pd.DataFrame:
    """The formula table beside Keras's own numbers, as a DataFrame with a ``match`` column."""
    import pandas as pd

    rows = layer_table(input_shape, specs)
    keras_rows = keras_layer_shapes(build_model(input_shape, specs))
    return pd.DataFrame(
        [
            {
                "layer": row.layer,
                "output shape": row.output_shape,
                "parameters": row.params,
                "formula": row.formula,
                "Keras output shape": keras_shape,
                "Keras parameters": keras_params,
                "match": row.output_shape == keras_shape and row.params == keras_params,
            }
            for row, (keras_shape, keras_params) in zip(rows, keras_rows, strict=True)
        ]
    )


def inception_costs(
    height: int, width: int, in_channels: int, filters: list[int], reductions: bool = True
) -> list[dict[str, str | int]]:
    """Parameters and multiply-adds per branch of an Inception module ('same' padding).

    ``filters = [f1x1, f3x3_reduce, f3x3, f5x5_reduce, f5x5, pool_proj]``; branches are named
    1x1, 3x3, 5x5 and pool. With ``reductions=False`` the 3x3 and 5x5 convolutions read all
    ``in_channels`` directly instead of a 1x1-reduced copy.
    """
    f1, f3r, f3, f5r, f5, fp = filters
    hw = (height, width)

    def conv(kernel: int, cin: int, cout: int) -> tuple[int, int]:
        return conv_params(kernel * kernel, cin, cout), conv2d_macs(*hw, kernel, cin, cout)

    branches = {"1x1": [conv(1, in_channels, f1)]}
    if reductions:
        branches["3x3"] = [conv(1, in_channels, f3r), conv(3, f3r, f3)]
        branches["5x5"] = [conv(1, in_channels, f5r), conv(5, f5r, f5)]
    else:
        branches["3x3"] = [conv(3, in_channels, f3)]
        branches["5x5"] = [conv(5, in_channels, f5)]
    branches["pool"] = [conv(1, in_channels, fp)]
    return [
        {"branch": name, "params": sum(p for p, _ in parts), "MACs": sum(m for _, m in parts)}
        for name, parts in branches.items()
    ]
