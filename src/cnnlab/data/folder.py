"""The check of a class folder at load time: what it holds now against its verification record,
and a view of only the usable images for loaders that read a whole folder."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from cnnlab.atomic import atomic_path, remove
from cnnlab.data.files import first_line, sha256_file
from cnnlab.data.record import image_problem, read_record
from cnnlab.data.registry import BRAIN_TUMOR, DataSet
from cnnlab.errors import DataError

VIEW_MARKER = ".cnnlab-view.json"


@dataclass
class FolderCheck:
    """What a class folder holds now, compared with what was verified when it was installed.

    It is what travels to the split (:func:`cnnlab.splits.load_or_build_split`): the root, the
    set's classes, the usable files and the skipped ones, so nothing lists the folder again.
    """

    root: Path
    classes: tuple[str, ...]
    files: dict[str, list[Path]]  # usable images per class, sorted by name
    skipped: dict[str, str] = field(default_factory=dict)  # relative path -> why it is left out
    missing: list[str] = field(default_factory=list)  # verified files no longer there
    new: list[str] = field(default_factory=list)  # files the verification did not see
    changed: list[str] = field(default_factory=list)  # files whose content differs
    verified: bool = True  # False: no verification record, every file was decoded
    matches_registry: bool = True  # the verified copy had the registry's content fingerprint
    fingerprint: str = ""  # the content fingerprint recorded when the folder was verified

    def identity(self) -> dict[str, object]:
        """What the folder holds, for a training's key: the verified content fingerprint, the
        usable files, and the digest of every file that is new or changed since."""
        differs = sorted(self.new + self.changed)
        return {
            "fingerprint": self.fingerprint,
            "usable": [p.relative_to(self.root).as_posix() for f in self.files.values() for p in f],
            "differs": {rel: sha256_file(self.root / rel) for rel in differs},
        }

    @property
    def manifest_path(self) -> Path:
        """Where the split of this folder is stored: ``<root>_split.json`` beside the root."""
        return self.root.parent / f"{self.root.name}_split.json"

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
    record = read_record(root) or {}
    inventory = record.get("files", {})
    check = FolderCheck(
        root=root,
        classes=spec.classes,
        files={},
        verified=bool(inventory),
        matches_registry=record.get("fingerprint", spec.fingerprint) == spec.fingerprint,
        fingerprint=record.get("fingerprint", ""),
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
                check.skipped[rel] = f"cannot be read ({first_line(err)})"
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


def unreadable_images(root: Path, spec: DataSet = BRAIN_TUMOR) -> list[Path]:
    """Files left out of pipelines now: strays and images that do not decode (see check_folder)."""
    return check_folder(root, spec).skipped_paths()
