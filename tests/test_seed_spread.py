"""Runs from other seeds: which metrics are compared, the committed intervals they are held to,
the report, and a whole run of a tiny notebook in project roots of its own."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from cnnlab.headline_metrics import metrics_path, profile_output
from cnnlab.paths import data_dir
from cnnlab_build import runner, seed_spread, side_root
from cnnlab_build.__main__ import main

METRICS = {
    "profile": "full",
    "precision": "float32",
    "test": {"accuracy": 0.76, "low": 0.75, "high": 0.77, "n": 100},
    "model": {"test accuracy": 0.8, "test accuracy low": 0.79, "test accuracy high": 0.81},
    "ablation_accuracy": {"full recipe": 0.5, "flag": True},
    "mcnemar_p": 0.3,
}


def test_accuracies_leave_out_bounds_truth_values_and_other_metrics():
    assert seed_spread.accuracies(METRICS) == {
        "test.accuracy": 0.76,
        "model.test accuracy": 0.8,
        "ablation_accuracy.full recipe": 0.5,
    }


def test_the_bounds_beside_an_accuracy_are_no_accuracies_whatever_the_holder_is_called():
    nested = {"test_accuracy": {"accuracy": 0.7, "low": 0.6, "high": 0.8}}
    assert seed_spread.accuracies(nested) == {"test_accuracy.accuracy": 0.7}
    assert seed_spread.intervals(nested) == {"test_accuracy.accuracy": (0.6, 0.8)}


def test_intervals_are_read_in_both_namings():
    assert seed_spread.intervals(METRICS) == {
        "test.accuracy": (0.75, 0.77),
        "model.test accuracy": (0.79, 0.81),
    }


def test_rows_count_the_other_seeds_inside_the_interval_bounds_included():
    others = [
        {"test": {"accuracy": 0.77}, "model": {"test accuracy": 0.78}},
        {"test": {"accuracy": 0.74}},
    ]
    rows = {row.metric: row for row in seed_spread.rows(METRICS, others)}
    assert rows["test.accuracy"].inside() == "1 of 2"  # 0.77 is the upper bound itself
    assert rows["test.accuracy"].range() == pytest.approx(0.03)
    assert rows["model.test accuracy"].others == (0.78, None)  # the second did not record it
    assert rows["model.test accuracy"].inside() == "0 of 1"
    assert rows["ablation_accuracy.full recipe"].inside() == ""  # no interval to be inside
    assert rows["ablation_accuracy.full recipe"].range() is None  # no other value


def test_the_report_prints_percent_and_marks_missing_values():
    rows = seed_spread.rows(METRICS, [{"test": {"accuracy": 0.74}}])
    text = seed_spread.report("# header", ["SEED 42", "SEED 7"], rows)
    assert text.startswith("# header\n")
    assert text.splitlines()[2].split()[2:6] == ["SEED", "42", "SEED", "7"]
    line = next(x for x in text.splitlines() if x.startswith("test.accuracy"))
    assert line.split() == [
        "test.accuracy",
        "76.00",
        "74.00",
        "2.00",
        "[75.00,",
        "77.00]",
        "0",
        "of",
        "1",
    ]
    missing = next(x for x in text.splitlines() if x.startswith("model.test accuracy")).split()
    assert missing[3:5] == ["—", "—"] and missing[-1] == "—"  # no value, range or count


def write_notebook(path, parameters, *sources):
    cells = [new_code_cell(parameters), *(new_code_cell(s) for s in sources)]
    cells[0].metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


RECORD = """import os
from cnnlab.headline_metrics import record_metrics
assert SEED != 13, "a seed that fails"
record_metrics("tiny", {"test": {"accuracy": 0.5 + SEED / 100, "low": 0.49, "high": 0.53},
               "data": os.environ["CNNLAB_DATA_DIR"]}, profile=PROFILE)"""


def project(tmp_path, profile):
    """A project with notebook ``tiny`` (SEED 1) and its reference run's metrics."""
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    notebook = root / "notebooks" / "tiny.ipynb"
    write_notebook(notebook, "SEED = 1\nPROFILE = 'full'\nRETRAIN = False", RECORD)
    reference = {
        "tiny": {"profile": profile, "test": {"accuracy": 0.51, "low": 0.49, "high": 0.53}}
    }
    metrics_path(profile, root).parent.mkdir(parents=True, exist_ok=True)
    metrics_path(profile, root).write_text(json.dumps(reference))
    return root, notebook


