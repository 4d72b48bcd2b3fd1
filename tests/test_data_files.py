"""Hashing with progress for big files only, zips opened with one clear error, one-line errors."""

import hashlib
import zipfile

import pytest

from cnnlab import data
from cnnlab.data import files


def test_sha256_file_is_the_files_digest_with_a_bar_only_for_a_big_file(tmp_path, monkeypatch):
    path = tmp_path / "blob.bin"
    path.write_bytes(b"x" * ((1 << 20) + 5))  # more than one block
    shown = []
    real_progress = files.progress

    def spy(quiet=False, **kwargs):
        shown.append(not quiet)
        return real_progress(quiet=quiet, **kwargs)

    monkeypatch.setattr(files, "progress", spy)
    assert files.sha256_file(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    monkeypatch.setattr(files, "BIG_FILE", 1 << 20)
    assert data.sha256_file(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert shown == [False, True]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"<!DOCTYPE html><html>quota</html>", "a web page, not a zip: nope"),
        (b"PK\x03\x04 half a zip", "truncated or corrupt"),
    ],
)
def test_a_broken_zip_is_one_clear_error(tmp_path, payload, message):
    path = tmp_path / "x.zip"
    path.write_bytes(payload)
    with pytest.raises(data.DataError, match=message) as info:
        files.open_zip(path, "the download", refused="nope")
    assert "\n" not in str(info.value)


def test_a_good_zip_opens(tmp_path):
    with zipfile.ZipFile(tmp_path / "ok.zip", "w") as archive:
        archive.writestr("no/a.jpg", b"a")
    with files.open_zip(tmp_path / "ok.zip", "ok") as archive:
        assert archive.namelist() == ["no/a.jpg"]


def test_first_line_keeps_the_type_and_one_line():
    assert files.first_line(OSError("disk full\nmore")) == "OSError: disk full"
    assert files.first_line(ValueError()) == "ValueError: no detail"
