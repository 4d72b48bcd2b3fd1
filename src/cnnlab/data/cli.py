"""The command line, ``python -m cnnlab.data fetch|verify [all|NAME]`` (``make data`` fetches
all). Each set is fetched and checked by what its registry entry's ``form`` says."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cnnlab.data.cifar import cifar10, cifar10_fingerprint, load_cifar10_cache
from cnnlab.data.folder import check_folder
from cnnlab.data.install import brain_tumor_dir
from cnnlab.data.record import MARKER, folder_content_fingerprint
from cnnlab.data.registry import REGISTRY, DataSet, Form
from cnnlab.errors import DataError
from cnnlab.paths import data_dir


def _fetch_class_folders(key: str, spec: DataSet) -> Path:
    """Install the set if needed, then re-check the folder and list anything that changed."""
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
    return where


def _fetch_arrays(key: str, spec: DataSet) -> Path:
    """Load (and on first use fetch and cache) the arrays; their fingerprint is checked there."""
    cifar10(spec)
    return data_dir() / spec.target


def _fingerprint_class_folders(spec: DataSet, where: Path) -> tuple[str | None, list[str]]:
    """The installed folder's content fingerprint (None if not installed) and what changed."""
    if not (where / MARKER).is_file():
        return None, []
    return folder_content_fingerprint(where, spec), check_folder(where, spec).details()


def _fingerprint_arrays(spec: DataSet, where: Path) -> tuple[str | None, list[str]]:
    """The cached arrays' fingerprint, or None if they are not cached."""
    if not where.is_file():
        return None, []
    return cifar10_fingerprint(*load_cifar10_cache(where)), []


# How each form of set is fetched and fingerprinted: the registry entry's form picks the pair.
_FETCH: dict[Form, Callable[[str, DataSet], Path]] = {
    "class folders": _fetch_class_folders,
    "arrays": _fetch_arrays,
}
_FINGERPRINT: dict[Form, Callable[[DataSet, Path], tuple[str | None, list[str]]]] = {
    "class folders": _fingerprint_class_folders,
    "arrays": _fingerprint_arrays,
}


def _names(name: str) -> list[str]:
    """The registry names ``name`` stands for (``all``: every set)."""
    return list(REGISTRY) if name == "all" else [name]


def fetch(name: str) -> None:
    """Fetch a data set by registry name (or ``all``), printing where it is and the time taken.

    An installed class-folder set is re-checked against its verification record (stat-only,
    plus a decode of new or changed files) and anything that changed is listed.
    """
    for key in _names(name):
        start, spec = time.perf_counter(), REGISTRY[key]
        where = _FETCH[spec.form](key, spec)
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
            actual, lines = _FINGERPRINT[spec.form](spec, where)
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
