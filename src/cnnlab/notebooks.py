"""Execute the course notebooks with papermill, never clobbering a good notebook with a failed run.

Usage: ``python -m cnnlab.notebooks run NOTEBOOK...`` (what ``make all`` calls) and
``python -m cnnlab.notebooks list strict|lax`` (which notebooks nbval compares in which mode).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import nbformat

from cnnlab.paths import project_root

KERNEL = "python3"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
SETUP_MARKER = "# Colab only:"
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
        tmp.chmod(0o644)  # mkstemp made it private; a notebook is not
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


def repository_url(root: Path | None = None) -> str:
    """The repository's URL, written once in ``pyproject.toml`` under ``[project.urls]``."""
    pyproject = (root or project_root()) / "pyproject.toml"
    return tomllib.loads(pyproject.read_text())["project"]["urls"]["Repository"].rstrip("/")


def colab_badge(path: Path, url: str) -> str:
    """The Markdown "Open in Colab" badge for the notebook at ``path`` (under notebooks/)."""
    github = url.removeprefix("https://github.com/")
    target = f"https://colab.research.google.com/github/{github}/blob/main/notebooks/{path.name}"
    return f"[![Open In Colab]({BADGE_IMAGE})]({target})"


def colab_setup_source(url: str) -> str:
    """The guarded first code cell: installs the package on Colab, does nothing elsewhere."""
    return (
        f"{SETUP_MARKER} install this course's package (the Colab image has the rest).\n"
        "import subprocess\n"
        "import sys\n\n"
        "try:\n"
        "    import google.colab  # noqa: F401  (importable only on Colab)\n"
        "except ImportError:\n"
        "    pass\n"
        "else:\n"
        f'    package = "cnnlab @ git+{url}"\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)'
    )


def write_colab_cells(path: Path, url: str) -> bool:
    """Put the current badge in the title cell and the set-up cell first; True if changed."""
    from nbformat.v4 import new_code_cell

    nb = nbformat.read(path, as_version=4)
    title = nb.cells[0]
    lines = [ln for ln in title.source.splitlines() if not ln.startswith("[![Open In Colab]")]
    joined = "\n".join([lines[0], "", colab_badge(path, url), *lines[1:]])
    source = re.sub(r"\n{3,}", "\n\n", joined)
    changed = source != title.source
    title.source = source
    code = [c for c in nb.cells if c.cell_type == "code"]
    setup = colab_setup_source(url)
    if code and code[0].source.startswith(SETUP_MARKER):
        changed |= code[0].source != setup
        code[0].source = setup
    else:
        nb.cells.insert(nb.cells.index(code[0]) if code else len(nb.cells), new_code_cell(setup))
        changed = True
    if changed:
        nbformat.write(nb, path)
    return changed


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m cnnlab.notebooks")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute notebooks in place with papermill")
    run.add_argument("notebooks", nargs="+", type=Path)
    badges = sub.add_parser("colab", help="rewrite Colab badges and set-up cells from pyproject")
    badges.add_argument("notebooks", nargs="+", type=Path)
    listing = sub.add_parser("list", help="print the notebooks nbval checks in a mode")
    listing.add_argument("mode", choices=["strict", "lax"])
    listing.add_argument("--folder", type=Path, default=Path("notebooks"))
    args = parser.parse_args(argv)

    if args.command == "colab":
        url = repository_url()
        for path in args.notebooks:
            if write_colab_cells(path, url):
                print(f"updated {path}")
        return 0
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
