"""Project folders are found from the working directory, and the data folder can be moved."""

from cnnlab import paths


def test_project_root_is_the_nearest_folder_with_a_pyproject(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("")
    inner = tmp_path / "inner"
    deep = inner / "a" / "b"
    deep.mkdir(parents=True)
    (inner / "pyproject.toml").write_text("")
    assert paths.project_root(deep) == inner.resolve()
    assert paths.project_root(tmp_path) == tmp_path.resolve()
    monkeypatch.chdir(deep)
    assert paths.project_root() == inner.resolve()


def test_cnnlab_data_dir_overrides_the_data_folder(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CNNLAB_DATA_DIR", raising=False)
    assert paths.data_dir() == tmp_path.resolve() / "data"
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path / "elsewhere"))
    assert paths.data_dir() == tmp_path / "elsewhere"
    monkeypatch.setenv("CNNLAB_DATA_DIR", "")
    assert paths.data_dir() == tmp_path.resolve() / "data"
