"""The book's results page: the report's claims against ``reports/metrics.json``, at build time.

The claims are data (``etc/book/report_claims.json``, each number with the digest section it
comes from); the measurements are read from ``metrics.json`` when the book is built, so the page
can never show a number that the last full run did not write. A number that is missing is
said to be missing, never filled in.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cnnlab.stats import accuracy_interval

CLAIMS = Path("etc") / "book" / "report_claims.json"
METRICS = Path("reports") / "metrics.json"
MISSING = "*not in metrics.json*"
FIGURE = "results_accuracy.png"

Path_ = list[str]


@dataclass(frozen=True)
class Value:
    """One number on the page, with its 95% interval when one is known."""

    value: float
    low: float | None = None
    high: float | None = None


def lookup(metrics: dict[str, Any], notebook: str, path: Path_) -> Any:
    """The entry at ``path`` under ``notebook`` in ``metrics``, or None if any step is missing."""
    node: Any = metrics.get(notebook)
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _number(raw: Any) -> float | None:
    """``raw`` as a finite float; None for a missing, non-numeric or NaN entry."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    return float(raw) if math.isfinite(raw) else None


def measured(metrics: dict[str, Any], notebook: str, row: dict[str, Any], key: str) -> Value | None:
    """The measurement a claim row points at under ``key`` (``ours``/``improved``), if present."""
    if key not in row:
        return None
    value = _number(lookup(metrics, notebook, row[key]))
    if value is None:
        return None
    interval = row.get(f"{key}_interval")
    bounds: list[Any] = []
    if interval and isinstance(interval[0], list):  # two paths: low, high
        bounds = [lookup(metrics, notebook, p) for p in interval]
    elif interval:  # one path to a [low, high] pair
        pair = lookup(metrics, notebook, interval)
        bounds = list(pair) if isinstance(pair, list) and len(pair) == 2 else []
    low, high = (_number(b) for b in bounds) if len(bounds) == 2 else (None, None)
    return Value(value, low, high) if low is not None and high is not None else Value(value)


def claimed(row: dict[str, Any]) -> Value | str | None:
    """The report's claim: a number (interval if its test-set size is known), words, or None."""
    report = row.get("report")
    if isinstance(report, str) or report is None:
        return report
    n = row.get("report_n")
    if n:
        # The report prints rounded percentages; the nearest count of n is what it measured.
        acc = accuracy_interval(round(report * n), n)
        return Value(float(report), acc.low, acc.high)
    return Value(float(report))


def fmt(value: Value | str | None, kind: str, *, absent: str) -> str:
    """A page cell: the number in the row's format, its interval if any, or ``absent``."""
    if value is None:
        return absent
    if isinstance(value, str):
        return value
    if kind == "percent":
        text = f"{value.value:.2%}"
        if value.low is not None and value.high is not None:
            text += f" [{value.low:.1%}, {value.high:.1%}]"
        return text
    if kind == "count":
        return f"{value.value:,.0f}"
    return f"{value.value:.4f}"


def section_markdown(section: dict[str, Any], metrics: dict[str, Any]) -> str:
    """One notebook's table: what, the report's claim, our reproduction and improvement."""
    notebook = section["notebook"]
    lines = [
        f"## {section['title']}",
        "",
        f"Chapter: []({notebook}.ipynb). Report: {section['source']}.",
        "",
    ]
    entry = metrics.get(notebook)
    if not isinstance(entry, dict):
        lines += [f"**`{notebook}` has no entry in `reports/metrics.json`** (run `make all`).", ""]
    elif entry.get("profile") or entry.get("precision"):
        measured_as = ", ".join(
            f"{k} `{entry[k]}`" for k in ("profile", "precision") if entry.get(k) is not None
        )
        lines += [f"Measured with {measured_as}.", ""]
    lines += [
        "| quantity | report says (digest section) | reproduced here | improved here |",
        "|---|---|---|---|",
    ]
    for row in section["rows"]:
        kind = row.get("format", "decimal")
        report = fmt(claimed(row), kind, absent="*not reported*")
        ours = fmt(measured(metrics, notebook, row, "ours"), kind, absent=MISSING)
        better = (
            fmt(measured(metrics, notebook, row, "improved"), kind, absent=MISSING)
            if "improved" in row
            else "—"
        )
        lines.append(f"| {row['what']} | {report} ({row['section']}) | {ours} | {better} |")
    return "\n".join(lines) + "\n"


