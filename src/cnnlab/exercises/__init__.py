"""Exercises at the end of each notebook: check functions that answer with specific feedback.

Each ``check_*`` takes the student's answer (``None`` while unanswered) and returns a
``Feedback``, which a notebook shows as one readable paragraph. Worked solutions live in
``solutions/`` at the top of the repository, outside the notebooks.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from numbers import Integral, Real
from typing import TypeGuard

import numpy as np


@dataclass(frozen=True)
class Feedback:
    """The verdict on an answer: solved or not, and what to look at next."""

    solved: bool
    message: str

    def __str__(self) -> str:
        return f"{'✓ solved' if self.solved else '✗ not yet'}: {self.message}"

    def _repr_markdown_(self) -> str:
        return f"**{'✓ solved' if self.solved else '✗ not yet'}** — {self.message}"

    __repr__ = __str__


def unanswered(hint: str) -> Feedback:
    """The feedback for an exercise the student has not attempted yet, with a hint to start."""
    return Feedback(False, f"no answer yet. {hint}")


def solved(message: str) -> Feedback:
    """A correct answer, with what it shows."""
    return Feedback(True, message)


def wrong(message: str) -> Feedback:
    """A wrong answer, with what is wrong and what to look at."""
    return Feedback(False, message)


def is_whole(value: object) -> TypeGuard[int]:
    """An integer of any kind (numpy's too), but not a bool."""
    return isinstance(value, Integral) and not isinstance(value, bool | np.bool_)


def as_number(value: object) -> float | None:
    """``value`` as a float if it is a real number (not a bool) a float can hold, else None."""
    if not isinstance(value, Real) or isinstance(value, bool | np.bool_):
        return None
    try:
        return float(value)
    except OverflowError:  # an int like 10**400
        return None


def as_positive_whole(value: object) -> int | None:
    """``value`` as an int if it is a whole number of at least 1, else None."""
    return int(value) if is_whole(value) and value >= 1 else None


def as_pair(answer: object, name: str, form: str) -> tuple[float, float] | str:
    """``answer`` as two floats, or one sentence on why it is not ``name`` written ``form``.

    For example ``as_pair(answer, "an interval", "(low, high)")``.
    """
    if isinstance(answer, str | bytes):
        return f"{answer!r} is text: give {name} as a pair of numbers, {form}."
    if as_number(answer) is not None:
        return f"{answer} is a single number; {name} has two parts: give the pair {form}."
    if isinstance(answer, Mapping | Set):  # no order: which number is which?
        return f"a {type(answer).__name__} is not {name}: give a pair {form}."
    try:
        values = list(answer)  # type: ignore[call-overload]
    except TypeError:
        return f"a {type(answer).__name__} is not {name}: give a pair {form}."
    if len(values) != 2:
        plural = "" if len(values) == 1 else "s"
        return f"that has {len(values)} value{plural}; {name} is a pair {form}."
    first, second = (as_number(v) for v in values)
    if first is None or second is None:
        return f"both parts of {name} must be numbers, a pair {form}."
    return first, second
