"""The instructor edition: every notebook with its exercise cells filled from ``solutions/`` and
executed, each check showing "✓ solved" in context.

Exercise cells are marked as nbgrader marks them: a code cell the student answers in carries
``metadata.nbgrader`` with ``"solution": true`` and a ``grade_id``; ``solutions/<notebook>.py``
maps each grade id to the code that fills the cell (its ``CELLS``). The committed notebooks stay
the student's. The edition is its own project root (``build/instructor/pyproject.toml``), so
its runs record their metrics there, not in ``reports/``; it reads the repository's data and
shares its stored trainings.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat

from cnnlab.atomic import remove, write_text_atomic
from cnnlab.paths import data_dir, project_root
from cnnlab_build import runner

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


@contextlib.contextmanager
def _data_dir_handed_over() -> Iterator[None]:
    """Point the kernels (which inherit this environment) at the repository's data."""
    saved = os.environ.get("CNNLAB_DATA_DIR")
    os.environ["CNNLAB_DATA_DIR"] = str(data_dir())
    try:
        yield
    finally:
        if saved is None:
            del os.environ["CNNLAB_DATA_DIR"]
        else:
            os.environ["CNNLAB_DATA_DIR"] = saved


def prepare(out_dir: Path, root: Path) -> None:
    """Make ``out_dir`` a project root that shares ``root``'s stored trainings."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out_dir / "pyproject.toml", "# the instructor edition's own root\n")
    shared, link = root / "build" / "training-cache", out_dir / "build" / "training-cache"
    shared.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(shared.resolve(), target_is_directory=True)


def build(paths: list[Path], out_dir: Path, profile: str) -> int:
    """Fill, execute and verify each notebook into ``out_dir``; returns an exit code."""
    root = project_root(paths[0].resolve().parent) if paths else project_root()
    prepare(out_dir, root)
    failed = 0
    for path in paths:
        target = out_dir / path.name
        nb = filled(nbformat.read(path, as_version=4), solution_cells(root, path.stem))
        write_text_atomic(target, nbformat.writes(nb))
        print(f"running {target} (profile {profile})", flush=True)
        try:
            with _data_dir_handed_over():
                seconds = runner.execute(target, {"PROFILE": profile, "RETRAIN": False})
        except Exception as exc:  # papermill's errors carry the cell; anything else is set-up
            remove(target)  # never leave an unexecuted copy that looks like the edition
            print(runner.failure_line(target, exc), file=sys.stderr)
            failed += 1
            continue
        missing = unsolved(nbformat.read(target, as_version=4))
        if missing:
            print(f"FAILED {target}: not solved: {', '.join(missing)}", file=sys.stderr)
            failed += 1
        else:
            print(f"ok {target} ({seconds:.0f} s): every check {SOLVED}")
    return 1 if failed else 0
