"""Reproducibility: one call seeds every generator and makes TensorFlow deterministic."""

from __future__ import annotations

import os

DEFAULT_SEED = 42


def set_seed(seed: int = DEFAULT_SEED) -> None:
    """Seed Python, NumPy and TensorFlow, turn on op determinism and turn off TF32 matmuls."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)  # seeds `random`, NumPy and the TensorFlow backend
    tf.config.experimental.enable_op_determinism()
    # Ampere-and-later GPUs would otherwise run float32 matmuls and convolutions in TF32
    # (10-bit mantissa), which breaks the notebooks' numeric tolerances there and nowhere else.
    tf.config.experimental.enable_tensor_float_32_execution(False)
