"""What the optimizer update costs in a training step, with Keras's Adam and with the fused one.

Run by hand (not in CI): ``.venv/bin/python benchmarks/optimizer_update.py [--rounds R]``.
For each instruction-set setting (this CPU's native path, and oneDNN capped at AVX2, the class
of most laptops) a child process times a training step of 03's report network (batch 64) and
of 05's network (batch 32 and 128) with Keras's Adam, ``cnnlab.fused_adam.FusedAdam`` and plain
SGD, in interleaved rounds, each with the precision ``native_reduced_precision`` picks under that
setting. SGD's step is the step without Adam's arithmetic, so Adam's part of a step is its time
minus SGD's; the table gives both parts and the whole-step ratio. Best round of each is kept.
"""

from __future__ import annotations

import argparse
import os

from isa_settings import SETTINGS, run_child

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def time_steps(rounds: int) -> None:
    """In this process: the table of step times for every network and optimizer."""
    import keras

    from cnnlab import brain_tumor_models, inception
    from cnnlab.fused_adam import FusedAdam
    from cnnlab.hardware import native_reduced_precision
    from cnnlab.repro import set_seed
    from cnnlab.training import images_per_second

    set_seed()
    policy = native_reduced_precision()
    print(policy, flush=True)
    networks = {  # name: (build, batch, steps per round)
        "03 report network, batch 64": (brain_tumor_models.brain_tumor_sequential, 64, 8),
        "05 network, batch 32": (inception.inception_cifar10, 32, 64),
        "05 network, batch 128": (inception.inception_cifar10, 128, 32),
    }
    optimizers = {
        "Adam": keras.optimizers.Adam,
        "FusedAdam": FusedAdam,
        "SGD": keras.optimizers.SGD,
    }
    print(
        f"{'network':28s} {'Adam ms':>8s} {'fused ms':>8s} {'SGD ms':>7s} "
        f"{'Adam part':>9s} {'fused part':>10s} {'part x':>6s} {'step x':>6s}"
    )
    for network, (build, batch, steps) in networks.items():
        best = dict.fromkeys(optimizers, float("inf"))
        for _ in range(rounds):
            for name, make in optimizers.items():
                rate = images_per_second(build, policy.policy, batch, steps, optimizer=make)
                best[name] = min(best[name], 1000 * batch / rate)
        adam_part, fused_part = best["Adam"] - best["SGD"], best["FusedAdam"] - best["SGD"]
        # A part under 5% of SGD's step is within the rounds' scatter: a bound at most, no ratio.
        floor = 0.05 * best["SGD"]
        part_ratio = (
            f"{adam_part / fused_part:5.1f}x" if min(adam_part, fused_part) > floor else "noise"
        )
        if adam_part > floor >= fused_part:
            part_ratio = f">{adam_part / floor:.0f}x"  # the fused part is below the floor
        print(
            f"{network:28s} {best['Adam']:8.0f} {best['FusedAdam']:8.0f} {best['SGD']:7.0f} "
            f"{adam_part:9.0f} {fused_part:10.0f} {part_ratio:>6s} "
            f"{best['Adam'] / best['FusedAdam']:5.2f}x",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        time_steps(args.rounds)
        return
    for label, isa in SETTINGS.items():
        print(f"\n== {label} ==", flush=True)
        run_child(__file__, isa, ["--rounds", str(args.rounds)])


if __name__ == "__main__":
    main()
