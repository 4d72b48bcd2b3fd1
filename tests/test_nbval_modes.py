"""nbval compares a notebook strictly unless its metadata says lax; a folder lists by mode."""

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from cnnlab_build import nbval_modes


def notebook(path: Path, mode: str | None = None) -> Path:
    nb = new_notebook(cells=[new_code_cell("1")])
    if mode is not None:
        nb.metadata["cnnlab"] = {"nbval": mode}
    nbformat.write(nb, path)
    return path


def test_strict_by_default(tmp_path):
    assert nbval_modes.nbval_mode(notebook(tmp_path / "01_a.ipynb")) == "strict"


def test_lax_from_metadata(tmp_path):
    assert nbval_modes.nbval_mode(notebook(tmp_path / "01_a.ipynb", "lax")) == "lax"
    assert nbval_modes.nbval_mode(notebook(tmp_path / "02_b.ipynb", "strict")) == "strict"


def test_a_folder_lists_its_numbered_notebooks_by_mode_in_order(tmp_path):
    c = notebook(tmp_path / "03_c.ipynb")
    a = notebook(tmp_path / "01_a.ipynb")
    b = notebook(tmp_path / "02_b.ipynb", "lax")
    notebook(tmp_path / "scratch.ipynb")  # not numbered: not part of the course
    assert nbval_modes.notebooks_in_mode(tmp_path, "strict") == [a, c]
    assert nbval_modes.notebooks_in_mode(tmp_path, "lax") == [b]
    with pytest.raises(nbval_modes.ModeError, match="no numbered notebooks"):
        nbval_modes.notebooks_in_mode(tmp_path / "missing", "strict")


def test_a_misspelt_mode_is_an_error_not_a_silent_skip(tmp_path):
    notebook(tmp_path / "01_a.ipynb", "relaxed")
    with pytest.raises(nbval_modes.ModeError, match="'relaxed'; use 'strict' or 'lax'"):
        nbval_modes.notebooks_in_mode(tmp_path, "lax")
