"""The notebook runner keeps good notebooks safe, and nbval really catches a changed output."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from cnnlab import notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def write_notebook(path: Path, *sources: str) -> None:
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def test_successful_run_replaces_notebook_with_outputs(tmp_path):
    path = tmp_path / "ok.ipynb"
    write_notebook(path, "print(6 * 7)")
    assert notebooks.main(["run", str(path)]) == 0
    nb = json.loads(path.read_text())
    assert nb["cells"][0]["outputs"][0]["text"] == ["42\n"]
    assert nb["cells"][0]["execution_count"] == 1
    assert nb["metadata"]["papermill"]["output_path"] == "ok.ipynb"
    assert "execution" not in nb["cells"][0]["metadata"]
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".ipynb"] == ["ok.ipynb"]


def test_failed_run_leaves_notebook_untouched_and_names_the_cell(tmp_path, capsys):
    path = tmp_path / "bad.ipynb"
    write_notebook(path, "x = 1", "raise ValueError('broken on purpose')")
    before = path.read_bytes()
    assert notebooks.main(["run", str(path)]) == 1
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".ipynb"] == ["bad.ipynb"]
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "cell [2]" in err and "ValueError: broken on purpose" in err


def test_missing_notebook_is_one_line(tmp_path, capsys):
    assert notebooks.main(["run", str(tmp_path / "nope.ipynb")]) == 1
    assert capsys.readouterr().err.strip() == f"FAILED {tmp_path / 'nope.ipynb'}: no such notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_came_from_make_all(path):
    nb = json.loads(path.read_text())
    assert "papermill" in nb["metadata"], "execute it with `make all`, not by hand"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    tags = [t for c in code for t in c["metadata"].get("tags", [])]
    assert tags.count("parameters") == 1
    assert "injected-parameters" not in tags, "a stored injected cell would override the profile"
    errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors


def run_nbval(path: Path) -> subprocess.CompletedProcess:
    args = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(ROOT / "tests" / "nbval_sanitize.cfg"),
        str(path),
    ]
    env = {**os.environ, "CNNLAB_PROFILE": "smoke"}
    return subprocess.run(args, capture_output=True, text=True, cwd=path.parent, env=env)


def test_nbval_fails_when_a_checked_output_changes(tmp_path):
    source = ROOT / "notebooks" / "02_conv1d_shape_table.ipynb"
    shutil.copy(source, tmp_path / source.name)
    (tmp_path / "pyproject.toml").write_text("")  # keeps the copy's metrics out of reports/
    untouched = run_nbval(tmp_path / source.name)
    assert untouched.returncode == 0, untouched.stdout[-2000:]

    nb = json.loads(source.read_text())
    edited = False
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            text = "".join(output.get("text", []))
            if "total parameters: 497,349" in text:
                output["text"] = [text.replace("497,349", "497,350")]
                edited = True
    assert edited, "the checked line was not found in the committed notebook"
    (tmp_path / source.name).write_text(json.dumps(nb))
    changed = run_nbval(tmp_path / source.name)
    assert changed.returncode != 0
    assert "497,350" in changed.stdout
