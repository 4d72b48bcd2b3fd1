"""Execute notebooks with papermill, never clobbering a good notebook with a failed run.

A notebook runs into a temporary file beside it that replaces it only when every cell
succeeded and the notebook was not edited meanwhile (the executed copy is then kept in
``build/logs``); a failure is one line naming the cell, the kernel's stderr goes to
``build/logs``, and SIGTERM or Ctrl-C leave the notebook and no temporary file behind. Only
notebooks whose inputs changed (see :mod:`cnnlab_build.plan`) run, unless forced.
"""

from __future__ import annotations

import ast
import contextlib
import logging
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import NoReturn

import nbformat

from cnnlab.atomic import atomic_path
from cnnlab.paths import project_root
from cnnlab_build import plan

KERNEL = "python3"
# Cell metadata that changes on every run and says nothing about the outputs.
VOLATILE_CELL_METADATA = ("execution", "papermill")


def _tidy(path: Path, final: Path) -> None:
    """Drop per-run timing metadata and papermill's injected-parameters cell (the parameters
    stay in papermill's metadata: a stored cell would override them under nbval), and record
    the notebook's real name in papermill's metadata."""
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    code = [c for c in nb.cells if c.cell_type == "code"]
    for count, cell in enumerate(code, 1):  # the cells that stay are numbered without a gap
        cell.execution_count = count
        for output in cell.outputs:
            if "execution_count" in output:
                output["execution_count"] = count
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    papermill = nb.metadata.get("papermill", {})
    papermill["input_path"] = papermill["output_path"] = final.name
    for key in ("start_time", "end_time", "duration", "environment_variables"):
        papermill.pop(key, None)
    nbformat.write(nb, path)


@contextlib.contextmanager
def _stderr_to(log: Path) -> Iterator[None]:
    """Send this process's file descriptor 2 (inherited by the kernel) to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    saved = os.dup(2)
    with open(log, "w") as handle:
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def log_path(path: Path) -> Path:
    """Where the kernel's own stderr goes while ``path`` runs."""
    return project_root(path.parent) / "build" / "logs" / f"{path.stem}.log"


def executed_copy_path(path: Path) -> Path:
    """Where a run's result goes when the notebook was edited while it ran."""
    return log_path(path).with_suffix(".executed.ipynb")


class EditedDuringRun(Exception):
    """The notebook changed on disk while it ran: its outputs would not match its code."""


def parameters_cell(path: Path) -> ast.Module:
    """The parsed ``parameters`` cell of the notebook (empty without one); ValueError if it
    does not parse."""
    nb = nbformat.read(path, as_version=4)
    cells = [
        c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])
    ]
    try:
        return ast.parse("\n".join(c.source for c in cells))
    except SyntaxError as err:
        raise ValueError(f"the parameters cell of {path.name} does not parse: {err.msg}") from None


def declared_parameters(path: Path) -> set[str]:
    """The names that the notebook's ``parameters`` cell assigns (none without such a cell)."""
    return {
        node.id
        for node in ast.walk(parameters_cell(path))
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }


def parameter_default(path: Path, name: str) -> object:
    """The literal the notebook's ``parameters`` cell assigns to ``name`` (the value a run
    without parameters uses); ValueError if it assigns none."""
    for node in ast.walk(parameters_cell(path)):
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        value = getattr(node, "value", None)
        named = any(isinstance(t, ast.Name) and t.id == name for t in targets)
        if isinstance(node, ast.Assign | ast.AnnAssign) and named and value is not None:
            try:
                return ast.literal_eval(value)
            except ValueError:
                raise ValueError(f"{path.name} computes {name}; it must assign a literal") from None
    raise ValueError(f"{path.name} assigns no {name} in its parameters cell")


def execute(path: Path, parameters: dict[str, object] | None = None) -> float:
    """Run ``path`` end to end in place (through a temporary file), with those of
    ``parameters`` that its ``parameters`` cell declares; returns the wall time."""
    import papermill as pm

    path = path.resolve()
    start = time.perf_counter()
    before = path.read_bytes()
    declared = declared_parameters(path)
    injected = {k: v for k, v in (parameters or {}).items() if k in declared}
    with atomic_path(path, suffix=".ipynb") as tmp:
        with _stderr_to(log_path(path)):
            pm.execute_notebook(
                str(path),
                str(tmp),
                parameters=injected,
                kernel_name=KERNEL,
                cwd=str(path.parent),
                progress_bar=False,
                log_output=False,
            )
        _tidy(tmp, path)
        if path.read_bytes() != before:
            # Replacing it would discard the edits; the run's result is kept, not published.
            kept = executed_copy_path(path)
            with atomic_path(kept, suffix=".ipynb") as copy:
                shutil.copyfile(tmp, copy)
            raise EditedDuringRun(str(kept))
    return time.perf_counter() - start


