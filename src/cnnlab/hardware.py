"""What the machine can do, read off the machine: speed-ups are used only where they exist.

bfloat16 is fast only with hardware support: on CPUs through oneDNN with AVX512_BF16 or AMX
(elsewhere oneDNN either emulates it slowly or, as seen under ``ONEDNN_MAX_CPU_ISA=AVX2``,
fails to create its convolution primitive), on NVIDIA GPUs from compute capability 8.0.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

BF16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")
# oneDNN ISA caps (ONEDNN_MAX_CPU_ISA) that still include bfloat16 instructions; DEFAULT
# is oneDNN's name for no cap.
BF16_ONEDNN_ISAS = {
    "DEFAULT",
    "AVX512_CORE_BF16",
    "AVX512_CORE_FP16",
    "AVX512_CORE_AMX",
    "AVX512_CORE_AMX_FP16",
    "AVX10_1_512",
    "AVX10_1_512_AMX",
    "AVX10_1_512_AMX_FP16",
    "ALL",
}
MIN_BF16_GPU_CAPABILITY = (8, 0)


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> set[str]:
    """The CPU's feature flags as Linux reports them (empty where there is no /proc/cpuinfo)."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith(("flags", "Features")):
            return set(line.partition(":")[2].split())
    return set()


def onednn_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether TensorFlow's oneDNN CPU kernels are on (``TF_ENABLE_ONEDNN_OPTS`` not 0)."""
    env = os.environ if environ is None else environ
    return env.get("TF_ENABLE_ONEDNN_OPTS", "1").strip().lower() not in ("0", "false")


def gpu_bfloat16() -> str | None:
    """A description of the first GPU that computes in bfloat16 natively, or None."""
    import tensorflow as tf

    for gpu in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(gpu)
        capability = details.get("compute_capability")
        if capability and tuple(capability) >= MIN_BF16_GPU_CAPABILITY:
            name = details.get("device_name", gpu.name)
            return f"GPU {name} (compute capability {capability[0]}.{capability[1]})"
    return None


def cpu_bfloat16(
    flags: set[str] | None = None, environ: Mapping[str, str] | None = None
) -> tuple[bool, str]:
    """Whether TensorFlow can run bfloat16 on this CPU with hardware support, and why."""
    env = os.environ if environ is None else environ
    found = sorted(set(BF16_CPU_FLAGS) & (cpu_flags() if flags is None else flags))
    if not found:
        return False, "the CPU reports neither AVX512_BF16 nor AMX"
    if not onednn_enabled(env):
        return False, "oneDNN is off (TF_ENABLE_ONEDNN_OPTS=0), so TensorFlow cannot use them"
    cap = env.get("ONEDNN_MAX_CPU_ISA", "").strip().upper()
    if cap and cap not in BF16_ONEDNN_ISAS:
        return False, f"ONEDNN_MAX_CPU_ISA={cap} hides the CPU's {', '.join(found)}"
    return True, f"the CPU reports {', '.join(found)}"


@dataclass(frozen=True)
class PrecisionChoice:
    """A Keras dtype policy and the one-line reason it was chosen."""

    policy: str
    reason: str

    def __str__(self) -> str:
        return f"precision: {self.policy} ({self.reason})"


def fastest_precision() -> PrecisionChoice:
    """``mixed_bfloat16`` where the GPU or CPU computes bfloat16 natively, else ``float32``."""
    gpu = gpu_bfloat16()
    if gpu:
        return PrecisionChoice("mixed_bfloat16", f"{gpu} supports bfloat16")
    supported, reason = cpu_bfloat16()
    if supported:
        return PrecisionChoice("mixed_bfloat16", reason)
    return PrecisionChoice("float32", f"no bfloat16 hardware in use: {reason}")
