"""The shared figures are labelled, use whole epochs, and no title runs into another axes."""

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from cnnlab.plots import image_grid, plot_confusion, plot_history  # noqa: E402


def title_collisions(fig) -> list[str]:
    """Titles whose boxes overlap another title or another axes' drawing area."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    axes = [ax for ax in fig.axes if ax.get_title()]
    found = []
    for a, b in itertools.permutations(axes, 2):
        title = a.title.get_window_extent(renderer)
        if title.overlaps(b.title.get_window_extent(renderer)) or title.overlaps(
            b.get_window_extent(renderer)
        ):
            found.append(f"{a.get_title()!r} runs into {b.get_title()!r}")
    return found


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_history_has_labels_and_whole_epoch_ticks():
    history = {"accuracy": [0.5, 0.6, 0.7], "val_accuracy": [0.4, 0.5, 0.6], "loss": [1, 0.8, 0.6]}
    fig = plot_history(history, "run")
    assert [ax.get_xlabel() for ax in fig.axes] == ["epoch", "epoch"]
    assert [ax.get_ylabel() for ax in fig.axes] == ["accuracy", "loss"]
    ticks = fig.axes[0].get_xticks()
    assert np.allclose(ticks, np.round(ticks)), f"fractional epoch ticks {ticks}"
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["train", "validation"]
    assert title_collisions(fig) == []


def test_confusion_matrix_writes_every_count():
    matrix = np.array([[5, 1], [2, 7]])
    fig = plot_confusion(matrix, ["no", "yes"], "title")
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "5", "7"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted", "true")


def test_image_grid_titles_two_lines_without_collisions():
    images = np.zeros((8, 32, 32, 3), dtype=np.uint8)
    titles = [f"true class {i}\npredicted class {i + 1}" for i in range(8)]
    fig = image_grid(images, titles, columns=4, size=1.3)
    assert sum(1 for ax in fig.axes if ax.get_title()) == 8
    assert title_collisions(fig) == []
