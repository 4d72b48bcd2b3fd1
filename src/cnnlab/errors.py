"""The library's errors, kept apart so that any module may raise them without importing the
module that usually does (``splits`` raises :class:`DataError` without importing ``data``)."""

from __future__ import annotations


class DataError(RuntimeError):
    """A data set could not be fetched, verified or read; the message says what to do."""
