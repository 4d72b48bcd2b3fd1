"""The conda environment, the pins and `make venv` agree with pyproject.toml on what runs."""

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
MAKEFILE = (ROOT / "Makefile").read_text()


def requirement_name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def make_variable(name: str) -> str:
    return re.search(rf"^{name} :?= *(.*)$", MAKEFILE, re.MULTILINE).group(1).strip()


def conda_dependencies() -> list:
    return yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]


def test_environment_yml_installs_the_package_through_the_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    pip_section = next(d["pip"] for d in conda_dependencies() if isinstance(d, dict))
    assert pip_section == ["-c constraints.txt", "-e .[dev,notebooks]"]
    assert "-e '.[dev,notebooks]'" in MAKEFILE  # the same extras as `make venv`


def test_every_dependency_is_pinned():
    extras = PROJECT["optional-dependencies"]
    wanted = PROJECT["dependencies"] + [r for extra in extras.values() for r in extra]
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        pins[requirement_name(name)] = version
    missing = [r for r in wanted if requirement_name(r) not in pins]
    assert not missing, f"pin these in constraints.txt: {missing}"


def test_notebook_tooling_is_an_extra_so_colab_installs_only_what_notebooks_import():
    runtime = {requirement_name(r) for r in PROJECT["dependencies"]}
    tooling = {"jupyter", "ipykernel", "nbformat", "papermill", "nbval"}
    assert not runtime & tooling
    assert tooling <= {requirement_name(r) for r in PROJECT["optional-dependencies"]["notebooks"]}
    assert "keras>=3.7" in PROJECT["dependencies"]


def test_requires_python_is_what_make_venv_accepts():
    low, high = make_variable("PYTHON_MIN"), make_variable("PYTHON_MAX")
    major, minor = high.split(".")
    assert PROJECT["requires-python"] == f">={low},<{major}.{int(minor) + 1}"


def test_conda_can_only_pick_a_supported_311():
    requires = SpecifierSet(PROJECT["requires-python"])
    python = next(d for d in conda_dependencies() if str(d).startswith("python"))
    conda = SpecifierSet(python.removeprefix("python"))
    versions = [f"3.{minor}.{patch}" for minor in range(9, 16) for patch in range(30)]
    picks = [v for v in versions if v in conda]
    assert picks and all(v in requires and v.startswith("3.11.") for v in picks)


def fake_python(folder: Path, version: tuple[int, int, int]) -> Path:
    """An interpreter that reports ``version``: the Makefile's check runs ``python -c CODE``."""
    script = folder / "python"
    script.write_text(
        "#!/bin/sh\n"
        f"exec '{sys.executable}' -c 'import sys; sys.version_info = {version}; "
        'exec(sys.argv[1])\' "$2"\n'
    )
    script.chmod(0o755)
    return script


@pytest.mark.parametrize(
    "target, variable, version",
    [
        ("venv", "PYTHON", (3, 10, 13)),
        ("venv", "PYTHON", (3, 11, 4)),
        ("venv", "PYTHON", (3, 14, 0)),
        ("venv", "PYTHON", None),
        ("test-colab", "COLAB_PYTHON", (3, 10, 13)),
    ],
)
def test_make_refuses_an_unsupported_python_in_one_line(tmp_path, target, variable, version):
    for name in ("Makefile", "pyproject.toml", "constraints.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    kernel_config = tmp_path / "etc" / "ipython" / "ipython_kernel_config.json"
    kernel_config.parent.mkdir(parents=True)
    kernel_config.write_text("{}")
    (tmp_path / "src").mkdir()
    python = fake_python(tmp_path, version) if version else tmp_path / "no-such-python"

    # Not the flags of a make that runs these tests (`make test-colab` passes VENV=...).
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    result = subprocess.run(
        ["make", target, f"{variable}={python}"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )

    seen = "is {}.{}.{}".format(*version) if version else "not found"
    wanted = f"{python} {seen}; cnnlab needs Python 3.11.5–3.13 (set {variable}=...)"
    assert result.returncode != 0 and not list(tmp_path.glob(".venv*"))
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert wanted in result.stderr
