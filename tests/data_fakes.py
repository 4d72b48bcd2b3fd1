"""Small fake data sets the data tests build themselves: archives, specs and damaged folders."""

import hashlib
import io
import os
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image

from cnnlab import data

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


def damage(folder: Path) -> None:
    """A stray text file, an image truncated after installation, and a deleted image."""
    (folder / "no" / "notes.txt").write_text("scanner settings\n")
    truncated = folder / "yes" / "y1.jpg"
    whole = truncated.read_bytes()
    truncated.unlink()  # a new file: a hard-linked original elsewhere stays intact
    truncated.write_bytes(whole[: len(whole) // 2])
    (folder / "no" / "no2.jpg").unlink()


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


def umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
