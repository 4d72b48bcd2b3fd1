"""Which notebooks nbval compares in which mode, read from each notebook's metadata."""

from __future__ import annotations

import json
from pathlib import Path


def nbval_mode(path: Path) -> str:
    """``lax`` for notebooks whose outputs depend on the training profile, else ``strict``."""
    meta = json.loads(path.read_text()).get("metadata", {})
    return meta.get("cnnlab", {}).get("nbval", "strict")


def notebooks_in_mode(folder: Path, mode: str) -> list[Path]:
    """The numbered notebooks of ``folder`` that nbval checks in ``mode``."""
    return [p for p in sorted(folder.glob("[0-9]*.ipynb")) if nbval_mode(p) == mode]
