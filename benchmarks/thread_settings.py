"""A training step of 03's and 05's networks under TensorFlow's thread settings, side by side.

Run by hand (not in CI): ``.venv/bin/python benchmarks/thread_settings.py [--rounds R]``.
TensorFlow fixes its thread pools when it starts, so each thread setting (intra-op: threads
one operation may split its work over; inter-op: operations run at once, such as the parallel
branches of 05's Inception modules) is timed in a child process of its own, once on this CPU's
native path and once under oneDNN's AVX2 cap, each in the precision ``native_reduced_precision``
picks there. The children take turns in ``--rounds`` rounds, so a slow spell of the machine
falls on every setting alike; each child times every network twice, and each setting's best
reading over all its rounds is compared, printed with the range of its readings. The networks,
batch sizes and optimizers are the notebooks' (03: FusedAdam, batch 64; 05: Adam at the improved
recipe's batch 128), on random data, one step per call (the notebooks run 32).
"""

from __future__ import annotations

import argparse
import json
import os

from isa_settings import SETTINGS, run_child

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# label: (intra-op threads, inter-op threads); 0 is TensorFlow's default, one per core.
THREADS: dict[str, tuple[int, int]] = {
    "default (intra 0, inter 0)": (0, 0),
    "inter-op 1": (0, 1),
    "intra-op 1": (1, 0),
}
READINGS = 2  # timings of each network per child


def time_networks(intra: int, inter: int) -> dict[str, list[float]]:
    """In this process, with the given thread pools: each network's readings, ms per step."""
    import keras
    import tensorflow as tf

    # Before any operation runs: TensorFlow creates its pools once.
    tf.config.threading.set_intra_op_parallelism_threads(intra)
    tf.config.threading.set_inter_op_parallelism_threads(inter)

    from cnnlab import brain_tumor_models, inception
    from cnnlab.fused_adam import FusedAdam
    from cnnlab.hardware import native_reduced_precision
    from cnnlab.repro import set_seed
    from cnnlab.training import images_per_second

    set_seed()
    policy = native_reduced_precision().policy
    networks = {  # name: (build, batch, steps per reading, optimizer)
        "03 report network, batch 64": (
            brain_tumor_models.brain_tumor_sequential,
            64,
            8,
            FusedAdam,
        ),
        "05 network, batch 128": (inception.inception_cifar10, 128, 32, keras.optimizers.Adam),
    }
    readings = {
        name: [
            1000 * batch / images_per_second(build, policy, batch, steps, optimizer=optimizer)
            for _ in range(READINGS)
        ]
        for name, (build, batch, steps, optimizer) in networks.items()
    }
    return {"precision": policy} | readings


def main() -> None:
    """Run the children in interleaved rounds, then print each setting's best step times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, choices=range(1, 11), metavar="R")
    parser.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(time_networks(*args.child)))
        return
    readings: dict[tuple[str, str], dict[str, list[float]]] = {}
    precision: dict[str, str] = {}
    for round_ in range(1, args.rounds + 1):
        for isa_label, isa in SETTINGS.items():
            for label, (intra, inter) in THREADS.items():
                print(f"round {round_}: {isa_label}, {label}", flush=True)
                output = run_child(__file__, isa, [str(intra), str(inter)], capture=True)
                result = json.loads(output.strip().splitlines()[-1])
                precision[isa_label] = result.pop("precision")
                kept = readings.setdefault((isa_label, label), {})
                for network, ms in result.items():
                    kept.setdefault(network, []).extend(ms)
    print(
        f"\ncores: {os.cpu_count()}; ms per training step: the best of {args.rounds} x "
        f"{READINGS} readings, the default's best over this setting's (>1 is faster), and the "
        "range of the readings"
    )
    from cnnlab.training import reading_range  # loads TensorFlow: only once the children are done

    for isa_label in SETTINGS:
        default = readings[isa_label, next(iter(THREADS))]
        print(f"\n== {isa_label} ({precision[isa_label]}) ==")
        print(f"{'threads':28s} " + " ".join(f"{network:>34s}" for network in default))
        for label in THREADS:
            cells = (
                f"{min(ms):6.0f} ({min(default[network]) / min(ms):4.2f}x; {reading_range(ms)})"
                for network, ms in readings[isa_label, label].items()
            )
            print(f"{label:28s} " + " ".join(f"{cell:>34s}" for cell in cells))


if __name__ == "__main__":
    main()
