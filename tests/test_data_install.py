"""Installing Br35H: the mirror, Google Drive, the pinned GitHub commit, and what a failed or
killed fetch leaves behind (nothing)."""

import json
import os
import socket
from dataclasses import replace

import pytest
from data_fakes import (
    brain_members,
    brain_spec,
    class_members,
    github_archive,
    install_fake,
    jpeg_bytes,
    leftovers,
    make_zip,
    no_download,
    no_github,
    png_bytes,
)

from cnnlab import data
from cnnlab.data import folder as folder_room
from cnnlab.data import install, routes

pytestmark = pytest.mark.usefixtures("no_network")


def test_mirror_fetch_verifies_extracts_and_ignores_stray_folders(dirs, monkeypatch):
    data_root, mirror = dirs
    members = brain_members()
    spec = brain_spec(members, make_zip(mirror / "br.zip", members))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    folder = data.brain_tumor_dir(spec, download=no_download, github_download=no_github)
    assert folder == data_root / "brain_tumor"
    assert sorted(p.name for p in folder.iterdir()) == [data.MARKER, "no", "yes"]
    files = data.class_files(folder, spec.classes)
    assert {k: len(v) for k, v in files.items()} == {"no": 2, "yes": 2}
    record = json.loads((folder / data.MARKER).read_text())
    assert record["fingerprint"] == spec.fingerprint and sorted(record["files"]) == sorted(
        class_members()
    )
    assert data.unreadable_images(folder, spec) == []
    check = data.check_folder(folder, spec)
    assert check.readable_folder() == folder and check.details() == []
    assert check.summary() == "{'no': 2, 'yes': 2} unreadable: []"
    assert leftovers(data_root) == ["brain_tumor"]


def test_second_call_does_no_work_and_the_check_reads_no_file(dirs, monkeypatch):
    data_root, _ = dirs
    folder, spec = install_fake(dirs, monkeypatch)

    def must_not_run(*args, **kwargs):
        raise AssertionError("fetched, hashed or decoded again")

    monkeypatch.setattr(routes, "sha256_file", must_not_run)
    monkeypatch.setattr(install, "install_class_archive", must_not_run)
    monkeypatch.setattr(folder_room, "image_problem", must_not_run)
    monkeypatch.setattr(folder_room, "sha256_file", must_not_run)
    assert data.brain_tumor_dir(spec, download=must_not_run) == data_root / "brain_tumor"
    assert data.check_folder(folder, spec).counts() == {"no": 2, "yes": 2}


def test_drive_zip_with_top_folder_and_macos_litter_is_accepted(dirs):
    data_root, mirror = dirs
    members = brain_members(prefix="dataset/")
    members["__MACOSX/dataset/no/._no0.jpg"] = b"\x00\x05\x16\x07 apple double"
    members["dataset/yes/.DS_Store"] = b"\x00\x00\x00\x01Bud1"
    payload = make_zip(mirror / "d.zip", members).read_bytes()
    spec = brain_spec()
    folder = data.brain_tumor_dir(
        spec, download=lambda _id, out: out.write_bytes(payload), github_download=no_github
    )
    assert sorted(p.name for p in (folder / "yes").iterdir()) == ["y0.jpg", "y1.jpg"]
    assert data.check_folder(folder, spec).skipped == {}
    assert leftovers(data_root) == ["brain_tumor"]


def test_no_network_and_no_mirror_names_both_sources_and_the_variable(dirs):
    data_root, _ = dirs
    with pytest.raises(data.DataError) as info:
        data.brain_tumor_dir(download=no_download, github_download=no_github)
    message = str(info.value)
    assert data.MIRROR_ENV in message and "br35h.zip" in message and "\n" not in message
    assert "Google Drive: ConnectionError" in message and "GitHub: ConnectionError" in message
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

    with pytest.raises(data.DataError, match=message) as info:
        data.brain_tumor_dir(brain_spec(), download=fake_gdown, github_download=no_github)
    assert "\n" not in str(info.value)
    assert leftovers(data_root) == []


def test_corrupt_member_is_caught(dirs):
    data_root, mirror = dirs
    raw = bytearray(make_zip(mirror / "x.zip", {"no/a.jpg": b"A" * 400}).read_bytes())
    raw[raw.index(b"A" * 400) + 10] = ord("B")  # flips data under an unchanged CRC
    with pytest.raises(data.DataError, match="bad CRC"):
        data.brain_tumor_dir(
            download=lambda _id, out: out.write_bytes(bytes(raw)), github_download=no_github
        )
    assert leftovers(data_root) == []


