"""The library's errors: one class, whichever module raises or re-exports it."""

from cnnlab import data, errors


def test_data_error_is_one_class_everywhere():
    assert data.DataError is errors.DataError and issubclass(errors.DataError, RuntimeError)
    assert issubclass(data.ContentMismatch, errors.DataError)
