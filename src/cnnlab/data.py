"""The course's two data sets, fetched once into ``data/`` from a local mirror or the network.

Resolution order for each set: what is already in ``data/`` (verified earlier) -> the mirror
folder named by ``CNNLAB_DATA_MIRROR`` (archive checked by SHA-256) -> the network (the
brain-tumour zip on Google Drive through gdown, else the pinned commit of the public GitHub
repository the mirror copy came from; ``keras.datasets`` for CIFAR-10). Everything is written
under a temporary name and renamed into place only after it has been verified, so a failed or
interrupted fetch leaves ``data/`` as it was.

One data set whatever the route: each registry entry holds a *content* fingerprint, checked on
every route. Br35H's is the SHA-256 of its sorted ``class/name<TAB>sha256-of-the-file`` lines
(independent of how an archive packs the files); CIFAR-10's is the SHA-256 of its four arrays
in the canonical order (:func:`canonical_cifar10`), which both routes are put in.

What lies in ``data/brain_tumor`` when a notebook loads it is what the notebook sees: the
verification record keeps an inventory (path, size, mtime, SHA-256) and :func:`check_folder`
compares a stat-only scan with it, decoding only new or changed files, so stray files and
images damaged after installation are listed and left out.

Command line: ``python -m cnnlab.data fetch [all|brain_tumor|cifar10]`` and
``python -m cnnlab.data verify [all|brain_tumor|cifar10]``.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from cnnlab.atomic import atomic_path, remove, write_text_atomic
from cnnlab.paths import data_dir

MIRROR_ENV = "CNNLAB_DATA_MIRROR"
MARKER = ".cnnlab-verified.json"
MARKER_VERSION = 2
VIEW_MARKER = ".cnnlab-view.json"
# The suffixes image_dataset_from_directory accepts (Keras's allow-list); other files are strays.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif")
# What Pillow may call a file that TensorFlow's decode_image also reads (MPO is a JPEG variant).
DECODABLE_FORMATS = frozenset({"JPEG", "MPO", "PNG", "GIF", "BMP", "WEBP"})
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
CIFAR10_SHAPE = (32, 32, 3)
Split = tuple[np.ndarray, np.ndarray]  # (images, labels)


class DataError(RuntimeError):
    """A data set could not be fetched or verified; the message says what to do."""


class ContentMismatch(DataError):
    """A copy holds other files than the registry's: it was not installed."""


@dataclass(frozen=True)
class DataSet:
    """Where one data set comes from and what a good copy of it looks like."""

    name: str
    mirror_file: str
    sha256: str  # of the mirror archive's bytes
    fingerprint: str  # of the content, whatever the route (see the module docstring)
    classes: tuple[str, ...]
    per_class: dict[str, int]  # split folder ("" for none) -> files per class
    drive_id: str | None = None
    github_archive: str | None = None  # a pinned-commit archive holding the class folders
    target: str = ""


BRAIN_TUMOR = DataSet(
    name="brain_tumor",
    mirror_file="br35h.zip",
    sha256="bca89a77c4c35c2f36e7535b4e22f08c0d59ee87745a8ffa92beffad2d6f016c",
    fingerprint="3ebb1e4a1d65a40499ddd9cccc789cad02cea7455375c99dd6e69875c65fe79d",
    classes=("no", "yes"),
    per_class={"": 1500},
    drive_id="1SCpVEdJ6_YOAcy2iW05ENlMh-OCcFz3P",
    github_archive=(
        "https://github.com/ArpitAggarwal10/"
        "Brain_Tumor_Detection_Using_MRI_Scans_Minor-Project/archive/66833b9.zip"
    ),
    target="brain_tumor",
)
CIFAR10 = DataSet(
    name="cifar10",
    mirror_file="cifar10-png.zip",
    sha256="04aa27f00f0a48b05a917d0453f554eb0684f05b5eee1f4ac48c24894778ab32",
    fingerprint="f79489b5f8745ec257b2264ee0538b7923734143019eb8de88519545b329a32b",
    classes=CIFAR10_CLASSES,
    per_class={"train": 5000, "test": 1000},
    target="cifar10.npz",
)
REGISTRY = {spec.name: spec for spec in (BRAIN_TUMOR, CIFAR10)}


