"""bfloat16 is chosen only where the machine computes it natively, and the reason is stated."""

import pytest

from cnnlab import hardware

AMX_CPU = {"avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile"}
AVX2_CPU = {"sse4_2", "avx", "avx2", "fma"}


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


def test_fastest_precision_falls_back_to_float32_with_a_reason(monkeypatch):
    monkeypatch.setattr(hardware, "gpu_bfloat16", lambda: None)
    monkeypatch.setattr(hardware, "cpu_flags", lambda: AVX2_CPU)
    choice = hardware.fastest_precision()
    assert choice.policy == "float32"
    assert str(choice) == (
        "precision: float32 (no bfloat16 hardware in use: "
        "the CPU reports neither AVX512_BF16 nor AMX)"
    )


def test_a_bfloat16_gpu_wins(monkeypatch):
    monkeypatch.setattr(hardware, "gpu_bfloat16", lambda: "GPU A100 (compute capability 8.0)")
    assert hardware.fastest_precision().policy == "mixed_bfloat16"


def test_cpu_bfloat16_on_this_machine_matches_what_it_reports():
    found, why = hardware.cpu_bfloat16()
    flags = set(hardware.BF16_CPU_FLAGS) & hardware.cpu_flags()
    if not flags:
        assert not found and "neither AVX512_BF16 nor AMX" in why
    else:
        assert found == (why == f"the CPU reports {', '.join(sorted(flags))}")
