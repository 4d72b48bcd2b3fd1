"""The metrics file: merged by notebook, JSON-ready, and never touched by a smoke run."""

import json
import threading
import time

import numpy as np

from cnnlab import headline_metrics


def test_metrics_merge_by_notebook_with_stable_order(tmp_path):
    path = tmp_path / "metrics.json"
    metrics = {"x": 1.23456789, "tiny": 1.23456789e-9, "bad": float("nan")}
    headline_metrics.record_metrics(
        "b", {"z": np.float32(0.5), "a": np.int64(3)}, profile="p", path=path
    )
    headline_metrics.record_metrics("a", metrics, profile="p", path=path)
    headline_metrics.record_metrics("b", {"z": 0.25}, profile="q", path=path)
    text = path.read_text()
    assert json.loads(text) == {  # the profile recorded once per entry
        "a": {"profile": "p", "x": 1.23457, "tiny": 1.23457e-9, "bad": "nan"},
        "b": {"profile": "q", "z": 0.25},
    }
    assert text.index('"a"') < text.index('"b"')
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".lock"] == ["metrics.json"]


def test_smoke_metrics_never_touch_the_committed_file(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    headline_metrics.record_metrics("nb", {"x": 1}, profile="smoke")
    assert not (tmp_path / "reports").exists()
    smoke = json.loads((tmp_path / "build" / "metrics-smoke.json").read_text())
    assert smoke == {"nb": {"profile": "smoke", "x": 1}}
    headline_metrics.record_metrics("nb", {"x": 2}, profile="full")
    full = json.loads((tmp_path / "reports" / "metrics.json").read_text())
    assert full == {"nb": {"profile": "full", "x": 2}}


def test_a_profiles_outputs_go_under_the_root_given(tmp_path):
    assert headline_metrics.metrics_path("full", tmp_path) == tmp_path / "reports" / "metrics.json"
    assert headline_metrics.profile_output("spread.txt", "smoke", tmp_path) == (
        tmp_path / "build" / "spread-smoke.txt"
    )


def test_notebooks_recording_at_once_keep_each_others_entries(tmp_path, monkeypatch):
    path = tmp_path / "metrics.json"
    write = headline_metrics.write_json_atomic

    def slow_write(target, payload):  # widen the read-modify-write window
        time.sleep(0.05)
        write(target, payload)

    monkeypatch.setattr(headline_metrics, "write_json_atomic", slow_write)
    writers = [
        threading.Thread(
            target=headline_metrics.record_metrics,
            args=(f"nb{i}", {"i": i}),
            kwargs={"profile": "p", "path": path},
        )
        for i in range(6)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert json.loads(path.read_text()) == {f"nb{i}": {"profile": "p", "i": i} for i in range(6)}
