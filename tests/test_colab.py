"""Colab support: the set-up cell installs only on Colab; badges and cells are rewritten once."""

import subprocess
import sys
import types

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from cnnlab_build import colab


def fake_colab(monkeypatch, present: bool) -> list:
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: calls.append(args))
    if present:
        google = types.ModuleType("google")
        google.colab = types.ModuleType("google.colab")
        monkeypatch.setitem(sys.modules, "google", google)
        monkeypatch.setitem(sys.modules, "google.colab", google.colab)
    else:
        monkeypatch.setitem(sys.modules, "google.colab", None)  # import fails as off Colab
    return calls


def test_colab_setup_installs_only_on_colab(monkeypatch, capsys):
    source = colab.colab_setup_source("https://github.com/someone/course")
    calls = fake_colab(monkeypatch, present=True)
    exec(source, {})
    assert calls == [
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "cnnlab @ git+https://github.com/someone/course",
        ]
    ]


def test_colab_setup_does_nothing_locally(monkeypatch, capsys):
    calls = fake_colab(monkeypatch, present=False)
    exec(colab.colab_setup_source("https://github.com/someone/course"), {})
    assert calls == [] and capsys.readouterr() == ("", "")


def test_write_colab_cells_is_idempotent_and_fixes_a_wrong_badge(tmp_path):
    path = tmp_path / "07_new.ipynb"
    nb = new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# 07 · New\n\nText."), new_code_cell("x = 1")]
    )
    nbformat.write(nb, path)
    url = "https://github.com/someone/course"
    assert colab.write_colab_cells(path, url)
    assert not colab.write_colab_cells(path, url)
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].source.splitlines()[2] == colab.colab_badge(path, url)
    assert "notebooks/07_new.ipynb" in cells[0].source
    assert cells[1].source == colab.colab_setup_source(url) and cells[2].source == "x = 1"
    assert colab.write_colab_cells(path, "https://github.com/other/fork")
    assert "github/other/fork/blob" in nbformat.read(path, as_version=4).cells[0].source


def test_write_colab_cells_hides_the_set_up_and_parameters_cells_only(tmp_path):
    path = tmp_path / "08_tags.ipynb"
    parameters = new_code_cell("PROFILE = None  # overridden by papermill")
    parameters.metadata["tags"] = ["parameters"]
    nb = new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# 08 · Tags"), parameters, new_code_cell("x = 1")]
    )
    nbformat.write(nb, path)
    assert colab.write_colab_cells(path, "https://github.com/someone/course")
    cells = nbformat.read(path, as_version=4).cells
    assert [c.metadata.get("tags", []) for c in cells] == [
        [],
        [colab.HIDDEN],
        ["parameters", colab.HIDDEN],
        [],
    ]
    assert not colab.write_colab_cells(path, "https://github.com/someone/course")
