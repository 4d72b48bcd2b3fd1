"""The data package's face: what notebooks call through ``from cnnlab import data``, the
command line as ``make data`` runs it, and the real data sets (only where the mirror is)."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from notebook_parts import notebook_through

from cnnlab import data

ROOT = Path(__file__).resolve().parents[1]
REAL_MIRROR = pytest.mark.skipif(
    not os.environ.get(data.MIRROR_ENV), reason=f"{data.MIRROR_ENV} not set"
)
LIBRARY = ROOT / "src" / "cnnlab"


def module_uses(text: str) -> set[str]:
    """The names read as ``data.NAME`` (not ``tf.data.NAME``) in ``text``."""
    return set(re.findall(r"(?<![\w.])data\.([A-Za-z_]\w*)", text))


def test_every_name_the_notebooks_benchmarks_and_solutions_use_is_exported():
    used = set()
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(notebook.read_text())["cells"]
        used |= module_uses(
            "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        )
    for script in [*(ROOT / "benchmarks").glob("*.py"), *(ROOT / "solutions").glob("*.py")]:
        used |= module_uses(script.read_text())
    assert {"brain_tumor_dir", "check_folder", "cifar10", "CIFAR10_CLASSES"} <= used
    assert not [name for name in used if name not in data.__all__]
    assert all(hasattr(data, name) for name in data.__all__)


def test_no_module_of_the_library_is_a_warehouse():
    sizes = {
        p.relative_to(LIBRARY).as_posix(): len(p.read_text().splitlines())
        for p in LIBRARY.rglob("*.py")
    }
    assert not {name: n for name, n in sizes.items() if n > 400}


def test_no_room_dispatches_on_a_data_sets_name():
    rooms = [p for p in (LIBRARY / "data").glob("*.py") if p.name != "registry.py"]
    for room in rooms:
        for name in data.REGISTRY:
            assert f'== "{name}"' not in room.read_text(), f"{room.name} branches on {name}"


def test_python_dash_m_runs_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "cnnlab.data", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "python -m cnnlab.data" in result.stdout
    assert "{fetch,verify}" in result.stdout and "brain_tumor" in result.stdout


# --- The real data sets (only where the mirror is) ------------------------------------------


@REAL_MIRROR
def test_real_mirror_full_counts():
    folder = data.brain_tumor_dir()
    counts = {k: len(v) for k, v in data.class_files(folder, ("no", "yes")).items()}
    assert counts == {"no": 1500, "yes": 1500}
    (x_train, y_train), (x_test, y_test) = data.cifar10()
    assert x_train.shape == (50000, 32, 32, 3) and x_test.shape == (10000, 32, 32, 3)
    assert np.bincount(y_train).tolist() == [5000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10


@REAL_MIRROR
def test_real_cifar10_mirror_has_the_registry_fingerprint_in_any_source_order():
    archive = data.verified_mirror_archive(data.CIFAR10)
    train, test = data.read_cifar10_archive(archive)
    assert data.cifar10_fingerprint(train, test) == data.CIFAR10.fingerprint
    # The same arrays handed over in another order (as keras.datasets would) canonicalise back.
    order = np.random.default_rng(0).permutation(len(train[1]))
    shuffled = data.canonical_cifar10((train[0][order], train[1][order].reshape(-1, 1)), test)
    assert data.cifar10_fingerprint(*shuffled) == data.CIFAR10.fingerprint


@pytest.fixture(scope="module")
def damaged_real_copy(tmp_path_factory):
    """One installed Br35H (data/, as `make data` leaves it), cloned by hard links and damaged."""
    installed = data.brain_tumor_dir()
    assert data.check_folder(installed).details() == []
    data_root = tmp_path_factory.mktemp("damaged") / "data"

    def link_or_copy(source, target):
        try:
            os.link(source, target)  # same inode: the record's sizes and mtimes still hold
        except OSError:
            shutil.copy2(source, target)

    shutil.copytree(installed, data_root / "brain_tumor", copy_function=link_or_copy)
    folder = data_root / "brain_tumor"
    (folder / "no" / "notes.txt").write_text("scanner settings\n")
    truncated = folder / "yes" / "y7.jpg"
    whole = truncated.read_bytes()
    truncated.unlink()  # never write through the hard link: data/ must stay intact
    truncated.write_bytes(whole[: len(whole) // 2])
    (folder / "no" / "no5.jpg").unlink()
    return data_root


@REAL_MIRROR
def test_real_damaged_copy_is_rechecked_by_fetch(damaged_real_copy, monkeypatch, capsys):
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(damaged_real_copy))
    assert data.main(["fetch", "brain_tumor"]) == 0
    out = capsys.readouterr().out
    assert "changed since it was verified (1 new, 1 changed, 1 missing files)" in out
    assert "brain_tumor: {'no': 1499, 'yes': 1499} usable images" in out


@REAL_MIRROR
def test_notebook_03_completes_on_a_damaged_copy_and_lists_what_it_skipped(
    damaged_real_copy, tmp_path, monkeypatch
):
    import papermill as pm

    monkeypatch.setenv("CNNLAB_DATA_DIR", str(damaged_real_copy))
    monkeypatch.setenv("CNNLAB_PROFILE", "smoke")
    work = tmp_path / "work"
    work.mkdir()
    # The project root is then work/: the run's stored trainings and metrics stay there.
    (work / "pyproject.toml").write_text("")
    output = work / "03_brain_tumor_cnn.ipynb"
    # Up to the split's table, the last output checked below: no honest-split training.
    source = notebook_through(
        ROOT / "notebooks" / "03_brain_tumor_cnn.ipynb",
        "manifest = splits.load_or_build_split(",
        tmp_path / "03_through_split.ipynb",
    )
    pm.execute_notebook(
        str(source),
        str(output),
        cwd=str(work),
        kernel_name="python3",
        progress_bar=False,
    )
    cells = json.loads(output.read_text())["cells"]
    text = "".join(
        "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
        for cell in cells
        for out in cell.get("outputs", [])
    )
    assert "{'no': 1499, 'yes': 1499} unreadable: ['no/notes.txt', 'yes/y7.jpg']" in text
    assert "skipped no/notes.txt: not an image file (.txt) (new since verification)" in text
    assert "skipped yes/y7.jpg: does not decode" in text
    assert "missing no/no5.jpg: deleted since verification" in text
    assert "Found 2998 files belonging to 2 classes." in text
    assert "images                    2998" in text  # the split's near-duplicate table
