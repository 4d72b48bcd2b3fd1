"""A student's edit to a lesson cell is what the notebook then runs: 03's model cell, edited in
a copy, changes the parameter count its summary prints (only the cells up to it run)."""

import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_brain_tumor_cnn.ipynb"
SEQUENTIAL_CELL = "#| export cnnlab.brain_tumor_models\n# The report's brain-tumour CNN"
ADDED_LAYER = '            layers.Dense(units, activation="relu", name="dense"),\n'


def cells_up_to_the_summary(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The parameters and imports cells, both model cells and the summary cell: no data, no
    training."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    start = next(i for i, c in enumerate(code) if c.source.startswith(SEQUENTIAL_CELL))
    summary = next(i for i, c in enumerate(code) if "report_network.summary()" in c.source)
    return [code[1], code[2], *code[start : summary + 1]]


def total_params(nb: nbformat.NotebookNode) -> int:
    text = "".join(
        out.get("text", "") + out.get("data", {}).get("text/plain", "")
        for cell in nb.cells
        for out in cell.get("outputs", [])
    )
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # Keras prints its summary in colour
    return int(re.search(r"Total params: ([\d,]+)", text).group(1).replace(",", ""))


def run(cells: list[nbformat.NotebookNode], tmp_path: Path) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    (tmp_path / "pyproject.toml").write_text("")  # the copy's build/ stays in tmp_path
    NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


def test_an_added_layer_in_the_model_cell_changes_the_summary(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = cells_up_to_the_summary(nb)
    as_committed = total_params(run([nbformat.from_dict(c) for c in cells], tmp_path))
    assert as_committed == 66_064_961  # the report's network as the notebook defines it

    model_cell = next(c for c in cells if c.source.startswith(SEQUENTIAL_CELL))
    assert ADDED_LAYER in model_cell.source
    # The student adds a second Dense(128) after the first one.
    model_cell.source = model_cell.source.replace(
        ADDED_LAYER,
        ADDED_LAYER + '            layers.Dense(units, activation="relu", name="dense2"),\n',
    )
    assert total_params(run(cells, tmp_path)) == as_committed + 128 * 128 + 128
