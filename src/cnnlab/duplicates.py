"""Near-copies between and within image sets, built on the hash and groups of
:mod:`cnnlab.near_copies` (exported from notebook 03): counts across two sets, a summary of
the groups, and digests that tell whether two passes over a dataset served the same images."""

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
