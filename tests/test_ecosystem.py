"""Files that only run elsewhere (GitHub Actions, pre-commit) are checked here."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def test_workflow_matches_the_published_schema():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(WORKFLOW),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_runs_the_readme_commands_weekly_with_caches():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert {"push", "pull_request", "schedule"} <= set(triggers)
    steps = workflow["jobs"]["test"]["steps"]
    commands = [s.get("run") for s in steps]
    assert "make test" in commands and "make lint" in commands
    assert "make test" in (ROOT / "README.md").read_text()
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["cache-dependency-path"] == "constraints.txt"
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == "data" and "src/cnnlab/data.py" in cache["with"]["key"]


def test_pre_commit_runs_ruff_on_notebooks_and_keeps_outputs():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert "jupyter" in hooks["ruff-check"]["types_or"]
    assert {"--keep-output", "--keep-count"} <= set(hooks["nbstripout"]["args"])
