"""Near-duplicate grouping, the group-aware split, its manifest, and the stratified hold-out."""

import json

import numpy as np
from PIL import Image

from cnnlab import splits


def random_bits(n, rng, bits=256):
    return rng.random((n, bits)) < 0.5


def test_hamming_matrix_counts_differing_bits():
    a = np.array([[0, 0, 1, 1], [1, 0, 0, 0]], dtype=bool)
    b = np.array([[0, 1, 1, 1]], dtype=bool)
    assert splits.hamming_matrix(a, b).tolist() == [[1], [4]]


def test_groups_are_transitive_and_respect_the_threshold():
    rng = np.random.default_rng(0)
    base = random_bits(3, rng)
    near = base[0].copy()
    near[:5] ^= True  # 5 bits from image 0
    chain = near.copy()
    chain[5:10] ^= True  # 5 bits from `near`, 10 from image 0
    hashes = np.vstack([base, near, chain])
    groups = splits.near_duplicate_groups(hashes, threshold=5)
    assert groups[0] == groups[3] == groups[4]
    assert len({groups[0], groups[1], groups[2]}) == 3


def test_group_split_keeps_groups_whole_and_stratifies():
    rng = np.random.default_rng(1)
    labels = np.repeat([0, 1], 200)
    groups = np.concatenate([rng.integers(0, 60, 200), rng.integers(60, 120, 200)])
    split = splits.group_split(labels, groups, seed=3)
    for g in np.unique(groups):
        assert len(set(split[groups == g])) == 1
    for label in (0, 1):
        share = np.mean(split[labels == label] == "test")
        assert 0.10 <= share <= 0.20


def test_group_mixing_classes_still_lands_in_one_split():
    labels = np.array([0, 0, 1, 1, 0, 1])
    groups = np.array([0, 0, 0, 1, 2, 3])
    split = splits.group_split(labels, groups, seed=0, fractions={"train": 0.5, "test": 0.5})
    assert len(set(split[groups == 0])) == 1


def write_images(root, rng):
    for name in ("no", "yes"):
        (root / name).mkdir(parents=True)
        for i in range(6):
            pixels = (rng.random((40, 40)) * 255).astype("uint8")
            Image.fromarray(pixels).save(root / name / f"{name}{i}.png")
            if i == 0:  # a near-copy: same picture, slightly brighter, saved again
                Image.fromarray(np.clip(pixels.astype(int) + 3, 0, 255).astype("uint8")).save(
                    root / name / f"{name}{i}_copy.png"
                )


def test_manifest_groups_real_near_copies_and_is_reused(tmp_path):
    root, manifest_path = tmp_path / "set", tmp_path / "split.json"
    write_images(root, np.random.default_rng(2))
    first = splits.load_or_build_split(root, manifest_path, ("no", "yes"), [], seed=0)
    row = {f: i for i, f in enumerate(first.files)}
    assert first.groups[row["no/no0.png"]] == first.groups[row["no/no0_copy.png"]]
    assert first.groups[row["no/no0.png"]] != first.groups[row["no/no1.png"]]
    assert splits.duplicate_summary(first.labels, first.groups)["extra copies"] == 2

    stored = json.loads(manifest_path.read_text())
    stored["rows"][0]["split"] = "marker"  # proves the stored file is what comes back
    manifest_path.write_text(json.dumps(stored))
    again = splits.load_or_build_split(root, manifest_path, ("no", "yes"), [], seed=0)
    assert again.split[0] == "marker"
    np.testing.assert_array_equal(again.hashes, first.hashes)

    (root / "yes" / "yes5.png").unlink()  # the folder changed: the manifest is rebuilt
    rebuilt = splits.load_or_build_split(root, manifest_path, ("no", "yes"), [], seed=0)
    assert "marker" not in set(rebuilt.split) and len(rebuilt.files) == 13


def test_unreadable_files_are_left_out(tmp_path):
    root = tmp_path / "set"
    write_images(root, np.random.default_rng(4))
    bad = root / "no" / "broken.png"
    bad.write_bytes(b"not an image")
    manifest = splits.load_or_build_split(root, tmp_path / "m.json", ("no", "yes"), [bad], 0)
    assert "no/broken.png" not in manifest.files and manifest.unreadable == ["no/broken.png"]


def test_stratified_holdout():
    labels = np.repeat(np.arange(10), 50)
    kept, held = splits.stratified_holdout(labels, 100, seed=0)
    assert len(held) == 100 and len(kept) == 400
    assert np.bincount(labels[held]).tolist() == [10] * 10
    assert not set(kept) & set(held)
    again = splits.stratified_holdout(labels, 100, seed=0)
    np.testing.assert_array_equal(again[1], held)
