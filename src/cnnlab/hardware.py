"""What the machine can do, read off the machine: speed-ups are used only where they exist.

The reduced precision chosen is one the device that trains computes natively. A visible GPU is
where TensorFlow places the training, so it alone decides: NVIDIA GPUs compute bfloat16
natively from compute capability 8.0 (Ampere) and float16 on tensor cores from 7.0 (Volta,
Turing: Colab's T4 is 7.5), the threshold TensorFlow's own mixed_float16 compatibility check
uses (the GTX 16 series, 7.5 without tensor cores, passes it too). Without a GPU the CPU
decides: bfloat16 through oneDNN with AVX512_BF16 or AMX (elsewhere oneDNN either emulates it
slowly or, as seen under ``ONEDNN_MAX_CPU_ISA=AVX2``, fails to create its convolution
primitive); CPUs with float16 instructions also have bfloat16, so float16 is not considered
there. Where both are native bfloat16 is chosen: it has float32's exponent range, so it needs
no loss scaling. ``mixed_float16`` does: Keras 3's ``Model.compile`` wraps the optimizer in a
``LossScaleOptimizer`` for a model built under that policy (``auto_scale_loss=True``); a
hand-written training loop has to scale the loss itself.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
MIN_FP16_GPU_CAPABILITY = (7, 0)


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


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """The CPU's model name as Linux reports it, else the machine's architecture."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        text = ""
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return platform.machine() or "unknown CPU"


def onednn_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether TensorFlow's oneDNN CPU kernels are on (``TF_ENABLE_ONEDNN_OPTS`` not 0)."""
    env = os.environ if environ is None else environ
    return env.get("TF_ENABLE_ONEDNN_OPTS", "1").strip().lower() not in ("0", "false")


def gpu_details() -> list[dict[str, Any]]:
    """What TensorFlow reports about each visible GPU (name, compute capability); [] without."""
    import tensorflow as tf

    return [
        tf.config.experimental.get_device_details(gpu)
        for gpu in tf.config.list_physical_devices("GPU")
    ]


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
        if self.policy == "float32":
            return f"native reduced precision: none, so float32 ({self.reason})"
        return f"native reduced precision: {self.policy} ({self.reason})"


def _gpu_precision(details: Sequence[Mapping[str, Any]]) -> PrecisionChoice:
    """The mixed policy every listed GPU computes natively, from its compute capability."""
    # The least capable GPU decides, as in TensorFlow's own check: TensorFlow trains on the
    # first GPU, but a distribution strategy would spread the training over all of them.
    capabilities = [tuple(gpu.get("compute_capability") or ()) for gpu in details]
    least = min(range(len(details)), key=lambda i: capabilities[i])
    name, capability = details[least].get("device_name", "GPU"), capabilities[least]
    if not capability:
        return PrecisionChoice("float32", f"GPU {name} reports no compute capability (not NVIDIA)")
    gpu = f"GPU {name}, compute capability {capability[0]}.{capability[1]}"
    if capability >= MIN_BF16_GPU_CAPABILITY:
        return PrecisionChoice("mixed_bfloat16", f"{gpu}: bfloat16 is native from 8.0")
    if capability >= MIN_FP16_GPU_CAPABILITY:
        return PrecisionChoice(
            "mixed_float16", f"{gpu}: float16 tensor cores from 7.0, bfloat16 only from 8.0"
        )
    return PrecisionChoice("float32", f"{gpu}: no float16 tensor cores (7.0) nor bfloat16 (8.0)")


def native_reduced_precision(
    gpus: Sequence[Mapping[str, Any]] | None = None,
    flags: set[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> PrecisionChoice:
    """The mixed policy whose 16-bit type the training device computes natively, else float32.

    ``mixed_bfloat16`` where bfloat16 is native, ``mixed_float16`` on a GPU with float16 tensor
    cores but no bfloat16, ``float32`` otherwise; ``gpus`` (as ``gpu_details`` returns them),
    ``flags`` and ``environ`` default to this machine's.
    """
    gpus = gpu_details() if gpus is None else gpus
    if gpus:
        return _gpu_precision(gpus)
    supported, reason = cpu_bfloat16(flags, environ)
    return PrecisionChoice("mixed_bfloat16" if supported else "float32", f"no GPU; {reason}")