@pytest.mark.parametrize("profile", ["smoke", "full"])
def test_a_notebook_runs_from_each_seed_and_is_reported_beside_the_reference_run(tmp_path, profile):
    root, notebook = project(tmp_path, profile)
    assert seed_spread.run(notebook, [2, 4], root / "build" / "seeds", root, profile) == 0

    seed_root = root / "build" / "seeds" / "seed-4"
    recorded = json.loads(metrics_path(profile, seed_root).read_text())["tiny"]
    assert recorded["test"]["accuracy"] == pytest.approx(0.54)
    assert recorded["data"] == str(data_dir())  # the kernel read the repository's data
    assert (seed_root / "build" / "training-cache").is_symlink()  # trainings are shared
    report = profile_output("seed_spread_tiny.txt", profile, root).read_text()
    assert (root / "reports").exists() == (profile == "full")  # smoke never writes reports/
    line = next(x for x in report.splitlines() if x.startswith("test.accuracy"))
    assert line.split()[1:4] == ["51.00", "52.00", "54.00"]
    assert line.endswith("1 of 2")
    assert f"(profile {profile})" in report and "(SEED 1)" in report
    reference = "committed" if profile == "full" else "last smoke"
    assert f"the first column is the {reference} run" in report
    assert "warning: the first run may not be this code's (never executed" in report


def test_a_failing_seed_writes_no_report_and_leaves_no_copy(tmp_path, capsys):
    root, notebook = project(tmp_path, "smoke")
    assert seed_spread.run(notebook, [2, 13], root / "build" / "seeds", root, "smoke") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "error: SEED 13 failed; no report written"
    assert "a seed that fails" in err[-2]  # the runner's one line names the failing cell
    assert not (root / "build" / "seeds" / "seed-13" / "tiny.ipynb").exists()
    assert not profile_output("seed_spread_tiny.txt", "smoke", root).exists()


@pytest.mark.parametrize(
    ("parameters", "seeds", "message"),
    [
        ("PROFILE = 'full'", [2], "tiny.ipynb assigns no SEED in its parameters cell"),
        ("SEED = 40 + 2", [2], "tiny.ipynb computes SEED; it must assign a literal"),
        ("SEED = (", [2], "the parameters cell of tiny.ipynb does not parse"),
        ("SEED = 3", [3], "seeds [3]: give each once, and not 3, the first run's"),
        ("SEED = 3", [4, 4], "seeds [4, 4]: give each once"),
        ("SEED: int = 3", [4], "metrics-smoke.json holds no accuracy of tiny: run it first"),
    ],
)
def test_bad_requests_are_refused_in_one_line_before_anything_runs(
    tmp_path, capsys, parameters, seeds, message
):
    notebook = tmp_path / "tiny.ipynb"
    write_notebook(notebook, parameters, "print(1)")
    assert seed_spread.run(notebook, seeds, tmp_path / "seeds", tmp_path, "smoke") == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "seeds").exists()


def test_a_missing_notebook_is_refused_in_one_line(tmp_path, capsys):
    assert seed_spread.run(tmp_path / "no.ipynb", [2], tmp_path, tmp_path, "smoke") == 2
    assert capsys.readouterr().err == f"error: no notebook {tmp_path / 'no.ipynb'}\n"


def test_an_interrupted_copy_is_removed_and_the_command_ends_in_one_line(
    tmp_path, monkeypatch, capsys
):
    copy = tmp_path / "copy.ipynb"
    copy.write_text("{}")

    def interrupted(*_args, **_kwargs):
        raise runner.Interrupted("SIGTERM")

    monkeypatch.setattr(runner, "execute", interrupted)
    with pytest.raises(runner.Interrupted):
        side_root.execute_copy(copy, {"SEED": 2})
    assert not copy.exists()  # an unexecuted copy must not look like a result
    monkeypatch.setattr(seed_spread, "run", interrupted)
    assert main(["seeds", "notebooks/05_cifar10_inception.ipynb", "43"]) == 130
    assert capsys.readouterr().err == "INTERRUPTED by SIGTERM: the copy being run was removed\n"
