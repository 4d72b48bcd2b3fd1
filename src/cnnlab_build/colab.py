"""Colab support: each notebook's "Open in Colab" badge and its guarded set-up cell.

The repository URL is written once, in ``pyproject.toml`` under ``[project.urls]``; ``make
badges`` rewrites every notebook's badge and first code cell from it, and tags the set-up and
``parameters`` cells ``remove-cell`` so that the book (``make html``) leaves that machinery out.
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
# The book tools' (Jupyter Book, MyST-NB) own tag for a cell that no reader needs to see.
HIDDEN = "remove-cell"


def repository_url(root: Path | None = None) -> str:
    """The repository's URL, written once in ``pyproject.toml`` under ``[project.urls]``."""
    pyproject = (root or project_root()) / "pyproject.toml"
    return tomllib.loads(pyproject.read_text())["project"]["urls"]["Repository"].rstrip("/")


def colab_link(path: Path, url: str) -> str:
    """Colab's address of the notebook at ``path`` (under notebooks/) on the main branch."""
    github = url.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{github}/blob/main/notebooks/{path.name}"


def colab_badge(path: Path, url: str) -> str:
    """The Markdown "Open in Colab" badge for the notebook at ``path`` (under notebooks/)."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_link(path, url)})"


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


def add_tag(cell: nbformat.NotebookNode, tag: str) -> bool:
    """Add ``tag`` to the cell's tags unless it is there; True if it was added."""
    tags = cell.metadata.setdefault("tags", [])
    if tag in tags:
        return False
    tags.append(tag)
    return True


def write_colab_cells(path: Path, url: str) -> bool:
    """Badge in the title cell, set-up cell first, machinery tagged hidden; True if changed."""
    from nbformat.v4 import new_code_cell

    nb = nbformat.read(path, as_version=4)
    title = nb.cells[0]
    lines = [ln for ln in title.source.splitlines() if not ln.startswith("[![Open In Colab]")]
    joined = "\n".join([lines[0], "", colab_badge(path, url), *lines[1:]])
    source = re.sub(r"\n{3,}", "\n\n", joined).rstrip()  # a title-only cell stays stable
    changed = source != title.source
    title.source = source
    code = [c for c in nb.cells if c.cell_type == "code"]
    setup = colab_setup_source(url)
    if code and code[0].source.startswith(SETUP_MARKER):
        changed |= code[0].source != setup
        code[0].source = setup
    else:
        code.insert(0, new_code_cell(setup))
        nb.cells.insert(nb.cells.index(code[1]) if len(code) > 1 else len(nb.cells), code[0])
        changed = True
    # Both only serve a runner (Colab, papermill); nbval ignores tags it does not know.
    for cell in [code[0], *(c for c in code if "parameters" in c.metadata.get("tags", []))]:
        changed |= add_tag(cell, HIDDEN)
    if changed:
        with atomic_path(path, suffix=".ipynb") as tmp:
            nbformat.write(nb, tmp)
    return changed
