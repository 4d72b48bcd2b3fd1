"""Run profiles: the smoke profile only shrinks training, and an unknown name is a clear error."""

import pytest

from cnnlab import profiles


def test_smoke_shrinks_epochs_only_down():
    assert profiles.get_profile("full").epochs(20) == 20
    assert profiles.get_profile("smoke").epochs(20) == 2
    assert profiles.get_profile("smoke").epochs(1) == 1


def test_profile_from_environment(monkeypatch):
    monkeypatch.setenv(profiles.ENV_VAR, "smoke")
    assert profiles.get_profile().name == "smoke"
    monkeypatch.setenv(profiles.ENV_VAR, "fast")
    with pytest.raises(ValueError, match="unknown profile 'fast'"):
        profiles.get_profile()


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_profile_variable_means_the_default(monkeypatch, value):
    monkeypatch.setenv(profiles.ENV_VAR, value)  # as `CNNLAB_PROFILE= make all` sets it
    assert profiles.get_profile().name == "full"
