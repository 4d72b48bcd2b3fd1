"""A project root inside ``build/`` for executed copies of the notebooks (the instructor
edition, runs from other seeds): its runs record their metrics there, not in ``reports/``, and
it reads the repository's data and shares its stored trainings."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from cnnlab.atomic import remove, write_text_atomic
from cnnlab.paths import data_dir
from cnnlab_build import runner


@contextlib.contextmanager
def data_dir_handed_over() -> Iterator[None]:
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
    write_text_atomic(out_dir / "pyproject.toml", "# a project root of executed copies\n")
    shared, link = root / "build" / "training-cache", out_dir / "build" / "training-cache"
    shared.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(shared.resolve(), target_is_directory=True)


def execute_copy(target: Path, parameters: dict[str, object]) -> float | None:
    """Run the copy ``target`` in place with ``parameters`` on the repository's data; returns
    its wall time, or None after one line on stderr (the copy removed: an unexecuted copy must
    not look like a result)."""
    try:
        with data_dir_handed_over():
            return runner.execute(target, parameters)
    except (KeyboardInterrupt, runner.Interrupted):
        remove(target)
        raise
    except Exception as exc:  # papermill's errors carry the cell; anything else is set-up
        remove(target)
        print(runner.failure_line(target, exc), file=sys.stderr)
        return None
