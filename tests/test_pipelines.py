"""Input pipelines decode what the data really is, batch, and shuffle and augment repeatably."""

import numpy as np
import pytest
from PIL import Image

from cnnlab import pipelines
from cnnlab.cifar_recipe import augment_cifar


def test_png_named_jpg_decodes_as_grayscale(tmp_path):
    path = tmp_path / "y1.jpg"  # PNG bytes under a .jpg name, as 13 Br35H files are
    Image.new("RGBA", (30, 20), (200, 100, 50, 255)).save(path, format="PNG")
    image = pipelines.decode_grayscale(str(path), (16, 16)).numpy()
    assert image.shape == (16, 16, 1) and image.dtype == np.float32


def test_brain_images_batches_and_repeatable_shuffle(tmp_path):
    paths = []
    for i in range(5):
        paths.append(tmp_path / f"{i}.png")
        Image.new("L", (12, 12), i * 40).save(paths[-1])
    labels = np.array([0, 1, 0, 1, 0])
    ds = pipelines.brain_images(paths, labels, (8, 8), batch_size=2, shuffle_seed=1)
    batches = [(x.numpy(), y.numpy()) for x, y in ds]
    assert [x.shape for x, _ in batches] == [(2, 8, 8, 1), (2, 8, 8, 1), (1, 8, 8, 1)]
    again = [(x.numpy(), y.numpy()) for x, y in pipelines.brain_images(paths, labels, (8, 8), 2, 1)]
    for (x1, y1), (x2, y2) in zip(batches, again, strict=True):
        np.testing.assert_array_equal(x1, x2)
        np.testing.assert_array_equal(y1, y2)


def test_cifar_batches_scale_one_hot_and_augment_deterministically():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (6, 32, 32, 3), dtype=np.uint8)
    y = np.arange(6, dtype=np.uint8)
    plain = next(iter(pipelines.image_batches(x, y, 6, 10)))
    np.testing.assert_allclose(plain[0].numpy(), x / 255.0, rtol=1e-6)
    assert plain[1].numpy().argmax(axis=1).tolist() == list(range(6))

    def augmented():
        return next(
            iter(pipelines.image_batches(x, y, 6, 10, augment=augment_cifar, augment_seed=5))
        )[0].numpy()

    first = augmented()
    np.testing.assert_array_equal(first, augmented())
    assert not np.allclose(first, x / 255.0)


def test_an_augmentation_needs_its_seed_and_a_seed_its_augmentation():
    x, y = np.zeros((2, 32, 32, 3), np.uint8), np.zeros(2, np.uint8)
    with pytest.raises(ValueError, match="augment and augment_seed go together"):
        pipelines.image_batches(x, y, 2, 10, augment_seed=1)
    with pytest.raises(ValueError, match="augment and augment_seed go together"):
        pipelines.image_batches(x, y, 2, 10, augment=augment_cifar)
