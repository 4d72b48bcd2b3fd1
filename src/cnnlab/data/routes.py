"""Where a data set's archive comes from: the mirror folder, Google Drive through gdown, or a
pinned GitHub commit, and the one-line error when every route fails."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cnnlab.data.files import first_line, progress, sha256_file
from cnnlab.data.registry import DataSet
from cnnlab.errors import DataError

MIRROR_ENV = "CNNLAB_DATA_MIRROR"
# Error types (by class name, so requests and urllib3 need not be imported) that mean the
# connection never got going: the remedy is the network or the mirror, not the server.
_CONNECTION_ERRORS = {"ConnectionError", "URLError", "Timeout", "TimeoutError", "gaierror"}
# Words in such an error's message, and the few words that say it to someone offline.
_NETWORK_WORDS = (
    (("resolve", "name or service", "name resolution", "nodename nor servname"), "no network"),
    (("timed out", "timeout"), "timed out"),
    (("refused",), "connection refused"),
    (("unreachable",), "network unreachable"),
    (("certificate", "ssl"), "TLS failed"),
)


def mirror_archive(spec: DataSet) -> Path | None:
    """The data set's archive in the mirror folder, if the variable is set and the file is there."""
    folder = os.environ.get(MIRROR_ENV)
    if not folder:
        return None
    path = Path(folder).expanduser() / spec.mirror_file
    return path if path.is_file() else None


def verified_mirror_archive(spec: DataSet) -> Path | None:
    """The mirror archive after its SHA-256 matched the registry, or None if there is none."""
    path = mirror_archive(spec)
    if path is None:
        return None
    actual = sha256_file(path)
    if actual != spec.sha256:
        raise DataError(
            f"{path} has SHA-256 {actual[:12]}…, expected {spec.sha256[:12]}…: the mirror copy is "
            f"damaged or a different file; replace it with a good copy of {spec.mirror_file}"
        )
    return path


def download_from_drive(file_id: str, output: Path) -> None:
    """Download a public Google Drive file with gdown (as the report did)."""
    import gdown

    gdown.download(id=file_id, output=str(output), quiet=not sys.stderr.isatty())
    if not output.is_file() or output.stat().st_size == 0:
        raise OSError("gdown returned no file")


def download_from_github(url: str, output: Path) -> None:
    """Download a repository archive (or any public HTTPS file) with a progress bar."""
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "cnnlab"})
    with (
        urllib.request.urlopen(request, timeout=60) as response,
        open(output, "wb") as handle,
        progress(
            total=int(response.headers.get("Content-Length") or 0) or None,
            unit="B",
            unit_scale=True,
            desc="downloading from GitHub",
        ) as bar,
    ):
        for block in iter(lambda: response.read(1 << 20), b""):
            handle.write(block)
            bar.update(len(block))


@dataclass(frozen=True)
class Source:
    """One place an archive of a class-folder set comes from, and how to treat what it serves."""

    label: str  # names the route in messages: "Google Drive", "GitHub", "mirror"
    what: str  # names the archive in messages and in the verification record
    fetch: Callable[[Path], None] | None = None  # downloads it; None: it is on disk (the mirror)
    refused: str = "the server refused the download"  # what a web page in its place means
    images_only: bool = False  # leave out files without an image suffix (a repository archive)
    remedy: str = "fetch it from another source"  # what to do when its content differs
    # Whether a copy with other content may be installed (with a warning) when no source
    # serves the registry's files.
    last_resort: bool = False

    def download(self, output: Path) -> None:
        """Fetch the archive into ``output``."""
        if self.fetch is None:
            raise DataError(f"{self.what} is not downloaded: it is on disk already")
        self.fetch(output)


def mirror_source(spec: DataSet, archive: Path) -> Source:
    """The mirror's archive (already checked by SHA-256) as a source."""
    return Source(
        label="mirror",
        what=str(archive),
        remedy=f"replace it with a good copy of {spec.mirror_file}",
    )


def network_sources(
    spec: DataSet,
    download: Callable[[str, Path], None] | None = None,
    github_download: Callable[[str, Path], None] | None = None,
) -> list[Source]:
    """The set's network sources in the order they are tried: Google Drive (the report's source),
    then the pinned GitHub commit."""
    drive = download or download_from_drive
    github = github_download or download_from_github
    sources = []
    if spec.drive_id:
        drive_id = spec.drive_id
        # The report's own file: if it differs from the registry and GitHub fails too, it is
        # installed with a warning rather than refused (see data/README.md).
        sources.append(
            Source(
                label="Google Drive",
                what="the Google Drive download",
                fetch=lambda out: drive(drive_id, out),
                refused="Google Drive refused it (quota exceeded or too many users)",
                remedy="kept in reserve in case no other source serves the registry's files",
                last_resort=True,
            )
        )
    if spec.github_archive:
        github_archive = spec.github_archive
        sources.append(
            Source(
                label="GitHub",
                what="the GitHub download",
                fetch=lambda out: github(github_archive, out),
                refused="GitHub refused it (rate limit or outage)",
                images_only=True,  # a repository holds more than the data set
                remedy="the pinned commit does not serve the expected files",
            )
        )
    return sources


def connection_failure(err: BaseException) -> BaseException | None:
    """The error in ``err``'s chain saying the connection never got going (offline, DNS,
    refused, timed out), or None. The chain is followed because some libraries (Keras) wrap
    it in a plain Exception."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        names = {kind.__name__ for kind in type(current).__mro__}
        if names & _CONNECTION_ERRORS and "HTTPError" not in names:  # an answer is not offline
            return current
        current = current.__cause__ or current.__context__
    return None


@dataclass(frozen=True)
class Failure:
    """Why one route served nothing usable: a few words for the final error, the detail for
    the lines printed while the next route is tried."""

    label: str
    cause: str
    detail: str
    offline: bool  # the connection never got going

    @classmethod
    def of(cls, label: str, err: BaseException) -> Failure:
        """The failure of route ``label`` with ``err``."""
        if isinstance(err, DataError):  # already one line, and every word of it counts
            return cls(label, str(err), str(err), offline=False)
        network = connection_failure(err)
        if network is None:
            return cls(label, first_line(err), first_line(err), offline=False)
        text = str(network).lower()
        words = next(
            (say for needles, say in _NETWORK_WORDS if any(n in text for n in needles)),
            "connection failed",
        )
        return cls(label, f"{type(network).__name__} ({words})", first_line(err), offline=True)

    def __str__(self) -> str:
        return f"{self.label}: {self.detail}"


def no_source_error(spec: DataSet, failures: list[Failure]) -> DataError:
    """One short line: why each route failed, in a few words, and what to do about it."""
    mirror = (
        f"no {spec.mirror_file} in the mirror" if os.environ.get(MIRROR_ENV) else "no mirror set"
    )
    causes = "".join(f"; {f.label}: {f.cause}" for f in failures)
    retry = "get network" if all(f.offline for f in failures) else "try again later"
    return DataError(
        f"cannot fetch {spec.name}: {mirror}{causes}. Set {MIRROR_ENV} to a folder with "
        f"{spec.mirror_file}, or {retry}"
    )
