"""The tables of ``step_parts.py``: two instruction-set settings side by side, part by part."""

from __future__ import annotations

from typing import Any

SHOWN_SHARE = 0.02  # layers under this share of the step in both settings are summed as one row
CANDIDATES = "03's one-channel convolution, formulations"


def ratio(a: float | None, b: float | None, spec: str = "5.2f") -> str:
    """``a / b`` formatted, or a dash where either is missing or b is 0."""
    return format(a / b, spec) if a is not None and b else "—".rjust(int(spec[0]))


def ms(value: float | None) -> str:
    """A time in ms, or a dash where there is none."""
    return f"{value:9.1f}" if value is not None else "—".rjust(9)


def row(label: str, x: float | None, y: float | None, steps: tuple[float, float]) -> None:
    """One part: its ms and share of the step in each setting, and the second's slow-down."""
    print(
        f"{label:50s} {ms(x)} {ratio(x, steps[0], '6.0%')} {ms(y)} "
        f"{ratio(y, steps[1], '6.0%')} {ratio(y, x)}"
    )


def print_tables(by_setting: dict[str, dict[str, Any]]) -> None:
    """The two settings side by side: ms, share of the step, and the second's slow-down."""
    if len(by_setting) != 2:
        raise ValueError("the tables compare exactly two settings")
    (first, ours), (second, theirs) = by_setting.items()
    print(f"precision: {first} {ours['precision']}, {second} {theirs['precision']}")
    print(
        f"one empty tf.function call: {first} {ours['call']:.2f} ms, {second} {theirs['call']:.2f}"
    )
    header = (
        f"{'part':50s} {first + ' ms':>9s} {'share':>6s} {second + ' ms':>9s} {'share':>6s} "
        f"{'x':>5s}"
    )
    for name, a in ours["configurations"].items():
        b = theirs["configurations"][name]
        print(f"\n{name}\n{header}")
        steps = (a["step"], b["step"])
        row("training step (Model.fit, data in memory)", *steps, steps)
        for kind, x in a["pipelines"].items():
            row(f"input pipeline alone, per batch: {kind}", x, b["pipelines"][kind], steps)
        rest = [0.0, 0.0]
        for layer, (forward, both) in a["layers"].items():
            other_forward, other_both = b["layers"][layer]
            whole = (both or forward, other_both or other_forward)
            if max(whole[0] / a["step"], whole[1] / b["step"]) < SHOWN_SHARE:
                rest = [rest[0] + whole[0], rest[1] + whole[1]]
                continue
            row(f"{layer}: forward", forward, other_forward, steps)
            if both is not None and other_both is not None:
                row(f"{layer}: backward", both - forward, other_both - other_forward, steps)
        row(f"other layers (each < {SHOWN_SHARE:.0%}), forward + backward", *rest, steps)
        totals = [sum(f if w is None else w for f, w in s["layers"].values()) for s in (a, b)]
        row("all layers, forward + backward", *totals, steps)
        row("optimizer update", a["optimizer"], b["optimizer"], steps)
    if "convolution" in ours:
        print(f"\n{CANDIDATES}: forward + backward, float32\n{header}")
        mine, other = ours["convolution"], theirs["convolution"]
        base = next(iter(mine))
        for name, x in mine.items():
            y = other[name]
            print(
                f"{name:50s} {ms(x)} {ratio(x, mine[base], '5.2f')}x {ms(y)} "
                f"{ratio(y, other[base], '5.2f')}x {ratio(y, x)}"
            )
        print(f"('share' here: the time relative to {base} in the same setting)")
