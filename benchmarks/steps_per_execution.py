"""Training speed of 05's network with 1 and with ``training.STEPS_PER_EXECUTION`` steps per call.

Run by hand (not in CI), with the data available (a network or ``CNNLAB_DATA_MIRROR``):
``.venv/bin/python benchmarks/steps_per_execution.py [--steps N] [--rounds R]``.
Both settings train on 05's own input pipelines at 05's batch sizes (plain Adam and
cross-entropy: the optimiser is not what is timed), in the precision 05 uses, in interleaved
rounds in one process; the best round of each is compared. Each timed fit opens a new
iterator, so refilling the 45,000-image shuffle buffer is timed in both settings alike.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from cnnlab import data, inception, pipelines, splits, training  # noqa: E402
from cnnlab.cifar_recipe import augment_cifar  # noqa: E402
from cnnlab.hardware import native_reduced_precision  # noqa: E402
from cnnlab.repro import DEFAULT_SEED, set_seed  # noqa: E402

# The batch size and augmentation of 05's two recipes: the report's and the improved one.
RECIPES = {"report's recipe": (32, False), "improved recipe": (128, True)}


def main() -> None:
    """Time both settings for each recipe in interleaved rounds; print throughputs and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=320, help="training steps per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per setting")
    args = parser.parse_args()
    if args.steps < training.STEPS_PER_EXECUTION:
        parser.error(f"--steps must be at least {training.STEPS_PER_EXECUTION} (one call)")
    set_seed()
    precision = native_reduced_precision()
    print(precision)
    (images, labels), _ = data.cifar10()
    kept, _held = splits.stratified_holdout(labels, 5000, seed=DEFAULT_SEED)
    images, labels = images[kept], labels[kept]
    settings = (1, training.STEPS_PER_EXECUTION)
    for recipe, (batch, augment) in RECIPES.items():
        runs = {}
        for per_call in settings:
            with training.precision_policy(precision.policy):
                model = inception.inception_cifar10()
            model.compile(
                optimizer=keras.optimizers.Adam(),
                loss="categorical_crossentropy",
                steps_per_execution=per_call,
            )
            batches = pipelines.image_batches(
                images,
                labels,
                batch,
                num_classes=10,
                shuffle_seed=DEFAULT_SEED,
                augment=augment_cifar if augment else None,
                augment_seed=DEFAULT_SEED if augment else None,
            ).repeat()
            model.fit(batches, steps_per_epoch=per_call * 2, verbose=0, shuffle=False)  # warm-up
            runs[per_call] = (model, batches)
        best = dict.fromkeys(settings, 0.0)
        steps = args.steps - args.steps % training.STEPS_PER_EXECUTION
        print(f"\n{recipe} (batch {batch}), {steps} steps per round")
        for round_ in range(1, args.rounds + 1):
            for per_call, (model, batches) in runs.items():
                start = time.perf_counter()
                model.fit(batches, steps_per_epoch=steps, verbose=0, shuffle=False)
                rate = steps * batch / (time.perf_counter() - start)
                best[per_call] = max(best[per_call], rate)
                print(f"round {round_}: {per_call:3d} steps per call: {rate:6.0f} images/s")
        ratio = best[settings[1]] / best[settings[0]]
        print(f"best: {best[settings[0]]:.0f} vs {best[settings[1]]:.0f} images/s ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
