"""Colab support: each notebook's "Open in Colab" badge and its guarded set-up cell.

The repository URL is written once, in ``pyproject.toml`` under ``[project.urls]``; ``make
badges`` rewrites every notebook's badge and first code cell from it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nbformat

from cnnlab.atomic import atomic_path
from cnnlab.paths import project_root

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
SETUP_MARKER = "# Colab only:"


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
        with atomic_path(path, suffix=".ipynb") as tmp:
            nbformat.write(nb, tmp)
    return changed
