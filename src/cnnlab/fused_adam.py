"""Adam whose update of each weight runs as TensorFlow's one fused kernel.

Keras's ``Adam.update_step`` writes the update as about a dozen element-wise operations, each
a pass over the weights with a temporary array; TensorFlow's ``ResourceApplyAdam`` kernel does
the same arithmetic in one pass, in place. The update is Kingma & Ba's (2015) in the form
Keras uses (the bias correction folded into the rate, ``epsilon`` added to the uncorrected
square root), so it trains as Keras's Adam does, to float rounding;
``tests/test_fused_adam.py`` checks that, and ``benchmarks/optimizer_update.py`` measures
what it saves on 03's report network, whose Dense layer holds 66 million weights.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="cnnlab")
class FusedAdam(keras.optimizers.Adam):
    """Keras's Adam, each weight's update in one fused TensorFlow kernel."""

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        """One Adam step for ``variable`` in one ``ResourceApplyAdam`` call."""
        if self.amsgrad or keras.backend.backend() != "tensorflow":
            super().update_step(gradient, variable, learning_rate)
            return
        index = self._get_variable_index(variable)
        dtype = variable.dtype
        step = tf.cast(self.iterations + 1, dtype)
        beta_1, beta_2 = tf.cast(self.beta_1, dtype), tf.cast(self.beta_2, dtype)
        tf.raw_ops.ResourceApplyAdam(
            var=variable.handle,
            m=self._momentums[index].handle,
            v=self._velocities[index].handle,
            beta1_power=tf.pow(beta_1, step),
            beta2_power=tf.pow(beta_2, step),
            lr=tf.cast(learning_rate, dtype),
            beta1=beta_1,
            beta2=beta_2,
            epsilon=tf.cast(self.epsilon, dtype),
            grad=tf.cast(gradient, dtype),
        )
