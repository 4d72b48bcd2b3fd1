"""A near-duplicate-aware train/validation/test split for a class-folder image set.

Near-identical images (re-saved, re-scaled, re-contrasted copies of one slice) are found with a
perceptual hash (pHash, 256 bits: the signs of the 16x16 lowest-frequency DCT coefficients of a
64x64 grayscale thumbnail, relative to their median). Two images whose hashes differ in at most
``threshold`` bits are near-copies; near-copies are joined transitively into groups, and whole
groups are assigned to one split, stratified by class, so no group spans two splits.

Why pHash-256: MRI slices share a dark background and a round outline, so the 64-bit dHash and
pHash call thousands of unrelated pairs identical; 256 bits separate them, and pairs within 10
bits are, on inspection, the same slice.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from cnnlab.reports import write_json_atomic

HASH_SIZE = 16  # 16 x 16 = 256 bits
HASH_THRESHOLD = 10
SPLIT_FRACTIONS = {"train": 0.70, "validation": 0.15, "test": 0.15}
MANIFEST_VERSION = 1


def perceptual_hash(path: Path) -> np.ndarray:
    """The 256-bit pHash of an image file, as a boolean vector."""
    import imagehash
    from PIL import Image

    with Image.open(path) as image:
        image.draft("L", (128, 128))  # JPEG: decode at reduced size, much faster
        return imagehash.phash(image, hash_size=HASH_SIZE).hash.ravel()


def hamming_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamming distances between every row of boolean matrix ``a`` and every row of ``b``."""
    a, b = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    return np.rint(a @ (1 - b).T + (1 - a) @ b.T).astype(np.int32)


def near_duplicate_groups(hashes: np.ndarray, threshold: int = HASH_THRESHOLD) -> np.ndarray:
    """A group id per image: connected components of the 'within threshold bits' graph."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    close = csr_matrix(hamming_matrix(hashes, hashes) <= threshold)
    return connected_components(close, directed=False)[1]


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
        """The stored hashes of the given image paths (absolute, or relative to ``root``)."""
        row = {f: i for i, f in enumerate(self.files)}
        return self.hashes[
            [row[Path(p).resolve().relative_to(root.resolve()).as_posix()] for p in paths]
        ]


def build_split(
    root: Path,
    classes: tuple[str, ...],
    unreadable: list[Path],
    seed: int,
    threshold: int = HASH_THRESHOLD,
) -> SplitManifest:
    """Hash every readable image under the class folders, group near-copies and split."""
    from cnnlab.data import class_files

    skip = {p.resolve() for p in unreadable}
    files, labels = [], []
    for label, paths in enumerate(class_files(root, classes).values()):
        for path in paths:
            if path.resolve() not in skip:
                files.append(path)
                labels.append(label)
    hashes = np.array([perceptual_hash(p) for p in tqdm(files, desc="hashing", disable=None)])
    groups = near_duplicate_groups(hashes, threshold)
    labels = np.array(labels)
    return SplitManifest(
        files=[p.relative_to(root).as_posix() for p in files],
        labels=labels,
        groups=groups,
        hashes=hashes,
        split=group_split(labels, groups, seed),
        unreadable=sorted(p.relative_to(root).as_posix() for p in unreadable),
    )


def load_or_build_split(
    root: Path,
    manifest_path: Path,
    classes: tuple[str, ...],
    unreadable: list[Path],
    seed: int,
    threshold: int = HASH_THRESHOLD,
) -> SplitManifest:
    """The stored manifest if it matches the folder, seed and threshold; else a new one."""
    from cnnlab.data import class_files

    all_files = [p for paths in class_files(root, classes).values() for p in paths]
    key = {
        "version": MANIFEST_VERSION,
        "fingerprint": folder_fingerprint(all_files, root),
        "seed": seed,
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
                unreadable=stored["unreadable"],
            )
    manifest = build_split(root, classes, unreadable, seed, threshold)
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


def near_copy_counts(
    query: np.ndarray, reference: np.ndarray, threshold: int = HASH_THRESHOLD
) -> np.ndarray:
    """For each query hash, how many reference hashes are within ``threshold`` bits of it."""
    return (hamming_matrix(query, reference) <= threshold).sum(axis=1)


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


def image_digests(dataset) -> list[str]:
    """A content digest of every image one pass over ``dataset`` yields, in order."""
    return [
        hashlib.sha1(np.ascontiguousarray(image).tobytes()).hexdigest()
        for images, _ in dataset
        for image in np.asarray(images)
    ]


def duplicate_summary(labels: np.ndarray, groups: np.ndarray) -> dict[str, int]:
    """How many near-duplicate groups there are, how many images they hold, and extra copies."""
    sizes = np.bincount(groups)
    multi = np.flatnonzero(sizes > 1)
    mixed = sum(len(np.unique(labels[groups == g])) > 1 for g in multi)
    return {
        "images": len(labels),
        "groups with near-copies": len(multi),
        "images in those groups": int(sizes[multi].sum()),
        "extra copies": int(sizes[multi].sum() - len(multi)),
        "largest group": int(sizes.max()),
        "groups mixing classes": int(mixed),
    }
