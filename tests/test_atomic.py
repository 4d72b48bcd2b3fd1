"""Atomic writes: all or nothing, with the permissions an ordinary write would give."""

import os
import socket
import stat
from pathlib import Path

import pytest

from cnnlab.atomic import atomic_path, scratch_folder, write_json_atomic, write_text_atomic


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_new_files_and_folders_get_the_umask_default(tmp_path):
    old = os.umask(0o022)
    try:
        write_json_atomic(tmp_path / "metrics.json", {"a": 1})
        with atomic_path(tmp_path / "site", directory=True) as staging:
            (staging / "index.html").write_text("<p>")
    finally:
        os.umask(old)
    assert mode(tmp_path / "metrics.json") == 0o644, "mkstemp's 0600 must not leak through"
    assert mode(tmp_path / "site") == 0o755
    assert (tmp_path / "site" / "index.html").read_text() == "<p>"


def test_rewriting_keeps_the_targets_mode(tmp_path):
    target = tmp_path / "shared.json"
    target.write_text("{}")
    target.chmod(0o664)
    write_json_atomic(target, {"b": 2})
    assert mode(target) == 0o664 and '"b": 2' in target.read_text()


@pytest.mark.parametrize("directory", [False, True])
def test_a_failed_write_leaves_the_target_and_no_temporary(tmp_path, directory):
    target = tmp_path / "out"
    write_text_atomic(target, "good") if not directory else target.mkdir()
    with pytest.raises(KeyboardInterrupt), atomic_path(target, directory=directory) as tmp:
        (tmp / "x").write_text("half") if directory else tmp.write_text("half")
        raise KeyboardInterrupt
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert directory or target.read_text() == "good"


def test_a_folder_is_replaced_whole_and_the_old_tree_removed(tmp_path):
    target = tmp_path / "data"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with atomic_path(target, directory=True) as staging:
        (staging / "new.txt").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["data"]


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt("disk full")])
def test_a_failed_final_rename_puts_the_old_folder_back(tmp_path, monkeypatch, error):
    target = tmp_path / "data"
    target.mkdir()
    (target / "old.txt").write_text("old")
    real_replace = os.replace

    def failing_replace(src, dst):
        if ".partial-" in str(src):  # the new tree's move into place fails
            raise error
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with (
        pytest.raises(type(error), match="disk full"),
        atomic_path(target, directory=True) as staging,
    ):
        (staging / "new.txt").write_text("new")
    assert (target / "old.txt").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["data"]


def test_temporaries_of_killed_writers_on_this_host_are_removed(tmp_path):
    host = socket.gethostname()
    dead_pid = 4194999  # above Linux's largest process id
    dead = [
        tmp_path / f".data.partial-{dead_pid}@{host}@x1",  # a folder being built
        tmp_path / f".data.old-{dead_pid}@{host}@x2",  # an old folder set aside
        tmp_path / f".data.partial-{dead_pid}@{host}@x3.json",  # a file (mkstemp, suffix)
        tmp_path / f".data.scratch-{dead_pid}@{host}@x8",  # a download folder
    ]
    kept = [
        tmp_path / f".data.partial-{os.getpid()}@{host}@x4",  # a writer still running
        tmp_path / f".data.partial-{dead_pid}@other-host@x5",  # another machine's writer
        tmp_path / f".data.partial-{dead_pid}@{host}-2@x6",  # a host whose name extends ours
        tmp_path / f".database.partial-{dead_pid}@{host}@x7",  # another target's
    ]
    for path in dead + kept:
        path.mkdir() if not path.suffix else path.write_text("{}")
    with atomic_path(tmp_path / "data", directory=True) as staging:
        (staging / "new.txt").write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["data", *(p.name for p in kept)])


def test_an_old_tree_left_aside_by_a_killed_writer_is_put_back(tmp_path):
    # Killed between its two renames: the target is missing, the old tree lies aside.
    aside = tmp_path / f".data.old-4194999@{socket.gethostname()}@x1"
    (aside / "old").mkdir(parents=True)
    (aside / "old" / "old.txt").write_text("old")
    write_text_atomic(tmp_path / "data.json", "{}")  # another target: nothing is touched
    assert aside.exists() and not (tmp_path / "data").exists()
    with pytest.raises(KeyboardInterrupt), atomic_path(tmp_path / "data", directory=True):
        raise KeyboardInterrupt  # the next writer of data fails too
    assert (tmp_path / "data" / "old.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "data.json"]


def test_an_interrupt_between_the_two_renames_puts_the_old_folder_back(tmp_path, monkeypatch):
    target = tmp_path / "data"
    target.mkdir()
    (target / "old.txt").write_text("old")
    real_replace = os.replace

    def interrupted_replace(src, dst):
        real_replace(src, dst)
        if Path(src) == target:  # the old tree has moved aside; Ctrl-C arrives now
            raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt), atomic_path(target, directory=True) as staging:
        (staging / "new.txt").write_text("new")
    assert (target / "old.txt").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["data"]


def test_a_symlink_or_file_in_the_folders_place_is_replaced(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep")
    (tmp_path / "data").symlink_to(elsewhere)
    (tmp_path / "site").write_text("a file where the folder goes")
    (tmp_path / "site").chmod(0o644)
    for name in ("data", "site"):
        with atomic_path(tmp_path / name, directory=True) as staging:
            (staging / "new.txt").write_text("new")
        target = tmp_path / name
        assert target.is_dir() and not target.is_symlink()
        assert [p.name for p in target.iterdir()] == ["new.txt"]
        assert mode(target) & 0o111, "a folder needs its search bits, whatever stood there"
    assert (elsewhere / "keep.txt").read_text() == "keep"  # what the link pointed to stays


def test_json_is_written_pretty_sorted_and_whole(tmp_path):
    write_json_atomic(tmp_path / "m.json", {"b": 1, "a": [1, 2]})
    assert (tmp_path / "m.json").read_text() == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}\n'


def test_a_scratch_folder_is_named_like_a_temporary_and_always_removed(tmp_path):
    target = tmp_path / "data"
    with scratch_folder(target) as scratch:
        assert scratch.name.startswith(f".data.scratch-{os.getpid()}@{socket.gethostname()}@")
        (scratch / "0.zip").write_bytes(b"part")
    assert not scratch.exists()
    with pytest.raises(KeyboardInterrupt), scratch_folder(target) as scratch:
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_a_killed_writers_scratch_folder_is_swept_by_the_next_one(tmp_path):
    killed = tmp_path / f".data.scratch-4194999@{socket.gethostname()}@x1"
    killed.mkdir()
    (killed / "0.zip").write_bytes(b"part of a large download")
    with scratch_folder(tmp_path / "data"):
        assert not killed.exists()
