"""The routes: the mirror archive checked by SHA-256, the network sources in order, and why each
route failed, said in a few words."""

import socket
import urllib.error

import pytest
from data_fakes import brain_spec, make_zip

from cnnlab import data
from cnnlab.data import routes


def test_the_mirror_archive_is_found_only_where_the_variable_points(dirs, monkeypatch):
    _, mirror = dirs
    spec = brain_spec(archive=make_zip(mirror / "br.zip", {"no/a.jpg": b"a"}))
    assert routes.mirror_archive(spec) is None
    monkeypatch.setenv(routes.MIRROR_ENV, str(mirror))
    assert routes.verified_mirror_archive(spec) == mirror / "br.zip"
    (mirror / "br.zip").write_bytes(b"another file")
    with pytest.raises(data.DataError, match="replace it with a good copy of br.zip"):
        routes.verified_mirror_archive(spec)


def test_network_sources_are_drive_then_github_and_use_the_given_downloads():
    asked = []
    sources = routes.network_sources(
        data.BRAIN_TUMOR,
        download=lambda file_id, out: asked.append(file_id),
        github_download=lambda url, out: asked.append(url),
    )
    assert [s.label for s in sources] == ["Google Drive", "GitHub"]
    assert [s.last_resort for s in sources] == [True, False]
    assert [s.images_only for s in sources] == [False, True]
    for source in sources:
        source.download(None)
    assert asked == [data.BRAIN_TUMOR.drive_id, data.BRAIN_TUMOR.github_archive]
    assert routes.network_sources(data.CIFAR10) == []  # its network route is keras.datasets


def keras_style_failure() -> Exception:
    """Keras raises a plain Exception inside its ``except URLError``, the URLError its context."""
    wrapped = Exception("URL fetch failure on https://x: None -- [Errno -3] Temporary failure")
    wrapped.__context__ = urllib.error.URLError(
        socket.gaierror(-3, "Temporary failure in name resolution")
    )
    return wrapped


@pytest.mark.parametrize(
    ("err", "cause", "offline"),
    [
        (ConnectionError("Failed to resolve 'github.com'"), "ConnectionError (no network)", True),
        (urllib.error.URLError(TimeoutError("timed out")), "URLError (timed out)", True),
        (
            urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")),
            "URLError (connection refused)",
            True,
        ),
        (keras_style_failure(), "URLError (no network)", True),
        (
            urllib.error.HTTPError("https://x", 403, "rate limit exceeded", {}, None),
            "HTTPError: HTTP Error 403: rate limit exceeded",
            False,
        ),
        (OSError("gdown returned no file"), "OSError: gdown returned no file", False),
        (
            data.DataError("the GitHub download is a web page"),
            "the GitHub download is a web page",
            False,
        ),
    ],
)
def test_a_failure_is_said_in_a_few_words(err, cause, offline):
    failure = routes.Failure.of("GitHub", err)
    assert (failure.cause, failure.offline) == (cause, offline)
    assert str(failure).startswith("GitHub: ")


def test_the_remedy_is_the_network_only_when_every_route_was_offline(monkeypatch):
    monkeypatch.delenv(routes.MIRROR_ENV, raising=False)
    offline = routes.Failure.of("GitHub", ConnectionError("Failed to resolve 'github.com'"))
    refused = routes.Failure.of("GitHub", data.DataError("GitHub refused it"))
    message = str(routes.no_source_error(data.BRAIN_TUMOR, [offline]))
    assert message.endswith("to a folder with br35h.zip, or get network")
    assert "no mirror set" in message
    message = str(routes.no_source_error(data.BRAIN_TUMOR, [refused]))
    assert message.endswith("or try again later") and "GitHub refused it" in message
    monkeypatch.setenv(routes.MIRROR_ENV, "/nowhere")
    assert "no br35h.zip in the mirror" in str(routes.no_source_error(data.BRAIN_TUMOR, [offline]))
