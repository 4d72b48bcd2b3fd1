"""The check of a class folder at load time: what is skipped, missing, new or changed, the
view of the usable images, and the checked folder handed to the split."""

import os

import numpy as np
import pytest
from data_fakes import damage, install_fake, jpeg_bytes

from cnnlab import data, splits
from cnnlab.data import folder as folder_room

pytestmark = pytest.mark.usefixtures("no_network")


def test_damaged_folder_is_listed_and_left_out(dirs, monkeypatch):
    folder, spec = install_fake(dirs, monkeypatch, per_class=3)
    damage(folder)
    decoded = []
    real_problem = data.image_problem
    monkeypatch.setattr(
        folder_room, "image_problem", lambda p: decoded.append(p.name) or real_problem(p)
    )

    check = data.check_folder(folder, spec)
    assert sorted(decoded) == ["notes.txt", "y1.jpg"]  # only the new and the changed file
    assert check.counts() == {"no": 2, "yes": 2}
    assert check.skipped["no/notes.txt"] == "not an image file (.txt)"
    assert check.skipped["yes/y1.jpg"].startswith("does not decode (OSError: image file is trunc")
    assert check.missing == ["no/no2.jpg"] and check.new == ["no/notes.txt"]
    assert check.changed == ["yes/y1.jpg"]
    lines = check.summary().splitlines()
    assert lines[0] == "{'no': 2, 'yes': 2} unreadable: ['no/notes.txt', 'yes/y1.jpg']"
    assert lines[1] == "skipped no/notes.txt: not an image file (.txt) (new since verification)"
    assert lines[2].startswith("skipped yes/y1.jpg: does not decode")
    assert lines[2].endswith("(changed since verification)")
    assert lines[3] == "missing no/no2.jpg: deleted since verification"
    assert data.unreadable_images(folder, spec) == [folder / "no/notes.txt", folder / "yes/y1.jpg"]

    view = check.readable_folder()
    assert view == folder.parent / "brain_tumor_readable"
    listed = sorted(p.relative_to(view).as_posix() for p in view.glob("*/*"))
    assert listed == ["no/no0.jpg", "no/no1.jpg", "yes/y0.jpg", "yes/y2.jpg"]
    assert all((view / rel).resolve() == (folder / rel).resolve() for rel in listed)
    assert (view / "no/no0.jpg").is_symlink() and not os.path.isabs(
        os.readlink(view / "no/no0.jpg")
    )


def test_hidden_files_and_subfolders_are_listed_too(dirs, monkeypatch):
    folder, spec = install_fake(dirs, monkeypatch)
    (folder / "no" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "yes" / ".ipynb_checkpoints").mkdir()
    check = data.check_folder(folder, spec)
    assert check.skipped == {
        "no/.DS_Store": "a hidden file",
        "yes/.ipynb_checkpoints/": "a folder inside a class folder",
    }
    assert check.counts() == {"no": 2, "yes": 2}


def test_view_is_rebuilt_only_when_the_usable_files_change(dirs, monkeypatch):
    folder, spec = install_fake(dirs, monkeypatch)
    (folder / "no" / "notes.txt").write_text("x")
    view = data.check_folder(folder, spec).readable_folder()
    stamp = (view / data.VIEW_MARKER).stat()
    (folder / "yes" / "todo.md").write_text("y")  # another stray: the usable set is unchanged
    assert data.check_folder(folder, spec).readable_folder() == view
    assert (view / data.VIEW_MARKER).stat().st_ino == stamp.st_ino

    (folder / "yes" / "y9.jpg").write_bytes(jpeg_bytes(9))  # a new, good image: rebuilt
    check = data.check_folder(folder, spec)
    assert check.readable_folder() == view and (view / "yes" / "y9.jpg").is_symlink()
    assert check.details()[-2] == "used yes/y9.jpg: decodes (new since verification)"

    for stray in ("no/notes.txt", "yes/todo.md"):
        (folder / stray).unlink()
    assert data.check_folder(folder, spec).readable_folder() == folder
    assert not view.exists()  # nothing left out: the view is gone, the root is the route


def test_new_timestamp_with_the_same_bytes_is_not_a_change(dirs, monkeypatch):
    folder, spec = install_fake(dirs, monkeypatch)
    os.utime(folder / "no" / "no0.jpg", ns=(1, 1))

    def must_not_decode(*args, **kwargs):
        raise AssertionError("decoded a file whose bytes did not change")

    monkeypatch.setattr(folder_room, "image_problem", must_not_decode)
    check = data.check_folder(folder, spec)
    assert not check.changed_since_verification() and check.details() == []


def test_split_leaves_out_what_the_check_skips(dirs, monkeypatch):
    folder, spec = install_fake(dirs, monkeypatch, per_class=3)
    damage(folder)
    check = data.check_folder(folder, spec)
    manifest = splits.load_or_build_split(check, seed=0)
    assert check.manifest_path == folder.parent / "brain_tumor_split.json"
    assert check.manifest_path.is_file()
    assert manifest.files == ["no/no0.jpg", "no/no1.jpg", "yes/y0.jpg", "yes/y2.jpg"]
    assert manifest.unreadable == ["no/notes.txt", "yes/y1.jpg"]
    view = check.readable_folder()
    linked = sorted(view.glob("*/*"))
    np.testing.assert_array_equal(manifest.hashes_of(folder, linked), manifest.hashes)


def test_identity_changes_when_a_file_changes_and_not_otherwise(dirs, monkeypatch):
    folder, spec = install_fake(dirs, monkeypatch, per_class=3)
    before = data.check_folder(folder, spec).identity()
    assert before == data.check_folder(folder, spec).identity()
    assert before["fingerprint"] and before["differs"] == {}
    (folder / "yes/y1.jpg").write_bytes(jpeg_bytes(seed=99))
    after = data.check_folder(folder, spec).identity()
    assert after != before and list(after["differs"]) == ["yes/y1.jpg"]
