"""Atomic writes: build a file or folder under a temporary name, rename it into place on success.

Every writer in the project (reports, the split manifest, data installs, executed notebooks,
the static site) goes through :func:`atomic_path`, so an interrupted or failed write never
leaves a half-written target, and the result always gets ordinary permissions (the temporary
name is private while it is being written; the finished file is not).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back)."""
    current = os.umask(0o022)
    os.umask(current)
    return current


def _publish_mode(target: Path, is_dir: bool) -> int:
    """The mode the finished target gets: the old target's, else the default under the umask."""
    with contextlib.suppress(FileNotFoundError):
        return target.stat().st_mode & 0o7777
    return (0o777 if is_dir else 0o666) & ~_umask()


def remove(path: Path) -> None:
    """Delete a file or a folder tree if it exists."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_path(target: Path, *, directory: bool = False, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    With ``directory=True`` the temporary path is an empty folder and a whole tree replaces
    ``target``. On any exception (KeyboardInterrupt included) the temporary path is removed and
    ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.name}.partial-"
    if directory:
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=prefix))
    else:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=suffix)
        os.close(fd)
        tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(_publish_mode(target, directory))
        if directory and target.exists():
            remove(target)  # os.replace cannot replace a non-empty folder
        os.replace(tmp, target)
    finally:
        remove(tmp)


def write_text_atomic(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text)
