"""Import a notebook's worked solutions (solutions/NAME.py, outside the package) for its tests."""

import importlib.util
from pathlib import Path
from types import ModuleType

FOLDER = Path(__file__).resolve().parents[1] / "solutions"


def load(notebook: str) -> ModuleType:
    """The module ``solutions/<notebook>.py``, freshly imported."""
    spec = importlib.util.spec_from_file_location(
        f"solutions_{notebook}", FOLDER / f"{notebook}.py"
    )
    assert spec is not None and spec.loader is not None, f"no solutions file for {notebook}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
