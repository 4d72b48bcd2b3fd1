"""Near-duplicate images: perceptual hashes, Hamming distances, groups of near-copies.

Near-identical images (re-saved, re-scaled, re-contrasted copies of one slice) are found with a
perceptual hash (pHash, 256 bits: the signs of the 16x16 lowest-frequency DCT coefficients of a
64x64 grayscale thumbnail, relative to their median). Two images whose hashes differ in at most
``threshold`` bits are near-copies; near-copies are joined transitively into groups.

Why pHash-256: MRI slices share a dark background and a round outline, so the 64-bit dHash and
pHash call thousands of unrelated pairs identical; 256 bits separate them, and pairs within 10
bits are, on inspection, the same slice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import numpy as np

from cnnlab.near_copies import HASH_THRESHOLD, hamming_matrix


def near_copy_counts(
    query: np.ndarray, reference: np.ndarray, threshold: int = HASH_THRESHOLD
) -> np.ndarray:
    """For each query hash, how many reference hashes are within ``threshold`` bits of it."""
    return (hamming_matrix(query, reference) <= threshold).sum(axis=1)


def image_digests(dataset: Iterable[tuple[Any, Any]]) -> list[str]:
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


def with_near_copy(
    query: np.ndarray, reference: np.ndarray, threshold: int = HASH_THRESHOLD
) -> int:
    """How many query hashes have at least one near-copy among the reference hashes."""
    return int((near_copy_counts(query, reference, threshold) > 0).sum())
