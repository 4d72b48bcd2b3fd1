"""A small static site of the executed notebooks: one HTML page each and an index.

Usage: ``python -m cnnlab_build site OUT_DIR NOTEBOOK...`` (what ``make html`` calls).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat

from cnnlab.atomic import atomic_path


def title_and_summary(nb: nbformat.NotebookNode) -> tuple[str, str]:
    """The notebook's title (first heading) and the first sentence of its first paragraph."""
    lines = nb.cells[0].source.splitlines()
    title = lines[0].lstrip("# ").strip()
    prose = " ".join(
        line.strip() for line in lines[1:] if line.strip() and not line.startswith("[![")
    )
    sentence = re.split(r"(?<=[.!?])\s", prose, maxsplit=1)[0]
    return title, re.sub(r"[*`]", "", sentence)


def index_page(entries: list[tuple[str, str, str]]) -> str:
    """The index HTML: a linked title and a one-line summary per notebook."""
    items = "\n".join(
        f'  <li><a href="{html.escape(href)}">{html.escape(title)}</a>'
        f"<p>{html.escape(summary)}</p></li>"
        for href, title, summary in entries
    )
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>cnnlab notebooks</title>
<style>body{{font-family:sans-serif;max-width:48rem;margin:2rem auto;line-height:1.4}}
li{{margin-bottom:1rem}} p{{margin:.2rem 0;color:#444}}</style></head>
<body>
<h1>cnnlab: optimization and CNNs, re-computed</h1>
<ol>
{items}
</ol>
</body>
</html>
"""


def build_site(notebooks: list[Path], out_dir: Path) -> Path:
    """Render ``notebooks`` and an index into ``out_dir`` (replaced only when all succeed)."""
    from nbconvert import HTMLExporter

    with atomic_path(out_dir, directory=True) as staging:
        exporter = HTMLExporter(template_name="lab")
        entries = []
        for path in notebooks:
            nb = nbformat.read(path, as_version=4)
            body, _ = exporter.from_notebook_node(nb)
            (staging / f"{path.stem}.html").write_text(body)
            entries.append((f"{path.stem}.html", *title_and_summary(nb)))
        (staging / "index.html").write_text(index_page(entries))
    return out_dir / "index.html"
