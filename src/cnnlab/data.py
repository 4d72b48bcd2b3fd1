"""The course's two data sets, fetched once into ``data/`` from a local mirror or the network.

Resolution order for each set: what is already in ``data/`` (verified earlier) -> the mirror
folder named by ``CNNLAB_DATA_MIRROR`` (archive checked by SHA-256) -> the network (gdown for
the brain-tumour zip on Google Drive, ``keras.datasets`` for CIFAR-10). Everything is written
under a temporary name and renamed into place only after it has been verified, so a failed or
interrupted fetch leaves ``data/`` as it was.

Command line: ``python -m cnnlab.data fetch [all|brain_tumor|cifar10]``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from cnnlab.paths import data_dir

MIRROR_ENV = "CNNLAB_DATA_MIRROR"
MARKER = ".cnnlab-verified.json"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif")
CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
CIFAR10_SHUFFLE_SEED = 0


class DataError(RuntimeError):
    """A data set could not be fetched or verified; the message says what to do."""


@dataclass(frozen=True)
class DataSet:
    """Where one data set comes from and what a good copy of it looks like."""

    name: str
    mirror_file: str
    sha256: str
    classes: tuple[str, ...]
    per_class: dict[str, int]  # split folder ("" for none) -> files per class
    drive_id: str | None = None
    target: str = ""


BRAIN_TUMOR = DataSet(
    name="brain_tumor",
    mirror_file="br35h.zip",
    sha256="bca89a77c4c35c2f36e7535b4e22f08c0d59ee87745a8ffa92beffad2d6f016c",
    classes=("no", "yes"),
    per_class={"": 1500},
    drive_id="1SCpVEdJ6_YOAcy2iW05ENlMh-OCcFz3P",
    target="brain_tumor",
)
CIFAR10 = DataSet(
    name="cifar10",
    mirror_file="cifar10-png.zip",
    sha256="04aa27f00f0a48b05a917d0453f554eb0684f05b5eee1f4ac48c24894778ab32",
    classes=CIFAR10_CLASSES,
    per_class={"train": 5000, "test": 1000},
    target="cifar10.npz",
)
REGISTRY = {spec.name: spec for spec in (BRAIN_TUMOR, CIFAR10)}


def _progress(**kwargs) -> tqdm:
    """A progress bar that stays silent when nobody is watching a terminal."""
    return tqdm(disable=None, leave=False, **kwargs)


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, with a progress bar for big files."""
    digest = hashlib.sha256()
    with (
        open(path, "rb") as handle,
        _progress(
            total=path.stat().st_size, unit="B", unit_scale=True, desc=f"hashing {path.name}"
        ) as bar,
    ):
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            bar.update(len(block))
    return digest.hexdigest()


def mirror_archive(spec: DataSet) -> Path | None:
    """The data set's archive in the mirror folder, if the variable is set and the file is there."""
    folder = os.environ.get(MIRROR_ENV)
    if not folder:
        return None
    path = Path(folder).expanduser() / spec.mirror_file
    return path if path.is_file() else None


def verified_mirror_archive(spec: DataSet) -> Path | None:
    """The mirror archive after its SHA-256 matched the registry, or None if there is none."""
    path = mirror_archive(spec)
    if path is None:
        return None
    actual = sha256_of(path)
    if actual != spec.sha256:
        raise DataError(
            f"{path} has SHA-256 {actual[:12]}…, expected {spec.sha256[:12]}…: the mirror copy is "
            f"damaged or a different file; replace it with a good copy of {spec.mirror_file}"
        )
    return path


def _open_zip(path: Path, what: str) -> zipfile.ZipFile:
    """Open ``path`` as a zip, turning every way it can be broken into one clear DataError."""
    with open(path, "rb") as handle:
        head = handle.read(512).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise DataError(
            f"{what} is a web page, not a zip: Google Drive refused the download (quota exceeded "
            f"or too many users). Try later, or put the zip in a folder named by {MIRROR_ENV}"
        )
    try:
        archive = zipfile.ZipFile(path)
        bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise DataError(
            f"{what} is not a readable zip ({err}): it is truncated or corrupt; "
            "delete it and fetch again"
        ) from err
    if bad is not None:
        raise DataError(f"{what} is corrupt (bad CRC in {bad}); delete it and fetch again")
    return archive


