"""Training speed of the CIFAR-10 Inception network: float32 vs mixed_bfloat16, two batch sizes.

Run by hand (not in CI): ``.venv/bin/python benchmarks/cifar10_throughput.py [--steps N]``.
Every configuration is timed in the same process, in interleaved rounds, and the best round
of each is compared with float32 at batch size 32 (Keras's default, the report's setting).
"""

from __future__ import annotations

import argparse
import itertools
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from cnnlab import models  # noqa: E402
from cnnlab.repro import set_seed  # noqa: E402

POLICIES = ("float32", "mixed_bfloat16")
BATCH_SIZES = (32, 128)


def images_per_second(policy: str, batch_size: int, steps: int) -> float:
    """Train steps on fixed random images under ``policy``; returns images per second."""
    keras.mixed_precision.set_global_policy(policy)
    model = models.inception_cifar10()
    model.compile(optimizer=keras.optimizers.Adam(), loss="categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.random((batch_size * steps, 32, 32, 3), dtype=np.float32)
    y = keras.utils.to_categorical(rng.integers(0, 10, len(x)), 10)
    model.fit(x[: batch_size * 3], y[: batch_size * 3], batch_size=batch_size, verbose=0)  # warm-up
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, shuffle=False)
    return len(x) / (time.perf_counter() - start)


def main() -> None:
    """Time every configuration in interleaved rounds and print throughputs and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60, help="training steps per measurement")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds per setting")
    args = parser.parse_args()
    set_seed()
    configs = list(itertools.product(POLICIES, BATCH_SIZES))
    best = dict.fromkeys(configs, 0.0)
    for round_ in range(1, args.rounds + 1):
        for policy, batch in configs:
            rate = images_per_second(policy, batch, args.steps)
            best[policy, batch] = max(best[policy, batch], rate)
            print(
                f"round {round_}: {policy:15s} batch {batch:4d}: {rate:7.0f} images/s", flush=True
            )
    base = best["float32", 32]
    print(f"\n{'policy':15s} {'batch':>5s} {'images/s':>9s} {'vs float32@32':>14s}")
    for (policy, batch), rate in best.items():
        print(f"{policy:15s} {batch:5d} {rate:9.0f} {rate / base:13.2f}x")


if __name__ == "__main__":
    main()
