"""The group-aware split, its manifest, and the stratified hold-out."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnnlab import data, duplicates, near_copies, splits
from cnnlab.errors import DataError


def random_bits(n, rng, bits=256):
    return rng.random((n, bits)) < 0.5


def test_group_split_keeps_groups_whole_and_stratifies():
    rng = np.random.default_rng(1)
    labels = np.repeat([0, 1], 200)
    groups = np.concatenate([rng.integers(0, 60, 200), rng.integers(60, 120, 200)])
    split = splits.group_split(labels, groups, seed=3)
    for g in np.unique(groups):
        assert len(set(split[groups == g])) == 1
    for label in (0, 1):
        share = np.mean(split[labels == label] == "test")
        assert 0.10 <= share <= 0.20


def test_group_mixing_classes_still_lands_in_one_split():
    labels = np.array([0, 0, 1, 1, 0, 1])
    groups = np.array([0, 0, 0, 1, 2, 3])
    split = splits.group_split(labels, groups, seed=0, fractions={"train": 0.5, "test": 0.5})
    assert len(set(split[groups == 0])) == 1


def write_images(root, rng):
    for name in ("no", "yes"):
        (root / name).mkdir(parents=True)
        for i in range(6):
            pixels = (rng.random((40, 40)) * 255).astype("uint8")
            Image.fromarray(pixels).save(root / name / f"{name}{i}.png")
            if i == 0:  # a near-copy: same picture, slightly brighter, saved again
                Image.fromarray(np.clip(pixels.astype(int) + 3, 0, 255).astype("uint8")).save(
                    root / name / f"{name}{i}_copy.png"
                )


def test_manifest_groups_real_near_copies_and_is_reused(tmp_path):
    root = tmp_path / "set"
    write_images(root, np.random.default_rng(2))
    check = data.check_folder(root)
    first = splits.load_or_build_split(check, seed=0)
    row = {f: i for i, f in enumerate(first.files)}
    assert first.groups[row["no/no0.png"]] == first.groups[row["no/no0_copy.png"]]
    assert first.groups[row["no/no0.png"]] != first.groups[row["no/no1.png"]]
    assert duplicates.duplicate_summary(first.labels, first.groups)["extra copies"] == 2

    manifest_path = tmp_path / "set_split.json"  # beside the folder, as data/brain_tumor_split.json
    assert check.manifest_path == manifest_path
    stored = json.loads(manifest_path.read_text())
    stored["rows"][0]["split"] = "marker"  # proves the stored file is what comes back
    manifest_path.write_text(json.dumps(stored))
    again = splits.load_or_build_split(check, seed=0)
    assert again.split[0] == "marker"
    np.testing.assert_array_equal(again.hashes, first.hashes)

    (root / "yes" / "yes5.png").unlink()  # the folder changed: the manifest is rebuilt
    rebuilt = splits.load_or_build_split(data.check_folder(root), seed=0)
    assert "marker" not in set(rebuilt.split) and len(rebuilt.files) == 13


def test_hashes_made_another_way_force_a_rebuild(tmp_path):
    root, manifest_path = tmp_path / "set", tmp_path / "split.json"
    write_images(root, np.random.default_rng(3))
    check = data.check_folder(root)
    splits.load_or_build_split(check, seed=0, manifest_path=manifest_path)
    stored = json.loads(manifest_path.read_text())
    assert stored["key"]["hash"] == near_copies.HASH_METHOD
    stored["rows"][0]["split"] = "marker"
    stored["key"]["hash"] = "imagehash.phash hash_size=8"  # e.g. written before a change
    manifest_path.write_text(json.dumps(stored))
    rebuilt = splits.load_or_build_split(check, seed=0, manifest_path=manifest_path)
    assert "marker" not in set(rebuilt.split)


def test_unreadable_files_are_left_out(tmp_path):
    root = tmp_path / "set"
    write_images(root, np.random.default_rng(4))
    (root / "no" / "broken.png").write_bytes(b"not an image")
    manifest = splits.load_or_build_split(data.check_folder(root), 0)
    assert "no/broken.png" not in manifest.files and manifest.unreadable == ["no/broken.png"]


def test_stratified_holdout():
    labels = np.repeat(np.arange(10), 50)
    kept, held = splits.stratified_holdout(labels, 100, seed=0)
    assert len(held) == 100 and len(kept) == 400
    assert np.bincount(labels[held]).tolist() == [10] * 10
    assert not set(kept) & set(held)
    again = splits.stratified_holdout(labels, 100, seed=0)
    np.testing.assert_array_equal(again[1], held)


def test_with_nothing_left_out_the_key_is_every_file_as_before(tmp_path):
    root, manifest_path = tmp_path / "set", tmp_path / "split.json"
    write_images(root, np.random.default_rng(5))
    splits.load_or_build_split(data.check_folder(root), seed=0, manifest_path=manifest_path)
    every = sorted(p for p in root.glob("*/*"))
    key = json.loads(manifest_path.read_text())["key"]
    assert key["fingerprint"] == splits.folder_fingerprint(every, root)  # stored manifests hold


def test_a_stray_left_out_keeps_the_manifest_and_is_reported(tmp_path):
    root, manifest_path = tmp_path / "set", tmp_path / "split.json"
    write_images(root, np.random.default_rng(6))
    splits.load_or_build_split(data.check_folder(root), seed=0, manifest_path=manifest_path)
    stored = json.loads(manifest_path.read_text())
    stored["rows"][0]["split"] = "marker"
    manifest_path.write_text(json.dumps(stored))
    (root / "no" / "notes.txt").write_text("not an image")
    check = data.check_folder(root)
    again = splits.load_or_build_split(check, seed=0, manifest_path=manifest_path)
    assert again.split[0] == "marker" and again.unreadable == ["no/notes.txt"]


def test_a_file_damaged_after_the_check_is_one_clear_error(tmp_path):
    root = tmp_path / "set"
    write_images(root, np.random.default_rng(7))
    check = data.check_folder(root)
    broken = root / "yes" / "yes3.png"
    broken.write_bytes(broken.read_bytes()[:200])
    with pytest.raises(DataError, match="yes3.png does not decode as an image") as info:
        splits.load_or_build_split(check, seed=0)
    assert "\n" not in str(info.value) and "check_folder" in str(info.value)
    manifest = splits.load_or_build_split(data.check_folder(root), seed=0)  # checked again
    assert "yes/yes3.png" not in manifest.files and manifest.unreadable == ["yes/yes3.png"]


def test_hashes_of_takes_paths_under_the_root_relative_or_in_a_view(tmp_path):
    root = tmp_path / "set"
    write_images(root, np.random.default_rng(8))
    manifest = splits.load_or_build_split(data.check_folder(root), seed=0)
    view = tmp_path / "view" / "yes"
    view.mkdir(parents=True)
    (view / "yes2.png").symlink_to(root / "yes" / "yes2.png")
    row = manifest.files.index("yes/yes2.png")
    for path in (root / "yes" / "yes2.png", "yes/yes2.png", view / "yes2.png"):
        np.testing.assert_array_equal(manifest.hashes_of(root, [path])[0], manifest.hashes[row])


def test_the_split_never_lists_the_folder_it_was_handed(tmp_path, monkeypatch):
    root = tmp_path / "set"
    write_images(root, np.random.default_rng(9))
    (root / "no" / "notes.txt").write_text("a stray")
    check = data.check_folder(root)
    inside = root.resolve()

    def unlisted(listing):
        def guarded(path=".", *args, **kwargs):
            if isinstance(path, (str, os.PathLike)) and Path(path).resolve().is_relative_to(inside):
                raise AssertionError(f"listed {path} again")
            return listing(path, *args, **kwargs)

        return guarded

    # Every way to list a folder (Path.iterdir, Path.glob, os.walk, data.class_files) ends here.
    monkeypatch.setattr(os, "scandir", unlisted(os.scandir))
    monkeypatch.setattr(os, "listdir", unlisted(os.listdir))
    built = splits.load_or_build_split(check, seed=0)  # hashed and stored
    reused = splits.load_or_build_split(check, seed=0)  # read back
    rebuilt = splits.load_or_build_split(check, seed=1)  # another key: built again
    assert built.files == reused.files == rebuilt.files and len(built.files) == 14
    assert built.unreadable == reused.unreadable == ["no/notes.txt"]
    with pytest.raises(AssertionError, match="listed"):
        data.check_folder(root)  # the guard does catch a listing


@dataclass
class Listed:
    """A checked folder made by hand: the split needs only these attributes, not cnnlab.data."""

    root: Path
    classes: tuple[str, ...]
    files: dict[str, list[Path]]
    manifest_path: Path
    skipped: list[Path] = field(default_factory=list)

    def skipped_paths(self) -> list[Path]:
        return self.skipped


def test_any_object_with_a_checked_folders_attributes_serves(tmp_path):
    root = tmp_path / "set"
    write_images(root, np.random.default_rng(10))
    files = {name: sorted((root / name).iterdir()) for name in ("yes", "no")}
    listed = Listed(root, ("yes", "no"), files, tmp_path / "m.json", [root / "no" / "no5.png"])
    listed.files["no"].remove(root / "no" / "no5.png")
    manifest = splits.load_or_build_split(listed, seed=0)
    assert manifest.labels[manifest.files.index("yes/yes0.png")] == 0  # the classes' order
    assert manifest.unreadable == ["no/no5.png"] and (tmp_path / "m.json").is_file()


def test_splits_does_not_import_the_data_layer():
    code = "import sys, cnnlab.splits; print('cnnlab.data' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
