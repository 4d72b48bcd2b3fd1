"""The notebook runner keeps good notebooks safe: atomic runs, one-line failures, clean signals."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from cnnlab_build import runner


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
    assert runner.run([path], force=True) == 0
    nb = json.loads(path.read_text())
    assert nb["cells"][0]["outputs"][0]["text"] == ["42\n"]
    assert nb["cells"][0]["execution_count"] == 1
    assert nb["metadata"]["papermill"]["output_path"] == "ok.ipynb"
    assert "execution" not in nb["cells"][0]["metadata"]
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".ipynb"] == ["ok.ipynb"]


def test_the_profile_is_handed_to_the_parameters_cell_and_not_stored(tmp_path):
    path = tmp_path / "params.ipynb"
    write_notebook(
        path, "PROFILE = 'from the environment'\nRETRAIN = False", "print(PROFILE, RETRAIN)"
    )
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(nb, path)
    assert runner.run([path], force=True, profile="smoke") == 0
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[-1].outputs[0]["text"] == "smoke True\n"  # forced: stored trainings ignored
    assert [c.source.splitlines()[0] for c in nb.cells][0] == "PROFILE = 'from the environment'"
    assert not any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert [c.execution_count for c in nb.cells] == [1, 2]
    assert nb.metadata["papermill"]["parameters"] == {"PROFILE": "smoke", "RETRAIN": True}


def test_only_declared_parameters_are_injected(tmp_path):
    path = tmp_path / "plain.ipynb"
    write_notebook(path, "print('no parameters here')")
    assert runner.declared_parameters(path) == set()
    assert runner.run([path], force=True, profile="smoke") == 0
    assert len(nbformat.read(path, as_version=4).cells) == 1


def test_failed_run_leaves_notebook_untouched_and_names_the_cell(tmp_path, capsys):
    path = tmp_path / "bad.ipynb"
    write_notebook(path, "x = 1", "raise ValueError('broken on purpose')")
    before = path.read_bytes()
    assert runner.run([path], force=True) == 1
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".ipynb"] == ["bad.ipynb"]
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "cell [2]" in err and "ValueError: broken on purpose" in err


def test_a_notebook_edited_during_its_run_keeps_the_edits(tmp_path, capsys):
    path = tmp_path / "edited.ipynb"
    # The first cell stands for a person saving the notebook in an editor mid-run.
    write_notebook(
        path,
        "import nbformat\n"
        "nb = nbformat.read('edited.ipynb', as_version=4)\n"
        "nb.cells.append(nbformat.v4.new_markdown_cell('added while it ran'))\n"
        "nbformat.write(nb, 'edited.ipynb')",
    )
    assert runner.run([path], force=True) == 1
    edited = nbformat.read(path, as_version=4)
    assert edited.cells[-1].source == "added while it ran"
    assert "outputs" not in edited.cells[-1] and edited.cells[0].outputs == []
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "edited while it ran" in err
    kept = runner.executed_copy_path(path.resolve())
    assert str(kept) in err and nbformat.read(kept, as_version=4).cells[0].execution_count == 1
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".ipynb"] == ["edited.ipynb"]


def test_missing_notebook_is_one_line(tmp_path, capsys):
    assert runner.run([tmp_path / "nope.ipynb"]) == 1
    assert capsys.readouterr().err.strip() == f"FAILED {tmp_path / 'nope.ipynb'}: no such notebook"


def interrupted_run(tmp_path, signum: int) -> tuple[Path, bytes, subprocess.Popen, str]:
    """Start the runner on a slow notebook, send ``signum`` once its kernel runs; wait."""
    path = tmp_path / "slow.ipynb"
    write_notebook(path, "import time\nprint('started', flush=True)\ntime.sleep(60)")
    before = path.read_bytes()
    process = subprocess.Popen(
        [sys.executable, "-m", "cnnlab_build", "run", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".slow.ipynb.partial-") for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline, "the runner never started"
        time.sleep(0.2)
    time.sleep(3)  # let the kernel start
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    return path, before, process, err


def test_runner_removes_its_temporary_notebook_when_terminated(tmp_path):
    """SIGTERM mid-run: one line, the notebook unchanged, no temporary file left behind."""
    path, before, process, err = interrupted_run(tmp_path, signal.SIGTERM)
    assert process.returncode == 130
    assert err.strip().splitlines() == [f"INTERRUPTED {path} by SIGTERM: notebook left unchanged"]
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.glob("*slow*")] == ["slow.ipynb"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interruption_hides_the_kernel_clients_failed_tasks(signum):
    """The dead kernel's pending tasks must not print asyncio tracebacks under the one line."""
    # Seen when SIGTERM came while a cell started: nbclient's cell task failed with DeadKernel
    # and asyncio logged "Task exception was never retrieved" at exit.
    program = f"""
import asyncio, os
from cnnlab_build import runner

async def fail():
    raise RuntimeError("kernel died")

loop = asyncio.new_event_loop()
try:
    with runner.interruptible():
        task = loop.create_task(fail())
        loop.run_until_complete(asyncio.sleep(0.01))
        os.kill(os.getpid(), {int(signum)})
except (KeyboardInterrupt, runner.Interrupted) as exc:
    print(type(exc).__name__)
"""
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    expected = "Interrupted" if signum == signal.SIGTERM else "KeyboardInterrupt"
    assert (done.stdout, done.stderr) == (expected + "\n", "")


def test_runner_reports_ctrl_c_in_one_line(tmp_path):
    path, _, process, err = interrupted_run(tmp_path, signal.SIGINT)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1].startswith(f"INTERRUPTED {path} by SIGINT")
    assert len(err.strip().splitlines()) == 1, err
    assert [p.name for p in tmp_path.glob("*slow*")] == ["slow.ipynb"]
