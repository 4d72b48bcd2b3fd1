"""The verification record of a class-folder set: its content fingerprint, and an inventory of
what every file was (size, mtime, SHA-256, whether it decodes) when it was installed."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

from cnnlab.data.files import first_line, progress, sha256_file
from cnnlab.data.registry import BRAIN_TUMOR, DataSet
from cnnlab.errors import DataError

MARKER = ".cnnlab-verified.json"
MARKER_VERSION = 2
# The suffixes image_dataset_from_directory accepts (Keras's allow-list); other files are strays.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif")
# What Pillow may call a file that TensorFlow's decode_image also reads (MPO is a JPEG variant).
DECODABLE_FORMATS = frozenset({"JPEG", "MPO", "PNG", "GIF", "BMP", "WEBP"})


def content_fingerprint(digests: dict[str, str]) -> str:
    """SHA-256 over the sorted lines ``class/name<TAB>sha256-of-the-file`` of a class-folder set."""
    lines = sorted(f"{rel}\t{sha}\n" for rel, sha in digests.items())
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def image_problem(path: Path, payload: bytes | None = None) -> str | None:
    """Why ``path`` cannot serve as a training image, or None if it fully decodes."""
    from PIL import Image, UnidentifiedImageError

    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return f"not an image file ({path.suffix or 'no suffix'})"
    payload = path.read_bytes() if payload is None else payload
    if payload.startswith(b"version https://git-lfs"):
        return "a Git LFS pointer, not the image"
    try:
        with Image.open(io.BytesIO(payload)) as image:
            kind = image.format
            image.load()  # a full decode: the header alone does not reveal a truncated file
    except UnidentifiedImageError:
        return "not an image (unrecognised content)"
    except Exception as err:  # Pillow raises many kinds for broken data; all mean "unusable"
        return f"does not decode ({first_line(err)})"
    if kind not in DECODABLE_FORMATS:
        return f"a {kind} image, which TensorFlow cannot decode"
    return None


def class_files(root: Path, classes: tuple[str, ...]) -> dict[str, list[Path]]:
    """The non-hidden files directly in each class folder under ``root``, sorted."""
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


def verify_class_folders(
    root: Path, spec: DataSet, strict: bool = True, what: str | None = None
) -> dict[str, Any]:
    """Hash, fully decode and inventory every class file; returns the verification record.

    With ``strict`` the per-class counts must be the registry's (a fresh install); without, the
    folder is recorded as it is (re-verifying a copy a record from an older cnnlab vouched for).
    """
    files = class_files(root, spec.classes)
    counts = {name: len(paths) for name, paths in files.items()}
    expected = spec.per_class[""]
    wrong = {name: n for name, n in counts.items() if n != expected}
    if strict and wrong:
        raise DataError(
            f"{what or root} holds {wrong} files where {expected} per class were expected: the "
            "archive is incomplete or not the right data set"
        )
    inventory, digests, problems = {}, {}, {}
    every = [path for paths in files.values() for path in paths]
    for path in progress(iterable=every, desc="checking images"):
        rel = path.relative_to(root).as_posix()
        payload = path.read_bytes()  # read once: hashed and decoded from memory
        status = path.stat()
        digests[rel] = hashlib.sha256(payload).hexdigest()
        problem = image_problem(path, payload)
        if problem:
            problems[rel] = problem
        inventory[rel] = [status.st_size, status.st_mtime_ns, digests[rel], problem]
    return {
        "version": MARKER_VERSION,
        "data_set": spec.name,
        "fingerprint": content_fingerprint(digests),
        "counts": counts,
        "unreadable": sorted(problems),
        "files": inventory,
    }


def read_record(root: Path) -> dict[str, Any] | None:
    """The verification record of ``root``, or None if there is none or it is unreadable."""
    try:
        return json.loads((root / MARKER).read_text())
    except (OSError, ValueError):
        return None


def fingerprint_mismatch(spec: DataSet, record: dict[str, Any], what: str) -> str:
    """One line saying how a verified copy's content differs from the registry's."""
    problems = record["unreadable"]
    detail = (
        f"; {len(problems)} files do not decode, e.g. {problems[0]}: "
        f"{record['files'][problems[0]][3]}"
        if problems
        else ""
    )
    return (
        f"{what} holds other files than the registry's {spec.name} (content fingerprint "
        f"{record['fingerprint'][:12]}…, expected {spec.fingerprint[:12]}…{detail})"
    )


def folder_content_fingerprint(root: Path, spec: DataSet = BRAIN_TUMOR) -> str:
    """The content fingerprint of the class files as they are now (reads every file)."""
    files = [p for paths in class_files(root, spec.classes).values() for p in paths]
    digests = {
        p.relative_to(root).as_posix(): sha256_file(p)
        for p in progress(iterable=files, desc=f"hashing {root.name}")
    }
    return content_fingerprint(digests)
