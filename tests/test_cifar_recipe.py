"""Notebook 05's improved recipe (exported): the augmentation moves pixels, the schedule's ends."""

import numpy as np
import pytest

from cnnlab import pipelines
from cnnlab.cifar_recipe import augment_cifar, warmup_cosine_adamw


def test_warmup_cosine_climbs_to_the_peak_then_decays_to_zero():
    optimizer = warmup_cosine_adamw(total_steps=100, warmup_steps=10, peak=3e-3)
    schedule = optimizer._learning_rate  # the schedule object; .learning_rate is its value now
    assert float(schedule(0)) == pytest.approx(0.0, abs=1e-12)
    assert float(schedule(5)) == pytest.approx(1.5e-3, rel=1e-5)
    assert float(schedule(10)) == pytest.approx(3e-3, rel=1e-5)
    assert float(schedule(100)) == pytest.approx(0.0, abs=1e-9)
    assert optimizer.weight_decay == pytest.approx(5e-4)


def test_cifar_augmentation_only_flips_and_shifts_each_image():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, (8, 32, 32, 3), dtype=np.uint8)
    y = np.zeros(8, dtype=np.uint8)
    batch = next(iter(pipelines.image_batches(x, y, 8, 10, augment=augment_cifar, augment_seed=3)))[
        0
    ].numpy()
    flips = 0
    for source, image in zip(x, batch, strict=True):
        pixels = np.rint(image * 255)
        np.testing.assert_allclose(image * 255, pixels, atol=1e-4)  # still whole 0-255 values
        matches = [
            flipped
            for flipped in (False, True)
            for dy in range(9)
            for dx in range(9)
            if np.array_equal(
                np.pad(source[:, ::-1] if flipped else source, [(4, 4), (4, 4), (0, 0)], "reflect")[
                    dy : dy + 32, dx : dx + 32
                ],
                pixels,
            )
        ]
        assert matches, "an augmented image is not a flip and shift of its source"
        flips += matches[0]
    assert 0 < flips < len(x)  # some images flipped, some not