def test_mirror_checksum_mismatch(dirs, monkeypatch):
    data_root, mirror = dirs
    archive = make_zip(mirror / "br35h.zip", brain_members())
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    with pytest.raises(data.DataError, match="SHA-256 .* expected bca89a77c4c3"):
        data.brain_tumor_dir(download=no_download, github_download=no_github)
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
    spec = brain_spec(archive=make_zip(mirror / "br.zip", members))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    with pytest.raises(data.DataError, match=message):
        data.brain_tumor_dir(spec, download=no_download, github_download=no_github)
    assert leftovers(data_root) == []


def test_unreadable_images_are_reported_by_path_and_listed(dirs, monkeypatch, capsys):
    _, mirror = dirs
    members = brain_members()
    members["no/no1.jpg"] = b"\xff\xd8 this is not really a jpeg"
    members["yes/y1.jpg"] = b"plain text in a class folder"
    spec = brain_spec(members, make_zip(mirror / "br.zip", members))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    folder = data.brain_tumor_dir(spec, download=no_download, github_download=no_github)
    assert data.unreadable_images(folder, spec) == [folder / "no/no1.jpg", folder / "yes/y1.jpg"]
    err = capsys.readouterr().err
    assert f"{folder / 'no/no1.jpg'} is not a readable image" in err


def test_mirror_content_mismatch_is_one_clear_error(dirs, monkeypatch):
    data_root, mirror = dirs
    archive = make_zip(mirror / "br.zip", class_members())
    spec = replace(brain_spec(archive=archive), fingerprint="0" * 64)
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    with pytest.raises(data.DataError, match="holds other files than the registry") as info:
        data.brain_tumor_dir(spec, download=no_download, github_download=no_github)
    assert "\n" not in str(info.value) and "not installed" in str(info.value)
    assert leftovers(data_root) == []


# --- Br35H: Google Drive, then the pinned GitHub commit ---------------------------------------


def drive_quota_page(file_id, output):
    output.write_bytes(b"<!DOCTYPE html><html><title>Google Drive - Quota exceeded</title>")


@pytest.mark.parametrize("drive", [no_download, drive_quota_page], ids=["raises", "quota page"])
def test_drive_fails_then_github_archive_is_repacked(dirs, capsys, drive):
    data_root, _ = dirs
    payload = make_zip(dirs[1] / "gh.zip", github_archive()).read_bytes()
    asked = []

    def fake_github(url, output):
        asked.append(url)
        output.write_bytes(payload)

    spec = brain_spec()
    folder = data.brain_tumor_dir(spec, download=drive, github_download=fake_github)
    assert asked == [data.BRAIN_TUMOR.github_archive] and "/archive/66833b9" in asked[0]
    assert sorted(p.relative_to(folder).as_posix() for p in folder.glob("*/*")) == [
        "no/no0.jpg",
        "no/no1.jpg",
        "yes/y0.jpg",
        "yes/y1.jpg",
    ]
    record = json.loads((folder / data.MARKER).read_text())
    assert record["source"] == "the GitHub download" and record["fingerprint"] == spec.fingerprint
    err = capsys.readouterr().err
    assert "Google Drive" in err and "trying GitHub" in err
    assert leftovers(data_root) == ["brain_tumor"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"yes/y1.jpg": jpeg_bytes(7)}, "holds other files than the registry"),
        ({"no/no0.jpg": b"version https://git-lfs.github.com/spec/v1\noid sha256:ab\n"}, "LFS"),
    ],
)
def test_github_content_mismatch_is_an_error(dirs, changes, message):
    data_root, mirror = dirs
    payload = make_zip(mirror / "gh.zip", github_archive(**changes)).read_bytes()
    with pytest.raises(data.DataError, match=message) as info:
        data.brain_tumor_dir(
            brain_spec(),
            download=no_download,
            github_download=lambda url, out: out.write_bytes(payload),
        )
    assert "\n" not in str(info.value) and "GitHub" in str(info.value)
    assert leftovers(data_root) == []


