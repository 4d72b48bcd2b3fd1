"""Notebook 01's learning-rate sweep (exported): one history per rate, divergence kept."""

import numpy as np

from cnnlab.lr_sweep import learning_rate_sweep


def test_learning_rate_sweep_histories():
    histories = learning_rate_sweep([0.05, 5.0], epochs=3)
    assert set(histories) == {0.05, 5.0}
    assert len(histories[0.05]["loss"]) == 3 and len(histories[0.05]["val_loss"]) == 3
    assert np.isfinite(histories[0.05]["loss"]).all()
    assert not np.isfinite(histories[5.0]["loss"][-1])  # kept, not raised
