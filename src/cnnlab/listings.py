"""Show the package's own code in a notebook: the answer a student reads is the code that runs."""

from __future__ import annotations

import html
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Listing:
    """Source code that Jupyter renders highlighted (Markdown) or side by side (HTML)."""

    sources: tuple[str, ...]
    columns: bool = False

    def _repr_markdown_(self) -> str | None:
        if self.columns:
            return None  # Jupyter then uses the HTML form
        return "```python\n" + "\n\n".join(self.sources) + "```"

    def _repr_html_(self) -> str | None:
        if not self.columns:
            return None
        cells = "".join(
            '<td style="vertical-align:top;text-align:left">'
            f'<pre style="font-size:85%">{html.escape(text)}</pre></td>'
            for text in self.sources
        )
        return f"<table><tr>{cells}</tr></table>"

    def __repr__(self) -> str:
        return "\n\n".join(self.sources)


def source_of(obj: Callable[..., Any] | type) -> str:
    """The source text of a function or class of the package, as written there."""
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError) as err:
        raise ValueError(f"cannot show the source of {obj!r}: {err}") from None


def show_source(*objs: Callable[..., Any] | type) -> Listing:
    """The source of each object as one highlighted Python block, for a notebook cell's output."""
    return Listing(tuple(source_of(o) for o in objs))


def show_side_by_side(left: Callable[..., Any] | type, right: Callable[..., Any] | type) -> Listing:
    """Two functions' source in two columns (e.g. one network in two Keras APIs)."""
    return Listing((source_of(left), source_of(right)), columns=True)
