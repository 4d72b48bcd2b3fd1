"""Where the project keeps its data, found from the working directory, never hard-coded."""

from __future__ import annotations

import os
from pathlib import Path


def project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: cwd) with a ``pyproject.toml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return here


def data_dir() -> Path:
    """The data folder: ``CNNLAB_DATA_DIR`` if set, else ``<project root>/data``."""
    return Path(os.environ.get("CNNLAB_DATA_DIR") or project_root() / "data")
