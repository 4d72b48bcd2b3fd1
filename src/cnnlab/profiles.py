"""Run profiles: ``full`` reproduces the notebooks' real budgets, ``smoke`` only shrinks training.

A profile never changes the data or its split, so every data summary is the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """A training budget: how many epochs, and at most how many steps per epoch (None = all)."""

    name: str
    max_epochs: int | None
    steps_per_epoch: int | None

    def epochs(self, full_epochs: int) -> int:
        """The number of epochs this profile trains where the full run trains ``full_epochs``."""
        return full_epochs if self.max_epochs is None else min(full_epochs, self.max_epochs)


PROFILES = {
    "full": Profile("full", max_epochs=None, steps_per_epoch=None),
    "smoke": Profile("smoke", max_epochs=2, steps_per_epoch=3),
}


def get_profile(name: str) -> Profile:
    """The profile called ``name``; a one-line error naming the choices if there is none."""
    if name not in PROFILES:
        raise ValueError(
            f"unknown profile {name!r}: choose one of {sorted(PROFILES)} "
            "(the notebook's PROFILE parameter)"
        )
    return PROFILES[name]
