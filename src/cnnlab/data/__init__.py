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

The rooms: ``registry`` (each set defined once), ``files`` (hashing, zips, progress),
``routes`` (mirror, Google Drive, GitHub), ``record`` (the verification record), ``install``
(a class-folder set into ``data/``), ``folder`` (the check at load time), ``cifar`` (CIFAR-10's
canonical order and cache) and ``cli`` (``python -m cnnlab.data fetch|verify [all|NAME]``).
This module re-exports what notebooks, tests and the other modules use.
"""

from __future__ import annotations

from cnnlab.data.cifar import (
    CIFAR10_SHAPE,
    Split,
    canonical_cifar10,
    canonical_order,
    cifar10,
    cifar10_fingerprint,
    cifar10_from_keras,
    read_cifar10_archive,
)
from cnnlab.data.cli import fetch, main, verify
from cnnlab.data.files import sha256_file
from cnnlab.data.folder import VIEW_MARKER, FolderCheck, check_folder, unreadable_images
from cnnlab.data.install import ContentMismatch, brain_tumor_dir, install_class_archive
from cnnlab.data.record import (
    DECODABLE_FORMATS,
    IMAGE_SUFFIXES,
    MARKER,
    MARKER_VERSION,
    class_files,
    content_fingerprint,
    folder_content_fingerprint,
    image_problem,
    verify_class_folders,
)
from cnnlab.data.registry import BRAIN_TUMOR, CIFAR10, CIFAR10_CLASSES, REGISTRY, DataSet
from cnnlab.data.routes import MIRROR_ENV, Source, mirror_archive, verified_mirror_archive
from cnnlab.errors import DataError

__all__ = [
    "BRAIN_TUMOR",
    "CIFAR10",
    "CIFAR10_CLASSES",
    "CIFAR10_SHAPE",
    "DECODABLE_FORMATS",
    "IMAGE_SUFFIXES",
    "MARKER",
    "MARKER_VERSION",
    "MIRROR_ENV",
    "REGISTRY",
    "VIEW_MARKER",
    "ContentMismatch",
    "DataError",
    "DataSet",
    "FolderCheck",
    "Source",
    "Split",
    "brain_tumor_dir",
    "canonical_cifar10",
    "canonical_order",
    "check_folder",
    "cifar10",
    "cifar10_fingerprint",
    "cifar10_from_keras",
    "class_files",
    "content_fingerprint",
    "fetch",
    "folder_content_fingerprint",
    "image_problem",
    "install_class_archive",
    "main",
    "mirror_archive",
    "read_cifar10_archive",
    "sha256_file",
    "unreadable_images",
    "verified_mirror_archive",
    "verify",
    "verify_class_folders",
]
