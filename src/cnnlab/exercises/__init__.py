"""Exercises at the end of each notebook: checks that answer with specific feedback.

A :class:`Check` is data: how to read the answer (one parser per form, below), the right answer
and a table {recognised wrong answer: message}. It answers ``None`` (not answered yet) and any
other object with a one-line :class:`Feedback`, never an exception. Worked solutions are in
``solutions/``, outside the package.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from numbers import Real
from typing import Any

import numpy as np

HUGE = 1e15  # no answer is near this; beyond it floats lose whole numbers too
Message = str | Callable[[Any], str]


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
    """No answer yet: ``None``, or a function that is still the stub (NotImplementedError)."""


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
    except (OverflowError, TypeError, ValueError):  # an int of hundreds of digits, say
        raise Unusable(f"that is far too large to be {what} here.") from None
    if math.isnan(number):
        raise Unusable(f"nan (not a number) is not {what}.")
    if abs(number) > HUGE:
        raise Unusable(f"{number:g} is far larger than any answer here: give {what}.")
    if 0 < abs(number) < sys.float_info.min:
        raise Unusable(f"{number:g} is subnormal, too close to 0 for a float: use 0 or {what}.")
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


def pair_of(read: Callable[[object], Any], what: str) -> Callable[[object], tuple[Any, Any]]:
    """A parser of two values in order (tuple, list or 1-d array), each read by ``read``."""

    def read_pair(value: object) -> tuple[Any, Any]:
        if isinstance(value, np.ndarray):
            value = value.tolist()  # a 0-d array gives one number, a 2-d one nested lists
        if isinstance(value, str | bytes):
            raise Unusable(f"{describe(value)} is text: give {what}.")
        if not isinstance(value, tuple | list):
            single = isinstance(value, Real) and not isinstance(value, bool)
            raise Unusable(f"{'a single number' if single else describe(value)} is not {what}.")
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


def call(function: object, signature: str, *args: Any) -> Any:
    """The student's ``function(*args)``; whatever goes wrong becomes one line of feedback."""
    if not callable(function):
        raise Unusable(
            f"{describe(function)} is not a function: define {signature} and pass the function "
            "itself (its name, without brackets)."
        )
    try:
        return function(*args)
    except NotImplementedError:
        raise NotAnswered() from None
    except Exception as err:  # the student's code may fail in any way
        raise Unusable(f"your function raised {type(err).__name__}: {first_line(err)}") from None


def first_line(err: Exception) -> str:
    """The first line of an error's message, at most 160 characters: feedback is one line."""
    return (str(err).splitlines() or [""])[0][:160]


def as_array(
    value: object, shape: tuple[int, ...], what: str, known: Mapping[tuple, str] | None = None
) -> np.ndarray:
    """A function's result as finite floats of ``shape``; ``known`` names wrong shapes it knows."""
    try:
        array = np.asarray(value)
    except Exception:  # any object can come back, with any conversion error
        array = np.asarray(None)
    if array.dtype.kind not in "iuf":  # complex, text, truth values, objects
        raise Unusable(f"your function returned {describe(value)}, not {what} of real numbers.")
    if array.shape != shape and array.squeeze().shape == shape:
        array = array.squeeze()  # (1, h, w) or (h, w, 1) for (h, w): the same numbers
    if array.shape != shape:
        raise Unusable(
            (known or {}).get(array.shape)
            or f"your function returned shape {array.shape}; {what} has shape {shape}."
        )
    if not np.isfinite(array).all():
        raise Unusable("your function returned nan or inf values.")
    return array.astype(float)


def close(value: Any, target: Any, tolerance: float = 0.0) -> bool:
    """Whether ``value`` (a number, tuple or array) has ``target``'s shape and is that close."""
    try:
        same_shape = np.shape(value) == np.shape(target)
        return same_shape and bool(np.allclose(value, target, rtol=0, atol=tolerance))
    except (TypeError, ValueError):  # records and measured models are compared by predicates
        return False


def same_output(
    read: Callable[[object], Any], reference: Callable[..., Any], tolerance: float = 1e-8
) -> Callable[[Any], bool]:
    """A predicate: the read answer is what the implementation ``reference`` gives (run once)."""
    expected = cache(lambda: read(reference))
    return lambda got: close(got, expected(), tolerance)


@dataclass(frozen=True)
class Check:
    """One exercise: how its answer is read, the right answer, and the recognised mistakes.

    ``right`` and each key of ``mistakes`` is a value the read answer is compared with (within
    ``tolerance`` for the right answer, half of it for a mistake, so no mistake can hide a right
    answer) or a predicate on the read answer. Mistakes are tried in order; ``otherwise``
    answers the rest. A message is text or a function of the read answer.
    """

    read: Callable[[object], Any]
    right: Any
    otherwise: Message
    mistakes: Mapping[Any, Message] = field(default_factory=dict)
    tolerance: float = 0.0
    hint: str = ""
    solved: Message = ""

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


def parts_check(
    read: Callable[[object], Any], parts: Mapping[str, Check], hint: str, solved: str
) -> Check:
    """A check of an answer in parts (a pair, or a dict in the order of ``parts``), each a check."""

    def verdicts(answer: object) -> list[tuple[str, Feedback]]:
        values = read(answer)
        values = values.values() if isinstance(values, Mapping) else values
        return [(name, part(v)) for (name, part), v in zip(parts.items(), values, strict=True)]

    return Check(
        read=verdicts,
        right=lambda verdicts: all(f.solved for _, f in verdicts),
        otherwise=lambda verdicts: " ".join(  # the wrong parts first
            f"Your {name} is right." if f.solved else f"{name}: {f.message}"
            for name, f in sorted(verdicts, key=lambda verdict: verdict[1].solved)
        ),
        hint=hint,
        solved=solved,
    )


def _matches(key: Any, value: Any, tolerance: float) -> bool:
    return bool(key(value)) if callable(key) else close(value, key, tolerance)


def _text(message: Message, value: Any) -> str:
    return message(value) if callable(message) else message
