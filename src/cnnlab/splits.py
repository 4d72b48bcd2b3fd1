"""A near-duplicate-aware train/validation/test split for a class-folder image set.

Near-copies are found by :mod:`cnnlab.duplicates`; whole groups of near-copies are assigned to
one split, stratified by class, so no group spans two splits. The split is stored in a manifest
keyed by the folder's contents and reused while they do not change.

The folder arrives checked (``cnnlab.data.check_folder``): its usable files and the skipped ones
travel with it, so nothing here lists the folder again, and this module does not import
``cnnlab.data`` (objects travel down the import graph; :class:`CheckedFolder` says what is used).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from tqdm import tqdm

from cnnlab.atomic import write_json_atomic
from cnnlab.errors import DataError
from cnnlab.near_copies import HASH_METHOD, HASH_THRESHOLD, near_duplicate_groups, perceptual_hash

SPLIT_FRACTIONS = {"train": 0.70, "validation": 0.15, "test": 0.15}
MANIFEST_VERSION = 1


def group_split(
    labels: np.ndarray, groups: np.ndarray, seed: int, fractions: dict[str, float] = SPLIT_FRACTIONS
) -> np.ndarray:
    """A split name per image; whole groups go to one split, filled class by class to target.

    A group is counted under its most common class, so a group that mixes classes still lands
    in a single split.
    """
    labels, groups = np.asarray(labels), np.asarray(groups)
    rng = np.random.default_rng(seed)
    names = list(fractions)
    group_ids = np.unique(groups)
    group_label = {g: np.bincount(labels[groups == g]).argmax() for g in group_ids}
    split = np.empty(len(labels), dtype=object)
    for label in np.unique(labels):
        class_groups = rng.permutation([g for g in group_ids if group_label[g] == label])
        targets = {n: fractions[n] * np.isin(groups, class_groups).sum() for n in names}
        filled = dict.fromkeys(names, 0)
        # Random groups fill the smaller splits first (test, then validation) up to their share;
        # every group that would overfill them goes to training.
        for group in class_groups:
            rows = np.flatnonzero(groups == group)
            short = [n for n in reversed(names) if filled[n] + len(rows) <= targets[n] + 0.5]
            chosen = short[0] if short else names[0]
            split[rows] = chosen
            filled[chosen] += len(rows)
    return split


class CheckedFolder(Protocol):
    """A class folder as checked at load time (``cnnlab.data.FolderCheck`` is one)."""

    @property
    def root(self) -> Path:
        """The folder holding one sub-folder per class."""
        ...

    @property
    def classes(self) -> tuple[str, ...]:
        """The class names, in label order."""
        ...

    @property
    def files(self) -> dict[str, list[Path]]:
        """The usable files of each class, sorted."""
        ...

    @property
    def manifest_path(self) -> Path:
        """Where the folder's split manifest is stored."""
        ...

    def skipped_paths(self) -> list[Path]:
        """The files (and folders) left out, as paths under the root."""
        ...


