"""cnnlab.listings shows the package's own code, as Markdown or as two HTML columns."""

from __future__ import annotations

import pytest

from cnnlab import models
from cnnlab.listings import show_side_by_side, show_source, source_of


def test_show_source_renders_the_function_as_python_markdown() -> None:
    text = show_source(models.inception_module)._repr_markdown_()
    assert text is not None and text.startswith("```python\ndef inception_module(")
    assert "layers.Concatenate" in text and text.endswith("```")


def test_side_by_side_puts_each_function_in_its_own_escaped_column() -> None:
    listing = show_side_by_side(models.brain_tumor_sequential, models.brain_tumor_functional)
    page = listing._repr_html_()
    assert listing._repr_markdown_() is None and page is not None
    assert page.count("<td") == 2 and "keras.Sequential(" in page and "keras.Model(inputs" in page
    assert "-&gt; keras.Model" in page  # escaped, so the arrow is not read as a tag


def test_an_object_without_source_gets_one_clear_error() -> None:
    with pytest.raises(ValueError, match="cannot show the source of"):
        source_of(len)
