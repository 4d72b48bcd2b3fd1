"""CIFAR-10: one canonical row order whatever the route (the PNG mirror or ``keras.datasets``),
its fingerprint, and the cached arrays in ``data/cifar10.npz``."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from cnnlab.atomic import atomic_path
from cnnlab.data.files import first_line, open_zip, progress
from cnnlab.data.registry import CIFAR10, DataSet
from cnnlab.data.routes import MIRROR_ENV, Failure, no_source_error, verified_mirror_archive
from cnnlab.errors import DataError
from cnnlab.paths import data_dir

CIFAR10_SHAPE = (*CIFAR10.image_size, 3)
Split = tuple[np.ndarray, np.ndarray]  # (images, labels)


def _decode_png(data: bytes) -> np.ndarray:
    """The RGB pixels of one PNG."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.uint8)


def canonical_order(images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Row order by the SHA-256 of each image's pixel bytes, then by label: source-independent.

    CIFAR-10 has no exact duplicates, so the digest alone decides; the label makes the order
    total anyway (identical rows with identical labels are interchangeable).
    """
    keys = [
        (hashlib.sha256(image.tobytes()).digest(), int(label))
        for image, label in zip(images, labels, strict=True)
    ]
    return np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)


def canonical_cifar10(train: Split, test: Split, what: str = "the arrays") -> tuple[Split, Split]:
    """Both splits as contiguous uint8 arrays (labels flat) in :func:`canonical_order`."""
    result = []
    for split, (images, labels) in (("train", train), ("test", test)):
        images = np.ascontiguousarray(images, dtype=np.uint8)
        labels = np.asarray(labels).reshape(-1).astype(np.uint8)
        if images.shape[1:] != CIFAR10_SHAPE or len(images) != len(labels):
            raise DataError(
                f"{what}: the {split} split has images {images.shape} and labels "
                f"{labels.shape}, not CIFAR-10's (n, 32, 32, 3) and (n,)"
            )
        order = canonical_order(images, labels)
        result.append((images[order], labels[order]))
    return result[0], result[1]


def cifar10_fingerprint(train: Split, test: Split) -> str:
    """SHA-256 over x_train, y_train, x_test, y_test (name, dtype, shape, then the bytes)."""
    digest = hashlib.sha256()
    for name, array in (
        ("x_train", train[0]),
        ("y_train", train[1]),
        ("x_test", test[0]),
        ("y_test", test[1]),
    ):
        array = np.ascontiguousarray(array)
        digest.update(f"{name} {array.dtype.str} {array.shape}\n".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def read_cifar10_archive(path: Path, spec: DataSet = CIFAR10) -> tuple[Split, Split]:
    """CIFAR-10 arrays from the PNG archive, in the canonical order."""
    result = []
    with open_zip(path, str(path)) as archive:
        names = sorted(n for n in archive.namelist() if n.lower().endswith(".png"))
        for split, per_class in spec.per_class.items():
            members = [
                (name, spec.classes.index(name.split("/")[1]))
                for name in names
                if name.split("/")[0] == split and name.split("/")[1] in spec.classes
            ]
            counts = np.bincount([label for _, label in members], minlength=len(spec.classes))
            if (counts != per_class).any():
                found = dict(zip(spec.classes, counts.tolist(), strict=True))
                raise DataError(
                    f"{path} has {found} images in {split}/ where {per_class} per class were "
                    "expected: the archive is incomplete or not CIFAR-10"
                )
            images = np.empty((len(members), *CIFAR10_SHAPE), dtype=np.uint8)
            labels = np.empty(len(members), dtype=np.uint8)
            for slot, (name, label) in enumerate(
                progress(iterable=members, desc=f"decoding {split}")
            ):
                try:
                    images[slot] = _decode_png(archive.read(name))
                except (OSError, ValueError) as err:
                    raise DataError(f"{path}: {name} is not a 32x32 image ({err})") from err
                labels[slot] = label
            result.append((images, labels))
    return canonical_cifar10(result[0], result[1], what=str(path))


def cifar10_from_keras() -> tuple[Split, Split]:
    """CIFAR-10 through ``keras.datasets`` (needs the network on first use), official order."""
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    return (x_train, y_train.ravel()), (x_test, y_test.ravel())


def _check_cifar10(train: Split, test: Split, spec: DataSet, what: str, remedy: str) -> None:
    """Raise a one-line DataError unless the canonical arrays have the registry's fingerprint."""
    actual = cifar10_fingerprint(train, test)
    if actual != spec.fingerprint:
        raise DataError(
            f"{what} holds other arrays than the registry's {spec.name} (fingerprint "
            f"{actual[:12]}…, expected {spec.fingerprint[:12]}…): {remedy}"
        )


def load_cifar10_cache(cache: Path) -> tuple[Split, Split]:
    """The arrays stored in the cache file; a file that is not a readable cache is one error."""
    try:
        with np.load(cache) as stored:
            return (stored["x_train"], stored["y_train"]), (stored["x_test"], stored["y_test"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
        raise DataError(
            f"{cache} is not a readable CIFAR-10 cache ({first_line(err)}); delete it and "
            "fetch again"
        ) from err


def cifar10(
    spec: DataSet = CIFAR10, download: Callable[[], tuple[Split, Split]] | None = None
) -> tuple[Split, Split]:
    """CIFAR-10 as uint8 ``(x_train, y_train), (x_test, y_test)`` in the canonical order, cached."""
    download = download or cifar10_from_keras
    cache = data_dir() / spec.target
    if cache.is_file():
        train, test = load_cifar10_cache(cache)
        _check_cifar10(
            train,
            test,
            spec,
            str(cache),
            "it is stale (written in another order by an older cnnlab) or damaged; delete it "
            "and fetch again",
        )
        return train, test
    archive = verified_mirror_archive(spec)
    if archive is not None:
        train, test = read_cifar10_archive(archive, spec)
        what, remedy = str(archive), f"replace it with a good copy of {spec.mirror_file}"
    else:
        try:
            train, test = download()
        except Exception as err:  # Keras raises several kinds for a failed download
            raise no_source_error(spec, [Failure.of("keras.datasets", err)]) from err
        what = "the keras.datasets download"
        train, test = canonical_cifar10(train, test, what)
        remedy = f"delete ~/.keras/datasets/cifar-10-batches-py* and try again, or set {MIRROR_ENV}"
    _check_cifar10(train, test, spec, what, remedy)
    with atomic_path(cache, suffix=".npz") as tmp:
        np.savez_compressed(tmp, x_train=train[0], y_train=train[1], x_test=test[0], y_test=test[1])
    return train, test
