"""Printed numbers never show a signed zero, so a -3e-18 and a +2e-18 print alike."""

import math

import pandas as pd
import pytest

from cnnlab.formatting import fixed, fixed_table, prose_list, rounded


@pytest.mark.parametrize("tiny", [-3e-18, 2e-18, -0.0, 0.0, -4.9e-5])
def test_values_that_round_to_zero_print_as_one_zero(tiny):
    assert fixed(tiny, 4) == "0.0000"
    assert fixed(tiny, 4, sign=True) == "0.0000"  # a zero has no sign, + or -
    assert fixed(0.25, 2, sign=True) == "+0.25"
    assert math.copysign(1, rounded(tiny, 4)) == 1


def test_other_values_keep_sign_and_digits():
    assert fixed(-0.00051, 3) == "-0.001"
    assert fixed(0.299004, 5) == "0.29900"
    assert fixed(float("nan"), 2) == "nan"


def test_fixed_table_formats_numbers_and_leaves_text():
    frame = pd.DataFrame({"a": [-1e-9, 0.25], "b": ["x", "y"]})
    assert fixed_table(frame, 2).to_dict("list") == {"a": ["0.00", "0.25"], "b": ["x", "y"]}


def test_prose_list_joins_items_as_prose():
    assert prose_list([]) == ""
    assert prose_list(["a"]) == "a"
    assert prose_list(["a", "b"]) == "a and b"
    assert prose_list(["a", "b", "c"]) == "a, b and c"
