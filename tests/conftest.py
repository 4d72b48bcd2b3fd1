"""Shared test set-up: quiet TensorFlow before anything imports it; the data tests' fixtures."""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture
def no_network(monkeypatch):
    """Every download a data test does not fake fails as it would offline."""
    from cnnlab.data import routes

    def offline(*args, **kwargs):
        raise ConnectionError("no network in the tests")

    monkeypatch.setattr(routes, "download_from_drive", offline)
    monkeypatch.setattr(routes, "download_from_github", offline)


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    """An empty data folder (``CNNLAB_DATA_DIR``) and a mirror folder, the variable unset."""
    data_root, mirror = tmp_path / "data", tmp_path / "mirror"
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(data_root))
    monkeypatch.delenv("CNNLAB_DATA_MIRROR", raising=False)
    return data_root, mirror
