"""The instruction-set settings the benchmarks compare, each run in a process of its own.

oneDNN reads its instruction-set cap (``ONEDNN_MAX_CPU_ISA``) once, when TensorFlow loads, so
a benchmark that compares settings runs one child process per setting.
"""

from __future__ import annotations

import os
import subprocess
import sys

# label: oneDNN's cap (None: whatever this CPU offers). AVX2 is the class of most laptops.
SETTINGS: dict[str, str | None] = {"native": None, "AVX2 cap": "AVX2"}


def child_environment(isa: str | None) -> dict[str, str]:
    """This process's environment with oneDNN capped at ``isa`` (None: no cap)."""
    env = dict(os.environ)
    env.pop("ONEDNN_MAX_CPU_ISA", None)
    if isa:
        env["ONEDNN_MAX_CPU_ISA"] = isa
    return env


def run_child(script: str, isa: str | None, args: list[str], capture: bool = False) -> str:
    """Run ``python script --child *args`` under ``isa``; its stdout if ``capture`` (stderr,
    where progress goes, is passed through)."""
    command = [sys.executable, script, "--child", *args]
    done = subprocess.run(
        command,
        env=child_environment(isa),
        check=True,
        stdout=subprocess.PIPE if capture else None,
        text=True,
    )
    return done.stdout if capture else ""
