"""What every room of :mod:`cnnlab.data` does with files: hash them, open zips with one clear
error, show progress, and put an error on one line."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

from tqdm import tqdm

from cnnlab.errors import DataError

# Hashing a file this large takes seconds (an archive), so it gets its own progress bar; the
# thousands of small images hashed in a loop get none each (the loop has one).
BIG_FILE = 32 << 20


def progress(quiet: bool = False, **kwargs: Any) -> tqdm:
    """A progress bar that stays silent when nobody is watching a terminal (or when ``quiet``)."""
    return tqdm(disable=True if quiet else None, leave=False, **kwargs)


def first_line(err: BaseException) -> str:
    """``Type: first line of the message``, for errors that must fit on one line."""
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0] if text else 'no detail'}"


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks, with a progress bar for a big file."""
    digest = hashlib.sha256()
    size = path.stat().st_size
    with (
        open(path, "rb") as handle,
        progress(
            total=size,
            unit="B",
            unit_scale=True,
            desc=f"hashing {path.name}",
            quiet=size < BIG_FILE,
        ) as bar,
    ):
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            bar.update(len(block))
    return digest.hexdigest()


def open_zip(
    path: Path, what: str, refused: str = "the server refused the download"
) -> zipfile.ZipFile:
    """Open ``path`` as a zip, turning every way it can be broken into one clear DataError."""
    with open(path, "rb") as handle:
        head = handle.read(512).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise DataError(f"{what} is a web page, not a zip: {refused}")
    try:
        archive = zipfile.ZipFile(path)
        bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise DataError(
            f"{what} is not a readable zip ({err}): it is truncated or corrupt; "
            "delete it and fetch again"
        ) from err
    if bad is not None:
        archive.close()
        raise DataError(f"{what} is corrupt (bad CRC in {bad}); delete it and fetch again")
    return archive