def _progress(**kwargs: Any) -> tqdm:
    """A progress bar that stays silent when nobody is watching a terminal."""
    return tqdm(disable=None, leave=False, **kwargs)


def _first_line(err: BaseException) -> str:
    """``Type: first line of the message``, for errors that must fit on one line."""
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0] if text else 'no detail'}"


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


def _open_zip(
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


# ---------------------------------------------------------------------------------------------
# Br35H: content fingerprint, verification record, run-time check


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
        return f"does not decode ({_first_line(err)})"
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
) -> dict:
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
    for path in _progress(iterable=every, desc="checking images"):
        rel = path.relative_to(root).as_posix()
        payload = path.read_bytes()
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


def _class_prefix(names: list[str], classes: tuple[str, ...], what: str) -> str:
    """The folder in the archive that holds the class folders: the shallowest one with all."""
    found: dict[str, set[str]] = {}
    for name in names:
        parts = name.split("/")
        for depth, part in enumerate(parts[:-1]):
            if part in classes:
                found.setdefault("".join(p + "/" for p in parts[:depth]), set()).add(part)
    usable = [
        p
        for p in found
        if not any(x.startswith((".", "__MACOSX")) for x in p.split("/") if x)  # macOS litter
    ]
    complete = sorted(
        (p for p in usable if found[p] == set(classes)), key=lambda p: (p.count("/"), p)
    )
    if complete:
        return complete[0]
    best = max(usable, key=lambda p: (len(found[p]), -p.count("/")), default="")
    missing = next(c for c in classes if c not in found.get(best, set()))
    raise DataError(
        f"{what} has no '{missing}/' folder (expected class folders {', '.join(classes)}): "
        "the archive is not the right data set"
    )


def _marker(root: Path) -> dict | None:
    """The verification record of ``root``, or None if there is none or it is unreadable."""
    try:
        return json.loads((root / MARKER).read_text())
    except (OSError, ValueError):
        return None


def _fingerprint_mismatch(spec: DataSet, record: dict, what: str) -> str:
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


def install_class_archive(
    archive_path: Path,
    spec: DataSet,
    what: str,
    on_mismatch: str = "error",
    refused: str = "the server refused the download",
    images_only: bool = False,
    remedy: str = "fetch it from another source",
) -> Path:
    """Extract the class folders of an archive into the canonical layout, verify, move into place.

    Only the files directly inside the class folders are taken (wherever the archive puts those
    folders), so stray folders, macOS litter and hidden files stay behind. ``images_only`` also
    leaves out files without an image suffix (for a repository archive, which is not a data
    set's own packing). A content fingerprint that differs from the registry's is an error, or
    with ``on_mismatch="warn"`` a one-line warning (the copy is installed and recorded as such).
    """
    target = data_dir() / spec.target
    with _open_zip(archive_path, what, refused) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        prefix = _class_prefix(names, spec.classes, what)
        members = []
        for name in names:
            rest = name[len(prefix) :].split("/") if name.startswith(prefix) else []
            if len(rest) != 2 or rest[0] not in spec.classes or rest[1].startswith("."):
                continue
            if images_only and not rest[1].lower().endswith(IMAGE_SUFFIXES):
                continue
            members.append((name, rest[0], rest[1]))
        with atomic_path(target, directory=True) as staging:
            for name in spec.classes:
                (staging / name).mkdir()
            for member, label, base in _progress(iterable=members, desc=f"extracting {what}"):
                with archive.open(member) as source, open(staging / label / base, "wb") as out:
                    shutil.copyfileobj(source, out)
            record = verify_class_folders(staging, spec, what=what)
            record["source"] = what
            if record["fingerprint"] != spec.fingerprint:
                message = _fingerprint_mismatch(spec, record, what)
                if on_mismatch == "error":
                    raise ContentMismatch(f"{message}; it is not installed: {remedy}")
                print(
                    f"warning: {message}: installed, but results will not match the committed "
                    f"ones (`python -m cnnlab.data verify` flags it; the {MIRROR_ENV} mirror "
                    "and the GitHub copy hold the committed files)",
                    file=sys.stderr,
                )
            for rel in record["unreadable"]:
                print(
                    f"warning: {target / rel} is not a readable image "
                    f"({record['files'][rel][3]}); it will be skipped",
                    file=sys.stderr,
                )
            (staging / MARKER).write_text(json.dumps(record, indent=1, sort_keys=True))
    return target


