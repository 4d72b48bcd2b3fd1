"""The data layer on small archives the tests make themselves, and on the real mirror if set."""

import hashlib
import io
import json
import os
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnnlab import data, splits

ROOT = Path(__file__).resolve().parents[1]
REAL_MIRROR = pytest.mark.skipif(
    not os.environ.get(data.MIRROR_ENV), reason=f"{data.MIRROR_ENV} not set"
)
GITHUB_TOP = "Brain_Tumor_Detection_Using_MRI_Scans_Minor-Project-66833b9"


def png_bytes(size=(8, 8), value=0, mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, value).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(seed: int, size=(48, 48)) -> bytes:
    """A noisy grayscale JPEG: cutting it anywhere leaves a file Pillow cannot decode."""
    pixels = (np.random.default_rng(seed).random(size) * 255).astype("uint8")
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    return path


def image_name(label: str, i: int) -> str:
    return f"{label}{i}.jpg" if label == "no" else f"y{i}.jpg"  # Br35H's own names


def class_members(per_class=2) -> dict[str, bytes]:
    """The canonical layout: no/noN.jpg and yes/yN.jpg."""
    return {
        f"{label}/{image_name(label, i)}": jpeg_bytes(seed=100 * (label == "yes") + i)
        for label in ("no", "yes")
        for i in range(per_class)
    }


def brain_members(per_class=2, prefix="") -> dict[str, bytes]:
    members = {f"{prefix}{name}": payload for name, payload in class_members(per_class).items()}
    members[f"{prefix}.ipynb_checkpoints/stale.jpg"] = b"not an image"
    members[f"{prefix}pred/pred0.jpg"] = png_bytes()
    return members


def fingerprint_of(members: dict[str, bytes], prefix: str = "") -> str:
    """The expected content fingerprint of the class files among ``members``."""
    digests = {
        name[len(prefix) :]: hashlib.sha256(payload).hexdigest()
        for name, payload in members.items()
        if name.startswith(prefix) and name[len(prefix) :].split("/")[0] in ("no", "yes")
    }
    return data.content_fingerprint(digests)


def github_archive(per_class=2, **changes) -> dict[str, bytes]:
    """The repository's real layout: datasets/no, datasets/yes, plus its other folders."""
    top = f"{GITHUB_TOP}/"
    members = {f"{top}README.md": b"# Brain Tumor Detection Using MRI Scans\n"}
    members[f"{top}app.py"] = b"import flask\n"
    members[f"{top}archive/Br35H-Mask-RCNN/TRAIN/y0.jpg"] = jpeg_bytes(999)
    members[f"{top}archive/Br35H-Mask-RCNN/TRAIN/annotations_train/a.json"] = b"{}"
    members[f"{top}pred/pred0.jpg"] = jpeg_bytes(998)
    members[f"{top}images/logo.png"] = png_bytes()
    for name, payload in class_members(per_class).items():
        members[f"{top}datasets/{name}"] = payload
    members[f"{top}datasets/no/desktop.ini"] = b"[.ShellClassInfo]\n"  # not an image: left out
    members.update({f"{top}datasets/{k}": v for k, v in changes.items()})
    return members


