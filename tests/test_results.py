"""The results page: claims against metrics.json, intervals, and missing numbers said missing."""

import json
from pathlib import Path

import pytest

from cnnlab_build import results

ROOT = Path(__file__).resolve().parents[1]

CLAIMS = {
    "sections": [
        {
            "title": "Toy",
            "notebook": "09_toy",
            "source": "Q9",
            "rows": [
                {
                    "what": "test accuracy",
                    "section": "Q9",
                    "report": 0.9531,
                    "report_n": 128,
                    "ours": ["test", "accuracy"],
                    "ours_interval": ["test", "interval"],
                    "improved": ["better", "accuracy"],
                    "improved_interval": [["better", "low"], ["better", "high"]],
                    "format": "percent",
                    "plot": "Toy accuracy",
                    "label": "test",
                },
                {
                    "what": "parameters",
                    "section": "Q9",
                    "report": 497349,
                    "ours": ["params"],
                    "format": "count",
                },
                {"what": "loss", "section": "Q9", "report": "small", "ours": ["loss"]},
            ],
        }
    ],
    "not_compared": "Q10 is lost.",
}
METRICS = {
    "09_toy": {
        "test": {"accuracy": 0.96, "interval": [0.93, 0.97]},
        "better": {"accuracy": 0.99, "low": 0.98, "high": 0.995},
        "params": 497350,
        "loss": 0.20801,
        "profile": "full",
    }
}


def test_lookup_follows_a_path_and_says_none_when_a_step_is_missing():
    assert results.lookup(METRICS, "09_toy", ["test", "accuracy"]) == 0.96
    assert results.lookup(METRICS, "09_toy", ["test", "nope"]) is None
    assert results.lookup(METRICS, "10_other", ["test"]) is None
    assert results.lookup({"09_toy": {"params": 3}}, "09_toy", ["params", "deeper"]) is None


def test_measured_reads_both_interval_forms_and_rejects_non_numbers():
    row = CLAIMS["sections"][0]["rows"][0]
    assert results.measured(METRICS, "09_toy", row, "ours") == results.Value(0.96, 0.93, 0.97)
    assert results.measured(METRICS, "09_toy", row, "improved") == results.Value(0.99, 0.98, 0.995)
    nan = {"09_toy": {"test": {"accuracy": float("nan")}}}
    assert results.measured(nan, "09_toy", row, "ours") is None
    text = {"09_toy": {"test": {"accuracy": "nan"}}}
    assert results.measured(text, "09_toy", row, "ours") is None
    assert results.measured(METRICS, "09_toy", {"what": "x"}, "ours") is None


def test_claimed_accuracy_gets_the_wilson_interval_of_its_test_set():
    claim = results.claimed(CLAIMS["sections"][0]["rows"][0])
    assert isinstance(claim, results.Value) and claim.value == 0.9531
    assert claim.low == pytest.approx(0.9015, abs=1e-3)  # 122 of 128
    assert claim.high == pytest.approx(0.9784, abs=1e-3)
    assert results.claimed({"report": "small"}) == "small"
    assert results.claimed({"report": None}) is None


def test_fmt_by_kind():
    assert results.fmt(results.Value(0.9531, 0.9, 0.98), "percent", absent="-") == (
        "95.31% [90.0%, 98.0%]"
    )
    assert results.fmt(results.Value(497349), "count", absent="-") == "497,349"
    assert results.fmt(results.Value(2.7872), "decimal", absent="-") == "2.7872"
    assert results.fmt(None, "decimal", absent="gone") == "gone"


def test_page_sets_claims_against_metrics(tmp_path):
    page = results.results_page(CLAIMS, METRICS, tmp_path)
    row = next(line for line in page.splitlines() if line.startswith("| test accuracy"))
    assert "95.31% [90.2%, 97.8%] (Q9)" in row
    assert "96.00% [93.0%, 97.0%]" in row and "99.00% [98.0%, 99.5%]" in row
    assert "| parameters | 497,349 (Q9) | 497,350 | — |" in page
    assert "| loss | small (Q9) | 0.2080 | — |" in page
    assert results.MISSING not in page.split("\n\n", 2)[2]  # only the intro names it
    assert (tmp_path / results.FIGURE).stat().st_size > 10_000
    assert f"```{{figure}} {results.FIGURE}" in page and "Q10 is lost." in page


def test_a_missing_number_is_said_missing_never_filled(tmp_path):
    metrics = json.loads(json.dumps(METRICS))
    del metrics["09_toy"]["params"], metrics["09_toy"]["better"]
    page = results.results_page(CLAIMS, metrics, tmp_path)
    assert f"| parameters | 497,349 (Q9) | {results.MISSING} | — |" in page
    row = next(line for line in page.splitlines() if line.startswith("| test accuracy"))
    assert row.endswith(f"| {results.MISSING} |")


def test_without_metrics_the_page_warns_and_draws_nothing(tmp_path):
    page = results.results_page(CLAIMS, None, tmp_path)
    assert "```{warning}" in page and "has no entry" in page
    assert page.count(results.MISSING) == 1 + 4  # the intro, then each measured cell
    assert not (tmp_path / results.FIGURE).exists()


def test_committed_claims_point_at_numbers_that_metrics_json_has():
    claims = json.loads((ROOT / results.CLAIMS).read_text())
    metrics = json.loads((ROOT / results.METRICS).read_text())
    for section in claims["sections"]:
        for row in section["rows"]:
            assert row["section"].startswith("Q"), row  # a digest section
            for key in ("ours", "improved"):
                if key in row:
                    value = results.measured(metrics, section["notebook"], row, key)
                    assert value is not None, (section["notebook"], row["what"], key)
                    if f"{key}_interval" in row:
                        assert value.low is not None and value.high is not None, row["what"]


def test_write_results_page_reads_the_repository_files(tmp_path):
    page = results.write_results_page(ROOT, tmp_path)
    assert page.name == "results.md" and "# Results at a glance" in page.read_text()