def download_from_drive(file_id: str, output: Path) -> None:
    """Download a public Google Drive file with gdown (as the report did)."""
    import gdown

    gdown.download(id=file_id, output=str(output), quiet=not sys.stderr.isatty())
    if not output.is_file() or output.stat().st_size == 0:
        raise OSError("gdown returned no file")


def download_from_github(url: str, output: Path) -> None:
    """Download a repository archive (or any public HTTPS file) with a progress bar."""
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "cnnlab"})
    with (
        urllib.request.urlopen(request, timeout=60) as response,
        open(output, "wb") as handle,
        _progress(
            total=int(response.headers.get("Content-Length") or 0) or None,
            unit="B",
            unit_scale=True,
            desc="downloading from GitHub",
        ) as bar,
    ):
        for block in iter(lambda: response.read(1 << 20), b""):
            handle.write(block)
            bar.update(len(block))


def _no_source_error(spec: DataSet, failures: list[str]) -> DataError:
    return DataError(
        f"cannot fetch {spec.name}: no mirror was found and every download failed "
        f"({'; '.join(failures)}). Set {MIRROR_ENV} to a folder holding {spec.mirror_file}, "
        "or try again later"
    )


@dataclass(frozen=True)
class _Source:
    """One network source of a class-folder set and how to treat what it serves."""

    label: str
    fetch: Callable[[Path], None]
    # Whether a copy with other content may be installed (with a warning) when no source
    # serves the registry's files.
    last_resort: bool
    refused: str
    images_only: bool = False
    remedy: str = "fetch it from another source"


def _download_class_set(spec: DataSet, download: Callable, github_download: Callable) -> Path:
    """Google Drive first (the report's source), the pinned GitHub commit when Drive fails or
    serves other files than the registry's; Drive's other files only when GitHub fails too."""
    sources = []
    if spec.drive_id:
        drive_id = spec.drive_id
        # The report's own file: if it differs from the registry and GitHub fails too, it is
        # installed with a warning rather than refused (see README).
        sources.append(
            _Source(
                label="Google Drive",
                fetch=lambda out: download(drive_id, out),
                last_resort=True,
                refused="Google Drive refused it (quota exceeded or too many users)",
                remedy="kept in reserve in case no other source serves the registry's files",
            )
        )
    if spec.github_archive:
        github_archive = spec.github_archive
        sources.append(
            _Source(
                label="GitHub",
                fetch=lambda out: github_download(github_archive, out),
                last_resort=False,
                refused="GitHub refused it (rate limit or outage)",
                images_only=True,  # a repository holds more than the data set
                remedy="the pinned commit does not serve the expected files",
            )
        )
    data_dir().mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    # A scratch folder, not atomic_path: the downloads are consumed here, never kept.
    with tempfile.TemporaryDirectory(dir=data_dir(), prefix=f".{spec.name}-download-") as tmp:
        fallback: tuple[Path, _Source] | None = None
        for number, source in enumerate(sources):
            if failures:
                print(f"{spec.name}: {failures[-1]}; trying {source.label}", file=sys.stderr)
            archive = Path(tmp) / f"{number}.zip"
            try:
                source.fetch(archive)
            except Exception as err:  # gdown, urllib and requests raise many kinds
                failures.append(f"{source.label}: {_first_line(err)}")
                archive.unlink(missing_ok=True)  # whatever part of it arrived
                continue
            try:
                return _install_from(source, archive, spec, on_mismatch="error")
            except ContentMismatch as err:
                failures.append(f"{source.label}: {err}")
                if source.last_resort and fallback is None:
                    fallback = (archive, source)
                    continue
            except DataError as err:
                failures.append(f"{source.label}: {err}")
            archive.unlink(missing_ok=True)  # a data set's archive is large: keep none for nothing
        if fallback is not None:
            # Other files than the registry's, but the report's own: better than nothing.
            archive, source = fallback
            others = [f for f in failures if not f.startswith(f"{source.label}:")]
            print(
                f"{spec.name}: {'; '.join(others) or 'no other source'}; installing the "
                f"{source.label} copy after all",
                file=sys.stderr,
            )
            return _install_from(source, archive, spec, on_mismatch="warn")
    raise _no_source_error(spec, failures)