def brain_spec(members: dict[str, bytes] | None = None, archive: Path | None = None, **changes):
    """BRAIN_TUMOR for a 2-per-class fake: its fingerprint, and the mirror archive's SHA-256."""
    members = members if members is not None else class_members()
    changes = {"fingerprint": fingerprint_of(members), **changes}
    spec = replace(data.BRAIN_TUMOR, per_class={"": 2}, **changes)
    if archive is not None:
        sha = hashlib.sha256(archive.read_bytes()).hexdigest()
        spec = replace(spec, sha256=sha, mirror_file=archive.name)
    return spec


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Every download a test does not fake fails as it would offline."""

    def offline(*args, **kwargs):
        raise ConnectionError("no network in the tests")

    monkeypatch.setattr(data, "download_from_drive", offline)
    monkeypatch.setattr(data, "download_from_github", offline)


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


def no_github(url, output):
    raise ConnectionError("Failed to resolve 'github.com'")


def install_fake(dirs, monkeypatch, per_class=2):
    """A fake Br35H installed from a fake mirror; returns (folder, spec)."""
    _, mirror = dirs
    members = class_members(per_class)
    archive = make_zip(mirror / "br.zip", members)
    spec = replace(brain_spec(members, archive), per_class={"": per_class})
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    return data.brain_tumor_dir(spec, download=no_download, github_download=no_github), spec


# --- Br35H: fetching and installing ---------------------------------------------------------


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

    for name in ("sha256_of", "install_class_archive", "image_problem", "sha256_file"):
        monkeypatch.setattr(data, name, must_not_run)
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


# --- Br35H: what lies in the folder at run time ---------------------------------------------


def damage(folder: Path) -> None:
    """A stray text file, an image truncated after installation, and a deleted image."""
    (folder / "no" / "notes.txt").write_text("scanner settings\n")
    truncated = folder / "yes" / "y1.jpg"
    whole = truncated.read_bytes()
    truncated.unlink()  # a new file: a hard-linked original elsewhere stays intact
    truncated.write_bytes(whole[: len(whole) // 2])
    (folder / "no" / "no2.jpg").unlink()


def test_damaged_folder_is_listed_and_left_out(dirs, monkeypatch):
    folder, spec = install_fake(dirs, monkeypatch, per_class=3)
    damage(folder)
    decoded = []
    real_problem = data.image_problem
    monkeypatch.setattr(data, "image_problem", lambda p: decoded.append(p.name) or real_problem(p))

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

    monkeypatch.setattr(data, "image_problem", must_not_decode)
    check = data.check_folder(folder, spec)
    assert not check.changed_since_verification() and check.details() == []


def test_fetch_rechecks_a_changed_folder_and_says_what_changed(dirs, monkeypatch, capsys):
    folder, spec = install_fake(dirs, monkeypatch, per_class=3)
    monkeypatch.setitem(data.REGISTRY, "brain_tumor", spec)
    assert data.main(["fetch", "brain_tumor"]) == 0
    assert "changed since" not in capsys.readouterr().out

    damage(folder)
    assert data.main(["fetch", "brain_tumor"]) == 0
    out = capsys.readouterr().out
    assert (
        f"brain_tumor: {folder} changed since it was verified (1 new, 1 changed, 1 missing" in out
    )
    assert "  skipped no/notes.txt: not an image file (.txt)" in out
    assert "  skipped yes/y1.jpg: does not decode" in out
    assert "  missing no/no2.jpg: deleted since verification" in out
    assert "brain_tumor: {'no': 2, 'yes': 2} usable images" in out


def test_split_leaves_out_what_the_check_skips(dirs, monkeypatch):
    folder, spec = install_fake(dirs, monkeypatch, per_class=3)
    damage(folder)
    check = data.check_folder(folder, spec)
    manifest_path = folder.parent / "split.json"
    manifest = splits.load_or_build_split(
        folder, manifest_path, spec.classes, check.skipped_paths(), seed=0
    )
    assert manifest.files == ["no/no0.jpg", "no/no1.jpg", "yes/y0.jpg", "yes/y2.jpg"]
    assert manifest.unreadable == ["no/notes.txt", "yes/y1.jpg"]
    view = check.readable_folder()
    linked = sorted(view.glob("*/*"))
    np.testing.assert_array_equal(manifest.hashes_of(folder, linked), manifest.hashes)


# --- CIFAR-10 -----------------------------------------------------------------------------


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


def cifar_arrays(per_split=None):
    """The images of cifar_members, as keras.datasets would return them: another order."""
    per_split = per_split or {"train": 2, "test": 1}
    result = []
    for split, n in per_split.items():
        images = [
            np.asarray(Image.new("RGB", (32, 32), (label, i, 0)), dtype=np.uint8)
            for label in range(10)
            for i in range(n)
        ]
        labels = [label for label in range(10) for _ in range(n)]
        order = np.random.default_rng(len(split)).permutation(len(labels))[::-1]
        x = np.stack(images)[order]
        y = np.array(labels, dtype=np.uint8)[order].reshape(-1, 1)  # keras: shape (n, 1)
        result.append((x, y))
    return tuple(result)


def cifar_spec(archive: Path | None = None, **changes) -> data.DataSet:
    train, test = data.canonical_cifar10(*cifar_arrays())
    changes = {"fingerprint": data.cifar10_fingerprint(train, test), **changes}
    spec = replace(data.CIFAR10, per_class={"train": 2, "test": 1}, **changes)
    if archive is not None:
        spec = replace(spec, sha256=hashlib.sha256(archive.read_bytes()).hexdigest())
        spec = replace(spec, mirror_file=archive.name)
    return spec


def test_both_cifar10_routes_give_byte_identical_arrays(dirs, monkeypatch, tmp_path):
    data_root, mirror = dirs
    spec = cifar_spec(make_zip(mirror / "c.zip", cifar_members()))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    from_mirror = data.cifar10(spec, download=no_download)

    monkeypatch.delenv(data.MIRROR_ENV)
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path / "other"))
    raw = cifar_arrays()
    assert not np.array_equal(raw[0][0], from_mirror[0][0])  # the loader's order differs
    from_keras = data.cifar10(spec, download=lambda: raw)

    for (a, b), (c, d) in zip(from_mirror, from_keras, strict=True):
        assert a.tobytes() == c.tobytes() and b.tobytes() == d.tobytes()
        assert a.dtype == c.dtype == np.uint8 and b.shape == d.shape
    first = (data_root / "cifar10.npz").read_bytes()
    assert first == (tmp_path / "other" / "cifar10.npz").read_bytes()


def test_canonical_order_is_total_and_source_independent():
    image = np.zeros((1, 32, 32, 3), np.uint8)
    images = np.concatenate([image, image, image + 1])
    labels = np.array([7, 3, 0], np.uint8)
    x, y = data.canonical_cifar10((images, labels), (images[:1], labels[:1]))[0]
    assert y[np.all(x == 0, axis=(1, 2, 3))].tolist() == [3, 7]  # equal pixels: by label
    permuted = data.canonical_cifar10((images[::-1], labels[::-1]), (images[:1], labels[:1]))
    assert permuted[0][0].tobytes() == x.tobytes() and permuted[0][1].tobytes() == y.tobytes()


def test_cifar10_from_png_mirror_is_cached_and_reloaded(dirs, monkeypatch):
    data_root, mirror = dirs
    spec = cifar_spec(make_zip(mirror / "c.zip", cifar_members()))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    (x_train, y_train), (x_test, y_test) = data.cifar10(spec, download=no_download)
    assert x_train.shape == (20, 32, 32, 3) and x_test.shape == (10, 32, 32, 3)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [2] * 10
    np.testing.assert_array_equal(x_train[:, 0, 0, 0], y_train)  # the pixel encodes the label
    assert leftovers(data_root) == ["cifar10.npz"]
    assert oct((data_root / "cifar10.npz").stat().st_mode & 0o777) == oct(0o666 & ~umask())

    (mirror / "c.zip").unlink()
    again = data.cifar10(spec, download=no_download)
    np.testing.assert_array_equal(again[0][0], x_train)
    np.testing.assert_array_equal(again[1][1], y_test)


def umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def test_cifar10_from_network(dirs):
    data_root, _ = dirs
    (x_train, _), (_, y_test) = data.cifar10(cifar_spec(), download=cifar_arrays)
    assert x_train.shape == (20, 32, 32, 3) and y_test.shape == (10,)
    assert leftovers(data_root) == ["cifar10.npz"]


def test_cifar10_mirror_content_mismatch(dirs, monkeypatch):
    data_root, mirror = dirs
    archive = make_zip(mirror / "c.zip", cifar_members())
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    with pytest.raises(data.DataError, match=r"c\.zip holds other arrays .*replace it") as info:
        data.cifar10(cifar_spec(archive, fingerprint="0" * 64), download=no_download)
    assert "\n" not in str(info.value) and leftovers(data_root) == []


def test_cifar10_download_content_mismatch(dirs):
    data_root, _ = dirs
    (x_train, y_train), test = cifar_arrays()
    x_train = x_train.copy()
    x_train[0, 0, 0, 0] ^= 1  # one pixel differs from the registry's data set
    with pytest.raises(data.DataError, match="keras.datasets download holds other arrays") as info:
        data.cifar10(cifar_spec(), download=lambda: ((x_train, y_train), test))
    assert "\n" not in str(info.value) and leftovers(data_root) == []


@pytest.mark.parametrize("kind", ["stale order", "not a cache"])
def test_cifar10_mismatching_cache_says_delete_and_fetch_again(dirs, kind, capsys):
    data_root, _ = dirs
    cache = data_root / "cifar10.npz"
    data_root.mkdir(parents=True)
    if kind == "stale order":  # what an older cnnlab wrote: the same arrays, another order
        (x_train, y_train), (x_test, y_test) = cifar_arrays()
        arrays = {"x_train": x_train, "y_train": y_train.ravel()}
        np.savez_compressed(cache, **arrays, x_test=x_test, y_test=y_test.ravel())
    else:
        cache.write_bytes(b"PK\x03\x04 half a zip")
    with pytest.raises(data.DataError, match="delete it and fetch again") as info:
        data.cifar10(cifar_spec(), download=cifar_arrays)
    assert str(cache) in str(info.value) and "\n" not in str(info.value)
    assert cache.exists()  # the user's file is not touched: the message says what to do


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


# --- Command line ---------------------------------------------------------------------------


def test_cli_prints_one_line_error(dirs, capsys):
    assert data.main(["fetch", "brain_tumor"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: cannot fetch brain_tumor") and data.MIRROR_ENV in err[-1]


def test_verify_prints_expected_and_actual_and_fails_on_a_mismatch(dirs, monkeypatch, capsys):
    data_root, _ = dirs
    folder, spec = install_fake(dirs, monkeypatch)
    monkeypatch.setitem(data.REGISTRY, "brain_tumor", spec)
    monkeypatch.setitem(data.REGISTRY, "cifar10", cifar_spec())
    assert data.main(["verify"]) == 1  # CIFAR-10 is not there yet
    out = capsys.readouterr().out
    assert f"brain_tumor: matches ({folder})\n  expected {spec.fingerprint}\n" in out
    assert f"  actual   {spec.fingerprint}\n" in out
    assert "cifar10: not installed (run `make data`)" in out

    data.cifar10(data.REGISTRY["cifar10"], download=cifar_arrays)
    assert data.main(["verify"]) == 0
    assert "cifar10: matches" in capsys.readouterr().out

    (folder / "no" / "notes.txt").write_text("x")
    assert data.main(["verify", "brain_tumor"]) == 1
    out = capsys.readouterr().out
    assert "brain_tumor: DOES NOT MATCH" in out and "skipped no/notes.txt" in out
    actual = out.split("actual   ")[1].split()[0]
    assert len(actual) == 64 and actual != spec.fingerprint


# --- The real data sets (only where the mirror is) ------------------------------------------


@REAL_MIRROR
def test_real_mirror_full_counts():
    folder = data.brain_tumor_dir()
    counts = {k: len(v) for k, v in data.class_files(folder, ("no", "yes")).items()}
    assert counts == {"no": 1500, "yes": 1500}
    (x_train, y_train), (x_test, y_test) = data.cifar10()
    assert x_train.shape == (50000, 32, 32, 3) and x_test.shape == (10000, 32, 32, 3)
    assert np.bincount(y_train).tolist() == [5000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10


@REAL_MIRROR
def test_real_cifar10_mirror_has_the_registry_fingerprint_in_any_source_order():
    archive = data.verified_mirror_archive(data.CIFAR10)
    train, test = data.read_cifar10_archive(archive)
    assert data.cifar10_fingerprint(train, test) == data.CIFAR10.fingerprint
    # The same arrays handed over in another order (as keras.datasets would) canonicalise back.
    order = np.random.default_rng(0).permutation(len(train[1]))
    shuffled = data.canonical_cifar10((train[0][order], train[1][order].reshape(-1, 1)), test)
    assert data.cifar10_fingerprint(*shuffled) == data.CIFAR10.fingerprint


@pytest.fixture(scope="module")
def damaged_real_copy(tmp_path_factory):
    """One installed Br35H (data/, as `make data` leaves it), cloned by hard links and damaged."""
    installed = data.brain_tumor_dir()
    assert data.check_folder(installed).details() == []
    data_root = tmp_path_factory.mktemp("damaged") / "data"

    def link_or_copy(source, target):
        try:
            os.link(source, target)  # same inode: the record's sizes and mtimes still hold
        except OSError:
            shutil.copy2(source, target)

    shutil.copytree(installed, data_root / "brain_tumor", copy_function=link_or_copy)
    folder = data_root / "brain_tumor"
    (folder / "no" / "notes.txt").write_text("scanner settings\n")
    truncated = folder / "yes" / "y7.jpg"
    whole = truncated.read_bytes()
    truncated.unlink()  # never write through the hard link: data/ must stay intact
    truncated.write_bytes(whole[: len(whole) // 2])
    (folder / "no" / "no5.jpg").unlink()
    return data_root


@REAL_MIRROR
def test_real_damaged_copy_is_rechecked_by_fetch(damaged_real_copy, monkeypatch, capsys):
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(damaged_real_copy))
    assert data.main(["fetch", "brain_tumor"]) == 0
    out = capsys.readouterr().out
    assert "changed since it was verified (1 new, 1 changed, 1 missing files)" in out
    assert "brain_tumor: {'no': 1499, 'yes': 1499} usable images" in out


@REAL_MIRROR
def test_notebook_03_completes_on_a_damaged_copy_and_lists_what_it_skipped(
    damaged_real_copy, tmp_path, monkeypatch
):
    import papermill as pm

    monkeypatch.setenv("CNNLAB_DATA_DIR", str(damaged_real_copy))
    monkeypatch.setenv("CNNLAB_PROFILE", "smoke")
    work = tmp_path / "work"
    work.mkdir()
    (work / "pyproject.toml").write_text("")  # the run's metrics go to work/build, not reports/
    output = work / "03_brain_tumor_cnn.ipynb"
    pm.execute_notebook(
        str(ROOT / "notebooks" / "03_brain_tumor_cnn.ipynb"),
        str(output),
        cwd=str(work),
        kernel_name="python3",
        progress_bar=False,
    )
    cells = json.loads(output.read_text())["cells"]
    text = "".join(
        "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
        for cell in cells
        for out in cell.get("outputs", [])
    )
    assert "{'no': 1499, 'yes': 1499} unreadable: ['no/notes.txt', 'yes/y7.jpg']" in text
    assert "skipped no/notes.txt: not an image file (.txt) (new since verification)" in text
    assert "skipped yes/y7.jpg: does not decode" in text
    assert "missing no/no5.jpg: deleted since verification" in text
    assert "Found 2998 files belonging to 2 classes." in text
    assert "images                    2998" in text  # the split's near-duplicate table
