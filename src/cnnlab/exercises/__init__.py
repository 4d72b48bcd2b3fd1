"""Exercises at the end of each notebook: checks that answer with specific feedback.

Each check is a :class:`Check`: how to read the answer (one parser for numbers, counts, pairs,
records and functions), what is right, and a table of recognised wrong answers with what each
one gets wrong. Calling it with the student's answer (``None`` while unanswered) returns a
:class:`Feedback`, never raises. Worked solutions live in ``solutions/`` at the top of the
repository, outside the notebooks.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from numbers import Real
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")
# No answer here is anywhere near this large; beyond it floats lose whole numbers too.
HUGE = 1e15


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


class Unusable(Exception):
    """An answer that cannot be read in the form the exercise asks for; the message says why."""


class NotAnswered(Unusable):
    """The student's function is still the stub: it raises NotImplementedError."""


def describe(value: object) -> str:
    """A short, one-line name for any answer, safe to show (no arbitrary ``repr``)."""
    if isinstance(value, str | bytes):
        text = repr(value)
        return text if len(text) <= 40 else text[:36] + "...'"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def as_number(value: object, what: str = "a number") -> float:
    """``value`` as a finite, normal float of at most ``HUGE``; otherwise ``Unusable`` says why."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, bool | np.bool_):
        raise Unusable(f"{value} is a truth value, not {what}.")
    if isinstance(value, str | bytes):
        raise Unusable(f"{describe(value)} is text: give {what}, without quotes.")
    if not isinstance(value, Real):
        raise Unusable(f"{describe(value)} is not {what}.")
    try:
        number = float(value)
    except (OverflowError, TypeError, ValueError):
        raise Unusable(f"that is far too large to be {what} here.") from None
    if math.isnan(number):
        raise Unusable(f"nan (not a number) is not {what}.")
    if math.isinf(number) or abs(number) > HUGE:
        raise Unusable(f"{number:g} is far larger than any answer here: give {what}.")
    if 0 < abs(number) < sys.float_info.min:
        raise Unusable(
            f"{number:g} is subnormal, too close to 0 for a float to hold: use 0 or a normal "
            "number."
        )
    return number


def as_count(value: object, what: str = "a whole number") -> int:
    """``value`` as an int: any number with no fractional part (6, 6.0, np.int64(6))."""
    number = as_number(value, what)
    if not number.is_integer():
        raise Unusable(f"{number:g} has a fractional part: give {what}.")
    return int(number)


def as_truth(value: object) -> bool:
    """``value`` as True or False (Python's or NumPy's), nothing else."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise Unusable(f"{describe(value)} is not True or False.")


def pair_of(read: Callable[[object], T], what: str) -> Callable[[object], tuple[T, T]]:
    """A parser of two values in order (tuple, list or 1-d array), each read by ``read``."""

    def read_pair(value: object) -> tuple[T, T]:
        if isinstance(value, np.ndarray):
            if value.shape != (2,):
                raise Unusable(f"{describe(value)} is not {what}.")
            value = value.tolist()
        if isinstance(value, str | bytes):
            raise Unusable(f"{describe(value)} is text: give {what}.")
        if not isinstance(value, tuple | list):
            single = isinstance(value, Real) and not isinstance(value, bool)
            kind = "a single number" if single else describe(value)
            raise Unusable(f"{kind} is not {what}.")
        if len(value) != 2:
            raise Unusable(f"that has {len(value)} values; give {what}.")
        try:
            return read(value[0]), read(value[1])
        except Unusable as err:
            raise Unusable(f"in {what}: {err}") from None

    return read_pair


def record_of(
    fields: Mapping[str, Callable[[object], Any]], example: str
) -> Callable[[object], dict[str, Any]]:
    """A parser of a dict with exactly the keys of ``fields``, each value read by its parser."""

    def read_record(value: object) -> dict[str, Any]:
        if not isinstance(value, Mapping) or set(value) != set(fields):
            raise Unusable(f"answer a dict with exactly these keys: {example}.")
        read = {}
        for key, parse in fields.items():
            try:
                read[key] = parse(value[key])
            except Unusable as err:
                raise Unusable(f"{key}: {err}") from None
        return read

    return read_record


