"""The registry: each data set defined once, with its classes, image size, sources and
fingerprints. Every other room of :mod:`cnnlab.data` takes what it needs from an entry here,
and picks how to fetch and check a set by its ``form``, never by its name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# How a set lies on disk once installed, which decides how it is fetched and checked:
# one folder per class under data/<target>/, or arrays in one data/<target> file.
Form = Literal["class folders", "arrays"]

CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)


@dataclass(frozen=True)
class DataSet:
    """Where one data set comes from and what a good copy of it looks like."""

    name: str
    form: Form
    mirror_file: str
    sha256: str  # of the mirror archive's bytes
    fingerprint: str  # of the content, whatever the route (see the package docstring)
    classes: tuple[str, ...]
    per_class: dict[str, int]  # split folder ("" for none) -> files per class
    image_size: tuple[int, int]  # (height, width) the networks take
    drive_id: str | None = None
    github_archive: str | None = None  # a pinned-commit archive holding the class folders
    target: str = ""  # its name under data/


BRAIN_TUMOR = DataSet(
    name="brain_tumor",
    form="class folders",
    mirror_file="br35h.zip",
    sha256="bca89a77c4c35c2f36e7535b4e22f08c0d59ee87745a8ffa92beffad2d6f016c",
    fingerprint="3ebb1e4a1d65a40499ddd9cccc789cad02cea7455375c99dd6e69875c65fe79d",
    classes=("no", "yes"),
    per_class={"": 1500},
    # Br35H's scans come in many sizes; the pipelines resize every one to this.
    image_size=(256, 256),
    drive_id="1SCpVEdJ6_YOAcy2iW05ENlMh-OCcFz3P",
    github_archive=(
        "https://github.com/ArpitAggarwal10/"
        "Brain_Tumor_Detection_Using_MRI_Scans_Minor-Project/archive/66833b9.zip"
    ),
    target="brain_tumor",
)
CIFAR10 = DataSet(
    name="cifar10",
    form="arrays",
    mirror_file="cifar10-png.zip",
    sha256="04aa27f00f0a48b05a917d0453f554eb0684f05b5eee1f4ac48c24894778ab32",
    fingerprint="f79489b5f8745ec257b2264ee0538b7923734143019eb8de88519545b329a32b",
    classes=CIFAR10_CLASSES,
    per_class={"train": 5000, "test": 1000},
    image_size=(32, 32),
    target="cifar10.npz",
)
REGISTRY = {spec.name: spec for spec in (BRAIN_TUMOR, CIFAR10)}
