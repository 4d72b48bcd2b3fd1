"""`make plan` / the runner re-execute a notebook when, and only when, what it executes changed."""

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from cnnlab_build import plan, runner

ROOT = Path(__file__).resolve().parents[1]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def notebook(path: Path, *code: str) -> Path:
    nb = new_notebook(cells=[new_markdown_cell("# title"), *(new_code_cell(c) for c in code)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A small project: a library whose paths.py imports shapes.py, a tool, two notebooks."""
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\ndependencies = ["numpy"]\n')
    write(tmp_path / "constraints.txt", "numpy==2.0\n")
    write(tmp_path / "src/cnnlab/__init__.py", "")
    write(tmp_path / "src/cnnlab/shapes.py", "SIZE = 1\n")
    write(tmp_path / "src/cnnlab/paths.py", "def build():\n    from cnnlab.shapes import SIZE\n")
    write(tmp_path / "src/cnnlab/data.py", "ROWS = 3\n")
    write(tmp_path / "src/cnnlab_build/book.py", "PAGE = 1\n")
    uses_paths = notebook(tmp_path / "a.ipynb", "from cnnlab import paths", "print(1)")
    uses_data = notebook(tmp_path / "b.ipynb", "import cnnlab.data", "%matplotlib inline\nx = 2")
    for path in (uses_paths, uses_data):
        plan.record_run(path, tmp_path, plan.notebook_inputs(path, tmp_path, "full"))
    return tmp_path, uses_paths, uses_data


def test_a_fresh_checkout_runs_everything(tmp_path):
    path = notebook(tmp_path / "c.ipynb", "x = 1")
    assert plan.changes(path, tmp_path, "full") == ["never executed in this checkout"]


def test_recorded_notebooks_are_up_to_date(project):
    root, a, b = project
    assert plan.changes(a, root, "full") == [] and plan.changes(b, root, "full") == []
    assert set(plan.notebook_inputs(a, root, "full").modules) == {
        "cnnlab/__init__.py",
        "cnnlab/paths.py",
        "cnnlab/shapes.py",  # imported inside a function of paths.py
    }


def test_markdown_and_tooling_edits_change_nothing(project):
    root, a, b = project
    nb = nbformat.read(a, as_version=4)
    nb.cells[0].source = "# a new title, and more prose"
    nbformat.write(nb, a)
    write(root / "src/cnnlab_build/book.py", "PAGE = 2\n")
    assert plan.changes(a, root, "full") == [] and plan.changes(b, root, "full") == []


def test_a_library_edit_reruns_exactly_the_notebooks_that_import_it(project):
    root, a, b = project
    write(root / "src/cnnlab/shapes.py", "SIZE = 2\n")
    assert plan.changes(a, root, "full") == ["cnnlab/shapes.py"]
    assert plan.changes(b, root, "full") == []


def test_code_cells_profile_and_environment_are_named(project, monkeypatch):
    root, a, b = project
    nb = nbformat.read(b, as_version=4)
    nb.cells[2].source = "x = 3"
    nbformat.write(nb, b)
    assert plan.changes(b, root, "full") == ["code cell 2"]
    assert plan.changes(a, root, "smoke") == ["profile full → smoke"]
    write(root / "constraints.txt", "numpy==2.1\n")
    assert plan.changes(a, root, "full") == ["environment (pins or dependencies)"]


def test_runner_skips_an_up_to_date_notebook_and_runs_a_changed_one(project, capsys):
    root, a, _ = project
    assert runner.run([a]) == 0
    assert capsys.readouterr().out == f"up to date {a}\n"
    assert runner.run([a], retrain=True) == 0  # CNNLAB_NO_CACHE=1: stored trainings replaced
    assert capsys.readouterr().out.startswith(f"running {a} (profile full): retrain")
    write(root / "src/cnnlab/paths.py", "def build():\n    return 1\n")
    assert runner.run([a]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"running {a} (profile full): cnnlab/paths.py") and "ok " in out
    assert plan.changes(a, root, "full") == []
    assert json.loads(plan.stamp_path(a, root).read_text())["profile"] == "full"


def test_the_real_notebooks_track_the_modules_they_import():
    modules = plan.notebook_inputs(
        ROOT / "notebooks/02_conv1d_shape_table.ipynb", ROOT, "full"
    ).modules
    assert "cnnlab/shapes.py" in modules
    assert "cnnlab/data.py" not in modules and not any("cnnlab_build" in m for m in modules)


def test_magics_shell_modules_and_unparsable_cells_are_followed(project):
    root, _, _ = project
    src = root / "src"
    assert plan.cell_library_modules("files = !ls\nfrom cnnlab import paths", src) >= {
        "cnnlab.paths"
    }
    assert "cnnlab.data" in plan.cell_library_modules("!python -m cnnlab.data verify", src)
    every = plan.cell_library_modules("def broken(:\n    pass", src)
    assert {"cnnlab.paths", "cnnlab.shapes", "cnnlab.data"} <= every


def test_the_colab_setup_cell_is_not_an_input(project):
    root, a, _ = project
    nb = nbformat.read(a, as_version=4)
    nb.cells.insert(1, new_code_cell("# Colab only: install this course's package\npass"))
    nbformat.write(nb, a)
    assert plan.changes(a, root, "full") == []


def test_inputs_are_recorded_as_they_were_when_the_run_started(project, monkeypatch):
    root, a, _ = project
    write(root / "src/cnnlab/paths.py", "def build():\n    return 2\n")
    real_execute = runner.execute

    def execute_while_someone_edits(path, parameters=None):
        seconds = real_execute(path, parameters)
        write(root / "src/cnnlab/paths.py", "def build():\n    return 3\n")  # mid-run edit
        return seconds

    monkeypatch.setattr(runner, "execute", execute_while_someone_edits)
    assert runner.run([a]) == 0
    assert plan.changes(a, root, "full") == ["cnnlab/paths.py"]
