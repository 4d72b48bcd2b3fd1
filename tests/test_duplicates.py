"""Near-duplicate detection: Hamming distances, transitive groups, copies across sets."""

import numpy as np

from cnnlab import duplicates, near_copies


def random_bits(n, rng, bits=256):
    return rng.random((n, bits)) < 0.5


def test_hamming_matrix_counts_differing_bits():
    a = np.array([[0, 0, 1, 1], [1, 0, 0, 0]], dtype=bool)
    b = np.array([[0, 1, 1, 1]], dtype=bool)
    assert near_copies.hamming_matrix(a, b).tolist() == [[1], [4]]


def test_groups_are_transitive_and_respect_the_threshold():
    rng = np.random.default_rng(0)
    base = random_bits(3, rng)
    near = base[0].copy()
    near[:5] ^= True  # 5 bits from image 0
    chain = near.copy()
    chain[5:10] ^= True  # 5 bits from `near`, 10 from image 0
    hashes = np.vstack([base, near, chain])
    groups = near_copies.near_duplicate_groups(hashes, threshold=5)
    assert groups[0] == groups[3] == groups[4]
    assert len({groups[0], groups[1], groups[2]}) == 3


def test_near_copy_counts_and_summary():
    rng = np.random.default_rng(1)
    train = random_bits(4, rng)
    query = np.vstack([train[2] ^ (np.arange(256) < 3), random_bits(1, rng)])
    assert duplicates.near_copy_counts(query, train).tolist() == [1, 0]
    groups = np.array([0, 0, 1, 2, 2, 2])
    labels = np.array([0, 0, 1, 1, 0, 1])
    assert duplicates.duplicate_summary(labels, groups) == {
        "images": 6,
        "groups with near-copies": 2,
        "images in those groups": 5,
        "extra copies": 3,
        "largest group": 3,
        "groups mixing classes": 1,
    }


def test_image_digests_follow_content_and_order():
    batch = np.zeros((3, 2, 2, 1), dtype=np.uint8)
    batch[1] = 7
    digests = duplicates.image_digests([(batch, None), (batch[:1], None)])
    assert len(digests) == 4 and digests[0] == digests[2] == digests[3] != digests[1]


def test_with_near_copy_counts_queries_not_pairs():
    rng = np.random.default_rng(2)
    reference = random_bits(3, rng)
    query = np.vstack([reference[0], reference[0], random_bits(1, rng)])
    reference = np.vstack([reference, reference[0]])  # two copies of the first: still one query
    assert duplicates.with_near_copy(query, reference) == 2
