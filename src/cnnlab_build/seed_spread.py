"""A notebook's results from other seeds, beside its committed run.

Each seed runs a copy of the notebook with only its ``SEED`` parameter changed, in a project
root of its own (``build/seeds/seed-N/``, see :mod:`cnnlab_build.side_root`), so the copy's
metrics stay there and its trainings are stored like any other. The report sets each metric
whose name says "accuracy" beside the other seeds' values, their range, and whether each lies
inside the committed run's interval where the notebook records one.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from cnnlab.atomic import write_text_atomic
from cnnlab.hardware import cpu_model
from cnnlab.headline_metrics import metrics_path, profile_output
from cnnlab_build import plan, runner, side_root


def _leaves(metrics: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any, Mapping]]:
    """Every (dotted path, value, the dict holding it) of nested ``metrics``."""
    for key, value in metrics.items():
        if isinstance(value, Mapping):
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value, metrics


def _bound_names(key: str) -> tuple[str, str]:
    """The names of the bounds of ``key``'s interval: ``x low``/``x high``, or ``low``/``high``
    beside ``accuracy``."""
    return ("low", "high") if key == "accuracy" else (f"{key} low", f"{key} high")


def intervals(metrics: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """The recorded interval of each metric that has one, by dotted path."""
    found = {}
    for path, _, holder in _leaves(metrics):
        low, high = _bound_names(path.rsplit(".", 1)[-1])
        if low in holder and high in holder:
            found[path] = (float(holder[low]), float(holder[high]))
    return found


def accuracies(metrics: Mapping[str, Any]) -> dict[str, float]:
    """Each number in ``metrics`` whose dotted path says "accuracy", the bounds of intervals
    left out."""
    bounds = {
        f"{path.rpartition('.')[0]}.{name}".lstrip(".")
        for path in intervals(metrics)
        for name in _bound_names(path.rsplit(".", 1)[-1])
    }
    return {
        path: float(value)
        for path, value, _ in _leaves(metrics)
        if "accuracy" in path
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and path not in bounds
    }


@dataclass(frozen=True)
class Row:
    """One accuracy: the reference run's value and interval, and each other seed's value."""

    metric: str
    reference: float
    others: tuple[float | None, ...]
    interval: tuple[float, float] | None

    def present(self) -> list[float]:
        """The other seeds' values, leaving out runs that did not record this metric."""
        return [v for v in self.others if v is not None]

    def range(self) -> float | None:
        """Largest minus smallest value over all runs (None if no other run recorded it)."""
        values = [self.reference, *self.present()]
        return max(values) - min(values) if len(values) > 1 else None

    def inside(self) -> str:
        """How many of the other seeds' values lie inside the reference interval, bounds
        included ("" without an interval, "—" without values)."""
        if self.interval is None:
            return ""
        low, high = self.interval
        present = self.present()
        return f"{sum(low <= v <= high for v in present)} of {len(present)}" if present else "—"


def rows(reference: Mapping[str, Any], others: Sequence[Mapping[str, Any]]) -> list[Row]:
    """A row per accuracy of the reference metrics, in their order."""
    bounds = intervals(reference)
    other_values = [accuracies(metrics) for metrics in others]
    return [
        Row(path, value, tuple(o.get(path) for o in other_values), bounds.get(path))
        for path, value in accuracies(reference).items()
    ]


def _points(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f}"


def report(header: str, runs: Sequence[str], table: Sequence[Row]) -> str:
    """The table as text under ``header``: a column per run (``runs``, the reference first),
    accuracies in percent, their range in points."""
    width = max(len("accuracy (%)"), *(len(row.metric) for row in table))
    column = max(8, *(len(run) for run in runs))
    lines = [
        header,
        "",
        f"{'accuracy (%)':<{width}}  "
        + "  ".join(f"{run:>{column}}" for run in runs)
        + "  range (pts)  interval of the first  others inside",
    ]
    for row in table:
        values = "  ".join(f"{_points(v):>{column}}" for v in (row.reference, *row.others))
        interval = "" if row.interval is None else "[{}, {}]".format(*map(_points, row.interval))
        width_of = row.range()
        spread = "—" if width_of is None else f"{100 * width_of:.2f}"
        lines.append(
            f"{row.metric:<{width}}  {values}  {spread:>11}  {interval:<21}  {row.inside()}"
        )
    return "\n".join(lines) + "\n"


