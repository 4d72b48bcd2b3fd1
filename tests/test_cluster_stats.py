"""Group-bootstrap statistics widen with clustering as they should, and refuse bad input."""

import time

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from cnnlab import cluster_stats
from cnnlab.cluster_stats import group_accuracy, group_auc, group_paired_accuracy
from cnnlab.stats import mcnemar


def clustered(rng, p, clusters=200, largest=10):
    """Group ids and right/wrong per image: each cluster (1 to ``largest`` images) shares one
    verdict, right with probability ``p``."""
    sizes = rng.integers(1, largest + 1, clusters)
    groups = np.repeat(np.arange(clusters), sizes)
    return groups, np.repeat(rng.random(clusters) < p, sizes)


def labels_and_predictions(right):
    """All labels 0; a prediction is right where ``right`` says so."""
    y = np.zeros(right.size, dtype=int)
    return y, np.where(right, 0, 1)


def test_group_interval_is_wider_than_wilson_and_matches_the_simulated_spread():
    # 300 test sets drawn from one clustered population with accuracy 0.9: the spread of their
    # accuracies is the truth that each set's interval has to estimate from that set alone.
    rng, p = np.random.default_rng(0), 0.9
    accuracies, boot_sd, covered, wilson_covered, width_ratio = [], [], 0, 0, []
    for seed in range(300):
        groups, right = clustered(rng, p)
        result = group_accuracy(*labels_and_predictions(right), groups, resamples=1000, seed=seed)
        wilson = result.iid
        accuracies.append(result.value)
        boot_sd.append(np.sqrt(result.design_effect * result.value * (1 - result.value) / result.n))
        covered += result.low <= p <= result.high
        wilson_covered += wilson.low <= p <= wilson.high
        width_ratio.append((result.high - result.low) / (wilson.high - wilson.low))
    true_sd = np.std(accuracies)
    assert np.mean(boot_sd) == pytest.approx(true_sd, rel=0.15)
    assert min(width_ratio) > 1.3  # clusters of 5.5 images on average: every interval wider
    # Nominal 95%; percentile intervals from 200 clusters run a little short (measured 92.7%).
    assert covered / 300 >= 0.88
    assert wilson_covered / 300 <= 0.75  # measured 51%: the iid interval is far too narrow


def test_with_one_image_per_group_it_agrees_with_wilson():
    # Tolerance 0.6 points per end: the percentile interval is centred on the accuracy, the
    # Wilson interval pulled towards 50%; measured differences here 0.2-0.4 points.
    for correct in (300, 400, 426, 438):
        right = np.arange(450) < correct
        result = group_accuracy(*labels_and_predictions(right), np.arange(450))
        assert result.low == pytest.approx(result.iid.low, abs=0.006)
        assert result.high == pytest.approx(result.iid.high, abs=0.006)
        assert result.design_effect == pytest.approx(1.0, abs=0.05)


def test_groups_sharing_their_verdict_count_as_one_image_each():
    # 100 groups of 4 identical verdicts: the design effect is the group size, n_eff 100.
    right = np.repeat(np.arange(100) % 10 != 0, 4)
    result = group_accuracy(*labels_and_predictions(right), np.repeat(np.arange(100), 4))
    assert result.design_effect == pytest.approx(4.0, rel=0.05)
    assert result.effective_n == pytest.approx(100, rel=0.05)
    assert str(result) == f"90.00% [{result.low:.1%}, {result.high:.1%}]"
    assert str(result.iid) == "90.00% [86.7%, 92.6%]"


def test_all_right_gives_a_point_interval_and_no_design_effect():
    result = group_accuracy(np.zeros(6), np.zeros(6), [0, 0, 1, 1, 2, 2])
    assert (result.low, result.high) == (1.0, 1.0) and np.isnan(result.design_effect)


def test_results_repeat_for_a_seed_and_move_little_with_another():
    rng = np.random.default_rng(1)
    groups, right = clustered(rng, 0.9)
    y, predicted = labels_and_predictions(right)
    scores = rng.normal(size=right.size)
    y_auc = np.repeat(rng.integers(0, 2, 200), np.bincount(groups))
    for call in (
        lambda seed: group_accuracy(y, predicted, groups, seed=seed),
        lambda seed: group_auc(y_auc, scores, groups, seed=seed),
        lambda seed: group_paired_accuracy(y, predicted, 1 - predicted, groups, seed=seed),
    ):
        first, again, other = call(7), call(7), call(8)
        assert first == again
        assert (other.low, other.high) == pytest.approx((first.low, first.high), abs=0.01)


def test_auc_is_sklearns_and_each_resample_weights_the_images_of_the_groups_drawn():
    rng = np.random.default_rng(3)
    sizes = rng.integers(1, 5, 30)
    groups = np.repeat(np.arange(30) * 7 + 3, sizes)  # any ids, not 0..G-1
    y = np.repeat(rng.integers(0, 2, 30), sizes)
    scores = np.round(rng.normal(y, 1.0), 1)  # rounded: ties count half
    result = group_auc(y, scores, groups, resamples=200, seed=4)
    assert result.value == roc_auc_score(y, scores)
    # The same resamples, each scored by scikit-learn with images weighted by their draws.
    index = np.unique(groups, return_inverse=True)[1]
    by_sklearn = [
        roc_auc_score(y, scores, sample_weight=counts[index])
        for counts in cluster_stats._draw_counts(30, 200, 4)
        if counts[index][y == 1].sum() and counts[index][y == 0].sum()
    ]
    ends = np.quantile(by_sklearn, [0.025, 0.975])
    assert (result.low, result.high) == pytest.approx(tuple(ends))
    assert result.skipped == 200 - len(by_sklearn)


