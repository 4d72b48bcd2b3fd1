"""Adam and AdamW whose update of each weight runs as TensorFlow's one fused kernel.

Keras's ``Adam.update_step`` writes the update as about a dozen element-wise operations, each
a pass over the weights with a temporary array; TensorFlow's ``ResourceApplyAdam`` kernel does
the same arithmetic in one pass, in place. The update is Kingma & Ba's (2015) in the form
Keras uses (the bias correction folded into the rate, ``epsilon`` added to the uncorrected
square root), so both classes train as Keras's do, to float rounding;
``tests/test_fused_adam.py`` checks that, and ``benchmarks/report_network_step.py`` measures
what it saves on 03's report network, whose Dense layer holds 66 million weights.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf


class _FusedAdamUpdate:
    """The fused update step shared by :class:`FusedAdam` and :class:`FusedAdamW`."""

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        """One Adam step for ``variable`` in one ``ResourceApplyAdam`` call."""
        if self.amsgrad or keras.backend.backend() != "tensorflow":  # type: ignore[attr-defined]
            super().update_step(gradient, variable, learning_rate)  # type: ignore[misc]
            return
        index = self._get_variable_index(variable)  # type: ignore[attr-defined]
        dtype = variable.dtype
        step = tf.cast(self.iterations + 1, dtype)  # type: ignore[attr-defined]
        beta_1 = tf.cast(self.beta_1, dtype)  # type: ignore[attr-defined]
        beta_2 = tf.cast(self.beta_2, dtype)  # type: ignore[attr-defined]
        tf.raw_ops.ResourceApplyAdam(
            var=variable.handle,
            m=self._momentums[index].handle,  # type: ignore[attr-defined]
            v=self._velocities[index].handle,  # type: ignore[attr-defined]
            beta1_power=tf.pow(beta_1, step),
            beta2_power=tf.pow(beta_2, step),
            lr=tf.cast(learning_rate, dtype),
            beta1=beta_1,
            beta2=beta_2,
            epsilon=tf.cast(self.epsilon, dtype),  # type: ignore[attr-defined]
            grad=tf.cast(gradient, dtype),
        )


@keras.saving.register_keras_serializable(package="cnnlab")
class FusedAdam(_FusedAdamUpdate, keras.optimizers.Adam):
    """Keras's Adam, each weight's update in one fused TensorFlow kernel."""


@keras.saving.register_keras_serializable(package="cnnlab")
class FusedAdamW(_FusedAdamUpdate, keras.optimizers.AdamW):
    """Keras's AdamW (decoupled weight decay, applied by Keras first), the Adam step fused."""