def _install_from(source: _Source, archive: Path, spec: DataSet, on_mismatch: str) -> Path:
    """``install_class_archive`` for an archive that ``source`` served."""
    return install_class_archive(
        archive,
        spec,
        f"the {source.label} download",
        on_mismatch=on_mismatch,
        refused=source.refused,
        images_only=source.images_only,
        remedy=source.remedy,
    )


def _reverify_in_place(root: Path, spec: DataSet) -> None:
    """Give a copy verified by an older cnnlab (no inventory) a full record, as it is now."""
    old = _marker(root) or {}
    record = verify_class_folders(root, spec, strict=False)
    record["source"] = f"re-verified in place (earlier record: {old.get('source', 'no source')})"
    write_text_atomic(root / MARKER, json.dumps(record, indent=1, sort_keys=True))
    verdict = (
        "matches the registry"
        if record["fingerprint"] == spec.fingerprint
        else _fingerprint_mismatch(spec, record, "it")
    )
    print(
        f"{spec.name}: {root} had a verification record without an inventory; re-verified "
        f"its files: {verdict}",
        file=sys.stderr,
    )


def brain_tumor_dir(
    spec: DataSet = BRAIN_TUMOR,
    download: Callable | None = None,
    github_download: Callable | None = None,
) -> Path:
    """The Br35H folder with ``no/`` and ``yes/`` class folders, fetched only when needed."""
    download = download or download_from_drive
    github_download = github_download or download_from_github
    target = data_dir() / spec.target
    if (target / MARKER).is_file():
        if (_marker(target) or {}).get("version") != MARKER_VERSION:
            _reverify_in_place(target, spec)
        return target
    archive = verified_mirror_archive(spec)
    if archive is not None:
        return install_class_archive(
            archive, spec, str(archive), remedy=f"replace it with a good copy of {spec.mirror_file}"
        )
    return _download_class_set(spec, download, github_download)


@dataclass
class FolderCheck:
    """What a class folder holds now, compared with what was verified when it was installed."""

    root: Path
    classes: tuple[str, ...]
    files: dict[str, list[Path]]  # usable images per class, sorted as class_files sorts them
    skipped: dict[str, str] = field(default_factory=dict)  # relative path -> why it is left out
    missing: list[str] = field(default_factory=list)  # verified files no longer there
    new: list[str] = field(default_factory=list)  # files the verification did not see
    changed: list[str] = field(default_factory=list)  # files whose content differs
    verified: bool = True  # False: no verification record, every file was decoded
    matches_registry: bool = True  # the verified copy had the registry's content fingerprint

    def counts(self) -> dict[str, int]:
        """Usable images per class."""
        return {name: len(paths) for name, paths in self.files.items()}

    def skipped_paths(self) -> list[Path]:
        """The files (and folders) left out, as paths under the root."""
        return [self.root / rel for rel in sorted(self.skipped)]

    def changed_since_verification(self) -> bool:
        """Whether files were added, changed or deleted since the folder was verified."""
        return bool(self.new or self.changed or self.missing)

    def details(self) -> list[str]:
        """One line per file that is left out, missing, new or changed, and what to do."""
        since = {rel: " (new since verification)" for rel in self.new} if self.verified else {}
        since.update({rel: " (changed since verification)" for rel in self.changed})
        lines = [
            f"skipped {rel}: {why}{since.get(rel, '')}" for rel, why in sorted(self.skipped.items())
        ]
        lines += [f"missing {rel}: deleted since verification" for rel in self.missing]
        if self.verified:
            used = [rel for rel in self.new + self.changed if rel not in self.skipped]
            lines += [f"used {rel}: decodes{since[rel]}" for rel in sorted(used)]
        if not self.matches_registry:
            lines.append(
                "note: the verified copy's content differs from the registry's: results will not "
                "match the committed ones"
            )
        if lines and (self.missing or self.changed or self.new or self.skipped):
            lines.append(
                f"to restore the verified copy: delete the {self.root.name}/ folder and fetch "
                "again (`make data`)"
            )
        return lines

    def summary(self) -> str:
        """Counts and left-out files on the first line, then :meth:`details`."""
        head = f"{self.counts()} unreadable: {sorted(self.skipped)}"
        return "\n".join([head, *self.details()])

    def readable_folder(self) -> Path:
        """A folder for ``image_dataset_from_directory``: the root, or a view without the skipped.

        The view (``<root>_readable/``, beside the root) holds one relative symlink per usable
        image, so the report's loader sees exactly the files the split sees; it is rebuilt only
        when the set of usable files changes, and removed when nothing is left out.
        """
        view = self.root.parent / f"{self.root.name}_readable"
        if not self.skipped:
            remove(view)  # nothing is left out: the root itself is the exact, undamaged route
            return self.root
        listing = [f"{name}/{p.name}" for name, paths in self.files.items() for p in paths]
        key = hashlib.sha256("\n".join(listing).encode()).hexdigest()
        stamp = view / VIEW_MARKER
        if stamp.is_file() and json.loads(stamp.read_text()).get("key") == key:
            return view
        with atomic_path(view, directory=True) as staging:
            for name, paths in self.files.items():
                (staging / name).mkdir()
                for path in paths:
                    # Relative to where the link will live, so the data folder can move.
                    link = os.path.relpath(path, view / name)
                    try:
                        os.symlink(link, staging / name / path.name)
                    except OSError:  # no symlinks here (some Windows set-ups): copy instead
                        shutil.copy2(path, staging / name / path.name)
            stamp_text = json.dumps(
                {"key": key, "root": self.root.name, "skipped": sorted(self.skipped)}
            )
            (staging / VIEW_MARKER).write_text(stamp_text)
        return view


