"""The data layer on small archives the tests make themselves, and on the real mirror if set."""

import hashlib
import io
import os
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnnlab import data


def png_bytes(size=(8, 8), value=0, mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, value).save(buffer, format="PNG")
    return buffer.getvalue()


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    return path


def brain_members(per_class=2, prefix="") -> dict[str, bytes]:
    members = {
        f"{prefix}{label}/{label}{i}.jpg": png_bytes(value=i)
        for label in ("no", "yes")
        for i in range(per_class)
    }
    members[f"{prefix}.ipynb_checkpoints/stale.jpg"] = b"not an image"
    members[f"{prefix}pred/pred0.jpg"] = png_bytes()
    return members


def spec_for(archive: Path, base: data.DataSet, **changes) -> data.DataSet:
    sha = hashlib.sha256(archive.read_bytes()).hexdigest()
    return replace(base, sha256=sha, mirror_file=archive.name, **changes)


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    data_root, mirror = tmp_path / "data", tmp_path / "mirror"
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(data_root))
    monkeypatch.delenv(data.MIRROR_ENV, raising=False)
    return data_root, mirror


def leftovers(data_root: Path) -> list[str]:
    return sorted(p.name for p in data_root.iterdir()) if data_root.exists() else []


def no_download(file_id, output):
    raise ConnectionError("Failed to resolve 'drive.google.com'")


def test_mirror_fetch_verifies_extracts_and_ignores_stray_folders(dirs, monkeypatch):
    data_root, mirror = dirs
    spec = spec_for(
        make_zip(mirror / "br.zip", brain_members()), data.BRAIN_TUMOR, per_class={"": 2}
    )
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    folder = data.brain_tumor_dir(spec, download=no_download)
    assert folder == data_root / "brain_tumor"
    files = data.class_files(folder, spec.classes)
    assert {k: len(v) for k, v in files.items()} == {"no": 2, "yes": 2}
    assert data.unreadable_images(folder) == []
    assert leftovers(data_root) == ["brain_tumor"]


def test_second_call_does_no_work(dirs, monkeypatch):
    data_root, mirror = dirs
    spec = spec_for(
        make_zip(mirror / "br.zip", brain_members()), data.BRAIN_TUMOR, per_class={"": 2}
    )
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    data.brain_tumor_dir(spec, download=no_download)

    def must_not_run(*args, **kwargs):
        raise AssertionError("fetched again")

    monkeypatch.setattr(data, "sha256_of", must_not_run)
    monkeypatch.setattr(data, "install_class_archive", must_not_run)
    assert data.brain_tumor_dir(spec, download=must_not_run) == data_root / "brain_tumor"


def test_drive_zip_with_top_folder_is_accepted(dirs):
    data_root, _ = dirs
    payload = make_zip(dirs[1] / "d.zip", brain_members(prefix="dataset/")).read_bytes()
    spec = replace(data.BRAIN_TUMOR, per_class={"": 2})
    folder = data.brain_tumor_dir(spec, download=lambda _id, out: out.write_bytes(payload))
    assert sorted(p.name for p in (folder / "yes").iterdir()) == ["yes0.jpg", "yes1.jpg"]
    assert leftovers(data_root) == ["brain_tumor"]


def test_no_network_and_no_mirror_names_the_variable(dirs):
    data_root, _ = dirs
    with pytest.raises(data.DataError) as info:
        data.brain_tumor_dir(download=no_download)
    message = str(info.value)
    assert data.MIRROR_ENV in message and "br35h.zip" in message and "\n" not in message
    assert leftovers(data_root) == []


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"<!DOCTYPE html><html><title>Google Drive - Quota exceeded</title></html>", "web page"),
        (
            b"\n  <html><body>Too many users have viewed or downloaded this file</body></html>",
            "web page",
        ),
        ("truncated", "truncated or corrupt"),
        (b"", "gdown returned no file"),
    ],
)
def test_bad_drive_downloads_leave_nothing(dirs, payload, message):
    data_root, mirror = dirs
    if payload == "truncated":
        whole = make_zip(mirror / "x.zip", brain_members()).read_bytes()
        payload = whole[: len(whole) // 2]

    def fake_gdown(file_id, output):
        output.write_bytes(payload)
        if not payload:
            raise OSError("gdown returned no file")

    with pytest.raises(data.DataError, match=message):
        data.brain_tumor_dir(replace(data.BRAIN_TUMOR, per_class={"": 2}), download=fake_gdown)
    assert leftovers(data_root) == []


def test_corrupt_member_is_caught(dirs):
    data_root, mirror = dirs
    raw = bytearray(make_zip(mirror / "x.zip", {"no/a.jpg": b"A" * 400}).read_bytes())
    raw[raw.index(b"A" * 400) + 10] = ord("B")  # flips data under an unchanged CRC
    with pytest.raises(data.DataError, match="bad CRC"):
        data.brain_tumor_dir(download=lambda _id, out: out.write_bytes(bytes(raw)))
    assert leftovers(data_root) == []


def test_mirror_checksum_mismatch(dirs, monkeypatch):
    data_root, mirror = dirs
    archive = make_zip(mirror / "br35h.zip", brain_members())
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    with pytest.raises(data.DataError, match="SHA-256 .* expected bca89a77c4c3"):
        data.brain_tumor_dir(download=no_download)
    assert archive.exists() and leftovers(data_root) == []


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"no/a.jpg": png_bytes(), "no/b.jpg": png_bytes()}, "no 'yes/' folder"),
        ({**brain_members(), "yes/extra.jpg": png_bytes()}, "'yes': 3"),
    ],
)
def test_wrong_layout_or_counts(dirs, monkeypatch, members, message):
    data_root, mirror = dirs
    spec = spec_for(make_zip(mirror / "br.zip", members), data.BRAIN_TUMOR, per_class={"": 2})
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    with pytest.raises(data.DataError, match=message):
        data.brain_tumor_dir(spec, download=no_download)
    assert leftovers(data_root) == []


