"""Wilson intervals and McNemar's exact test agree with known values and refuse bad input."""

import numpy as np
import pytest

from cnnlab.stats import (
    accuracy_interval,
    accuracy_of,
    mcnemar,
    paired_runs,
    standard_deviation_interval,
    wald_interval,
)


def test_wilson_interval_matches_the_closed_form():
    n, correct, z = 128, 122, 1.959963984540054
    p = correct / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    result = accuracy_interval(correct, n)
    assert result.low == pytest.approx(centre - half, abs=1e-9)
    assert result.high == pytest.approx(centre + half, abs=1e-9)
    assert result.value == p and str(result) == "95.31% [90.2%, 97.8%]"


def test_the_standard_error_is_the_binomial_one_and_shrinks_with_the_square_root_of_n():
    assert accuracy_interval(4923, 10_000).standard_error == pytest.approx(0.0049994, abs=1e-7)
    assert accuracy_interval(400, 800).standard_error == pytest.approx(
        2 * accuracy_interval(1600, 3200).standard_error
    )
    assert accuracy_interval(20, 20).standard_error == 0


def test_a_perfect_score_gets_an_interval_reaching_one_but_well_below_it_at_the_low_end():
    result = accuracy_interval(20, 20)
    assert result.high == pytest.approx(1.0) and result.low < 0.9


def test_accuracy_of_counts_agreements_and_rejects_mismatched_lengths():
    assert accuracy_of(np.array([0, 1, 1, 0]), np.array([0, 1, 0, 0])).correct == 3
    with pytest.raises(ValueError, match="4 true labels but 3 predictions"):
        accuracy_of(np.zeros(4), np.zeros(3))
    with pytest.raises(ValueError, match="need 0 <= correct <= n"):
        accuracy_interval(5, 4)


def test_mcnemar_counts_only_disagreements_and_uses_the_exact_binomial():
    y = np.zeros(30, dtype=int)
    first, second = y.copy(), y.copy()
    first[:5] = 1  # the first model alone wrong on 5 images
    second[5:7] = 1  # the second alone wrong on 2
    second[20:] = 1
    first[20:] = 1  # both wrong on 10: these carry no information
    result = mcnemar(y, first, second)
    assert (result.only_first_right, result.only_second_right) == (2, 5)
    assert result.p_value == pytest.approx(0.453125)  # 2 * P(X <= 2), X ~ Binomial(7, 1/2)


def test_mcnemar_with_identical_predictions_finds_no_difference():
    y = np.array([0, 1, 1])
    assert mcnemar(y, y, y).p_value == 1.0


def test_wald_interval_is_symmetric_and_can_pass_one():
    low, high = wald_interval(122, 128)
    p = 122 / 128
    half = 1.959964 * (p * (1 - p) / 128) ** 0.5
    assert (low, high) == pytest.approx((p - half, p + half), abs=1e-6)
    assert wald_interval(127, 128)[1] > 1 > accuracy_interval(127, 128).high
    with pytest.raises(ValueError):
        wald_interval(5, 0)


def test_mcnemar_verdict_follows_the_p_value_against_alpha():
    y = np.zeros(20, dtype=int)
    second = y.copy()
    second[:9] = 1  # the first alone right on 9 images: p = 2 / 2**9 = 0.0039
    lopsided, even = mcnemar(y, y, second), mcnemar(y, y, y)
    assert lopsided.verdict().startswith("larger than")
    assert even.verdict().startswith("within what")
    assert lopsided.verdict(alpha=0.001).startswith("within what")
    assert lopsided.significant() and not lopsided.significant(alpha=lopsided.p_value)


def test_standard_deviation_interval_is_the_chi_square_one():
    values = [-1.0, 1.0, -1.0, 1.0]  # sample standard deviation 2 / sqrt(3)
    low, high = standard_deviation_interval(values)
    spread = 2 / np.sqrt(3)
    # chi-square quantiles with 3 degrees of freedom: 9.348 (97.5%) and 0.2158 (2.5%)
    assert low == pytest.approx(spread * np.sqrt(3 / 9.3484), rel=1e-4)
    assert high == pytest.approx(spread * np.sqrt(3 / 0.21580), rel=1e-4)
    with pytest.raises(ValueError, match="at least two"):
        standard_deviation_interval([1.0])


def test_paired_runs_is_a_paired_t_test_on_the_differences():
    first, second = [50.0, 51.0, 49.0], [50.5, 51.9, 49.2]
    result = paired_runs(first, second)
    assert result.differences == pytest.approx((0.5, 0.9, 0.2))
    assert result.mean == pytest.approx(1.6 / 3)
    assert result.standard_error == pytest.approx(np.std([0.5, 0.9, 0.2], ddof=1) / np.sqrt(3))
    t = result.mean / result.standard_error  # with 2 degrees of freedom t has a closed form
    assert result.p_value == pytest.approx(1 - abs(t) / np.sqrt(2 + t * t))
    assert not result.significant()
    assert result.verdict().startswith("within what its variation from seed to seed")


def test_paired_runs_without_spread_and_with_bad_input():
    assert paired_runs([1.0, 2.0], [1.0, 2.0]).p_value == 1.0
    shifted = paired_runs([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])  # three runs cannot prove it
    assert np.isnan(shifted.p_value) and not shifted.significant()
    assert shifted.verdict().endswith("which a t-test cannot weigh")
    assert paired_runs([1.0, 2.0], [3.0, 3.5]).verdict().startswith("within what its variation")
    steady = paired_runs([1.0, 2.0, 3.0, 4.0], [2.1, 3.0, 4.1, 5.0])  # +1.05 +- 0.03
    assert steady.significant() and steady.verdict().startswith("larger than its variation")
    with pytest.raises(ValueError, match="paired by seed"):
        paired_runs([1.0, 2.0], [1.0])
