"""Where a training step of 03's and 05's networks goes, natively and under oneDNN's AVX2 cap.

Run by hand (not in CI): ``.venv/bin/python benchmarks/step_parts.py [--rounds R] [--only S]``.
For each instruction-set setting (this CPU's native path with the precision
``native_reduced_precision`` picks, and oneDNN capped at AVX2, where it picks float32) a child
process times each training configuration of 03 and 05 (network, batch, optimizer, loss as the
notebooks compile them) on random data of the notebooks' shapes:

- the training step: ``Model.fit`` on data in memory, 32 steps per call as the notebooks run
  (the time of 64 steps minus that of 32, over 32, so the per-call set-up cancels);
- the input pipelines alone, per batch, warm: 03's cached pipeline of the honest split and the
  report's loader (``image_dataset_from_directory``, which decodes every file every epoch) on
  the installed brain-MRI files (skipped without them); 05's ``cnnlab.pipelines`` on random
  uint8 images, with the improved recipe's augmentation where it has one;
- every layer alone, on a random batch of its input shape: forward (``training=True``), and
  forward plus backward, given a random gradient from above (the gradients of its weights,
  and of its input where a layer before it has weights, as in training; layers with neither
  have no backward pass). Each timing includes one ``tf.function`` call, whose cost on an
  empty function is printed;
- the optimizer's update of all the weights, on random gradients.

The parts overlap in a real step (the pipeline runs ahead on a spare core, if there is one;
Keras adds the loss, metrics and its bookkeeping), so they need not sum to the step: each is
given in ms and as a share of its setting's step. A last table times formulations of 03's
one-channel 3x3 convolution (forward and backward of convolution, bias, ReLU and pooling, in
float32; the cap reaches oneDNN's kernels, not Eigen's element-wise ones), the last of them
compiled by XLA ("XLA per function"), which TensorFlow allows only with op determinism off.
Every time is the best of ``--rounds`` repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from isa_settings import SETTINGS, run_child
from step_tables import CANDIDATES, print_tables

if TYPE_CHECKING:
    import keras
    import tensorflow as tf

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

STEPS = 32  # steps per fit call and batches per pipeline timing: training.STEPS_PER_EXECUTION


def progress(text: str) -> None:
    """Print progress to stderr: stdout carries the child's results."""
    print(text, file=sys.stderr, flush=True)


def best_ms(function: Callable[[], Any], rounds: int) -> float:
    """The best of ``rounds`` timed calls of ``function``, after one untimed call, in ms."""
    function()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def settled(values: Any) -> tf.Tensor:
    """The sum of one element of each value: it needs every value computed, copies none out."""
    import tensorflow as tf

    firsts = [
        tf.cast(tf.reshape(v, [-1])[0], tf.float32)
        for v in tf.nest.flatten(values)
        if v is not None
    ]
    return tf.add_n(firsts)