def folder_fingerprint(files: list[Path], root: Path) -> str:
    """A digest of the relative paths and sizes of ``files``: changes when the folder does."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.relative_to(root).as_posix()}\0{path.stat().st_size}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class SplitManifest:
    """Which split each image belongs to, with its class and near-duplicate group."""

    files: list[str]
    labels: np.ndarray
    groups: np.ndarray
    hashes: np.ndarray
    split: np.ndarray
    unreadable: list[str]

    def paths(self, root: Path, split: str) -> list[Path]:
        """The image paths of one split."""
        return [root / f for f, s in zip(self.files, self.split, strict=True) if s == split]

    def indices(self, split: str) -> np.ndarray:
        """Row numbers of one split."""
        return np.flatnonzero(self.split == split)

    def hashes_of(self, root: Path, paths: list[str | Path]) -> np.ndarray:
        """The stored hashes of the given image paths (under ``root``, relative, or in a view).

        A path is matched by its last two parts, ``class/name``: the manifest's own form, and
        the same for a file under ``root`` and for its link in a readable-files view.
        """
        row = {f: i for i, f in enumerate(self.files)}
        return self.hashes[[row["/".join(Path(p).parts[-2:])] for p in paths]]


def build_split(folder: CheckedFolder, seed: int, threshold: int = HASH_THRESHOLD) -> SplitManifest:
    """Hash every usable image of the checked folder, group near-copies and split."""
    files: list[Path] = []
    label_list: list[int] = []
    for label, name in enumerate(folder.classes):
        files += folder.files[name]
        label_list += [label] * len(folder.files[name])
    hashes = np.array([_hash_or_explain(p) for p in tqdm(files, desc="hashing", disable=None)])
    groups = near_duplicate_groups(hashes, threshold)
    labels = np.array(label_list)
    return SplitManifest(
        files=[p.relative_to(folder.root).as_posix() for p in files],
        labels=labels,
        groups=groups,
        hashes=hashes,
        split=group_split(labels, groups, seed),
        unreadable=_relative(folder.root, folder.skipped_paths()),
    )


def _relative(root: Path, paths: list[Path]) -> list[str]:
    """``paths`` relative to ``root``, POSIX-style, sorted."""
    return sorted(Path(p).relative_to(root).as_posix() for p in paths)


def _hash_or_explain(path: Path) -> np.ndarray:
    """The pHash of ``path``; a file that does not decode is one clear DataError, not a trace."""
    try:
        return perceptual_hash(path)
    except Exception as err:  # Pillow raises many kinds for a broken or non-image file
        detail = str(err).strip().splitlines()[0] if str(err).strip() else "no detail"
        raise DataError(
            f"{path} does not decode as an image ({type(err).__name__}: {detail}); it changed "
            "after the folder was checked: check it again (data.check_folder), which leaves "
            "it out"
        ) from err


def load_or_build_split(
    folder: CheckedFolder,
    seed: int,
    manifest_path: Path | None = None,
    threshold: int = HASH_THRESHOLD,
) -> SplitManifest:
    """The stored manifest if it matches the folder, seed, hash method and threshold; else new.

    The files the check skipped are left out of the split and of the folder fingerprint, so with
    nothing left out the fingerprint is that of every file, and a stray that no split would use
    does not force a rebuild. The manifest lives at ``folder.manifest_path`` unless
    ``manifest_path`` says otherwise.
    """
    manifest_path = manifest_path or folder.manifest_path
    root = folder.root
    kept = [p for name in folder.classes for p in folder.files[name]]
    key = {
        "version": MANIFEST_VERSION,
        "fingerprint": folder_fingerprint(kept, root),
        "seed": seed,
        "hash": HASH_METHOD,
        "threshold": threshold,
    }
    if manifest_path.is_file():
        stored = json.loads(manifest_path.read_text())
        if stored["key"] == key:
            rows = stored["rows"]
            return SplitManifest(
                files=[r["file"] for r in rows],
                labels=np.array([r["label"] for r in rows]),
                groups=np.array([r["group"] for r in rows]),
                hashes=np.array([_unhex(r["phash"]) for r in rows]),
                split=np.array([r["split"] for r in rows], dtype=object),
                unreadable=_relative(root, folder.skipped_paths()),  # left out now, not then
            )
    manifest = build_split(folder, seed, threshold)
    rows = [
        {"file": f, "label": int(lab), "group": int(g), "phash": _hex(h), "split": s}
        for f, lab, g, h, s in zip(
            manifest.files,
            manifest.labels,
            manifest.groups,
            manifest.hashes,
            manifest.split,
            strict=True,
        )
    ]
    write_json_atomic(manifest_path, {"key": key, "unreadable": manifest.unreadable, "rows": rows})
    return manifest


def _hex(bits: np.ndarray) -> str:
    return np.packbits(bits).tobytes().hex()


def _unhex(text: str) -> np.ndarray:
    return np.unpackbits(np.frombuffer(bytes.fromhex(text), dtype=np.uint8)).astype(bool)


def stratified_holdout(labels: np.ndarray, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (kept, held out) with ``size`` held out, the same share of every class."""
    labels = np.asarray(labels).ravel()
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    per_class = np.floor(counts / counts.sum() * size).astype(int)
    per_class[: size - per_class.sum()] += 1  # hand out the rounding remainder
    held = np.concatenate(
        [
            rng.permutation(np.flatnonzero(labels == c))[:n]
            for c, n in zip(classes, per_class, strict=True)
        ]
    )
    held = np.sort(held)
    kept = np.setdiff1d(np.arange(len(labels)), held)
    return kept, held
