"""The first part of a notebook, for tests that check only its early cells."""

from __future__ import annotations

from pathlib import Path

import nbformat


def notebook_through(source: Path, marker: str, target: Path) -> Path:
    """Writes to ``target`` the cells of ``source`` up to the first code cell containing ``marker``.

    A test that checks only early outputs runs that much of the notebook, not its trainings.
    """
    notebook = nbformat.read(source, as_version=4)
    code = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and marker in c.source]
    if not code:
        raise ValueError(f"no code cell of {source.name} contains {marker!r}")
    notebook.cells = notebook.cells[: code[0] + 1]
    nbformat.write(notebook, target)
    return target
