"""Run profiles: the smoke profile only shrinks training, and an unknown name is a clear error."""

from pathlib import Path

import pytest

from cnnlab import profiles


def test_smoke_shrinks_epochs_only_down():
    assert profiles.get_profile("full").epochs(20) == 20
    assert profiles.get_profile("smoke").epochs(20) == 2
    assert profiles.get_profile("smoke").epochs(1) == 1


def test_an_unknown_profile_is_one_clear_line():
    with pytest.raises(ValueError, match="unknown profile 'fast': choose one of") as err:
        profiles.get_profile("fast")
    assert "\n" not in str(err.value)


def test_nothing_in_the_library_reads_the_profile_variable():
    source = Path(profiles.__file__).parent
    readers = [p.name for p in source.rglob("*.py") if "CNNLAB_PROFILE" in p.read_text()]
    assert readers == []