def _metrics_of(root: Path, notebook: str, profile: str) -> dict[str, Any]:
    path = metrics_path(profile, root)
    recorded = json.loads(path.read_text()) if path.exists() else {}
    if not accuracies(recorded.get(notebook, {})):
        raise ValueError(f"{path} holds no accuracy of {notebook}: run it first")
    return recorded[notebook]


def _header(
    notebook: Path,
    seeds: Sequence[int],
    profile: str,
    default: object,
    started: datetime.datetime,
    seconds: Sequence[float],
    precisions: Sequence[str],
    stale: Sequence[str],
) -> str:
    reference = "committed" if profile == "full" else f"last {profile}"
    took = ", ".join(f"{seed}: {s:.0f}" for seed, s in zip(seeds, seconds, strict=True))
    lines = [
        f"# python -m cnnlab_build seeds {notebook.as_posix()} {' '.join(map(str, seeds))}"
        f" (profile {profile}), run {started:%Y-%m-%d %H:%M} UTC on {cpu_model()}, "
        f"{os.cpu_count()} cores, TensorFlow {version('tensorflow')}, Keras {version('keras')}",
        f"# seconds per seed's run ({took}); trainings already stored were reused",
        f"# the first column is the {reference} run (SEED {default}); the others change "
        "only SEED, which changes every seeded choice of the notebook, not only initial weights",
        f"# precision of each run, the first first: {', '.join(precisions)}",
        "# interval: the one the notebook records for the first run (95%, over the choice of "
        "test images); others inside: how many of the other runs' values lie in it",
    ]
    if stale:
        lines.append(
            f"# warning: the first run may not be this code's ({', '.join(stale)}; "
            f"make {notebook.stem} updates it)"
        )
    return "\n".join(lines)


def run(notebook: Path, seeds: Sequence[int], out_dir: Path, root: Path, profile: str) -> int:
    """Execute ``notebook`` at each seed into ``out_dir``, then write the report where the
    profile's outputs go (``reports/seed_spread_<notebook>.txt`` for full); an exit code."""
    try:
        if not notebook.is_file():
            raise ValueError(f"no notebook {notebook}")
        default = runner.parameter_default(notebook, "SEED")
        if default in seeds or len(set(seeds)) < len(seeds):
            raise ValueError(
                f"seeds {list(seeds)}: give each once, and not {default}, the first run's"
            )
        reference = _metrics_of(root, notebook.stem, profile)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    stale = plan.changes(notebook, root, profile)
    started = datetime.datetime.now(datetime.UTC)
    others, seconds = [], []
    for seed in seeds:  # one at a time: a training takes every core
        seed_dir = out_dir / f"seed-{seed}"
        side_root.prepare(seed_dir, root)
        target = seed_dir / notebook.name
        write_text_atomic(target, notebook.read_text())
        print(f"running {target} (SEED {seed}, profile {profile})", flush=True)
        took = side_root.execute_copy(target, {"SEED": seed, "PROFILE": profile, "RETRAIN": False})
        try:
            if took is None:
                raise ValueError(f"SEED {seed} failed; no report written")
            others.append(_metrics_of(seed_dir, notebook.stem, profile))
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        seconds.append(took)
        print(f"ok {target} ({took:.0f} s)", flush=True)
    precisions = [str(m.get("precision", "?")) for m in (reference, *others)]
    header = _header(notebook, seeds, profile, default, started, seconds, precisions, stale)
    runs = [f"SEED {default}", *(f"SEED {seed}" for seed in seeds)]
    path = profile_output(f"seed_spread_{notebook.stem}.txt", profile, root)
    write_text_atomic(path, report(header, runs, rows(reference, others)))
    print(path)
    return 0
