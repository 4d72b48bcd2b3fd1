"""Receptive fields of a stack of convolutions and poolings: how much of the input one output sees.

Each layer is a ``(kernel, stride)`` pair along one spatial axis (square kernels). A layer widens
the field by ``(kernel - 1) x jump``, where the jump is the product of the strides *before* it
(the input distance between neighbouring positions it reads); its own stride only multiplies
the jump that later layers see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras


@dataclass(frozen=True)
class Field:
    """After one layer: the receptive field's side in input pixels, and the jump between outputs."""

    size: int
    jump: int


def receptive_fields(stack: Sequence[tuple[int, int]]) -> list[Field]:
    """The receptive field and jump after each ``(kernel, stride)`` layer of ``stack``."""
    size, jump, fields = 1, 1, []
    for kernel, stride in stack:
        if kernel < 1 or stride < 1:
            raise ValueError(f"kernel and stride must be positive, got ({kernel}, {stride})")
        size += (kernel - 1) * jump
        jump *= stride
        fields.append(Field(size, jump))
    return fields


def _square(value: int | Sequence[int], what: str, name: str) -> int:
    values = (value,) if isinstance(value, int) else tuple(value)
    if len(set(values)) != 1:
        raise ValueError(f"layer {name!r} has a non-square {what} {values}")
    return int(values[0])


def keras_stack(model: keras.Model, names: Sequence[str]) -> list[tuple[int, int]]:
    """``(kernel, stride)`` of the named Conv2D/MaxPooling2D layers of ``model``, in that order."""
    stack = []
    for name in names:
        layer = model.get_layer(name)
        kernel = getattr(layer, "kernel_size", None) or getattr(layer, "pool_size", None)
        if kernel is None:
            raise ValueError(f"layer {name!r} is neither a convolution nor a pooling layer")
        if getattr(layer, "dilation_rate", 1) not in (1, (1, 1)):
            raise ValueError(f"layer {name!r} is dilated; this helper assumes dilation 1")
        stack.append((_square(kernel, "kernel", name), _square(layer.strides, "stride", name)))
    return stack