class Interrupted(BaseException):
    """The runner received SIGTERM; raised so that temporary files are cleaned up on the way out."""


def _interrupt(signum: int, _frame: FrameType | None) -> NoReturn:
    # The kernel dies with the run and the client's pending tasks fail with it; asyncio would
    # log each ("Task exception was never retrieved") at exit, under the one-line message.
    logging.getLogger("asyncio").disabled = True
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Interrupted(signal.Signals(signum).name)


def failure_line(path: Path, exc: Exception) -> str:
    """One line naming the failing cell and the error, for any failure of ``execute``."""
    cell = getattr(exc, "exec_count", None)
    # Only papermill's cell errors carry the cell; a dead kernel or a missing one does not.
    where = f"cell [{cell}]" if cell is not None else "no cell (kernel start-up or kernel death)"
    what = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', exc)}"
    first = (what.splitlines() or [""])[0]
    return (
        f"FAILED {path} at {where}: {first} "
        f"(notebook left unchanged; kernel log in {log_path(path.resolve())})"
    )


def run(
    paths: list[Path], force: bool = False, profile: str = "full", retrain: bool = False
) -> int:
    """Execute each notebook whose inputs changed (all with ``force``) under ``profile``, which
    is handed to the notebook's ``PROFILE`` parameter; ``force`` or ``retrain`` sets its
    ``RETRAIN`` parameter (stored trainings are ignored). Returns an exit code."""
    with interruptible():
        return _run_each(paths, force, {"PROFILE": profile, "RETRAIN": force or retrain})


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Inside, SIGTERM raises :class:`Interrupted` and Ctrl-C ``KeyboardInterrupt``."""
    # Python's default SIGTERM handling exits without unwinding, which would leave the
    # temporary notebook behind; raising instead runs every clean-up on the way out. A shell
    # starts background jobs with SIGINT ignored; Ctrl-C must still stop a run cleanly.
    previous = {
        signal.SIGTERM: signal.signal(signal.SIGTERM, _interrupt),
        signal.SIGINT: signal.signal(signal.SIGINT, _interrupt),
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _run_each(paths: list[Path], force: bool, parameters: dict[str, object]) -> int:
    profile = str(parameters["PROFILE"])
    for path in paths:
        if not path.is_file():
            print(f"FAILED {path}: no such notebook", file=sys.stderr)
            return 1
        root = project_root(path.resolve().parent)
        # RETRAIN re-runs even an up-to-date notebook: stored trainings are to be replaced.
        forced = ["forced"] if force else ["retrain"] if parameters["RETRAIN"] else []
        reasons = forced or plan.changes(path, root, profile)
        if not reasons:
            print(f"up to date {path}")
            continue
        # Taken before the run: what changes during a long run is not what produced its outputs.
        inputs = plan.notebook_inputs(path, root, profile)
        print(f"running {path} (profile {profile}): {', '.join(reasons)}", flush=True)
        try:
            seconds = execute(path, parameters)
        except (KeyboardInterrupt, Interrupted) as exc:
            name = str(exc) if isinstance(exc, Interrupted) else "SIGINT (Ctrl-C)"
            print(f"INTERRUPTED {path} by {name}: notebook left unchanged", file=sys.stderr)
            return 130
        except EditedDuringRun as exc:
            print(
                f"FAILED {path}: it was edited while it ran, so its outputs would not match its "
                f"code; the edits are kept, the run's result is in {exc} — run it again",
                file=sys.stderr,
            )
            return 1
        except Exception as exc:  # papermill's errors carry the cell; anything else is set-up
            print(failure_line(path, exc), file=sys.stderr)
            return 1
        plan.record_run(path, root, inputs)
        print(f"ok {path} ({seconds:.0f} s, profile {profile})")
    return 0