def plot_accuracies(claims: dict[str, Any], metrics: dict[str, Any], out: Path) -> bool:
    """Dot-and-interval panels of the rows marked ``plot``; False if none has a number."""
    import matplotlib

    matplotlib.use("Agg")  # a build has no display
    import matplotlib.pyplot as plt

    panels: dict[str, list[tuple[str, list[Value | None]]]] = {}
    for section in claims["sections"]:
        for row in section["rows"]:
            if "plot" in row:
                report = claimed(row)
                points = [
                    report if isinstance(report, Value) else None,
                    measured(metrics, section["notebook"], row, "ours"),
                    measured(metrics, section["notebook"], row, "improved"),
                ]
                panels.setdefault(row["plot"], []).append((row["label"], points))
    if not any(p for rows in panels.values() for _, pts in rows for p in pts[1:] if p):
        return False
    styles = [("report", "s", "0.45"), ("reproduced", "o", "C0"), ("improved", "D", "C1")]
    # Panels stacked: the page's column is ~700 px wide, so the text stays at its own size.
    fig, axes = plt.subplots(len(panels), 1, figsize=(6.4, 0.4 + 3.0 * len(panels)), squeeze=False)
    for ax, (title, rows) in zip(axes[:, 0], panels.items(), strict=True):
        for y, (_, points) in enumerate(rows):
            for offset, (point, (name, marker, color)) in zip(
                (-0.22, 0.0, 0.22), zip(points, styles, strict=True), strict=True
            ):
                if point is None:
                    continue
                err = None  # in percentage points, below and above
                if point.low is not None and point.high is not None:
                    err = [[100 * (point.value - point.low)], [100 * (point.high - point.value)]]
                ax.errorbar(
                    100 * point.value,
                    y + offset,
                    xerr=err,
                    fmt=marker,
                    color=color,
                    capsize=3,
                    label=name,
                )
        ax.set_yticks(range(len(rows)), [label for label, _ in rows])
        ax.invert_yaxis()  # first row on top, as in the table
        ax.set_xlabel("accuracy (%), bars: 95% interval")
        ax.set_title(title)
        ax.grid(axis="x", alpha=0.3)
    # One legend for all panels, below them, where it cannot cover a point.
    legend: dict[str, Any] = {}
    for ax in axes[:, 0]:
        handles, labels = ax.get_legend_handles_labels()
        legend.update(zip(labels, handles, strict=True))
    fig.legend(legend.values(), legend.keys(), loc="lower center", ncol=len(legend))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return True


def results_page(claims: dict[str, Any], metrics: dict[str, Any] | None, folder: Path) -> str:
    """The page's MyST Markdown; its figure is written into ``folder`` beside it."""
    metrics = metrics or {}
    parts = [
        "# Results at a glance",
        "",
        "The homework report's numbers against this repository's reproduction of its method and "
        "an improvement, as the last full run (`make all`) wrote them to `reports/metrics.json`. "
        "Intervals are 95% Wilson intervals where they are known: for the report's accuracies "
        "from the size of its test split, for ours as the notebooks recorded them. "
        f"Where a number is missing from `metrics.json` the table says {MISSING}.",
        "",
    ]
    if not metrics:
        parts += [
            "```{warning}",
            "`reports/metrics.json` is missing or empty: run `make all`.",
            "```",
            "",
        ]
    if plot_accuracies(claims, metrics, folder / FIGURE):
        parts += [
            f"```{{figure}} {FIGURE}",
            ":alt: The report's accuracies against the reproduced and improved ones, with "
            "intervals",
            ":width: 100%",
            "",
            "Accuracies: the report's claim (grey square), the reproduction (blue circle) and "
            "the improvement (orange diamond).",
            "```",
            "",
        ]
    parts += [section_markdown(section, metrics) for section in claims["sections"]]
    parts += ["## Not compared", "", claims["not_compared"], ""]
    return "\n".join(parts)


def write_results_page(root: Path, folder: Path) -> Path:
    """Write ``results.md`` and its figure into ``folder`` from the claims and metrics.json."""
    claims = json.loads((root / CLAIMS).read_text())
    metrics_file = root / METRICS
    metrics = json.loads(metrics_file.read_text()) if metrics_file.exists() else None
    page = folder / "results.md"
    page.write_text(results_page(claims, metrics, folder))
    return page
