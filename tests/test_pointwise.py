"""1x1 convolution helpers: the einsum reference, cost formulas and the learned luminance."""

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlab import pointwise


@settings(max_examples=25, deadline=None)
@given(
    size=st.integers(4, 30),
    cin=st.integers(1, 64),
    cout=st.integers(1, 64),
    reduce_to=st.integers(1, 32),
    kernel=st.sampled_from([1, 3, 5, 7]),
)
def test_reduction_costs_match_keras(size, cin, cout, reduce_to, kernel):
    costs = pointwise.reduction_costs(size, size, cin, cout, kernel, reduce_to)
    assert costs[0]["params"] == pointwise.keras_conv_params(size, size, cin, cout, kernel)
    assert costs[1]["params"] == pointwise.keras_conv_params(size, size, cin, reduce_to, 1)
    assert costs[2]["params"] == pointwise.keras_conv_params(size, size, reduce_to, cout, kernel)
    assert costs[3]["params"] == costs[1]["params"] + costs[2]["params"]
    assert costs[0]["MACs"] == size * size * cout * kernel * kernel * cin


def test_googlenet_example_numbers():
    costs = pointwise.reduction_costs(28, 28, 192, 32, 5, 16)
    assert costs[0] == {"step": "5x5 conv, 192 -> 32", "params": 153_632, "MACs": 120_422_400}
    assert (costs[3]["params"], costs[3]["MACs"]) == (15_920, 12_443_648)


def test_grayscale_filter_recovers_bt601():
    keras.utils.set_random_seed(1)
    x, y = pointwise.grayscale_patches(pointwise.sample_photos(), count=512, seed=3)
    np.testing.assert_allclose(y[..., 0], x @ pointwise.BT601_LUMA, rtol=1e-5)
    model = pointwise.train_grayscale_filter(x, y, epochs=30)
    kernel, _ = model.get_layer("to_gray").get_weights()
    np.testing.assert_allclose(kernel.ravel(), pointwise.BT601_LUMA, atol=0.01)


def test_optimizer_race_on_an_ill_conditioned_quadratic():
    a = np.diag([1.0, 0.001, 1.0])
    b = a @ np.array([0.5, -0.2, 0.1])
    rows = {row["optimizer"]: row["steps"] for row in pointwise.optimizer_race(a, b)}
    assert rows["momentum"] < rows["sgd"]
    assert pointwise.steps_to_solve(a, b, "sgd", rate=5.0) is None  # diverges
    with pytest.raises(ValueError, match="method must be"):
        pointwise.steps_to_solve(a, b, "rmsprop", rate=0.1)


def test_luma_quadratic_is_solved_by_bt601():
    x, y = pointwise.grayscale_patches(pointwise.sample_photos(), count=64, seed=1)
    a, b = pointwise.luma_loss_quadratic(x, y)
    np.testing.assert_allclose(np.linalg.solve(a, b)[:3], pointwise.BT601_LUMA, atol=1e-5)


def test_separable_params_match_the_formulas():
    counts = pointwise.separable_params(32, 64, 3)
    assert counts["standard 3x3 conv"] == (9 * 32 + 1) * 64
    assert counts["depthwise 3x3"] == 9 * 32 + 32
    assert counts["pointwise 1x1"] == (32 + 1) * 64
    assert counts["depthwise-separable, total"] == 320 + 2112
