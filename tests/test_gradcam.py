"""Grad-CAM maps are well formed."""

import numpy as np

from cnnlab import gradcam, models


def test_grad_cam_maps_are_normalised_heatmaps():
    model = models.brain_tumor_sequential(input_shape=(32, 32, 1), filters=4, units=8)
    images = np.random.default_rng(0).random((3, 32, 32, 1)).astype("float32") * 255
    maps = gradcam.grad_cam(model, images, "conv")
    assert maps.shape == (3, 32, 32)
    assert maps.min() >= 0 and maps.max() <= 1
