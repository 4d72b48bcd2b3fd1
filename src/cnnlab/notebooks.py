"""Execute the course notebooks with papermill, never clobbering a good notebook with a failed run.

Usage: ``python -m cnnlab.notebooks run NOTEBOOK...`` (what ``make all`` calls) and
``python -m cnnlab.notebooks list strict|lax`` (which notebooks nbval compares in which mode).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from cnnlab.paths import project_root

KERNEL = "python3"
# Cell metadata that changes on every run and says nothing about the outputs.
VOLATILE_CELL_METADATA = ("execution", "papermill")


def nbval_mode(path: Path) -> str:
    """``lax`` for notebooks whose outputs depend on the training profile, else ``strict``."""
    meta = json.loads(path.read_text()).get("metadata", {})
    return meta.get("cnnlab", {}).get("nbval", "strict")


def _tidy(path: Path, final: Path) -> None:
    """Drop per-run timing metadata and record the notebook's real name in papermill's metadata."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    papermill = nb.metadata.get("papermill", {})
    papermill["input_path"] = papermill["output_path"] = final.name
    for key in ("start_time", "end_time", "duration", "environment_variables"):
        papermill.pop(key, None)
    nbformat.write(nb, path)


@contextlib.contextmanager
def _stderr_to(log: Path):
    """Send this process's file descriptor 2 (inherited by the kernel) to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    saved = os.dup(2)
    with open(log, "w") as handle:
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def log_path(path: Path) -> Path:
    """Where the kernel's own stderr goes while ``path`` runs."""
    return project_root(path.parent) / "build" / "logs" / f"{path.stem}.log"


def execute(path: Path) -> float:
    """Run ``path`` end to end in place (through a temporary file); returns the wall time."""
    import papermill as pm

    path = path.resolve()
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".ipynb")
    os.close(fd)
    tmp = Path(tmp_name)
    start = time.perf_counter()
    try:
        with _stderr_to(log_path(path)):
            pm.execute_notebook(
                str(path),
                str(tmp),
                kernel_name=KERNEL,
                cwd=str(path.parent),
                progress_bar=False,
                log_output=False,
            )
        _tidy(tmp, path)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return time.perf_counter() - start


def failure_line(path: Path, exc: Exception) -> str:
    """One line naming the failing cell and the error, for any failure of ``execute``."""
    cell = getattr(exc, "exec_count", None)
    where = f"cell [{cell}]" if cell is not None else "start-up"
    what = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', exc)}"
    first = (what.splitlines() or [""])[0]
    return (
        f"FAILED {path} at {where}: {first} "
        f"(notebook left unchanged; kernel log in {log_path(path.resolve())})"
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m cnnlab.notebooks")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute notebooks in place with papermill")
    run.add_argument("notebooks", nargs="+", type=Path)
    listing = sub.add_parser("list", help="print the notebooks nbval checks in a mode")
    listing.add_argument("mode", choices=["strict", "lax"])
    listing.add_argument("--folder", type=Path, default=Path("notebooks"))
    args = parser.parse_args(argv)

    if args.command == "list":
        chosen = [p for p in sorted(args.folder.glob("[0-9]*.ipynb")) if nbval_mode(p) == args.mode]
        print(" ".join(str(p) for p in chosen))
        return 0
    for path in args.notebooks:
        if not path.is_file():
            print(f"FAILED {path}: no such notebook", file=sys.stderr)
            return 1
        try:
            seconds = execute(path)
        except Exception as exc:  # papermill's errors carry the cell; anything else is set-up
            print(failure_line(path, exc), file=sys.stderr)
            return 1
        print(f"ok {path} ({seconds:.0f} s, profile {os.environ.get('CNNLAB_PROFILE', 'full')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
