"""Which notebooks nbval compares in which mode, read from each notebook's metadata."""

from __future__ import annotations

import json
from pathlib import Path

MODES = ("strict", "lax")


class ModeError(ValueError):
    """A notebook folder or a notebook's nbval mode is not usable; the message says why."""


def nbval_mode(path: Path) -> str:
    """``lax`` for notebooks whose outputs depend on the training profile, else ``strict``."""
    try:
        meta = json.loads(path.read_text()).get("metadata", {})
    except (OSError, ValueError) as err:
        raise ModeError(f"{path} is not a readable notebook ({err})") from err
    mode = meta.get("cnnlab", {}).get("nbval", "strict")
    if mode not in MODES:
        # A misspelt mode would otherwise put the notebook in neither list, unchecked.
        raise ModeError(f"{path}: metadata cnnlab.nbval is {mode!r}; use 'strict' or 'lax'")
    return mode


def notebooks_in_mode(folder: Path, mode: str) -> list[Path]:
    """The numbered notebooks of ``folder`` that nbval checks in ``mode``."""
    notebooks = sorted(folder.glob("[0-9]*.ipynb"))
    if not notebooks:
        raise ModeError(f"{folder} holds no numbered notebooks (NN_name.ipynb) to check")
    return [p for p in notebooks if nbval_mode(p) == mode]
