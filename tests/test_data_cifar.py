"""CIFAR-10: both routes give byte-identical arrays in the canonical order, cached and checked."""

import numpy as np
import pytest
from data_fakes import (
    cifar_arrays,
    cifar_members,
    cifar_spec,
    leftovers,
    make_zip,
    no_download,
    umask,
)

from cnnlab import data

pytestmark = pytest.mark.usefixtures("no_network")


def test_both_cifar10_routes_give_byte_identical_arrays(dirs, monkeypatch, tmp_path):
    data_root, mirror = dirs
    spec = cifar_spec(make_zip(mirror / "c.zip", cifar_members()))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    from_mirror = data.cifar10(spec, download=no_download)

    monkeypatch.delenv(data.MIRROR_ENV)
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path / "other"))
    raw = cifar_arrays()
    assert not np.array_equal(raw[0][0], from_mirror[0][0])  # the loader's order differs
    from_keras = data.cifar10(spec, download=lambda: raw)

    for (a, b), (c, d) in zip(from_mirror, from_keras, strict=True):
        assert a.tobytes() == c.tobytes() and b.tobytes() == d.tobytes()
        assert a.dtype == c.dtype == np.uint8 and b.shape == d.shape
    first = (data_root / "cifar10.npz").read_bytes()
    assert first == (tmp_path / "other" / "cifar10.npz").read_bytes()


def test_canonical_order_is_total_and_source_independent():
    image = np.zeros((1, 32, 32, 3), np.uint8)
    images = np.concatenate([image, image, image + 1])
    labels = np.array([7, 3, 0], np.uint8)
    x, y = data.canonical_cifar10((images, labels), (images[:1], labels[:1]))[0]
    assert y[np.all(x == 0, axis=(1, 2, 3))].tolist() == [3, 7]  # equal pixels: by label
    permuted = data.canonical_cifar10((images[::-1], labels[::-1]), (images[:1], labels[:1]))
    assert permuted[0][0].tobytes() == x.tobytes() and permuted[0][1].tobytes() == y.tobytes()


def test_cifar10_from_png_mirror_is_cached_and_reloaded(dirs, monkeypatch):
    data_root, mirror = dirs
    spec = cifar_spec(make_zip(mirror / "c.zip", cifar_members()))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    (x_train, y_train), (x_test, y_test) = data.cifar10(spec, download=no_download)
    assert x_train.shape == (20, 32, 32, 3) and x_test.shape == (10, 32, 32, 3)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [2] * 10
    np.testing.assert_array_equal(x_train[:, 0, 0, 0], y_train)  # the pixel encodes the label
    assert leftovers(data_root) == ["cifar10.npz"]
    assert oct((data_root / "cifar10.npz").stat().st_mode & 0o777) == oct(0o666 & ~umask())

    (mirror / "c.zip").unlink()
    again = data.cifar10(spec, download=no_download)
    np.testing.assert_array_equal(again[0][0], x_train)
    np.testing.assert_array_equal(again[1][1], y_test)


def test_cifar10_from_network(dirs):
    data_root, _ = dirs
    (x_train, _), (_, y_test) = data.cifar10(cifar_spec(), download=cifar_arrays)
    assert x_train.shape == (20, 32, 32, 3) and y_test.shape == (10,)
    assert leftovers(data_root) == ["cifar10.npz"]


def test_cifar10_mirror_content_mismatch(dirs, monkeypatch):
    data_root, mirror = dirs
    archive = make_zip(mirror / "c.zip", cifar_members())
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    with pytest.raises(data.DataError, match=r"c\.zip holds other arrays .*replace it") as info:
        data.cifar10(cifar_spec(archive, fingerprint="0" * 64), download=no_download)
    assert "\n" not in str(info.value) and leftovers(data_root) == []


def test_cifar10_download_content_mismatch(dirs):
    data_root, _ = dirs
    (x_train, y_train), test = cifar_arrays()
    x_train = x_train.copy()
    x_train[0, 0, 0, 0] ^= 1  # one pixel differs from the registry's data set
    with pytest.raises(data.DataError, match="keras.datasets download holds other arrays") as info:
        data.cifar10(cifar_spec(), download=lambda: ((x_train, y_train), test))
    assert "\n" not in str(info.value) and leftovers(data_root) == []


@pytest.mark.parametrize("kind", ["stale order", "not a cache"])
def test_cifar10_mismatching_cache_says_delete_and_fetch_again(dirs, kind, capsys):
    data_root, _ = dirs
    cache = data_root / "cifar10.npz"
    data_root.mkdir(parents=True)
    if kind == "stale order":  # what an older cnnlab wrote: the same arrays, another order
        (x_train, y_train), (x_test, y_test) = cifar_arrays()
        arrays = {"x_train": x_train, "y_train": y_train.ravel()}
        np.savez_compressed(cache, **arrays, x_test=x_test, y_test=y_test.ravel())
    else:
        cache.write_bytes(b"PK\x03\x04 half a zip")
    with pytest.raises(data.DataError, match="delete it and fetch again") as info:
        data.cifar10(cifar_spec(), download=cifar_arrays)
    assert str(cache) in str(info.value) and "\n" not in str(info.value)
    assert cache.exists()  # the user's file is not touched: the message says what to do


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (cifar_members({"train": 2, "test": 0}), "in test/"),
        (cifar_members(broken="train/cat/9999.png"), "'cat': 3"),
    ],
)
def test_cifar10_bad_archives(dirs, monkeypatch, members, message):
    data_root, mirror = dirs
    spec = cifar_spec(make_zip(mirror / "c.zip", members))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    with pytest.raises(data.DataError, match=message):
        data.cifar10(spec, download=no_download)
    assert leftovers(data_root) == []


def test_cifar10_undecodable_png(dirs, monkeypatch):
    data_root, mirror = dirs
    members = cifar_members()
    members["train/cat/0001.png"] = b"garbage"
    spec = cifar_spec(make_zip(mirror / "c.zip", members))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    with pytest.raises(data.DataError, match="train/cat/0001.png is not a 32x32 image"):
        data.cifar10(spec, download=no_download)
    assert leftovers(data_root) == []
