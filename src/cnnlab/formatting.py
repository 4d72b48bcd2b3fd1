"""Numbers printed at the precision a claim needs, identical on every machine that agrees to it.

Outputs that the regression compares must not show digits that change with the CPU's
instruction set, the thread count or a patch release. Rounding alone is not enough: a value
of -3e-18 on one machine and +2e-18 on another both round to zero but print as ``-0.0000``
and ``0.0000``. These helpers never print a signed zero, neither ``-0.0`` nor ``+0.0``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import pandas as pd


def rounded(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` decimals, with -0.0 turned into 0.0."""
    result = round(float(value), digits)
    return 0.0 if result == 0 else result


def fixed(value: float, digits: int, sign: bool = False) -> str:
    """``value`` with ``digits`` decimals (``+`` on non-zero ones when ``sign``), no signed zero."""
    if not math.isfinite(value):
        return str(float(value))
    number = rounded(value, digits)
    return f"{number:{'+' if sign and number else ''}.{digits}f}"


def fixed_table(frame: pd.DataFrame, digits: int) -> pd.DataFrame:
    """Every number of ``frame`` as text with ``digits`` decimals (for a table shown as is)."""
    return frame.map(lambda v: fixed(float(v), digits) if isinstance(v, numbers.Real) else v)


def prose_list(items: Sequence[str]) -> str:
    """Items as prose: ``a``, ``a and b``, ``a, b and c``."""
    return " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def show_markdown(text: str) -> None:
    """Show ``text``, prose with numbers computed in the cell, as Markdown in the notebook."""
    from IPython.display import Markdown, display

    display(Markdown(text))
