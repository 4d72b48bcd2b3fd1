"""Figures the notebooks share: training curves, confusion matrices, image grids, diagrams."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import MaxNLocator


def heatmap_grid(
    images: np.ndarray,
    rows: dict[str, tuple[np.ndarray, list[str]]],
    label: str,
    alpha: float = 0.4,
) -> Figure:
    """Heat maps over grayscale images: one row per model (its maps, its titles), one colour bar.

    Sized to stay legible at page width: about 2.6 inches per column, 11-point text.
    """
    columns = len(images)
    fig, axes = plt.subplots(
        len(rows),
        columns,
        figsize=(2.6 * columns + 1.2, 2.8 * len(rows)),
        squeeze=False,
        layout="constrained",
    )
    for row, (name, (maps, titles)) in zip(axes, rows.items(), strict=True):
        for ax, image, heat, title in zip(row, images, maps, titles, strict=True):
            ax.imshow(np.squeeze(image), cmap="gray")
            shown = ax.imshow(heat, cmap="jet", alpha=alpha, vmin=0, vmax=1)
            ax.set_title(title, fontsize=11)
            ax.set_xticks([])
            ax.set_yticks([])
        row[0].set_ylabel(name.replace(", ", ",\n"), fontsize=11)
    fig.colorbar(shown, ax=axes, shrink=0.8).set_label(label, fontsize=11)
    return fig


def image_grid(
    images: Sequence[np.ndarray] | np.ndarray,
    titles: list[str],
    columns: int = 5,
    cmap: str | None = None,
    size: float = 2.0,
) -> Figure:
    """Images in a grid with a title over each, axes hidden."""
    rows = int(np.ceil(len(images) / columns))
    fig, axes = plt.subplots(
        rows, columns, figsize=(columns * size, rows * size * 1.1), squeeze=False
    )
    for ax in axes.flat:
        ax.axis("off")
    for ax, image, title in zip(axes.flat, images, titles, strict=False):
        ax.imshow(np.squeeze(image), cmap=cmap)
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


def compare_histories(
    histories: dict[str, dict[str, list[float]]],
    metric: str = "accuracy",
    loss_floors: dict[str, float] | None = None,
) -> Figure:
    """Several runs on the same two axes (``metric`` and loss), one colour per run.

    Solid lines with markers are validation, dotted lines training; ``loss_floors`` (per run)
    are drawn as dashed horizontal lines on the loss panel: a loss no model can go below (e.g.
    with label smoothing), so curves are compared by their distance to it.
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for (name, history), colour in zip(histories.items(), colours, strict=False):
        for ax, key in zip(axes, (metric, "loss"), strict=True):
            epochs = np.arange(1, len(history[key]) + 1)
            ax.plot(epochs, history[key], ":", color=colour, lw=1.5, label=f"{name}, train")
            if f"val_{key}" in history:
                ax.plot(
                    epochs, history[f"val_{key}"], "o-", color=colour, label=f"{name}, validation"
                )
        floor = (loss_floors or {}).get(name)
        if floor is not None:
            axes[1].axhline(
                floor,
                color=colour,
                linestyle="--",
                label=f"{name}: least possible loss {floor:.2f}",
            )
    for ax, key in zip(axes, (metric, "loss"), strict=True):
        ax.set(xlabel="epoch", ylabel=key, title=key)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    axes[1].set_ylim(bottom=0)
    fig.tight_layout()
    return fig


def plot_confusions(
    matrices: dict[str, np.ndarray], class_names: list[str], normalise: bool = True
) -> Figure:
    """Confusion matrices side by side on one colour scale, with one colour bar.

    With ``normalise`` each row is divided by its total (the rate at which a true class gets
    each prediction; the diagonal is per-class recall) and each cell shows rate and count.
    """
    n = len(class_names)
    size = 1.0 + 0.55 * n
    fig, axes = plt.subplots(
        1,
        len(matrices),
        figsize=(size * len(matrices) + 1.2, size + 0.6),
        layout="constrained",
        squeeze=False,
    )
    counts = {name: np.asarray(m) for name, m in matrices.items()}
    vmax = 1.0 if normalise else max(float(m.max()) for m in counts.values())
    ticks = np.arange(n)
    for ax, (name, matrix) in zip(axes[0], counts.items(), strict=True):
        totals = matrix.sum(axis=1, keepdims=True)
        values = np.divide(matrix, totals, out=np.zeros(matrix.shape), where=totals > 0)
        shown = values if normalise else matrix
        image = ax.imshow(shown, cmap="Blues", vmin=0, vmax=vmax)
        for (i, j), count in np.ndenumerate(matrix):
            text = f"{values[i, j]:.2f}\n({count})" if normalise else str(count)
            dark = shown[i, j] > vmax / 2
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=6.5 if normalise else 8,
                color="white" if dark else "black",
            )
        ax.set_xticks(ticks, class_names, rotation=45, ha="right")
        ax.set_yticks(ticks, class_names)
        ax.set(xlabel="predicted", ylabel="true", title=name)
    label = "fraction of the true class (row)" if normalise else "images"
    fig.colorbar(image, ax=axes[0].tolist(), shrink=0.8, label=label)
    return fig