def configurations() -> dict[str, dict[str, Any]]:
    """Each training configuration as its notebook compiles it, with its input pipelines."""
    import keras

    from cnnlab import brain_tumor_models, cifar_recipe, inception
    from cnnlab.fused_adam import FusedAdam

    brain = {"loss": "binary_crossentropy", "optimizer": FusedAdam, "batch": 64}
    cifar = {"build": inception.inception_cifar10, "loss": "categorical_crossentropy"}
    per_epoch = -(-45_000 // 128)  # 05's improved recipe: 45,000 images, batch 128, 20 epochs
    return {
        "03 report network (FusedAdam), batch 64": brain
        | {
            "build": brain_tumor_models.brain_tumor_sequential,
            "pipelines": ("report's loader", "honest split, cached"),
        },
        "03 improved network (FusedAdam), batch 64": brain
        | {
            "build": brain_tumor_models.brain_tumor_improved,
            "pipelines": ("honest split, cached",),
        },
        "05 report recipe (Adam), batch 32": cifar
        | {"batch": 32, "optimizer": keras.optimizers.Adam, "pipelines": ("cifar",)},
        "05 improved recipe (AdamW, schedule, smoothing), batch 128": cifar
        | {
            "batch": 128,
            "optimizer": lambda: cifar_recipe.warmup_cosine_adamw(20 * per_epoch, per_epoch),
            "loss": keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
            "pipelines": ("cifar, augmented",),
        },
    }


def brain_files() -> tuple[Any, list, Any] | None:
    """The installed brain-MRI folder (readable view, paths, labels), or None without it."""
    import numpy as np

    from cnnlab import data

    try:
        contents = data.check_folder(data.brain_tumor_dir())
    except Exception as err:  # not installed, or not readable: the pipeline rows are skipped
        progress(f"    no brain-MRI files ({str(err).splitlines()[0][:120]}): run `make data`")
        return None
    folder = contents.readable_folder()
    paths = sorted(p for c in data.BRAIN_TUMOR.classes for p in (folder / c).iterdir())
    labels = np.array([p.parent.name == "yes" for p in paths], dtype="float32")
    return folder, paths, labels


def pipeline_ms(kind: str, batch: int, rounds: int) -> float | None:
    """ms per batch of one input pipeline alone, warm, over ``STEPS`` batches (None: no data)."""
    import numpy as np
    import tensorflow as tf

    from cnnlab import cifar_recipe, pipelines

    if kind.startswith("cifar"):
        rng = np.random.default_rng(0)
        images = rng.integers(0, 256, (batch * STEPS, 32, 32, 3), dtype=np.uint8)
        labels = rng.integers(0, 10, batch * STEPS)
        augment = cifar_recipe.augment_cifar if kind.endswith("augmented") else None
        seed = 0 if augment else None
        ds = pipelines.image_batches(images, labels, batch, 10, 0, augment, seed)
    else:
        files = brain_files()
        if files is None:
            return None
        folder, paths, labels = files
        if kind == "report's loader":  # the report's own arguments (03, section 1)
            ds = tf.keras.utils.image_dataset_from_directory(
                str(folder),
                class_names=["no", "yes"],
                color_mode="grayscale",
                batch_size=batch,
                image_size=(256, 256),
                seed=20,
                verbose=False,
            )
        else:  # STEPS batches of files, so that one pass completes the pipeline's cache
            n = STEPS * batch
            ds = pipelines.brain_images(paths[:n], labels[:n], (256, 256), batch, shuffle_seed=0)
    ds = ds.take(STEPS)

    def one_pass() -> None:
        for _ in ds:
            pass

    return best_ms(one_pass, rounds) / STEPS


def call_ms(rounds: int) -> float:
    """ms of one call of an empty ``tf.function``: part of every per-layer time."""
    import tensorflow as tf

    empty = tf.function(lambda: tf.constant(0.0))
    return best_ms(lambda: [empty() for _ in range(100)], rounds) / 100


def layer_ms(model: keras.Model, batch: int, rounds: int) -> dict[str, list[float | None]]:
    """Each layer's [forward, forward + backward] ms on a random batch of its input shapes."""
    import keras
    import tensorflow as tf

    def random(shape: Any, dtype: Any) -> tf.Tensor:
        return tf.random.normal((batch, *shape[1:]), seed=0, dtype=dtype)

    times: dict[str, list[float | None]] = {}
    weights_before = False
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        inputs = layer.input if isinstance(layer.input, list) else [layer.input]
        xs = [random(t.shape, t.dtype) for t in inputs]
        above = random(layer.output.shape, layer.output.dtype)
        # An input's gradient is computed in training only where a layer before has weights
        # (exact for these four networks: every layer after the first weighted one uses it).
        times[layer.name] = timed_layer(layer, xs, above, weights_before, rounds)
        weights_before = weights_before or bool(layer.trainable_weights)
    return times


def timed_layer(
    layer: keras.layers.Layer,
    xs: list[tf.Tensor],
    above: tf.Tensor,
    input_gradient: bool,
    rounds: int,
) -> list[float | None]:
    """[forward, forward + backward] ms of ``layer`` on ``xs``, given the gradient ``above``."""
    import tensorflow as tf

    arguments = xs[0] if len(xs) == 1 else xs
    sources = list(layer.trainable_weights) + (xs if input_gradient else [])

    @tf.function
    def forward() -> tf.Tensor:
        return settled(layer(arguments, training=True))

    @tf.function
    def backward() -> tf.Tensor:
        with tf.GradientTape() as tape:
            tape.watch(xs)
            out = layer(arguments, training=True)
        return settled(tape.gradient(out, sources, output_gradients=above))

    return [best_ms(forward, rounds), best_ms(backward, rounds) if sources else None]


def optimizer_ms(model: keras.Model, rounds: int) -> float:
    """ms of one update of all the model's weights by its optimizer, on random gradients."""
    import tensorflow as tf

    variables = model.trainable_variables
    optimizer = model.optimizer
    if not optimizer.built:
        optimizer.build(variables)
    gradients = [tf.random.normal(v.shape, stddev=1e-3, dtype=v.dtype) for v in variables]

    @tf.function
    def update() -> None:
        optimizer.apply(gradients, variables)

    return best_ms(update, rounds)


def step_ms(model: keras.Model, batch: int, rounds: int) -> float:
    """ms per step of ``Model.fit`` on data in memory: (64 steps - 32 steps) / 32."""
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.random((2 * STEPS * batch, *model.input_shape[1:]), dtype=np.float32)
    classes = model.output_shape[-1]
    labels = rng.integers(0, max(classes, 2), len(x))
    y = (labels[:, None] if classes == 1 else np.eye(classes)[labels]).astype("float32")

    def fitted(steps: int) -> float:
        def fit() -> None:
            n = steps * batch
            model.fit(x[:n], y[:n], batch_size=batch, verbose=0, shuffle=False)

        return best_ms(fit, rounds)

    return (fitted(2 * STEPS) - fitted(STEPS)) / STEPS


def time_configurations(rounds: int, only: str) -> dict[str, Any]:
    """In this process: every configuration's step, pipelines, layers and optimizer."""
    from cnnlab.hardware import native_reduced_precision
    from cnnlab.repro import set_seed
    from cnnlab.training import precision_policy

    set_seed()
    precision = native_reduced_precision()
    progress(str(precision))
    results: dict[str, Any] = {
        "precision": precision.policy,
        "call": call_ms(rounds),
        "configurations": {},
    }
    for name, config in configurations().items():
        if only not in name:
            continue
        progress(f"  {name}")
        with precision_policy(precision.policy):
            model = config["build"]()
        model.compile(
            optimizer=config["optimizer"](),
            loss=config["loss"],
            metrics=["accuracy"],
            steps_per_execution=STEPS,
        )
        batch = config["batch"]
        results["configurations"][name] = {
            "step": step_ms(model, batch, rounds),
            "pipelines": {kind: pipeline_ms(kind, batch, rounds) for kind in config["pipelines"]},
            "layers": layer_ms(model, batch, rounds),
            "optimizer": optimizer_ms(model, rounds),
        }
    if only in CANDIDATES:
        progress(f"  {CANDIDATES}")
        results["convolution"] = convolution_candidates(rounds)
    return results


def convolution_candidates(rounds: int) -> dict[str, float]:
    """03's Conv2D(32, 3x3) block on 64 x 256 x 256 x 1, four ways, float32, ms per step."""
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x = tf.constant(rng.random((64, 256, 256, 1), dtype=np.float32))
    kernel = tf.Variable(rng.normal(size=(3, 3, 1, 32)).astype("float32") * 0.1)
    bias = tf.Variable(np.zeros(32, "float32"))
    above = tf.random.normal((64, 127, 127, 32), seed=0)

    def conv2d(x: tf.Tensor, k: tf.Tensor) -> tf.Tensor:
        return tf.nn.conv2d(x, k, 1, "VALID")

    def patches(x: tf.Tensor, k: tf.Tensor) -> tf.Tensor:  # im2col: nine columns, one product
        p = tf.image.extract_patches(x, [1, 3, 3, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
        return tf.einsum("bhwk,kf->bhwf", p, tf.reshape(k, (9, 32)))

    def shifted(x: tf.Tensor, k: tf.Tensor) -> tf.Tensor:  # nine shifted images, each x a row
        out = x[:, :254, :254, :] * k[0, 0, 0]
        for i, j in [(i, j) for i in range(3) for j in range(3)][1:]:
            out += x[:, i : i + 254, j : j + 254, :] * k[i, j, 0]
        return out

    def timed(conv: Callable[[tf.Tensor, tf.Tensor], tf.Tensor], xla: bool = False) -> float:
        @tf.function(jit_compile=xla)  # XLA compiles the block's forward and its gradient
        def step() -> tf.Tensor:
            with tf.GradientTape() as tape:
                out = tf.nn.max_pool2d(tf.nn.relu(conv(x, kernel) + bias), 2, 2, "VALID")
            return settled(tape.gradient(out, [kernel, bias], output_gradients=above))

        return best_ms(step, rounds)

    times = {
        "Conv2D (tf.nn.conv2d, as Keras)": timed(conv2d),
        "patches + one matrix product": timed(patches),
        "nine shifted multiply-adds": timed(shifted),
    }
    # XLA refuses MaxPool's gradient under op determinism ("no deterministic XLA implementation"),
    # which cnnlab.repro turns on for every training; TensorFlow has no public switch back.
    from tensorflow.python.framework import config

    config.disable_op_determinism()
    times["XLA-compiled block, op determinism off"] = timed(conv2d, xla=True)
    return times


def main() -> None:
    """Run one child per setting, then print their tables side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, choices=range(1, 21), metavar="R")
    parser.add_argument("--only", default="", help="time only the configurations naming this")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(time_configurations(args.rounds, args.only)))
        return
    by_setting = {}
    for label, isa in SETTINGS.items():
        progress(f"== {label} ==")
        output = run_child(
            __file__, isa, ["--rounds", str(args.rounds), "--only", args.only], capture=True
        )
        by_setting[label] = json.loads(output.strip().splitlines()[-1])
    print_tables(by_setting)


if __name__ == "__main__":
    main()
