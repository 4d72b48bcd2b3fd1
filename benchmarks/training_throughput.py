"""Training speed of the course's networks: float32 vs the native reduced precision, per batch size.

Run by hand (not in CI): ``.venv/bin/python benchmarks/training_throughput.py [--steps N]``.
Every configuration of a network is timed in the same process, in interleaved rounds, and the
best round of each is compared with float32 at that network's first batch size.
"""

from __future__ import annotations

import argparse
import itertools
import os
from collections.abc import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from cnnlab import brain_tumor_models, inception  # noqa: E402
from cnnlab.hardware import native_reduced_precision  # noqa: E402
from cnnlab.repro import set_seed  # noqa: E402
from cnnlab.training import images_per_second  # noqa: E402

# Each network at the batch sizes its notebook trains with, and the steps a round times
# (as a fraction of --steps: the 256x256 brain networks are ~100 times slower per image).
NETWORKS: dict[str, tuple[Callable[[], keras.Model], tuple[int, ...], float]] = {
    "CIFAR-10 Inception (05)": (inception.inception_cifar10, (32, 128), 1.0),
    "brain MRI, report's network (03)": (brain_tumor_models.brain_tumor_sequential, (64,), 0.2),
    "brain MRI, improved network (03)": (brain_tumor_models.brain_tumor_improved, (64,), 0.2),
}


def main() -> None:
    """Time every configuration in interleaved rounds and print throughputs and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60, help="training steps per measurement")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds per setting")
    args = parser.parse_args()
    set_seed()
    choice = native_reduced_precision()
    print(choice)
    # A 16-bit type without hardware support is emulated slowly or fails: timed only with it.
    policies = ("float32",) if choice.policy == "float32" else ("float32", choice.policy)
    if len(policies) == 1:
        print("reduced precision skipped: without hardware support it is emulated or fails")
    for network, (build, batch_sizes, share) in NETWORKS.items():
        steps = max(3, round(args.steps * share))
        configs = list(itertools.product(policies, batch_sizes))
        best = dict.fromkeys(configs, 0.0)
        print(f"\n{network}, {steps} steps per round")
        for round_ in range(1, args.rounds + 1):
            for policy, batch in configs:
                rate = images_per_second(build, policy, batch, steps)
                best[policy, batch] = max(best[policy, batch], rate)
                print(
                    f"round {round_}: {policy:15s} batch {batch:4d}: {rate:7.0f} images/s",
                    flush=True,
                )
        base = best["float32", batch_sizes[0]]
        versus = f"vs float32@{batch_sizes[0]}"
        print(f"{'policy':15s} {'batch':>5s} {'images/s':>9s} {versus:>14s}")
        for (policy, batch), rate in best.items():
            print(f"{policy:15s} {batch:5d} {rate:9.0f} {rate / base:13.2f}x")


if __name__ == "__main__":
    main()
