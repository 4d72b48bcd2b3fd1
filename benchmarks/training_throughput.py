"""Training speed of the CIFAR-10 Inception network: float32 vs mixed_bfloat16, two batch sizes.

Run by hand (not in CI): ``.venv/bin/python benchmarks/cifar10_throughput.py [--steps N]``.
Every configuration is timed in the same process, in interleaved rounds, and the best round
of each is compared with float32 at batch size 32 (Keras's default, the report's setting).
"""

from __future__ import annotations

import argparse
import itertools
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from cnnlab import models  # noqa: E402
from cnnlab.hardware import fastest_precision  # noqa: E402
from cnnlab.repro import set_seed  # noqa: E402
from cnnlab.training import images_per_second  # noqa: E402

POLICIES = ("float32", "mixed_bfloat16")
BATCH_SIZES = (32, 128)


def main() -> None:
    """Time every configuration in interleaved rounds and print throughputs and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60, help="training steps per measurement")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds per setting")
    args = parser.parse_args()
    set_seed()
    choice = fastest_precision()
    print(choice)
    policies = POLICIES if choice.policy == "mixed_bfloat16" else ("float32",)
    if len(policies) == 1:
        print("mixed_bfloat16 skipped: without hardware support it is emulated or fails")
    configs = list(itertools.product(policies, BATCH_SIZES))
    best = dict.fromkeys(configs, 0.0)
    for round_ in range(1, args.rounds + 1):
        for policy, batch in configs:
            rate = images_per_second(models.inception_cifar10, policy, batch, args.steps)
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
