"""The shared figures are labelled, use whole epochs, and no title runs into another axes."""

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from cnnlab.plots import (
    compare_histories,
    heatmap_grid,
    image_grid,
    inception_diagram,
    network_diagram,  # noqa: E402
    plot_confusions,
)


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


def test_heatmap_grid_labels_each_row_with_its_model_and_is_legible_at_page_width():
    images = np.zeros((4, 16, 16, 1))
    maps = np.random.default_rng(0).random((4, 16, 16))
    rows = {
        "A, trained": (maps, ["true yes, p(yes) 0.91, right"] * 4),
        "A, random weights": (maps, [""] * 4),
    }
    fig = heatmap_grid(images, rows, label="HiResCAM map")
    maps_axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert [ax.get_ylabel() for ax in maps_axes if ax.get_ylabel()] == [
        "A,\ntrained",
        "A,\nrandom weights",
    ]
    assert maps_axes[0].get_title().endswith("right") and maps_axes[4].get_title() == ""
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 1 and bars[0].get_ylabel() == "HiResCAM map"
    # At a page width of ~7 inches, 11-point titles on a figure this wide stay >= 6 points.
    width = fig.get_size_inches()[0]
    assert 11 * 7 / width >= 6, width
    assert title_collisions(fig) == []


def test_image_grid_titles_two_lines_without_collisions():
    images = np.zeros((8, 32, 32, 3), dtype=np.uint8)
    titles = [f"true class {i}\npredicted class {i + 1}" for i in range(8)]
    fig = image_grid(images, titles, columns=4, size=1.3)
    assert sum(1 for ax in fig.axes if ax.get_title()) == 8
    assert title_collisions(fig) == []


def text_collisions(ax) -> list[str]:
    """Non-empty texts of ``ax`` whose boxes overlap each other."""
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    texts = [t for t in ax.texts if t.get_text()]
    return [
        f"{a.get_text()!r} runs into {b.get_text()!r}"
        for a, b in itertools.combinations(texts, 2)
        if a.get_window_extent(renderer).overlaps(b.get_window_extent(renderer))
    ]


def test_inception_diagram_labels_every_branch_without_overlaps():
    fig = inception_diagram([64, 96, 128, 16, 32, 32], in_channels=64)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.texts if t.get_text()]
    assert labels[0] == "input: 64 channels"
    assert "concatenate channels: 64 + 128 + 32 + 32 = 256 channels out" in labels
    for expected in (
        "1x1 conv\n64 filters",
        "1x1 conv, 96 filters\n(widens 64 → 96)",
        "3x3 conv\n128 filters",
        "1x1 conv, 16 filters\n(reduces 64 → 16)",
        "5x5 conv\n32 filters",
        "3x3 max-pool\nstride 1",
        "1x1 conv\n32 filters",
    ):
        assert expected in labels
    assert text_collisions(ax) == []
    renderer = fig.canvas.get_renderer()
    for text in ax.texts:  # every label inside the figure
        assert fig.bbox.contains(*text.get_window_extent(renderer).min)
        assert fig.bbox.contains(*text.get_window_extent(renderer).max)


def test_compare_histories_puts_runs_on_shared_axes_with_the_floor():
    runs = {
        "a": {
            "accuracy": [0.5, 0.6],
            "val_accuracy": [0.4, 0.5],
            "loss": [1, 0.8],
            "val_loss": [1.1, 0.9],
        },
        "b": {
            "accuracy": [0.3, 0.7],
            "val_accuracy": [0.2, 0.6],
            "loss": [2, 0.7],
            "val_loss": [2.1, 0.8],
        },
    }
    fig = compare_histories(runs, loss_floors={"b": 0.5})
    accuracy, loss = fig.axes
    assert [ax.get_xlabel() for ax in fig.axes] == ["epoch", "epoch"]
    assert len(accuracy.lines) == 4 and len(loss.lines) == 5
    floor = loss.lines[-1]
    assert floor.get_linestyle() == "--" and list(floor.get_ydata()) == [0.5, 0.5]
    legend = [t.get_text() for t in loss.get_legend().get_texts()]
    assert "b: least possible loss 0.50" in legend
    ticks = accuracy.get_xticks()
    assert np.allclose(ticks, np.round(ticks))
    assert title_collisions(fig) == []


def test_plot_confusions_shows_rates_counts_and_one_colour_bar():
    matrices = {"first": np.array([[3, 1], [0, 4]]), "second": np.array([[2, 2], [1, 3]])}
    fig = plot_confusions(matrices, ["no", "yes"])
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["first", "second"]
    assert len(fig.axes) == 3  # two panels and one colour bar
    assert sorted(t.get_text() for t in panels[0].texts) == [
        "0.00\n(0)",
        "0.25\n(1)",
        "0.75\n(3)",
        "1.00\n(4)",
    ]
    assert fig.axes[2].get_ylabel() == "fraction of the true class (row)"
    assert title_collisions(fig) == []
    counts = plot_confusions(matrices, ["no", "yes"], normalise=False)
    assert sorted(t.get_text() for t in counts.axes[0].texts) == ["0", "1", "3", "4"]


def test_network_diagram_draws_one_box_per_block_with_its_output_shape():
    import keras

    inputs = keras.Input((8, 8, 3), name="image")
    x = keras.layers.Conv2D(4, 3, padding="same", name="a_conv")(inputs)
    x = keras.layers.Conv2D(4, 1, name="a_proj")(x)
    outputs = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    model = keras.Model(inputs, outputs, name="tiny")
    fig = network_diagram(model, lambda name: name.split("_")[0])
    texts = [t.get_text() for t in fig.axes[0].texts if t.get_text()]  # arrows have no text
    assert len(texts) == 3  # image, the two "a_" layers as one block, gap
    assert texts[1] == "a\nConv2D\n8x8x4\n132 weights"  # 3*3*3*4 + 4 + 4*4 + 4
    assert fig.axes[0].get_title().startswith("tiny: 132 weights")


def test_a_long_network_wraps_into_rows_of_readable_width():
    import keras

    layers = [keras.layers.Dense(2, name=f"d{i}") for i in range(15)]
    model = keras.Sequential([keras.Input((2,)), *layers], name="long")
    fig = network_diagram(model, per_row=7)
    width, height = fig.get_size_inches() * fig.dpi
    assert width <= 2000 and height > 2 * 0.6 * fig.dpi  # three rows, not one 35-inch row
