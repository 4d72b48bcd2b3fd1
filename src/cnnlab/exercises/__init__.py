"""Exercises at the end of each notebook: check functions that answer with specific feedback.

Each ``check_*`` takes the student's answer (``None`` while unanswered) and returns a
``Feedback``, which a notebook shows as one readable paragraph. Worked solutions live in
``solutions/`` at the top of the repository, outside the notebooks.
"""

from __future__ import annotations

from dataclasses import dataclass


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
