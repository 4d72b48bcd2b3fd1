"""The command line: ``fetch`` re-checks and reports, ``verify`` prints fingerprints, and a
fetch that cannot get the data ends in one short line that says what to do."""

import pytest
from data_fakes import cifar_arrays, cifar_spec, damage, install_fake

from cnnlab import data
from cnnlab.data import routes

pytestmark = pytest.mark.usefixtures("no_network")


def test_fetch_rechecks_a_changed_folder_and_says_what_changed(dirs, monkeypatch, capsys):
    folder, spec = install_fake(dirs, monkeypatch, per_class=3)
    monkeypatch.setitem(data.REGISTRY, "brain_tumor", spec)
    assert data.main(["fetch", "brain_tumor"]) == 0
    assert "changed since" not in capsys.readouterr().out

    damage(folder)
    assert data.main(["fetch", "brain_tumor"]) == 0
    out = capsys.readouterr().out
    assert (
        f"brain_tumor: {folder} changed since it was verified (1 new, 1 changed, 1 missing" in out
    )
    assert "  skipped no/notes.txt: not an image file (.txt)" in out
    assert "  skipped yes/y1.jpg: does not decode" in out
    assert "  missing no/no2.jpg: deleted since verification" in out
    assert "brain_tumor: {'no': 2, 'yes': 2} usable images" in out


def test_cli_prints_one_line_error(dirs, capsys):
    assert data.main(["fetch", "brain_tumor"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: cannot fetch brain_tumor") and data.MIRROR_ENV in err[-1]


def test_verify_prints_expected_and_actual_and_fails_on_a_mismatch(dirs, monkeypatch, capsys):
    data_root, _ = dirs
    folder, spec = install_fake(dirs, monkeypatch)
    monkeypatch.setitem(data.REGISTRY, "brain_tumor", spec)
    monkeypatch.setitem(data.REGISTRY, "cifar10", cifar_spec())
    assert data.main(["verify"]) == 1  # CIFAR-10 is not there yet
    out = capsys.readouterr().out
    assert f"brain_tumor: matches ({folder})\n  expected {spec.fingerprint}\n" in out
    assert f"  actual   {spec.fingerprint}\n" in out
    assert "cifar10: not installed (run `make data`)" in out

    data.cifar10(data.REGISTRY["cifar10"], download=cifar_arrays)
    assert data.main(["verify"]) == 0
    assert "cifar10: matches" in capsys.readouterr().out

    (folder / "no" / "notes.txt").write_text("x")
    assert data.main(["verify", "brain_tumor"]) == 1
    out = capsys.readouterr().out
    assert "brain_tumor: DOES NOT MATCH" in out and "skipped no/notes.txt" in out
    actual = out.split("actual   ")[1].split()[0]
    assert len(actual) == 64 and actual != spec.fingerprint


def test_offline_without_a_mirror_ends_in_one_short_line_naming_the_remedy(
    dirs, monkeypatch, capsys
):
    """What gdown and urllib really raise offline: the last line stays short and says what to do."""
    import socket
    import urllib.error

    requests = pytest.importorskip("requests")
    drive_error = requests.exceptions.ConnectionError(
        "HTTPSConnectionPool(host='drive.google.com', port=443): Max retries exceeded with url: "
        '/uc?id=1SCpVEdJ6_YOAcy2iW05ENlMh-OCcFz3P (Caused by NameResolutionError("HTTPSConnection'
        "(host='drive.google.com', port=443): Failed to resolve 'drive.google.com' ([Errno -2] "
        'Name or service not known)"))'
    )
    github_error = urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    def drive(file_id, output):
        raise drive_error

    def github(url, output):
        raise github_error

    monkeypatch.setattr(routes, "download_from_drive", drive)
    monkeypatch.setattr(routes, "download_from_github", github)
    assert data.main(["fetch", "brain_tumor"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert "Max retries exceeded" in err[0]  # the detail is printed once, while GitHub is tried
    last = err[-1]
    assert len(last) <= 200, last
    assert last.startswith("error: cannot fetch brain_tumor: no mirror set; ")
    assert "Google Drive: ConnectionError (no network)" in last
    assert "GitHub: URLError (no network)" in last
    assert last.endswith(f"Set {data.MIRROR_ENV} to a folder with br35h.zip, or get network")
