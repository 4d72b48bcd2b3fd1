"""Notebook 01's learning-rate sweep (exported): one history per rate, divergence kept."""

import numpy as np

from cnnlab.lr_sweep import learning_rate_sweep


def test_learning_rate_sweep_histories():
    histories = learning_rate_sweep([0.05, 5.0], epochs=3)
    assert set(histories) == {0.05, 5.0}
    assert {k: len(v) for k, v in histories[0.05].items()} == {
        "loss": 3,
        "val_loss": 3,
        "end_loss": 3,
    }
    assert np.isfinite(histories[0.05]["loss"]).all()
    assert np.isfinite(histories[0.05]["end_loss"]).all()
    assert not np.isfinite(histories[5.0]["loss"][-1])  # kept, not raised
    assert not np.isfinite(histories[5.0]["end_loss"][-1])


def test_every_step_records_the_same_run_step_by_step():
    by_epoch = learning_rate_sweep([0.05], epochs=2)[0.05]
    by_step = learning_rate_sweep([0.05], epochs=2, every_step=True)[0.05]
    np.testing.assert_allclose(by_step["loss"], by_epoch["loss"], rtol=1e-5)
    steps = by_step["step_loss"]
    assert len(steps) == 2 * 29  # 900 training points in batches of 32: 28 full and one of 4
    # The loss after an epoch's last step is the loss at the epoch's end.
    np.testing.assert_allclose(steps[28::29], by_epoch["end_loss"], rtol=1e-5)


def test_a_nudge_moves_the_start_a_little():
    plain = learning_rate_sweep([0.05], epochs=1)[0.05]
    nudged = learning_rate_sweep([0.05], epochs=1, nudge=1e-3)[0.05]
    assert plain["end_loss"] != nudged["end_loss"]
    np.testing.assert_allclose(nudged["end_loss"], plain["end_loss"], rtol=0.05)
