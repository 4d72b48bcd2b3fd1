"""Headline numbers of each notebook, merged into ``reports/metrics.json``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from filelock import FileLock

from cnnlab.atomic import write_json_atomic
from cnnlab.paths import project_root


def _plain(value: Any) -> Any:
    """JSON-ready ``value``: NumPy to Python, 6 significant digits, NaN/inf as strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return float(f"{value:.6g}") if math.isfinite(value) else str(value)  # JSON has no NaN
    return value


def profile_output(name: str, profile: str, root: Path | None = None) -> Path:
    """Where an output ``name`` measured under ``profile`` goes: ``reports/name`` for the full
    profile, ``build/<stem>-<profile><suffix>`` otherwise, so a smoke run (the regression tests)
    never overwrites committed results. ``root``: the project root (default: around the working
    folder)."""
    root = root or project_root()
    if profile == "full":
        return root / "reports" / name
    path = Path(name)
    return root / "build" / f"{path.stem}-{profile}{path.suffix}"


def metrics_path(profile: str, root: Path | None = None) -> Path:
    """The metrics file of ``profile``: ``reports/metrics.json`` for the full profile."""
    return profile_output("metrics.json", profile, root)


def record_metrics(
    notebook: str, metrics: dict[str, Any], *, profile: str, path: Path | None = None
) -> dict[str, Any]:
    """Merge ``metrics``, and the ``profile`` they were measured under, as ``notebook``'s entry
    of the metrics file (by default the profile's, see :func:`metrics_path`); returns it."""
    path = path or metrics_path(profile)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Notebooks run side by side would otherwise each read the file and drop the other's entry.
    with FileLock(path.with_name(f"{path.name}.lock")):
        everything = json.loads(path.read_text()) if path.exists() else {}
        everything[notebook] = _plain({"profile": profile, **metrics})
        write_json_atomic(path, everything)
    return everything[notebook]
