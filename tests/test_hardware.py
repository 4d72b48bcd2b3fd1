"""A 16-bit precision is chosen only where the training device computes it natively, and why."""

import platform
import sys
from types import SimpleNamespace

import pytest

from cnnlab import hardware

AMX_CPU = {"avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile"}
AVX2_CPU = {"sse4_2", "avx", "avx2", "fma"}


def test_the_cpu_model_is_read_from_cpuinfo_or_falls_back_to_the_architecture(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: Some CPU @ 2.0GHz\nflags\t: fpu\n")
    assert hardware.cpu_model(cpuinfo) == "Some CPU @ 2.0GHz"
    assert hardware.cpu_model(tmp_path / "absent") == (platform.machine() or "unknown CPU")


def test_cpu_flags_are_read_from_cpuinfo(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512_bf16\n\nflags : other\n")
    assert hardware.cpu_flags(cpuinfo) == {"fpu", "avx2", "avx512_bf16"}
    assert hardware.cpu_flags(tmp_path / "missing") == set()


@pytest.mark.parametrize(
    ("flags", "environ", "supported", "reason"),
    [
        (AMX_CPU, {}, True, "the CPU reports amx_bf16, avx512_bf16"),
        (AVX2_CPU, {}, False, "neither AVX512_BF16 nor AMX"),
        (AMX_CPU, {"ONEDNN_MAX_CPU_ISA": "AVX2"}, False, "ONEDNN_MAX_CPU_ISA=AVX2 hides"),
        (AMX_CPU, {"ONEDNN_MAX_CPU_ISA": "avx512_core_amx"}, True, "the CPU reports"),
        (AMX_CPU, {"ONEDNN_MAX_CPU_ISA": "default"}, True, "the CPU reports"),
        (AMX_CPU, {"TF_ENABLE_ONEDNN_OPTS": "0"}, False, "oneDNN is off"),
    ],
)
def test_cpu_bfloat16_needs_the_flags_and_onednn_allowed_to_use_them(
    flags, environ, supported, reason
):
    found, why = hardware.cpu_bfloat16(flags, environ)
    assert found is supported
    assert reason in why


# Device details as tf.config.experimental.get_device_details reports them.
A100 = {"device_name": "NVIDIA A100-SXM4-40GB", "compute_capability": (8, 0)}
T4 = {"device_name": "Tesla T4", "compute_capability": (7, 5)}
V100 = {"device_name": "Tesla V100-SXM2-16GB", "compute_capability": (7, 0)}
P100 = {"device_name": "Tesla P100-PCIE-16GB", "compute_capability": (6, 0)}
NO_CAPABILITY = {"device_name": "AMD Instinct MI210"}


@pytest.mark.parametrize(
    ("gpus", "policy", "text"),
    [
        (
            [A100],
            "mixed_bfloat16",
            "native reduced precision: mixed_bfloat16 (GPU NVIDIA A100-SXM4-40GB, compute "
            "capability 8.0: bfloat16 is native from 8.0)",
        ),
        (
            [T4],
            "mixed_float16",
            "native reduced precision: mixed_float16 (GPU Tesla T4, compute capability 7.5: "
            "float16 tensor cores from 7.0, bfloat16 only from 8.0)",
        ),
        ([V100], "mixed_float16", "GPU Tesla V100-SXM2-16GB, compute capability 7.0: float16"),
        (
            [P100],
            "float32",
            "native reduced precision: none, so float32 (GPU Tesla P100-PCIE-16GB, compute "
            "capability 6.0: no float16 tensor cores (7.0) nor bfloat16 (8.0))",
        ),
        ([NO_CAPABILITY], "float32", "GPU AMD Instinct MI210 reports no compute capability"),
        ([A100, T4], "mixed_float16", "GPU Tesla T4"),  # the least capable GPU decides
        ([T4, NO_CAPABILITY], "float32", "no compute capability"),
    ],
)
def test_a_gpu_decides_by_its_compute_capability_whatever_the_cpu(gpus, policy, text):
    # The CPU has bfloat16 here: with a GPU visible it is not where the training runs.
    choice = hardware.native_reduced_precision(gpus, AMX_CPU, {})
    assert choice.policy == policy
    assert text in str(choice)


@pytest.mark.parametrize(
    ("flags", "environ", "text"),
    [
        (AMX_CPU, {}, "mixed_bfloat16 (no GPU; the CPU reports amx_bf16, avx512_bf16)"),
        (AVX2_CPU, {}, "none, so float32 (no GPU; the CPU reports neither AVX512_BF16 nor AMX)"),
        (
            AMX_CPU,
            {"ONEDNN_MAX_CPU_ISA": "AVX2"},
            "none, so float32 (no GPU; ONEDNN_MAX_CPU_ISA=AVX2 hides the CPU's amx_bf16, "
            "avx512_bf16)",
        ),
    ],
)
def test_without_a_gpu_the_cpu_decides(flags, environ, text):
    choice = hardware.native_reduced_precision([], flags, environ)
    assert str(choice) == f"native reduced precision: {text}"


def test_gpu_details_are_what_tensorflow_reports_for_each_gpu(monkeypatch):
    # A fake tensorflow module with two GPUs: the real one sees no GPU here.
    details = {"GPU:0": T4, "GPU:1": A100}
    config = SimpleNamespace(
        list_physical_devices=lambda kind: list(details) if kind == "GPU" else [],
        experimental=SimpleNamespace(get_device_details=details.get),
    )
    monkeypatch.setitem(sys.modules, "tensorflow", SimpleNamespace(config=config))
    assert hardware.gpu_details() == [T4, A100]
    assert hardware.native_reduced_precision(flags=AMX_CPU).policy == "mixed_float16"


def test_cpu_bfloat16_on_this_machine_matches_what_it_reports():
    found, why = hardware.cpu_bfloat16()
    flags = set(hardware.BF16_CPU_FLAGS) & hardware.cpu_flags()
    if not flags:
        assert not found and "neither AVX512_BF16 nor AMX" in why
    else:
        assert found == (why == f"the CPU reports {', '.join(sorted(flags))}")
