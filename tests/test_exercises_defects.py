"""The defects of issue 23, one test each: all but one failed before the checks were rebuilt
(01.2 already accepted integer-valued floats; the case stays as the shared parser's witness)."""

import json
from pathlib import Path

import numpy as np
import pytest

from cnnlab.exercises import (
    brain_tumor_cnn,
    cifar10_inception,
    conv1d_shape_table,
    one_by_one_convolution,
    optimization_theory,
)

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
WILSON = (0.9015024775490568, 0.9783421558280763)


@pytest.mark.parametrize(
    ("check", "answer"),
    [
        (optimization_theory.check_state_values, {"rmsprop": np.array([1249, 0]), "adam": 2498}),
        (optimization_theory.check_saddle_trap, (0.3, 1e-310)),
        (optimization_theory.check_saddle_trap, (0.3, 5e-324)),
    ],
)
def test_crashes_are_feedback(check, answer):
    feedback = check(answer)
    assert not feedback.solved and feedback.message and "\n" not in feedback.message


def test_a_float32_rate_is_the_rate():
    assert optimization_theory.check_largest_stable_rate(np.float32(0.22)).solved


def test_the_saddle_question_says_what_the_check_tests():
    """(0.3, 1e-300) is still at the saddle after 300 steps: the question must not ask only that."""
    cells = json.loads((NOTEBOOKS / "01_optimization_theory.ipynb").read_text())["cells"]
    question = next(
        "".join(c["source"]) for c in cells if "trapped at the saddle" in "".join(c["source"])
    )
    assert "however many steps" in question
    feedback = optimization_theory.check_saddle_trap((0.3, 1e-300))
    assert not feedback.solved and "leaves" in feedback.message


@pytest.mark.parametrize(
    ("check", "answer"),
    [
        (conv1d_shape_table.check_stack_length_and_params, (6.0, 2224.0)),
        (conv1d_shape_table.check_kernel_for_length, 9.0),
        (one_by_one_convolution.check_pointwise_params, 16448.0),
        (one_by_one_convolution.check_break_even_filters, np.float64(144.0)),
        (cifar10_inception.check_reduction, (32.0, 77888.0)),
        (cifar10_inception.check_output_channels, 512.0),
        (cifar10_inception.check_branch_receptive_field, 19.0),
        (optimization_theory.check_state_values, {"rmsprop": 1249.0, "adam": 2498.0}),
        (brain_tumor_cnn.check_dense_parameters, np.array(67_108_992.0)),
    ],
)
def test_integer_valued_floats_count(check, answer):
    assert check(answer).solved


@pytest.mark.parametrize(
    ("interval", "name"),
    [
        ((0.899359821713383, 0.98048481166375), "Agresti-Coull"),
        ((0.9059477899953879, 0.9802006973724082), "Jeffreys"),
        ((0.8964336236176519, 0.9808026432892697), "continuity correction"),
    ],
)
def test_other_intervals_are_named_not_blamed_on_their_centre(interval, name):
    feedback = brain_tumor_cnn.check_wilson_interval({"interval": interval, "inside": True})
    assert not feedback.solved and name in feedback.message
    assert "not p itself" not in feedback.message


def test_the_inside_question_is_checked():
    assert brain_tumor_cnn.check_wilson_interval({"interval": WILSON, "inside": True}).solved
    feedback = brain_tumor_cnn.check_wilson_interval({"interval": WILSON, "inside": False})
    assert not feedback.solved and "90.62%" in feedback.message
