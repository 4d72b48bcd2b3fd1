"""Atomic writes: all or nothing, with the permissions an ordinary write would give."""

import os
import stat

import pytest

from cnnlab.atomic import atomic_path, write_text_atomic
from cnnlab.reports import write_json_atomic


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


def test_a_failed_final_rename_puts_the_old_folder_back(tmp_path, monkeypatch):
    target = tmp_path / "data"
    target.mkdir()
    (target / "old.txt").write_text("old")
    real_replace = os.replace

    def failing_replace(src, dst):
        if ".partial-" in str(src):  # the new tree's move into place fails
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"), atomic_path(target, directory=True) as staging:
        (staging / "new.txt").write_text("new")
    assert (target / "old.txt").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["data"]


def test_temporaries_of_a_killed_writer_are_removed_and_a_live_ones_kept(tmp_path):
    dead = tmp_path / ".data.partial-4194999-x1"  # above Linux's largest process id
    dead_aside = tmp_path / ".data.old-4194999-x2"
    live = tmp_path / f".data.partial-{os.getpid()}-x3"  # a writer still running
    other = tmp_path / ".database.partial-4194999-x4"  # another target's
    for path in (dead, dead_aside, live, other):
        path.mkdir()
    with atomic_path(tmp_path / "data", directory=True) as staging:
        (staging / "new.txt").write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["data", live.name, other.name])