def inception_diagram(filters: list[int], in_channels: int) -> Figure:
    """The four branches of an Inception module with their filter counts, as boxes and arrows.

    ``filters = [f1x1, f3x3_reduce, f3x3, f5x5_reduce, f5x5, pool_proj]``; a 1x1 "reduction"
    with more filters than the module's input channels is drawn in orange: it widens.
    """
    f1, f3r, f3, f5r, f5, fp = filters
    width, height, gap = 2.2, 0.8, 2.6
    xs = [i * gap for i in range(4)]
    centre = (xs[0] + xs[-1]) / 2
    rows = {"input": 4.2, "first": 2.8, "second": 1.4, "concat": 0.0}

    def reduction(count: int) -> tuple[str, str]:
        verb = "widens" if count > in_channels else "keeps" if count == in_channels else "reduces"
        colour = "#f6c28b" if count > in_channels else "#cfe3f5"
        return f"1x1 conv, {count} filters\n({verb} {in_channels} → {count})", colour

    plain = "#cfe3f5"
    branches = [
        [(f"1x1 conv\n{f1} filters", plain)],
        [reduction(f3r), (f"3x3 conv\n{f3} filters", plain)],
        [reduction(f5r), (f"5x5 conv\n{f5} filters", plain)],
        [("3x3 max-pool\nstride 1", "#e4e4e4"), (f"1x1 conv\n{fp} filters", plain)],
    ]
    total = f1 + f3 + f5 + fp
    fig, ax = plt.subplots(figsize=(10, 5))

    def box(x: float, y: float, text: str, colour: str, box_width: float = width) -> None:
        ax.add_patch(
            FancyBboxPatch(
                (x - box_width / 2, y - height / 2),
                box_width,
                height,
                boxstyle="round,pad=0,rounding_size=0.12",
                facecolor=colour,
                edgecolor="#333333",
            )
        )
        ax.text(x, y, text, ha="center", va="center", fontsize=9)

    def arrow(x0: float, y0: float, x1: float, y1: float) -> None:
        ax.annotate(
            "",
            xy=(x1, y1 + height / 2),
            xytext=(x0, y0 - height / 2),
            arrowprops={"arrowstyle": "->", "color": "#333333"},
        )

    wide = xs[-1] - xs[0] + width
    box(centre, rows["input"], f"input: {in_channels} channels", "#ffffff", wide)
    box(
        centre,
        rows["concat"],
        f"concatenate channels: {f1} + {f3} + {f5} + {fp} = {total} channels out",
        "#ffffff",
        wide,
    )
    for x, branch in zip(xs, branches, strict=True):
        arrow(x, rows["input"], x, rows["first"])
        box(x, rows["first"], *branch[0])
        if len(branch) == 2:
            box(x, rows["second"], *branch[1])
            arrow(x, rows["first"], x, rows["second"])
        last = rows["second"] if len(branch) == 2 else rows["first"]
        arrow(x, last, x, rows["concat"])
    ax.set(
        xlim=(xs[0] - width / 2 - 0.2, xs[-1] + width / 2 + 0.2),
        ylim=(rows["concat"] - height / 2 - 0.2, rows["input"] + height / 2 + 0.2),
        title=f"Inception module, filters {list(filters)}: {in_channels} channels in, {total} out",
    )
    ax.axis("off")
    fig.tight_layout()
    return fig


def _block_label(layers: list, name: str) -> str:
    """A block's text: its name, its layers' kinds, the shape it outputs and its weights."""
    kinds = sorted({type(layer).__name__ for layer in layers})
    shape = "x".join(str(d) for d in layers[-1].output.shape[1:])
    params = sum(layer.count_params() for layer in layers)
    what = kinds[0] if len(kinds) == 1 else f"{len(layers)} layers"
    return f"{name}\n{what}\n{shape}" + (f"\n{params:,} weights" if params else "")


def network_diagram(
    model: keras.Model, block_of: Callable[[str], str] = str, per_row: int = 7
) -> Figure:
    """A model as rows of boxes from input to output, one box per block of layers.

    ``block_of`` maps a layer's name to its block's (default: every layer its own box); the
    layers of a block, e.g. an Inception module's ``inception1_*``, are drawn as one box with
    the shape of its last layer's output, so a network with branches still reads left to right.
    A long network wraps after ``per_row`` boxes, so the figure keeps a readable width.
    """
    blocks: dict[str, list] = {}
    for layer in model.layers:
        blocks.setdefault(block_of(layer.name), []).append(layer)
    width, height, gap, row_gap = 1.9, 1.5, 2.3, 2.1
    columns, rows = min(len(blocks), per_row), -(-len(blocks) // per_row)
    fig, ax = plt.subplots(figsize=(gap * columns + 0.4, 0.6 + row_gap * rows))
    centres = [(i % per_row * gap, -(i // per_row) * row_gap) for i in range(len(blocks))]
    for (x, y), (name, layers) in zip(centres, blocks.items(), strict=True):
        ax.add_patch(
            FancyBboxPatch(
                (x - width / 2, y - height / 2),
                width,
                height,
                boxstyle="round,pad=0,rounding_size=0.12",
                facecolor="#cfe3f5",
                edgecolor="#333333",
            )
        )
        ax.text(x, y, _block_label(layers, name), ha="center", va="center", fontsize=8)
    for (x0, y0), (x1, y1) in zip(centres, centres[1:], strict=False):
        same_row = y0 == y1
        ax.annotate(
            "",
            xy=(x1 - width / 2, y1) if same_row else (x1, y1 + height / 2),
            xytext=(x0 + width / 2, y0) if same_row else (x0, y0 - height / 2),
            arrowprops={"arrowstyle": "->", "color": "#333333"},
        )
    ax.set(
        xlim=(-width / 2 - 0.2, (columns - 1) * gap + width / 2 + 0.2),
        ylim=(-(rows - 1) * row_gap - height / 2 - 0.2, height / 2 + 0.2),
    )
    ax.set_title(f"{model.name}: {model.count_params():,} weights, output shapes per example")
    ax.axis("off")
    fig.tight_layout()
    return fig
