"""Every check, called with arbitrary Python and NumPy objects, answers with one line of feedback,
never raises, and accepts nothing outside its right set (given here independently of the checks)."""

import math
from numbers import Real

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as npst

from cnnlab.exercises import (
    Check,
    Feedback,
    as_count,
    as_number,
    brain_tumor_cnn,
    cifar10_inception,
    conv1d_shape_table,
    one_by_one_convolution,
    optimization_theory,
)

MODULES = [
    optimization_theory,
    conv1d_shape_table,
    brain_tumor_cnn,
    one_by_one_convolution,
    cifar10_inception,
]
# Every Check of the modules: the notebooks' check_* and the parts some of them are made of.
ALL_CHECKS = {
    f"{m.__name__.rsplit('.', 1)[1]}.{name}": check
    for m in MODULES
    for name, check in vars(m).items()
    if isinstance(check, Check)
}
CHECKS = {name: check for name, check in ALL_CHECKS.items() if ".check_" in name}


def test_every_notebook_has_its_checks_and_a_code_exercise():
    assert len(CHECKS) == 19
    code = [name for name in CHECKS if name not in RIGHT]
    assert {name.split(".")[0] for name in code} == {m.__name__.rsplit(".", 1)[1] for m in MODULES}


def number(x):
    """``x`` as a finite float if it is a real number (not a truth value), else None."""
    if isinstance(x, np.ndarray) and x.shape == ():
        x = x[()]
    if isinstance(x, bool | np.bool_) or not isinstance(x, Real):
        return None
    try:
        value = float(x)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


def count(x, right):
    return number(x) == right


def pair(x):
    if isinstance(x, np.ndarray) and x.shape == (2,):
        x = x.tolist()
    if isinstance(x, tuple | list) and len(x) == 2:
        a, b = number(x[0]), number(x[1])
        return None if a is None or b is None else (a, b)
    return None


def wilson(x):
    if not isinstance(x, dict) or set(x) != {"interval", "inside"}:
        return False
    if not (isinstance(x["inside"], bool | np.bool_) and x["inside"]):
        return False
    ends = pair(x["interval"])
    low, high = brain_tumor_cnn.WILSON.low, brain_tumor_cnn.WILSON.high
    return ends is not None and abs(ends[0] - low) <= 0.002 and abs(ends[1] - high) <= 0.002


def saddle(x):
    p = pair(x)
    return p is not None and p[1] == 0 and p[0] not in (0, 0.3) and abs(p[0]) <= 1e15


def reduction(x):
    p = pair(x)
    return p is not None and 1 <= p[0] < 64 and p[1] == (96 - p[0]) * 1217


RIGHT = {
    "optimization_theory.check_largest_stable_rate": lambda x: (
        number(x) is not None and abs(number(x) - 0.22) <= 1e-6
    ),
    "optimization_theory.check_state_values": lambda x: (
        isinstance(x, dict)
        and set(x) == {"rmsprop", "adam"}
        and count(x["rmsprop"], 1249)
        and count(x["adam"], 2498)
    ),
    "optimization_theory.check_saddle_trap": saddle,
    "conv1d_shape_table.check_stack_length_and_params": lambda x: pair(x) == (6, 2224),
    "conv1d_shape_table.check_kernel_for_length": lambda x: count(x, 9),
    "brain_tumor_cnn.check_wilson_interval": wilson,
    "brain_tumor_cnn.check_dense_parameters": lambda x: count(x, 67_108_992),
    "brain_tumor_cnn.check_mcnemar": lambda x: (
        number(x) is not None and abs(number(x) - brain_tumor_cnn.P) <= 0.002
    ),
    "one_by_one_convolution.check_pointwise_params": lambda x: count(x, 16_448),
    "one_by_one_convolution.check_break_even_filters": lambda x: count(x, 144),
    "cifar10_inception.check_reduction": reduction,
    "cifar10_inception.check_output_channels": lambda x: count(x, 512),
    "cifar10_inception.check_branch_receptive_field": lambda x: count(x, 19),
}  # the code exercises' checks: no generated function computes the right thing

KEYS = st.sampled_from(["interval", "inside", "rmsprop", "adam", "x", ""])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(10**400), 10**400),
    st.floats(),  # nan, inf and subnormals included
    st.floats(0.2199, 0.2201),
    st.floats(0.06, 0.07),
    st.sampled_from([9, 19, 144, 512, 1249, 2498, 16_448, 67_108_992, 0.3, 0.9015, 0.9783]),
    st.complex_numbers(),
    st.text(max_size=8),
    st.binary(max_size=4),
    npst.scalar_dtypes().flatmap(npst.from_dtype),
    npst.arrays(npst.scalar_dtypes(), npst.array_shapes(min_dims=0, max_dims=3, max_side=3)),
)


def returning(value, error):
    """A function of any arguments that raises ``error`` or returns ``value``."""

    def student(*args, **kwargs):
        if error is not None:
            raise error("from the student's code")
        return value

    return student


ERRORS = st.sampled_from([None, ValueError, TypeError, ZeroDivisionError, NotImplementedError])
ANSWERS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(KEYS, inner, max_size=3),
        st.frozensets(st.integers(), max_size=3),
        st.builds(returning, inner, ERRORS),
    ),
    max_leaves=6,
)


@pytest.mark.parametrize("name", CHECKS)
def test_unanswered_gives_the_hint(name):
    feedback = CHECKS[name](None)
    assert not feedback.solved and feedback.message.startswith("no answer yet. ")
    assert len(feedback.message) > len("no answer yet. ") + 20


@pytest.mark.parametrize("name", [name for name in CHECKS if name not in RIGHT])
def test_the_stub_of_a_code_exercise_is_unanswered(name):
    def stub(*args):
        raise NotImplementedError("replace this line with your code")

    assert CHECKS[name](stub).message.startswith("no answer yet. ")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=ANSWERS)
def test_every_check_gives_one_line_and_accepts_only_right_answers(answer):
    for name, check in CHECKS.items():
        feedback = check(answer)
        assert isinstance(feedback, Feedback), name
        assert feedback.message and "\n" not in feedback.message, name
        if feedback.solved:
            assert RIGHT.get(name, lambda x: False)(answer), (name, answer)


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("6", "is text"),
        (float("nan"), "nan (not a number)"),
        (float("inf"), "far larger"),
        (-1e16, "far larger"),
        (10**400, "far too large"),
        (5e-324, "subnormal"),
        (True, "truth value"),
        (np.array([1, 2]), "an array of shape (2,)"),
        ([6], "a list is not"),
        (3j, "a complex is not"),
    ],
)
def test_the_parser_says_in_one_line_why_an_answer_is_not_a_number(value, phrase):
    from cnnlab.exercises import Unusable

    with pytest.raises(Unusable, match=None) as caught:
        as_number(value)
    assert phrase in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "value", [6, 6.0, np.int64(6), np.float32(6.0), np.array(6), np.array(6.0), np.uint8(6)]
)
def test_a_count_may_be_any_whole_number(value):
    assert as_count(value) == 6


@pytest.mark.parametrize(
    ("name", "key"),
    [
        (name, key)
        for name, check in ALL_CHECKS.items()
        for key in check.mistakes
        if not callable(key)
    ],
)
def test_each_recognised_wrong_value_gets_its_own_message(name, key):
    """No right answer and no earlier mistake shadows a mistake of the table."""
    check = ALL_CHECKS[name]
    message = check.mistakes[key]
    feedback = check(key)
    assert not feedback.solved
    assert feedback.message == (message(check.read(key)) if callable(message) else message)
