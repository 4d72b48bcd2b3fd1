"""The committed notebooks: executed by `make all`, badge and set-up first, portable outputs, and
nbval really catches a changed output."""

import base64
import json
import os
import struct
import subprocess
from pathlib import Path

import pytest

from cnnlab_build import colab

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


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


def edit_checked_output(source: Path, target: Path, old: str, new: str) -> None:
    """Copy notebook ``source`` to ``target`` with ``old`` replaced by ``new`` in its outputs."""
    nb = json.loads(source.read_text())
    edited = False
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            fields = [output] + ([output["data"]] if "data" in output else [])
            for field in fields:
                key = "text" if "text" in field else "text/plain"
                text = "".join(field.get(key, []))
                if old in text:
                    field[key] = [text.replace(old, new)]
                    edited = True
    assert edited, f"{old!r} is not in an output of the committed {source.name}"
    target.write_text(json.dumps(nb))


@pytest.mark.skipif(
    not os.environ.get("CNNLAB_DATA_MIRROR") and not (ROOT / "data" / "cifar10.npz").is_file(),
    reason="notebook 05 needs CIFAR-10 (set CNNLAB_DATA_MIRROR)",
)
def test_make_nbval_reports_an_edited_output_in_a_strict_and_a_lax_notebook(tmp_path):
    """An edited checked number fails the regression, strict or lax, and neither hides the other."""
    (tmp_path / "pyproject.toml").write_text("")  # keeps the copies' metrics out of reports/
    notebooks_dir = ROOT / "notebooks"
    edit_checked_output(
        notebooks_dir / "02_conv1d_shape_table.ipynb",
        tmp_path / "02_conv1d_shape_table.ipynb",
        "total parameters: 497,349",
        "total parameters: 497,350",
    )
    edit_checked_output(
        notebooks_dir / "05_cifar10_inception.ipynb",
        tmp_path / "05_cifar10_inception.ipynb",
        "total parameters: 542,010",
        "total parameters: 542,011",
    )
    env = {**os.environ, "CNNLAB_DATA_DIR": str(ROOT / "data"), "CNNLAB_PROFILE": "smoke"}
    result = subprocess.run(
        ["make", "-s", "nbval", f"NBVAL_DIR={tmp_path}", "NBVAL_ISAS=default"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "497,350" in result.stdout, "the strict notebook's edit went unreported"
    assert "542,011" in result.stdout, "the lax notebook's edit went unreported"
    assert "nbval failed: strict/default lax/default" in result.stdout


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_title_badge_and_colab_setup_come_first(path):
    nb = json.loads(path.read_text())
    url = colab.repository_url(ROOT)
    title = "".join(nb["cells"][0]["source"])
    assert title.startswith("# ") and colab.colab_badge(path, url) in title.splitlines()
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "".join(code[0]["source"]) == colab.colab_setup_source(url)
    assert code[0]["outputs"] == [], "the Colab set-up must print nothing outside Colab"
    assert "parameters" in code[1]["metadata"].get("tags", [])
    # The book leaves both out; `make badges` sets the tags.
    assert all(colab.HIDDEN in c["metadata"].get("tags", []) for c in code[:2])
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


@pytest.mark.parametrize(
    ("flags", "passes"),
    [("fpu avx2 avx512f avx512bw", "default AVX2"), ("fpu avx2 fma", "default")],
)
def test_nbval_runs_the_avx2_pass_only_where_the_default_path_is_not_already_avx2(
    tmp_path, flags, passes
):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nflags\t\t: {flags}\n")
    shown = subprocess.run(
        ["make", "-s", "--eval", "isas: ; @echo $(NBVAL_ISAS)", "isas", f"CPUINFO={cpuinfo}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.split() == passes.split()