def test_auc_counts_resamples_without_both_classes():
    # Positives in 2 of 12 groups: a resample misses both with probability (10/12)^12 = 11%.
    groups = np.repeat(np.arange(12), 3)
    y = (groups < 2).astype(int)
    result = group_auc(y, np.linspace(1, 0, 36), groups, resamples=4000)
    assert result.skipped / result.resamples == pytest.approx((10 / 12) ** 12, abs=0.02)
    assert str(result) == f"1.000 [{result.low:.3f}, {result.high:.3f}]"


def test_auc_interval_widens_with_groups():
    rng = np.random.default_rng(2)
    groups, _ = clustered(rng, 0.5)
    y = np.repeat(rng.integers(0, 2, 200), np.bincount(groups))
    scores = np.repeat(rng.normal(size=200), np.bincount(groups)) + y  # shared within groups
    by_group = group_auc(y, scores, groups, resamples=2000)
    by_image = group_auc(y, scores, np.arange(y.size), resamples=2000)
    assert by_group.value == by_image.value
    assert by_group.high - by_group.low > 1.5 * (by_image.high - by_image.low)


def test_paired_comparison_finds_a_real_difference_and_none_between_identical_models():
    rng = np.random.default_rng(4)
    groups, right = clustered(rng, 0.75)
    better = right | np.repeat(rng.random(200) < 0.6, np.bincount(groups))  # ~15 points more
    y, first = labels_and_predictions(right)
    second = labels_and_predictions(better)[1]
    result = group_paired_accuracy(y, first, second, groups)
    assert result.p_value < 0.001 and result.low > 0.05
    assert result.low <= result.difference <= result.high
    assert str(result).startswith(f"{100 * result.difference:+.2f} points [")
    same = group_paired_accuracy(y, first, first, groups)
    assert (same.p_value, same.low, same.high, same.difference) == (1.0, 0.0, 0.0, 0.0)


def test_paired_comparison_sees_that_one_group_is_one_piece_of_evidence():
    # The models differ on 20 images that are one group: McNemar counts 20 disagreements, the
    # group bootstrap one group, left out of ~37% of resamples.
    groups = np.r_[np.arange(200), np.full(20, 200)]
    y = np.zeros(220, dtype=int)
    second = y.copy()
    first = np.r_[np.zeros(200, dtype=int), np.ones(20, dtype=int)]
    independent, grouped = (
        mcnemar(y, first, second),
        group_paired_accuracy(y, first, second, groups),
    )
    assert independent.p_value < 1e-5
    assert grouped.p_value > 0.5
    # Both results are read by one rule: significant for McNemar, not for the group bootstrap.
    assert independent.significant()
    assert not grouped.significant()
    assert grouped.verdict().startswith("within what")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: group_accuracy([0, 1, 1], [0, 1], [0, 1, 2]), "y_pred has 2 entries but groups"),
        (lambda: group_accuracy([], [], []), "no test images"),
        (lambda: group_accuracy([0, 1], [0, 1], [5, 5]), "all images are in one group"),
        (lambda: group_accuracy([0, 1], [0, 1], [0, 1], confidence=95), "confidence must lie"),
        (lambda: group_accuracy([0, 1], [0, 1], [0, 1], resamples=0), "resamples must be"),
        (lambda: group_auc([1, 1, 1], [0.1, 0.2, 0.3], [0, 1, 2]), "only class 1"),
        (lambda: group_auc([0, 1, 2], [0.1, 0.2, 0.3], [0, 1, 2]), "labels 0 and 1, got"),
        (lambda: group_auc([0, 1], [0.2, 0.1], [0, 1, 2]), "y_true has 2 entries"),
        (lambda: group_paired_accuracy([0, 1], [0, 1], [1], [0, 1]), "second has 1 entries"),
    ],
)
def test_bad_input_is_refused_in_one_line_that_names_the_problem(call, message):
    with pytest.raises(ValueError, match=message) as error:
        call()
    assert "\n" not in str(error.value)


def test_a_test_set_of_450_images_takes_well_under_a_second():
    rng = np.random.default_rng(5)
    groups, right = clustered(rng, 0.95, clusters=82)  # ~450 images, as in notebook 03
    y, predicted = labels_and_predictions(right)
    y_auc = rng.integers(0, 2, right.size)
    start = time.perf_counter()
    group_accuracy(y, predicted, groups)
    group_auc(y_auc, rng.normal(size=right.size), groups)
    group_paired_accuracy(y, predicted, 1 - predicted, groups)
    # All three at 10,000 resamples take ~0.15 s here; a loop over resamples takes ~10 s. The
    # bound leaves room for a busy shared machine.
    assert time.perf_counter() - start < 2.0