def test_drive_content_mismatch_takes_the_github_copy(dirs, capsys):
    data_root, mirror = dirs
    other = {**class_members(), "yes/y1.jpg": jpeg_bytes(7)}  # same layout, other bytes
    drive_payload = make_zip(mirror / "drive.zip", other).read_bytes()
    github_payload = make_zip(mirror / "gh.zip", github_archive()).read_bytes()
    spec = brain_spec()
    folder = data.brain_tumor_dir(
        spec,
        download=lambda _id, out: out.write_bytes(drive_payload),
        github_download=lambda _url, out: out.write_bytes(github_payload),
    )
    record = json.loads((folder / data.MARKER).read_text())
    assert record["source"] == "the GitHub download" and record["fingerprint"] == spec.fingerprint
    err = capsys.readouterr().err
    assert "holds other files than the registry" in err and "trying GitHub" in err
    assert "warning" not in err
    assert leftovers(data_root) == ["brain_tumor"]


def test_drive_content_mismatch_installs_with_a_one_line_warning(dirs, capsys, monkeypatch):
    """When GitHub fails too, the report's own (different) copy is better than none."""
    data_root, mirror = dirs
    other = {**class_members(), "yes/y1.jpg": jpeg_bytes(7)}  # same layout, other bytes
    payload = make_zip(mirror / "drive.zip", other).read_bytes()
    spec = brain_spec()
    folder = data.brain_tumor_dir(
        spec, download=lambda _id, out: out.write_bytes(payload), github_download=no_github
    )
    err = capsys.readouterr().err
    assert "kept in reserve" in err and "trying GitHub" in err
    assert "Failed to resolve 'github.com'; installing the Google Drive copy after all" in err
    warning = [line for line in err.splitlines() if "warning" in line]
    assert len(warning) == 1 and "results will not match the committed ones" in warning[0]
    check = data.check_folder(folder, spec)
    assert not check.matches_registry and "results will not match" in check.summary()
    monkeypatch.setitem(data.REGISTRY, "brain_tumor", spec)
    assert data.main(["verify", "brain_tumor"]) == 1
    assert "DOES NOT MATCH" in capsys.readouterr().out


def test_record_from_an_older_cnnlab_is_reverified_in_place(dirs, monkeypatch, capsys):
    folder, spec = install_fake(dirs, monkeypatch)
    (folder / data.MARKER).write_text(json.dumps({"counts": {"no": 2, "yes": 2}, "unreadable": []}))
    monkeypatch.delenv(data.MIRROR_ENV)
    assert data.brain_tumor_dir(spec, download=no_download, github_download=no_github) == folder
    record = json.loads((folder / data.MARKER).read_text())
    assert record["version"] == data.MARKER_VERSION and len(record["files"]) == 4
    assert "re-verified its files: matches the registry" in capsys.readouterr().err


# --- The source object and the scratch folder -----------------------------------------------


def test_an_archive_is_installed_as_its_source_says(dirs):
    data_root, mirror = dirs
    archive = make_zip(mirror / "gh.zip", github_archive())
    source = routes.Source(label="test", what="the test archive", images_only=True)
    folder = install.install_class_archive(archive, brain_spec(), source)
    assert json.loads((folder / data.MARKER).read_text())["source"] == "the test archive"
    assert sorted(p.name for p in (folder / "no").iterdir()) == ["no0.jpg", "no1.jpg"]
    with pytest.raises(data.ContentMismatch, match="the test archive holds .*: try another"):
        spec = brain_spec(fingerprint="0" * 64)
        install.install_class_archive(archive, spec, replace(source, remedy="try another"))


def test_downloads_go_to_a_scratch_folder_named_like_the_other_temporaries(dirs):
    data_root, _ = dirs
    seen = []

    def record_where(file_id, output):
        seen.append(output.parent.name)
        raise ConnectionError("Failed to resolve 'drive.google.com'")

    with pytest.raises(data.DataError):
        data.brain_tumor_dir(brain_spec(), download=record_where, github_download=no_github)
    assert seen[0].startswith(f".brain_tumor.scratch-{os.getpid()}@{socket.gethostname()}@")
    assert leftovers(data_root) == []


def test_a_killed_fetchs_scratch_folder_is_swept_by_the_next_fetch(dirs):
    data_root, mirror = dirs
    killed = data_root / f".brain_tumor.scratch-4194999@{socket.gethostname()}@x1"  # no such pid
    killed.mkdir(parents=True)
    (killed / "0.zip").write_bytes(b"PK\x03\x04 part of a large download")
    payload = make_zip(mirror / "gh.zip", github_archive()).read_bytes()
    data.brain_tumor_dir(
        brain_spec(),
        download=no_download,
        github_download=lambda url, out: out.write_bytes(payload),
    )
    assert leftovers(data_root) == ["brain_tumor"]
