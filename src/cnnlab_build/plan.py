"""Which notebooks ``make all`` must re-execute, and why: only what a notebook executes counts.

A notebook's inputs are its code cells (markdown is not executed), the source of every
``cnnlab`` module it imports (followed transitively through the package's own imports), the
locked environment (the pins, the project's dependency lists, the kernel config) and the run
profile. After a successful run the runner records them in ``.stamps/<notebook>.json``; a
notebook is up to date when its inputs equal the record. Like jupyter-cache (which hashes code
cells and ignores markdown), but also following the package code the notebook runs, which
a course library changes more often than its notebooks.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from cnnlab.atomic import write_text_atomic
from cnnlab_build.colab import SETUP_MARKER

LIBRARY = "cnnlab"
SHELL_MODULE = re.compile(rf"-m\s+({LIBRARY}(?:\.\w+)*)")
STAMPS = ".stamps"
ENVIRONMENT_FILES = ("constraints.txt", "etc/ipython/ipython_kernel_config.json")


def _digest(data: str | bytes) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()[:16]


def imported_library_modules(source: str, package: str = LIBRARY) -> set[str]:
    """Dotted names of ``package`` modules that Python ``source`` imports (at any depth)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == package}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != package:
                continue
            found.add(node.module)
            # `from cnnlab import models` imports a module; `from cnnlab.x import f` a name.
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def module_file(name: str, src: Path) -> Path | None:
    """The source file of dotted module ``name`` under ``src``, or None for a non-module name."""
    base = src.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def library_closure(names: set[str], src: Path) -> dict[str, Path]:
    """Every module file reachable from ``names`` through the library's own imports."""
    files: dict[str, Path] = {}
    pending = sorted(names | {LIBRARY})
    while pending:
        name = pending.pop()
        path = module_file(name, src)
        if path is None or name in files:
            continue
        files[name] = path
        pending.extend(imported_library_modules(path.read_text()) - set(files))
    return files


def _code_cells(nb: nbformat.NotebookNode) -> list[str]:
    # Papermill's injected-parameters cell is the profile, which is tracked on its own; the
    # Colab set-up cell does nothing outside Colab, so a new repository URL re-runs nothing.
    return [
        c.source
        for c in nb.cells
        if c.cell_type == "code"
        and "injected-parameters" not in c.metadata.get("tags", [])
        and not c.source.startswith(SETUP_MARKER)
    ]


def environment_digest(root: Path) -> str:
    """A digest of what shapes the installed environment: pins, dependency lists, kernel config."""
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text() if pyproject.is_file() else ""
    project = tomllib.loads(text).get("project", {})
    parts = [json.dumps([project.get("dependencies"), project.get("optional-dependencies")])]
    parts += [(root / f).read_text() if (root / f).is_file() else "" for f in ENVIRONMENT_FILES]
    return _digest("\0".join(parts))


@dataclass(frozen=True)
class Inputs:
    """Everything a notebook's execution depends on, as digests."""

    cells: list[str]
    modules: dict[str, str]
    environment: str
    profile: str


def notebook_inputs(path: Path, root: Path, profile: str) -> Inputs:
    """The current inputs of notebook ``path`` in the project at ``root``, run under the
    profile that the runner hands to it."""
    cells = _code_cells(nbformat.read(path, as_version=4))
    src = root / "src"
    imported = set().union(*(cell_library_modules(c, src) for c in cells))
    modules = {
        p.relative_to(src).as_posix(): _digest(p.read_bytes())
        for p in library_closure(imported, src).values()
    }
    return Inputs(
        cells=[_digest(c) for c in cells],
        modules=dict(sorted(modules.items())),
        environment=environment_digest(root),
        profile=profile,
    )


def _as_python(cell: str) -> str | None:
    """A code cell as plain Python (IPython magics and shell escapes turned into calls), or
    None if it still does not parse."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        cell = TransformerManager().transform_cell(cell)
    except ImportError:  # no IPython: drop magic and shell lines, the common case
        cell = "\n".join(ln for ln in cell.splitlines() if not ln.lstrip().startswith(("%", "!")))
    try:
        ast.parse(cell)
    except SyntaxError:
        return None
    return cell


def cell_library_modules(cell: str, src: Path) -> set[str]:
    """The library modules a code cell uses: its imports, ``python -m cnnlab.x`` in shell
    lines, and every module of the library when the cell cannot be parsed (to be safe)."""
    used = set(SHELL_MODULE.findall(cell))
    python = _as_python(cell)
    if python is None:
        return used | {
            ".".join(p.relative_to(src).with_suffix("").parts)
            for p in (src / LIBRARY).rglob("*.py")
        }
    return used | imported_library_modules(python)


def stamp_path(path: Path, root: Path) -> Path:
    """Where the record of ``path``'s last successful run lives."""
    return root / STAMPS / f"{path.stem}.json"


def record_run(path: Path, root: Path, inputs: Inputs) -> None:
    """Record ``inputs`` as those of ``path``'s last successful run."""
    write_text_atomic(stamp_path(path, root), json.dumps(asdict(inputs), indent=1) + "\n")


def changes(path: Path, root: Path, profile: str) -> list[str]:
    """What changed since ``path`` last ran here (empty: up to date)."""
    stamp = stamp_path(path, root)
    if not stamp.is_file():
        return ["never executed in this checkout"]
    try:
        old = Inputs(**json.loads(stamp.read_text()))
    except (ValueError, TypeError):
        return [f"unreadable record {stamp.name}"]
    new = notebook_inputs(path, root, profile)
    found = []
    if old.profile != new.profile:
        found.append(f"profile {old.profile} → {new.profile}")
    if old.environment != new.environment:
        found.append("environment (pins or dependencies)")
    if len(old.cells) != len(new.cells):
        found.append(f"code cells {len(old.cells)} → {len(new.cells)}")
    else:
        found += [
            f"code cell {i}"
            for i, (a, b) in enumerate(zip(old.cells, new.cells, strict=True), 1)
            if a != b
        ]
    for module in sorted(old.modules.keys() | new.modules.keys()):
        if old.modules.get(module) != new.modules.get(module):
            found.append(module)
    return found
