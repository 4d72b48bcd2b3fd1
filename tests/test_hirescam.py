"""HiResCAM maps are well formed and split the logit by position; examples cover each verdict."""

import keras
import numpy as np
import pytest

from cnnlab import brain_tumor_models, evaluation, hirescam, model_inspection, training
from cnnlab.hardware import cpu_bfloat16


def test_hirescam_terms_add_up_to_the_score_when_the_head_has_no_biases():
    # After the explained layer the head is piecewise linear; with its biases at zero the score
    # is exactly the sum of gradient x activation over positions and channels.
    keras.utils.set_random_seed(4)
    model = brain_tumor_models.brain_tumor_sequential(input_shape=(16, 16, 1), filters=4, units=8)
    for name in ("dense", "tumour"):
        model.get_layer(name).bias.assign(np.zeros(model.get_layer(name).bias.shape))
    images = np.random.default_rng(5).random((5, 16, 16, 1)).astype("float32") * 255
    terms, score = hirescam.hirescam_terms(model, images, "conv")
    assert terms.shape == (5, 14, 14) and np.all(score >= 0)
    np.testing.assert_allclose(terms.sum(axis=(1, 2)), score, rtol=1e-4)


def test_float32_clone_keeps_the_weights_or_draws_new_ones_from_the_seed():
    keras.utils.set_random_seed(0)
    with training.precision_policy("mixed_bfloat16"):
        model = brain_tumor_models.brain_tumor_sequential(
            input_shape=(16, 16, 1), filters=4, units=8
        )
    copy = model_inspection.float32_clone(model)
    assert model.get_layer("conv").compute_dtype == "bfloat16"
    assert copy.get_layer("conv").compute_dtype == "float32"
    for kept, original in zip(copy.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(kept, original)
    keras.utils.set_random_seed(1)
    fresh = model_inspection.float32_clone(model, weights=False)
    keras.utils.set_random_seed(1)
    again = model_inspection.float32_clone(model, weights=False)
    assert not np.array_equal(fresh.get_weights()[0], model.get_weights()[0])
    np.testing.assert_array_equal(fresh.get_weights()[0], again.get_weights()[0])


def test_hirescam_maps_are_normalised_heatmaps():
    model = brain_tumor_models.brain_tumor_sequential(input_shape=(32, 32, 1), filters=4, units=8)
    images = np.random.default_rng(0).random((3, 32, 32, 1)).astype("float32") * 255
    maps = hirescam.hirescam(model, images, "conv")
    assert maps.shape == (3, 32, 32)
    assert maps.min() >= 0 and maps.max() <= 1


def test_hirescam_still_sees_evidence_when_the_sigmoid_is_saturated():
    # Push the output bias so far that the sigmoid is flat (p = 1 in float32): its gradient is
    # zero there, so a probability-based map would be blank; the logit's gradient is not.
    keras.utils.set_random_seed(0)
    model = brain_tumor_models.brain_tumor_sequential(input_shape=(16, 16, 1), filters=4, units=8)
    head = model.get_layer("tumour")
    head.bias.assign([60.0])
    images = np.random.default_rng(1).random((2, 16, 16, 1)).astype("float32") * 255
    assert np.all(model.predict(images, verbose=0) == 1.0)
    maps = hirescam.hirescam(model, images, "conv")
    assert maps.max(axis=(1, 2)).tolist() == [1.0, 1.0]


def test_examples_cover_each_class_and_verdict_from_a_shuffle():
    labels = np.array([0] * 10 + [1] * 10)  # stored ordered, like the test batches
    predicted = labels.copy()
    predicted[[3, 7, 15]] = 1 - predicted[[3, 7, 15]]
    chosen = evaluation.examples_by_class_and_verdict(labels, predicted, per_cell=2, seed=0)
    cells = [(label, right) for _, label, right in chosen]
    assert cells.count((0, True)) == 2 and cells.count((0, False)) == 2
    assert cells.count((1, True)) == 2 and cells.count((1, False)) == 1  # only one wrong "yes"
    for index, label, right in chosen:
        assert labels[index] == label and (predicted[index] == label) == right
    right_no = [i for i, label, right in chosen if label == 0 and right]
    assert right_no != [0, 1]  # shuffled, not the first images in storage order
    again = evaluation.examples_by_class_and_verdict(labels, predicted, per_cell=2, seed=0)
    assert again == chosen


def test_hirescam_follows_the_predicted_class_whichever_it_is():
    # Negating the head flips every verdict and every logit; evidence for the new verdict is
    # then the same evidence, so the maps must not change. A sign error would change them.
    keras.utils.set_random_seed(2)
    model = brain_tumor_models.brain_tumor_sequential(input_shape=(16, 16, 1), filters=4, units=8)
    images = np.random.default_rng(3).random((4, 16, 16, 1)).astype("float32") * 255
    before = hirescam.hirescam(model, images, "conv")
    head = model.get_layer("tumour")
    head.kernel.assign(-head.kernel)
    head.bias.assign(-head.bias)
    after = hirescam.hirescam(model, images, "conv")
    assert before.max() > 0
    np.testing.assert_allclose(after, before, atol=1e-5)


BF16, BF16_REASON = cpu_bfloat16()


@pytest.mark.skipif(not BF16, reason=f"no bfloat16 hardware in use: {BF16_REASON}")
def test_hirescam_and_logits_work_on_a_mixed_bfloat16_model():
    # Notebook 03 trains its own model in mixed_bfloat16 where the hardware has it.
    keras.utils.set_random_seed(0)
    with training.precision_policy("mixed_bfloat16"):
        model = brain_tumor_models.brain_tumor_improved(input_shape=(64, 64, 1))
    assert model.get_layer("conv3").compute_dtype == "bfloat16"
    assert model.output.dtype == "float32"
    images = np.random.default_rng(2).random((3, 64, 64, 1)).astype("float32") * 255
    maps = hirescam.hirescam(model, images, "conv3")
    assert maps.dtype == np.float32 and maps.shape == (3, 64, 64)
    assert maps.max(axis=(1, 2)).tolist() == [1.0, 1.0, 1.0]
    head = model.get_layer("tumour")
    to_head = keras.Model(model.inputs[0], head.input)
    logits = np.asarray(model_inspection.dense_logit(head, to_head(images, training=False)))
    probabilities = model.predict(images, verbose=0)[:, 0]
    np.testing.assert_allclose(1 / (1 + np.exp(-logits)), probabilities, atol=1e-6)


def test_hirescam_scales_by_a_percentile_so_one_peak_does_not_hide_the_rest(monkeypatch):
    terms = np.full((1, 100, 100), 1.0, dtype=np.float32)
    terms[0, 0, 0] = 1000.0  # one isolated peak
    monkeypatch.setattr(hirescam, "hirescam_terms", lambda *args: (terms, np.ones(1)))
    images = np.zeros((1, 100, 100, 1), dtype=np.float32)
    shown = hirescam.hirescam(None, images, "conv")
    assert shown[0, 0, 0] == 1.0 and shown.max() == 1.0
    assert np.median(shown) > 0.5  # scaled to the peak, the rest would read 0.001
    assert np.allclose(hirescam.hirescam(None, images, "conv", percentile=100.0)[0, 50, 50], 0.001)
