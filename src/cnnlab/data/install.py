"""Installing a class-folder set: from the mirror, else from each network source in turn, an
archive's class folders are extracted, verified and moved into ``data/`` in one rename."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from cnnlab.atomic import atomic_path, scratch_folder, write_text_atomic
from cnnlab.data.files import open_zip, progress
from cnnlab.data.record import (
    IMAGE_SUFFIXES,
    MARKER,
    MARKER_VERSION,
    fingerprint_mismatch,
    read_record,
    verify_class_folders,
)
from cnnlab.data.registry import BRAIN_TUMOR, DataSet
from cnnlab.data.routes import (
    MIRROR_ENV,
    Failure,
    Source,
    mirror_source,
    network_sources,
    no_source_error,
    verified_mirror_archive,
)
from cnnlab.errors import DataError
from cnnlab.paths import data_dir


class ContentMismatch(DataError):
    """A copy holds other files than the registry's: it was not installed."""


def class_prefix(names: list[str], classes: tuple[str, ...], what: str) -> str:
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


def install_class_archive(
    archive_path: Path, spec: DataSet, source: Source, on_mismatch: str = "error"
) -> Path:
    """Extract the class folders of an archive into the canonical layout, verify, move into place.

    Only the files directly inside the class folders are taken (wherever the archive puts those
    folders), so stray folders, macOS litter and hidden files stay behind; a source with
    ``images_only`` also leaves out files without an image suffix. A content fingerprint that
    differs from the registry's is an error, or with ``on_mismatch="warn"`` a one-line warning
    (the copy is installed and recorded as such).
    """
    target = data_dir() / spec.target
    what = source.what
    with open_zip(archive_path, what, source.refused) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        prefix = class_prefix(names, spec.classes, what)
        members = []
        for name in names:
            rest = name[len(prefix) :].split("/") if name.startswith(prefix) else []
            if len(rest) != 2 or rest[0] not in spec.classes or rest[1].startswith("."):
                continue
            if source.images_only and not rest[1].lower().endswith(IMAGE_SUFFIXES):
                continue
            members.append((name, rest[0], rest[1]))
        with atomic_path(target, directory=True) as staging:
            for name in spec.classes:
                (staging / name).mkdir()
            for member, label, base in progress(iterable=members, desc=f"extracting {what}"):
                with archive.open(member) as packed, open(staging / label / base, "wb") as out:
                    shutil.copyfileobj(packed, out)
            record = verify_class_folders(staging, spec, what=what)
            record["source"] = what
            if record["fingerprint"] != spec.fingerprint:
                message = fingerprint_mismatch(spec, record, what)
                if on_mismatch == "error":
                    raise ContentMismatch(f"{message}; it is not installed: {source.remedy}")
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


def download_class_set(spec: DataSet, sources: list[Source]) -> Path:
    """Each source in turn until one serves the registry's files; the first last-resort source's
    other files only when none does (Drive first, the pinned GitHub commit when Drive fails or
    serves other files, Drive's other files only when GitHub fails too)."""
    failures: list[Failure] = []
    reserve: tuple[Path, Source] | None = None
    # A scratch folder, not atomic_path: the downloads are consumed here, never kept. It is
    # named like data/<target>'s temporaries, so one left by a killed fetch is swept.
    with scratch_folder(data_dir() / spec.target) as scratch:
        for number, source in enumerate(sources):
            if failures:
                print(f"{spec.name}: {failures[-1]}; trying {source.label}", file=sys.stderr)
            archive = scratch / f"{number}.zip"
            try:
                source.download(archive)
            except Exception as err:  # gdown, urllib and requests raise many kinds
                failures.append(Failure.of(source.label, err))
            else:
                try:
                    return install_class_archive(archive, spec, source)
                except DataError as err:
                    failures.append(Failure.of(source.label, err))
                    if isinstance(err, ContentMismatch) and source.last_resort and not reserve:
                        reserve = (archive, source)
                        continue
            archive.unlink(missing_ok=True)  # a part download or a useless archive: both large
        if reserve:
            # Other files than the registry's, but the report's own: better than nothing.
            archive, source = reserve
            others = [str(f) for f in failures if f.label != source.label]
            print(
                f"{spec.name}: {'; '.join(others) or 'no other source'}; installing the "
                f"{source.label} copy after all",
                file=sys.stderr,
            )
            return install_class_archive(archive, spec, source, on_mismatch="warn")
    raise no_source_error(spec, failures)


def _reverify_in_place(root: Path, spec: DataSet) -> None:
    """Give a copy verified by an older cnnlab (no inventory) a full record, as it is now."""
    old = read_record(root) or {}
    record = verify_class_folders(root, spec, strict=False)
    record["source"] = f"re-verified in place (earlier record: {old.get('source', 'no source')})"
    write_text_atomic(root / MARKER, json.dumps(record, indent=1, sort_keys=True))
    verdict = (
        "matches the registry"
        if record["fingerprint"] == spec.fingerprint
        else fingerprint_mismatch(spec, record, "it")
    )
    print(
        f"{spec.name}: {root} had a verification record without an inventory; re-verified "
        f"its files: {verdict}",
        file=sys.stderr,
    )


def brain_tumor_dir(
    spec: DataSet = BRAIN_TUMOR,
    download: Callable[[str, Path], None] | None = None,
    github_download: Callable[[str, Path], None] | None = None,
) -> Path:
    """The folder of a class-folder set (Br35H's ``no/`` and ``yes/``), fetched only when needed."""
    target = data_dir() / spec.target
    if (target / MARKER).is_file():
        if (read_record(target) or {}).get("version") != MARKER_VERSION:
            _reverify_in_place(target, spec)
        return target
    archive = verified_mirror_archive(spec)
    if archive is not None:
        return install_class_archive(archive, spec, mirror_source(spec, archive))
    return download_class_set(spec, network_sources(spec, download, github_download))
