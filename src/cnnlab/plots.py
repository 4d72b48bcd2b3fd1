"""Figures the notebooks share: training curves, confusion matrices, image grids."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def plot_history(history: dict[str, list[float]], title: str, metric: str = "accuracy") -> Figure:
    """Accuracy (or ``metric``) and loss, train vs validation, side by side."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, key in zip(axes, (metric, "loss"), strict=True):
        epochs = np.arange(1, len(history[key]) + 1)
        ax.plot(epochs, history[key], marker="o", label="train")
        if f"val_{key}" in history:
            ax.plot(epochs, history[f"val_{key}"], marker="o", label="validation")
        ax.set(xlabel="epoch", ylabel=key, title=f"{title}: {key}")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_confusion(matrix: np.ndarray, class_names: list[str], title: str) -> Figure:
    """A confusion matrix with counts written in the cells (rows: true, columns: predicted)."""
    size = 1.2 + 0.55 * len(class_names)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(matrix, cmap="Blues")
    ticks = np.arange(len(class_names))
    ax.set_xticks(ticks, class_names, rotation=45, ha="right")
    ax.set_yticks(ticks, class_names)
    threshold = matrix.max() / 2
    for (i, j), count in np.ndenumerate(matrix):
        ax.text(
            j,
            i,
            str(count),
            ha="center",
            va="center",
            fontsize=8,
            color="white" if count > threshold else "black",
        )
    ax.set(xlabel="predicted", ylabel="true", title=title)
    fig.tight_layout()
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
