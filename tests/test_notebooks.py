"""The notebook runner keeps good notebooks safe, and nbval really catches a changed output."""

import base64
import json
import os
import shutil
import struct
import subprocess
import sys
import types
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_title_badge_and_colab_setup_come_first(path):
    nb = json.loads(path.read_text())
    url = notebooks.repository_url(ROOT)
    title = "".join(nb["cells"][0]["source"])
    assert title.startswith("# ") and notebooks.colab_badge(path, url) in title.splitlines()
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "".join(code[0]["source"]) == notebooks.colab_setup_source(url)
    assert code[0]["outputs"] == [], "the Colab set-up must print nothing outside Colab"
    assert "parameters" in code[1]["metadata"].get("tags", [])
    assert "set_seed(" in "".join(code[2]["source"]), "seed before anything random"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_are_portable_and_small(path):
    assert path.stat().st_size < 5 * 2**20
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            text = json.dumps({k: v for k, v in output.items() if k != "data"})
            text += "".join(output.get("data", {}).get("text/plain", ""))
            for marker in ("/work/", "/root/", "/home/", "/tmp/", "/Users/", "ipykernel_"):
                assert marker not in text, f"machine-specific path {marker!r} in an output"
            png = output.get("data", {}).get("image/png")
            if png:
                width, height = struct.unpack(">II", base64.b64decode(png)[16:24])
                assert width <= 2000 and height <= 2000, f"figure of {width}x{height} px"


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
    source = notebooks.colab_setup_source("https://github.com/someone/course")
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
    exec(notebooks.colab_setup_source("https://github.com/someone/course"), {})
    assert calls == [] and capsys.readouterr() == ("", "")


def test_write_colab_cells_is_idempotent_and_fixes_a_wrong_badge(tmp_path):
    path = tmp_path / "07_new.ipynb"
    nb = new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# 07 · New\n\nText."), new_code_cell("x = 1")]
    )
    nbformat.write(nb, path)
    url = "https://github.com/someone/course"
    assert notebooks.write_colab_cells(path, url)
    assert not notebooks.write_colab_cells(path, url)
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].source.splitlines()[2] == notebooks.colab_badge(path, url)
    assert "notebooks/07_new.ipynb" in cells[0].source
    assert cells[1].source == notebooks.colab_setup_source(url) and cells[2].source == "x = 1"
    assert notebooks.write_colab_cells(path, "https://github.com/other/fork")
    assert "github/other/fork/blob" in nbformat.read(path, as_version=4).cells[0].source