def _image_header_ok(path: Path) -> bool:
    """Whether ``path`` starts like an image file Pillow can identify (reads the header only)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.size  # noqa: B018 - forces the header parse
    except (UnidentifiedImageError, OSError):
        return False
    return True


def class_files(root: Path, classes: tuple[str, ...]) -> dict[str, list[Path]]:
    """The image files of each class folder under ``root``, sorted; other folders are ignored."""
    found = {}
    for name in classes:
        folder = root / name
        if not folder.is_dir():
            raise DataError(
                f"{root} has no '{name}/' folder (expected class folders {', '.join(classes)}): "
                "the archive is not the right data set"
            )
        found[name] = sorted(
            p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
        )
    return found


def verify_class_folders(root: Path, spec: DataSet) -> dict:
    """Check class folders, counts and image headers; returns what the marker file records."""
    files = class_files(root, spec.classes)
    counts = {name: len(paths) for name, paths in files.items()}
    expected = spec.per_class[""]
    wrong = {name: n for name, n in counts.items() if n != expected}
    if wrong:
        raise DataError(
            f"{root} holds {wrong} files where {expected} per class were expected: the archive "
            "is incomplete or not the right data set"
        )
    unreadable = [
        str(path.relative_to(root))
        for paths in files.values()
        for path in _progress(iterable=paths, desc="checking images")
        if not _image_header_ok(path)
    ]
    return {"counts": counts, "unreadable": unreadable}


def _class_root(extracted: Path, classes: tuple[str, ...]) -> Path:
    """The folder holding the class folders: the archive root or one folder below it."""
    candidates = [extracted, *sorted(p for p in extracted.iterdir() if p.is_dir())]
    for folder in candidates:
        if all((folder / name).is_dir() for name in classes):
            return folder
    return extracted  # let verify_class_folders name the missing folder


def install_class_archive(archive_path: Path, spec: DataSet, what: str) -> Path:
    """Extract, verify and atomically move a class-folder archive to ``data/<target>``."""
    target = data_dir() / spec.target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{spec.target}.partial-"))
    try:
        with _open_zip(archive_path, what) as archive:
            for member in _progress(iterable=archive.infolist(), desc=f"extracting {what}"):
                archive.extract(member, staging)
        root = _class_root(staging, spec.classes)
        report = verify_class_folders(root, spec)
        for unreadable in report["unreadable"]:
            print(
                f"warning: {target / unreadable} is not a readable image; it will be skipped",
                file=sys.stderr,
            )
        (root / MARKER).write_text(json.dumps(report, indent=2, sort_keys=True))
        root.chmod(0o755)  # mkdtemp made it private; the data set is not secret
        if target.exists():
            shutil.rmtree(target)
        os.replace(root, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def download_from_drive(file_id: str, output: Path) -> None:
    """Download a public Google Drive file with gdown (as the report did)."""
    import gdown

    gdown.download(id=file_id, output=str(output), quiet=not sys.stderr.isatty())
    if not output.is_file() or output.stat().st_size == 0:
        raise OSError("gdown returned no file")


def _no_source_error(spec: DataSet, err: Exception) -> DataError:
    return DataError(
        f"cannot fetch {spec.name}: the download failed ({type(err).__name__}: "
        f"{str(err).splitlines()[0] if str(err) else 'no detail'}) and no mirror was found. "
        f"Set {MIRROR_ENV} to a folder holding {spec.mirror_file}"
    )


def brain_tumor_dir(spec: DataSet = BRAIN_TUMOR, download: Callable | None = None) -> Path:
    """The Br35H folder with ``no/`` and ``yes/`` class folders, fetched only when needed."""
    download = download or download_from_drive
    target = data_dir() / spec.target
    if (target / MARKER).is_file():
        return target
    archive = verified_mirror_archive(spec)
    if archive is not None:
        return install_class_archive(archive, spec, str(archive))
    data_dir().mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=data_dir(), prefix=f".{spec.name}.", suffix=".zip")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            download(spec.drive_id, tmp)
        except Exception as err:  # gdown and requests raise many kinds; all mean "no download"
            raise _no_source_error(spec, err) from err
        return install_class_archive(tmp, spec, "the Google Drive download")
    finally:
        tmp.unlink(missing_ok=True)


def unreadable_images(root: Path) -> list[Path]:
    """Files the verification found unreadable as images (to be left out of pipelines)."""
    report = json.loads((root / MARKER).read_text())
    return [root / rel for rel in report["unreadable"]]


def _decode_png(data: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.uint8)


def read_cifar10_archive(path: Path, spec: DataSet = CIFAR10):
    """CIFAR-10 arrays from the PNG archive: sorted by path, then shuffled with a fixed seed."""
    result = []
    with _open_zip(path, str(path)) as archive:
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
            order = np.random.default_rng(CIFAR10_SHUFFLE_SEED).permutation(len(members))
            images = np.empty((len(members), 32, 32, 3), dtype=np.uint8)
            labels = np.empty(len(members), dtype=np.uint8)
            for slot, index in enumerate(_progress(iterable=order, desc=f"decoding {split}")):
                name, label = members[index]
                try:
                    images[slot] = _decode_png(archive.read(name))
                except (OSError, ValueError) as err:
                    raise DataError(f"{path}: {name} is not a 32x32 image ({err})") from err
                labels[slot] = label
            result.append((images, labels))
    return tuple(result)


def cifar10_from_keras():
    """CIFAR-10 through ``keras.datasets`` (needs the network on first use)."""
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    return (x_train, y_train.ravel()), (x_test, y_test.ravel())


def cifar10(spec: DataSet = CIFAR10, download: Callable | None = None):
    """CIFAR-10 as uint8 ``(x_train, y_train), (x_test, y_test)``, cached in ``data/``."""
    download = download or cifar10_from_keras
    cache = data_dir() / spec.target
    if cache.is_file():
        with np.load(cache) as stored:
            return (stored["x_train"], stored["y_train"]), (stored["x_test"], stored["y_test"])
    archive = verified_mirror_archive(spec)
    if archive is not None:
        (train, test) = read_cifar10_archive(archive, spec)
    else:
        try:
            train, test = download()
        except Exception as err:  # Keras raises several kinds for a failed download
            raise _no_source_error(spec, err) from err
    cache.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=cache.parent, prefix=f".{cache.stem}.", suffix=".npz")
    os.close(fd)
    try:
        np.savez_compressed(
            tmp_name, x_train=train[0], y_train=train[1], x_test=test[0], y_test=test[1]
        )
        os.chmod(tmp_name, 0o644)  # mkstemp made it private; the cache is not secret
        os.replace(tmp_name, cache)
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    return train, test


def fetch(name: str) -> None:
    """Fetch a data set by registry name (or ``all``), printing where it is and the time taken."""
    for key in REGISTRY if name == "all" else [name]:
        start = time.perf_counter()
        if key == "brain_tumor":
            where = brain_tumor_dir()
        else:
            cifar10()
            where = data_dir() / CIFAR10.target
        print(f"{key}: {where} ({time.perf_counter() - start:.1f} s)")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``fetch NAME``."""
    parser = argparse.ArgumentParser(prog="python -m cnnlab.data")
    parser.add_argument("command", choices=["fetch"])
    parser.add_argument("name", choices=["all", *REGISTRY], nargs="?", default="all")
    args = parser.parse_args(argv)
    try:
        fetch(args.name)
    except DataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