def check_folder(root: Path, spec: DataSet = BRAIN_TUMOR) -> FolderCheck:
    """Compare a stat-only scan of ``root``'s class folders with its verification record.

    Files whose size and mtime match the record keep its verdict; a file with a new mtime but
    the recorded size is hashed (a copy that lost its timestamps is not "changed"); new and
    changed files are fully decoded. Stray files, hidden files, sub-folders and files that do
    not decode are skipped; verified files that are gone are listed as missing.
    """
    record = _marker(root) or {}
    inventory = record.get("files", {})
    check = FolderCheck(
        root=root,
        classes=spec.classes,
        files={},
        verified=bool(inventory),
        matches_registry=record.get("fingerprint", spec.fingerprint) == spec.fingerprint,
    )
    seen = set()
    for name in spec.classes:
        folder = root / name
        if not folder.is_dir():
            raise DataError(
                f"{folder} is missing: the data set is damaged; delete {root} and fetch again"
            )
        usable = []
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            rel, path = f"{name}/{entry.name}", folder / entry.name
            if entry.is_dir():
                check.skipped[rel + "/"] = "a folder inside a class folder"
                continue
            if entry.name.startswith("."):
                check.skipped[rel] = "a hidden file"
                continue
            try:
                status = entry.stat()
            except OSError as err:  # e.g. a dangling symlink
                check.skipped[rel] = f"cannot be read ({_first_line(err)})"
                continue
            seen.add(rel)
            known = inventory.get(rel)
            if known and known[:2] == [status.st_size, status.st_mtime_ns]:
                problem = known[3]
            elif known and known[0] == status.st_size and sha256_file(path) == known[2]:
                problem = known[3]  # same bytes, new timestamp: e.g. copied without -p
            else:
                if known:
                    check.changed.append(rel)
                elif inventory:  # without a record every file is unverified, none is "new"
                    check.new.append(rel)
                problem = image_problem(path)
            if problem:
                check.skipped[rel] = problem
            else:
                usable.append(path)
        check.files[name] = usable
    check.missing = sorted(set(inventory) - seen)
    return check