def as_function(value: object, signature: str) -> Callable[..., Any]:
    """``value`` itself if it can be called; otherwise ``Unusable`` asks for the function."""
    if not callable(value):
        raise Unusable(
            f"{describe(value)} is not a function: define {signature} and pass the function "
            "itself (its name, without brackets)."
        )
    return value


def call(function: Callable[..., Any], *args: Any) -> Any:
    """The student's ``function(*args)``; whatever it raises becomes one line of feedback."""
    try:
        return function(*args)
    except NotImplementedError:
        raise NotAnswered() from None
    except Exception as err:  # the student's code may fail in any way
        first = (str(err).splitlines() or [""])[0][:160]
        raise Unusable(f"your function raised {type(err).__name__}: {first}") from None


def shape_of(value: Any) -> tuple[int, ...] | None:
    """NumPy's shape of ``value``, or None if it is not array-like (a ragged list, say)."""
    try:
        return tuple(np.shape(value))
    except Exception:  # any object can come back from a student's function
        return None


def as_array(value: object, shape: tuple[int, ...], what: str) -> np.ndarray:
    """What a student's function returned, as a finite float array of exactly ``shape``."""
    try:
        array = np.asarray(value)
    except Exception:  # any object can come back, with any conversion error
        array = np.asarray(None)
    if array.dtype.kind not in "iuf":  # complex, text, truth values, objects
        raise Unusable(f"your function returned {describe(value)}, not {what} of real numbers.")
    array = array.astype(float)
    if array.shape != shape:
        raise Unusable(f"your function returned shape {array.shape}; {what} has shape {shape}.")
    if not np.isfinite(array).all():
        raise Unusable("your function returned nan or inf values.")
    return array


def near(target: Any, tolerance: float = 0.0) -> Callable[[Any], bool]:
    """A predicate: the read answer is ``target`` (a number or tuple) within ``tolerance``."""
    targets = target if isinstance(target, tuple) else (target,)

    def matches(value: Any) -> bool:
        values = value if isinstance(value, tuple) else (value,)
        return len(values) == len(targets) and all(
            isinstance(v, Real) and isinstance(t, Real) and abs(float(v) - float(t)) <= tolerance
            for v, t in zip(values, targets, strict=True)
        )

    return matches


Message = str | Callable[[Any], str]


@dataclass(frozen=True)
class Check:
    """One exercise: how its answer is read, the right answer, and the recognised mistakes.

    ``right`` and each key of ``mistakes`` is a value the read answer is compared with (within
    ``tolerance`` for the right answer, half of it for a mistake, so no mistake can hide a right
    answer) or a predicate on the read answer. Mistakes are tried in order; ``otherwise``
    answers the rest. A message is text or a function of the read answer.
    """

    hint: str
    read: Callable[[object], Any]
    right: Any
    solved: Message
    otherwise: Message
    mistakes: Mapping[Any, Message] = field(default_factory=dict)
    tolerance: float = 0.0

    def __call__(self, answer: object) -> Feedback:
        """The feedback on ``answer``; ``None`` means not answered yet."""
        try:
            if answer is None:
                raise NotAnswered()
            value = self.read(answer)
        except NotAnswered:
            return Feedback(False, f"no answer yet. {self.hint}")
        except Unusable as err:
            return Feedback(False, str(err))
        if _matches(self.right, value, self.tolerance):
            return Feedback(True, _text(self.solved, value))
        for key, message in self.mistakes.items():
            if _matches(key, value, self.tolerance / 2):
                return Feedback(False, _text(message, value))
        return Feedback(False, _text(self.otherwise, value))


def _matches(key: Any, value: Any, tolerance: float) -> bool:
    return bool(key(value)) if callable(key) else near(key, tolerance)(value)


def _text(message: Message, value: Any) -> str:
    return message(value) if callable(message) else message
