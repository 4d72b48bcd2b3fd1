"""The seeding helper makes TensorFlow repeatable and turns off TF32."""

import numpy as np

from cnnlab import repro


def test_set_seed_makes_tensorflow_repeatable():
    import tensorflow as tf

    repro.set_seed(7)
    first = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    repro.set_seed(7)
    second = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


def test_set_seed_turns_off_tf32():
    import tensorflow as tf

    repro.set_seed(0)
    assert not tf.config.experimental.tensor_float_32_execution_enabled()
