"""The instructor edition: every notebook with its exercise cells filled from ``solutions/`` and
executed, each check showing "✓ solved" in context.

Exercise cells are marked as nbgrader marks them: a code cell the student answers in carries
``metadata.nbgrader`` with ``"solution": true`` and a ``grade_id``; ``solutions/<notebook>.py``
maps each grade id to the code that fills the cell (its ``CELLS``). The committed notebooks stay
the student's. The edition is its own project root (:mod:`cnnlab_build.side_root`): its
metrics stay there; it reads the repository's data and shares its stored trainings.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat

from cnnlab.atomic import write_text_atomic
from cnnlab.paths import project_root
from cnnlab_build import side_root

SOLVED = "✓ solved"


def solution_cells(root: Path, notebook: str) -> dict[str, str]:
    """``CELLS`` of ``solutions/<notebook>.py``: grade id -> the code of the filled cell."""
    path = root / "solutions" / f"{notebook}.py"
    spec = importlib.util.spec_from_file_location(f"solutions_{notebook}", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"no solutions file {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.CELLS)


def grade_id(cell: nbformat.NotebookNode) -> str | None:
    """The grade id of a cell the student answers in (nbgrader ``solution``), else None."""
    marks = cell.metadata.get("nbgrader", {})
    return marks.get("grade_id") if marks.get("solution") else None


def filled(nb: nbformat.NotebookNode, cells: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of ``nb`` with every solution cell's source replaced by its worked solution."""
    nb = nbformat.from_dict(nb)
    ids = [gid for c in nb.cells if (gid := grade_id(c))]
    if sorted(ids) != sorted(cells):
        raise ValueError(f"exercise cells {sorted(ids)} but solutions for {sorted(cells)}")
    for cell in nb.cells:
        if gid := grade_id(cell):
            cell.source = cells[gid]
            cell.outputs, cell.execution_count = [], None
    return nb


def unsolved(nb: nbformat.NotebookNode) -> list[str]:
    """The grade ids of executed solution cells whose output does not say "✓ solved"."""
    missing = []
    for cell in nb.cells:
        if gid := grade_id(cell):
            texts = [str(v) for o in cell.outputs for v in o.get("data", {}).values()]
            if not any(SOLVED in t for t in texts):
                missing.append(gid)
    return missing


def build(paths: list[Path], out_dir: Path, profile: str) -> int:
    """Fill, execute and verify each notebook into ``out_dir``; returns an exit code."""
    root = project_root(paths[0].resolve().parent) if paths else project_root()
    side_root.prepare(out_dir, root)
    failed = 0
    for path in paths:
        target = out_dir / path.name
        nb = filled(nbformat.read(path, as_version=4), solution_cells(root, path.stem))
        write_text_atomic(target, nbformat.writes(nb))
        print(f"running {target} (profile {profile})", flush=True)
        seconds = side_root.execute_copy(target, {"PROFILE": profile, "RETRAIN": False})
        if seconds is None:
            failed += 1
            continue
        missing = unsolved(nbformat.read(target, as_version=4))
        if missing:
            print(f"FAILED {target}: not solved: {', '.join(missing)}", file=sys.stderr)
            failed += 1
        else:
            print(f"ok {target} ({seconds:.0f} s): every check {SOLVED}")
    return 1 if failed else 0
