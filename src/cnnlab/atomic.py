"""Atomic writes: build a file or folder under a temporary name, rename it into place on success.

Every writer in the project (reports, the split manifest, data installs, executed notebooks,
the static site) goes through :func:`atomic_path`, so an interrupted or failed write never
leaves a half-written target, and the result always gets ordinary permissions (the temporary
name is private while it is being written; the finished file is not). Files only consumed while
a target is built (a data set's download) go in a :func:`scratch_folder`, named like the other
temporaries so that one left by a killed writer is swept the same way.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# The kinds of temporary beside a target: one being built, an old tree set aside while the new
# one moves in, and a folder of files consumed while building (downloads).
_KINDS = ("partial", "old", "scratch")


def _umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back)."""
    current = os.umask(0o022)
    os.umask(current)
    return current


def _publish_mode(target: Path, is_dir: bool) -> int:
    """The mode the finished target gets: the old target's if it is of the same kind (folder or
    file), else the default under the umask."""
    with contextlib.suppress(FileNotFoundError):
        st = target.stat()
        if stat.S_ISDIR(st.st_mode) == is_dir:
            return st.st_mode & 0o7777
    return (0o777 if is_dir else 0o666) & ~_umask()


def remove(path: Path) -> None:
    """Delete a file or a folder tree if it exists."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _process_is_running(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except (ProcessLookupError, OverflowError):  # no such process; an id too large for one
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _temporary_prefix(target: Path, kind: str) -> str:
    """The start of a temporary's name: ``.<target>.<kind>-<pid>@<host>@``.

    The host keeps a writer on another machine sharing the folder (a network drive, a container
    and its host) from being taken for a dead one here; "@" cannot occur in a host name.
    """
    return f".{target.name}.{kind}-{os.getpid()}@{socket.gethostname()}@"


def _remove_stale_temporaries(target: Path) -> None:
    """Clear up after writers of ``target`` on this host that were killed mid-write.

    A half-built temporary and a scratch folder are deleted. An old tree set aside is put back
    if the target is missing (the writer died between its two renames), else deleted.
    """
    host = socket.gethostname()
    for kind in _KINDS:
        start = f".{target.name}.{kind}-"
        for path in target.parent.glob(f"{glob.escape(start)}*@{glob.escape(host)}@*"):
            pid, writer_host, _ = path.name.removeprefix(start).split("@", 2)
            if writer_host != host or not (pid.isascii() and pid.isdigit()):
                continue
            if _process_is_running(int(pid)):
                continue
            with contextlib.suppress(OSError):  # best effort: never fail the new write
                if kind == "old":
                    _put_back(path / "old", target)
                remove(path)


def _put_back(old: Path, target: Path) -> None:
    """Move the old tree set aside back to ``target`` if the new one never arrived there."""
    if not os.path.lexists(target) and os.path.lexists(old):
        os.replace(old, target)


@contextlib.contextmanager
def atomic_path(target: Path, *, directory: bool = False, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    With ``directory=True`` the temporary path is an empty folder and a whole tree replaces
    ``target`` (a folder, a file, or a symlink: the link itself, not what it points to): the
    old one is renamed aside and deleted only once the new one is in place, so ``target`` is
    missing for two renames, never for a deletion. On any exception (KeyboardInterrupt
    included) before the new one is in place, the temporary path is removed and ``target`` is
    left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(target)
    prefix = _temporary_prefix(target, "partial")
    if directory:
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=prefix))
    else:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=suffix)
        os.close(fd)
        tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(_publish_mode(target, directory))
        if directory and os.path.lexists(target):
            _replace_tree(tmp, target)
        else:
            os.replace(tmp, target)
    finally:
        remove(tmp)


def _replace_tree(new: Path, target: Path) -> None:
    """Put the folder ``new`` in place of ``target``, which is deleted once ``new`` is there."""
    # os.replace cannot replace a non-empty folder, so the old one moves into a folder aside.
    aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=_temporary_prefix(target, "old")))
    old = aside / "old"
    try:
        os.replace(target, old)
        os.replace(new, target)
    finally:
        # Whatever stopped the swap (an error, Ctrl-C between the renames): the old one goes back.
        _put_back(old, target)
        remove(aside)


@contextlib.contextmanager
def scratch_folder(target: Path) -> Iterator[Path]:
    """Yield an empty folder beside ``target`` for files consumed while building it; always removed.

    It is named like ``target``'s other temporaries (kind ``scratch``), so one left behind by a
    writer that was killed outright (SIGKILL: no clean-up runs) is deleted by the next writer of
    ``target`` on this host, as a half-built temporary is.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(target)
    folder = Path(tempfile.mkdtemp(dir=target.parent, prefix=_temporary_prefix(target, "scratch")))
    try:
        yield folder
    finally:
        remove(folder)


def write_text_atomic(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text)


def write_json_atomic(path: Path, payload: Any) -> None:
    """Write ``payload`` as pretty JSON through a temporary file renamed over ``path``."""
    write_text_atomic(path, json.dumps(payload, indent=2, sort_keys=True) + "\n")