def sha256_file(path: Path) -> str:
    """SHA-256 of a small file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unreadable_images(root: Path, spec: DataSet = BRAIN_TUMOR) -> list[Path]:
    """Files left out of pipelines now: strays and images that do not decode (see check_folder)."""
    return check_folder(root, spec).skipped_paths()


def folder_content_fingerprint(root: Path, spec: DataSet = BRAIN_TUMOR) -> str:
    """The content fingerprint of the class files as they are now (reads every file)."""
    files = [p for paths in class_files(root, spec.classes).values() for p in paths]
    digests = {
        p.relative_to(root).as_posix(): sha256_file(p)
        for p in _progress(iterable=files, desc=f"hashing {root.name}")
    }
    return content_fingerprint(digests)


# ---------------------------------------------------------------------------------------------
# CIFAR-10: canonical order and fingerprint


def _decode_png(data: bytes) -> np.ndarray:
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
            images = np.empty((len(members), *CIFAR10_SHAPE), dtype=np.uint8)
            labels = np.empty(len(members), dtype=np.uint8)
            for slot, (name, label) in enumerate(
                _progress(iterable=members, desc=f"decoding {split}")
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


def _load_cifar10_cache(cache: Path) -> tuple[Split, Split]:
    """The arrays stored in the cache file; a file that is not a readable cache is one error."""
    try:
        with np.load(cache) as stored:
            return (stored["x_train"], stored["y_train"]), (stored["x_test"], stored["y_test"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
        raise DataError(
            f"{cache} is not a readable CIFAR-10 cache ({_first_line(err)}); delete it and "
            "fetch again"
        ) from err


def cifar10(spec: DataSet = CIFAR10, download: Callable | None = None) -> tuple[Split, Split]:
    """CIFAR-10 as uint8 ``(x_train, y_train), (x_test, y_test)`` in the canonical order, cached."""
    download = download or cifar10_from_keras
    cache = data_dir() / spec.target
    if cache.is_file():
        train, test = _load_cifar10_cache(cache)
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
            raise _no_source_error(spec, [f"keras.datasets: {_first_line(err)}"]) from err
        what = "the keras.datasets download"
        train, test = canonical_cifar10(train, test, what)
        remedy = f"delete ~/.keras/datasets/cifar-10-batches-py* and try again, or set {MIRROR_ENV}"
    _check_cifar10(train, test, spec, what, remedy)
    with atomic_path(cache, suffix=".npz") as tmp:
        np.savez_compressed(tmp, x_train=train[0], y_train=train[1], x_test=test[0], y_test=test[1])
    return train, test


# ---------------------------------------------------------------------------------------------
# Command line


def _names(name: str) -> list[str]:
    return list(REGISTRY) if name == "all" else [name]


def fetch(name: str) -> None:
    """Fetch a data set by registry name (or ``all``), printing where it is and the time taken.

    An installed Br35H folder is re-checked against its verification record (stat-only, plus a
    decode of new or changed files) and anything that changed is listed.
    """
    for key in _names(name):
        start, spec = time.perf_counter(), REGISTRY[key]
        if key == "brain_tumor":
            where = brain_tumor_dir(spec)
            check = check_folder(where, spec)
            lines = check.details()
            if check.changed_since_verification():
                print(
                    f"{key}: {where} changed since it was verified ({len(check.new)} new, "
                    f"{len(check.changed)} changed, {len(check.missing)} missing files); "
                    "re-checked the new and changed files:"
                )
            elif lines:
                print(f"{key}: {where}:")
            for line in lines:
                print(f"  {line}")
            print(f"{key}: {check.counts()} usable images")
        else:
            cifar10(spec)
            where = data_dir() / spec.target
        print(f"{key}: {where} ({time.perf_counter() - start:.1f} s)")


def verify(name: str = "all") -> bool:
    """Print each installed data set's fingerprint, expected and actual; True if all match."""
    ok = True
    for key in _names(name):
        spec = REGISTRY[key]
        where = data_dir() / spec.target
        lines: list[str] = []
        actual = None
        try:
            if key == "brain_tumor" and (where / MARKER).is_file():
                actual = folder_content_fingerprint(where, spec)
                lines = check_folder(where, spec).details()
            elif key == "cifar10" and where.is_file():
                actual = cifar10_fingerprint(*_load_cifar10_cache(where))
        except DataError as err:
            verdict = f"cannot be checked: {err}"
        else:
            if actual is None:
                verdict = "not installed (run `make data`)"
            else:
                verdict = "matches" if actual == spec.fingerprint else "DOES NOT MATCH"
        ok = ok and actual == spec.fingerprint
        print(f"{key}: {verdict} ({where})")
        print(f"  expected {spec.fingerprint}")
        print(f"  actual   {actual or '-'}")
        for line in lines:
            print(f"  {line}")
    return ok


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``fetch NAME`` or ``verify NAME``."""
    parser = argparse.ArgumentParser(prog="python -m cnnlab.data")
    parser.add_argument("command", choices=["fetch", "verify"])
    parser.add_argument("name", choices=["all", *REGISTRY], nargs="?", default="all")
    args = parser.parse_args(argv)
    try:
        if args.command == "verify":
            return 0 if verify(args.name) else 1
        fetch(args.name)
    except DataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
