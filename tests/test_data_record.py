"""The verification record: a content fingerprint independent of packing, a full decode of
every image, and the inventory a later check compares with."""

import pytest
from data_fakes import class_members, jpeg_bytes, png_bytes

from cnnlab import data
from cnnlab.data import record


def write_members(root, members):
    for name, payload in members.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(payload)


def test_the_content_fingerprint_ignores_the_order_files_come_in():
    digests = {"no/a.jpg": "1" * 64, "yes/b.jpg": "2" * 64}
    assert data.content_fingerprint(digests) == data.content_fingerprint(
        dict(reversed(digests.items()))
    )
    assert data.content_fingerprint(digests) != data.content_fingerprint({"no/a.jpg": "1" * 64})


@pytest.mark.parametrize(
    ("name", "payload", "problem"),
    [
        ("a.jpg", jpeg_bytes(1), None),
        ("a.png", png_bytes(), None),
        ("notes.txt", b"x", "not an image file (.txt)"),
        ("a.jpg", b"version https://git-lfs.github.com/spec/v1\n", "a Git LFS pointer"),
        ("a.jpg", b"plain text", "not an image (unrecognised content)"),
        ("a.jpg", jpeg_bytes(2)[:300], "does not decode"),
    ],
)
def test_image_problem_says_why_a_file_cannot_serve(tmp_path, name, payload, problem):
    path = tmp_path / name
    path.write_bytes(payload)
    found = data.image_problem(path)
    assert found == problem if problem is None else found.startswith(problem)


def test_the_record_inventories_every_file_and_checks_the_counts(tmp_path):
    members = {**class_members(), "no/broken.jpg": b"plain text"}
    write_members(tmp_path, members)
    loose = data.verify_class_folders(tmp_path, data.BRAIN_TUMOR, strict=False)
    assert loose["counts"] == {"no": 3, "yes": 2} and loose["unreadable"] == ["no/broken.jpg"]
    size, _, sha, problem = loose["files"]["no/broken.jpg"]
    assert size == 10 and len(sha) == 64 and problem.startswith("not an image")
    with pytest.raises(data.DataError, match="holds {'no': 3, 'yes': 2} files where 1500"):
        data.verify_class_folders(tmp_path, data.BRAIN_TUMOR, what="the archive")


def test_a_missing_or_unreadable_record_is_none(tmp_path):
    assert record.read_record(tmp_path) is None
    (tmp_path / data.MARKER).write_text("{half")
    assert record.read_record(tmp_path) is None
