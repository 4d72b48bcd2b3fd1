"""Files that only run elsewhere (GitHub Actions, pre-commit) are checked here."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
PAGES = ROOT / ".github" / "workflows" / "pages.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))


def test_every_workflow_matches_the_published_schema():
    assert {WORKFLOW, PAGES} <= set(WORKFLOWS)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, WORKFLOWS),
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
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["cache-dependency-path"] == "constraints.txt"


def test_workflow_is_least_privilege_and_cancels_superseded_runs():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert "github.ref" in workflow["concurrency"]["group"]


# Majors that run on a supported Node runtime; an older `uses:` would warn and then break.
CURRENT_MAJORS = {
    "actions/checkout": 7,
    "actions/setup-python": 7,
    "actions/cache/restore": 6,
    "actions/cache/save": 6,
    "actions/upload-pages-artifact": 5,
    "actions/deploy-pages": 5,
}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_uses_current_majors_of_the_actions(path):
    jobs = yaml.safe_load(path.read_text())["jobs"]
    used = [s["uses"] for job in jobs.values() for s in job["steps"] if "uses" in s]
    for action in used:
        name, _, version = action.partition("@v")
        assert name in CURRENT_MAJORS, f"{action}: add its current major to CURRENT_MAJORS"
        assert int(version.split(".")[0]) >= CURRENT_MAJORS[name], action


def test_data_cache_is_keyed_on_its_writers_and_saved_right_after_the_fetch():
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["test"]["steps"]
    restore = next(s for s in steps if s.get("uses", "").startswith("actions/cache/restore"))
    writers = ["data/*.py", "splits.py", "paths.py", "atomic.py"]  # data/: the package
    assert restore["with"]["path"] == "data"
    assert all(f"src/cnnlab/{name}" in restore["with"]["key"] for name in writers)
    fetch = next(i for i, s in enumerate(steps) if s.get("run") == "make data")
    save = steps[fetch + 1]
    assert save["uses"].startswith("actions/cache/save") and save["with"]["path"] == "data"
    assert f"steps.{restore['id']}.outputs.cache-primary-key" in save["with"]["key"]
    assert f"steps.{restore['id']}.outputs.cache-hit != 'true'" in save["if"]


def test_data_mirror_is_set_only_where_one_exists():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    for job in workflow["jobs"].values():
        assert "CNNLAB_DATA_MIRROR" not in {**workflow.get("env", {}), **job.get("env", {})}
        setter = next(s["run"] for s in job["steps"] if "CNNLAB_DATA_MIRROR" in s.get("run", ""))
        assert '[ -d "$mirror" ]' in setter and "GITHUB_ENV" in setter


def test_colab_job_runs_make_test_colab_on_the_newest_supported_python():
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    steps = jobs["colab"]["steps"]
    data_keys = {
        s["with"]["key"]
        for job in jobs.values()
        for s in job["steps"]
        if s.get("uses", "").startswith("actions/cache/restore")
    }
    assert len(data_keys) == 1, "the colab job restores what the test job saves"
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    makefile = (ROOT / "Makefile").read_text()
    newest = re.search(r"^PYTHON_MAX := (.*)$", makefile, re.MULTILINE).group(1)
    assert python["with"]["python-version"] == newest
    assert f"COLAB_PYTHON ?= python{newest}" in makefile
    run = next(s["run"] for s in steps if "make test-colab" in s.get("run", ""))
    assert f"steps.{python['id']}.outputs.python-path" in run
    assert "constraints" not in re.search(
        r"^COLAB_VERSIONS := (.*)$", makefile, re.MULTILINE
    ).group(1)


def test_pre_commit_runs_ruff_on_notebooks_and_keeps_outputs():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert "jupyter" in hooks["ruff-check"]["types_or"]
    assert {"--keep-output", "--keep-count"} <= set(hooks["nbstripout"]["args"])


def readme_commands() -> list[str]:
    """The commands of the README's "The two commands" block, comments dropped."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## The two commands\s+```bash\n(.*?)```", readme, re.DOTALL).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_commands_are_real_targets_and_ci_runs_the_test_command():
    commands = readme_commands()
    assert commands == ["make all", "make test"]
    for command in commands:
        dry = subprocess.run([*command.split(), "-n"], cwd=ROOT, capture_output=True, text=True)
        assert dry.returncode == 0, f"{command}: {dry.stderr}"
    ci_lines = [ln.split("#")[0].strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert "make test" in ci_lines, ".ci/run must call the README's test command"


def test_pages_builds_the_book_on_push_to_main_and_deploys_with_least_rights():
    workflow = yaml.safe_load(PAGES.read_text())
    assert workflow[True]["push"] == {"branches": ["main"]}  # YAML 1.1 reads `on` as True
    assert workflow["permissions"] == {"contents": "read"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert "permissions" not in build
    assert "make html" in [s.get("run") for s in build["steps"]]
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "build/html"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    (step,) = deploy["steps"]
    assert step["uses"].startswith("actions/deploy-pages@") and step["id"] == "deployment"
    assert "steps.deployment.outputs.page_url" in deploy["environment"]["url"]