def test_unreadable_images_are_reported_by_path_and_listed(dirs, monkeypatch, capsys):
    data_root, mirror = dirs
    members = brain_members()
    members["no/no1.jpg"] = b"\xff\xd8 this is not really a jpeg"
    members["yes/yes1.jpg"] = b"plain text in a class folder"
    spec = spec_for(make_zip(mirror / "br.zip", members), data.BRAIN_TUMOR, per_class={"": 2})
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    folder = data.brain_tumor_dir(spec, download=no_download)
    assert data.unreadable_images(folder) == [folder / "no/no1.jpg", folder / "yes/yes1.jpg"]
    err = capsys.readouterr().err
    assert f"{folder / 'no/no1.jpg'} is not a readable image" in err


def cifar_members(per_split=None, broken=None) -> dict[str, bytes]:
    per_split = per_split or {"train": 2, "test": 1}
    members = {}
    for split, n in per_split.items():
        for label, name in enumerate(data.CIFAR10_CLASSES):
            for i in range(n):
                members[f"{split}/{name}/{i:04d}.png"] = png_bytes((32, 32), (label, i, 0))
    if broken:
        members[broken] = b"garbage"
    return members


def cifar_spec(archive: Path) -> data.DataSet:
    return spec_for(archive, data.CIFAR10, per_class={"train": 2, "test": 1})


def test_cifar10_from_png_mirror_is_deterministic_and_cached(dirs, monkeypatch):
    data_root, mirror = dirs
    spec = cifar_spec(make_zip(mirror / "c.zip", cifar_members()))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    (x_train, y_train), (x_test, y_test) = data.cifar10(spec, download=no_download)
    assert x_train.shape == (20, 32, 32, 3) and x_test.shape == (10, 32, 32, 3)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [2] * 10
    np.testing.assert_array_equal(x_train[:, 0, 0, 0], y_train)  # the pixel encodes the label
    assert leftovers(data_root) == ["cifar10.npz"]

    (mirror / "c.zip").unlink()
    again = data.cifar10(spec, download=no_download)
    np.testing.assert_array_equal(again[0][0], x_train)
    np.testing.assert_array_equal(again[1][1], y_test)


def test_cifar10_from_network(dirs):
    data_root, _ = dirs
    arrays = (
        (np.zeros((3, 32, 32, 3), np.uint8), np.arange(3, dtype=np.uint8)),
        (np.ones((1, 32, 32, 3), np.uint8), np.array([9], np.uint8)),
    )
    (x_train, _), (_, y_test) = data.cifar10(download=lambda: arrays)
    assert x_train.shape == (3, 32, 32, 3) and y_test.tolist() == [9]
    assert leftovers(data_root) == ["cifar10.npz"]


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (cifar_members({"train": 2, "test": 0}), "in test/"),
        (cifar_members(broken="train/cat/9999.png"), "'cat': 3"),
    ],
)
def test_cifar10_bad_archives(dirs, monkeypatch, members, message):
    data_root, mirror = dirs
    spec = cifar_spec(make_zip(mirror / "c.zip", members))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    with pytest.raises(data.DataError, match=message):
        data.cifar10(spec, download=no_download)
    assert leftovers(data_root) == []


def test_cifar10_undecodable_png(dirs, monkeypatch):
    data_root, mirror = dirs
    members = cifar_members()
    members["train/cat/0001.png"] = b"garbage"
    spec = cifar_spec(make_zip(mirror / "c.zip", members))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    with pytest.raises(data.DataError, match="train/cat/0001.png is not a 32x32 image"):
        data.cifar10(spec, download=no_download)
    assert leftovers(data_root) == []


def test_cli_prints_one_line_error(dirs, capsys, monkeypatch):
    monkeypatch.setattr(data, "download_from_drive", no_download)
    assert data.main(["fetch", "brain_tumor"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: cannot fetch brain_tumor") and "\n" not in err


@pytest.mark.skipif(not os.environ.get(data.MIRROR_ENV), reason=f"{data.MIRROR_ENV} not set")
def test_real_mirror_full_counts():
    folder = data.brain_tumor_dir()
    counts = {k: len(v) for k, v in data.class_files(folder, ("no", "yes")).items()}
    assert counts == {"no": 1500, "yes": 1500}
    (x_train, y_train), (x_test, y_test) = data.cifar10()
    assert x_train.shape == (50000, 32, 32, 3) and x_test.shape == (10000, 32, 32, 3)
    assert np.bincount(y_train).tolist() == [5000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
