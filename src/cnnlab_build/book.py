"""The course book: the executed notebooks as chapters, built by Sphinx with MyST-NB.

Usage: ``python -m cnnlab_build book OUT_DIR NOTEBOOK...`` (what ``make html`` calls). The
notebooks are never executed here: the committed outputs are the ones ``make all`` produced.
Readers get copies without machinery: the cells ``make badges`` tagged ``remove-cell`` are
left out by MyST-NB, and nbval's markers are stripped from the copies, never from the
committed notebooks (nbval reads them there). This module is also the build's Sphinx
extension: it adds the Colab and source buttons of each chapter.
"""

from __future__ import annotations

import copy
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import nbformat

from cnnlab.atomic import atomic_path, scratch_folder
from cnnlab_build import colab, results

LANDING = Path("etc") / "book" / "landing.md"
CHAPTERS_MARKER = "<!-- chapters -->"
# nbval's comment markers (NBVAL_CHECK_OUTPUT, NBVAL_SKIP, ...): instructions for the test.
NBVAL_LINE = re.compile(r"^[ \t]*#[ \t]*NBVAL_[A-Z_]+[ \t]*\n?", re.MULTILINE)
BADGE_LINE = re.compile(r"^\[!\[Open In Colab\]\(.*\n?", re.MULTILINE)
FOLDED = "hide-input"  # MyST-NB: the source behind a "show" toggle, the output visible


class BookError(Exception):
    """A notebook is not fit for the book (its machinery would be shown to readers)."""


def title_and_summary(nb: nbformat.NotebookNode) -> tuple[str, str]:
    """The notebook's title (first heading) and the first sentence of its first paragraph."""
    lines = nb.cells[0].source.splitlines()
    title = lines[0].lstrip("# ").strip()
    prose = " ".join(
        line.strip() for line in lines[1:] if line.strip() and not line.startswith("[![")
    )
    sentence = re.split(r"(?<=[.!?])\s", prose, maxsplit=1)[0]
    return title, re.sub(r"[*`]", "", sentence)


def check_machinery_hidden(nb: nbformat.NotebookNode, name: str) -> None:
    """Raise BookError unless the Colab set-up and ``parameters`` cells are tagged hidden."""
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        machinery = cell.cell_type == "code" and (
            cell.source.startswith(colab.SETUP_MARKER) or "parameters" in tags
        )
        if machinery and colab.HIDDEN not in tags:
            raise BookError(
                f"{name}: a set-up or parameters cell lacks the {colab.HIDDEN!r} tag; "
                "run `make badges`"
            )


def reader_copy(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The notebook as readers get it: nbval markers and the Colab badge out, imports folded."""
    check_machinery_hidden(nb, name)
    clean = copy.deepcopy(nb)
    code = [c for c in clean.cells if c.cell_type == "code"]
    for cell in code:
        cell.source = NBVAL_LINE.sub("", cell.source)
    # The first visible code cell is imports and seeding (the README's rule for notebooks):
    # plumbing, so it is folded (one click away, its output shown), never the lesson code.
    shown = [c for c in code if colab.HIDDEN not in c.metadata.get("tags", [])]
    if shown and "set_seed(" in shown[0].source:
        tags = shown[0].metadata.setdefault("tags", [])
        if FOLDED not in tags:
            tags.append(FOLDED)
    # The page's own Colab button replaces the badge (an image from Colab's server).
    title = clean.cells[0]
    title.source = re.sub(r"\n{3,}", "\n\n", BADGE_LINE.sub("", title.source)).strip()
    return clean


def landing_page(root: Path, chapters: list[tuple[str, str, str]]) -> str:
    """The landing page: committed prose, then (document, title, summary) of each chapter."""
    prose = (root / LANDING).read_text()
    if CHAPTERS_MARKER not in prose:
        raise BookError(f"{LANDING} has no {CHAPTERS_MARKER} line for the chapter list")
    listing = "\n".join(f"1. [{title}]({doc}.ipynb): {summary}" for doc, title, summary in chapters)
    listing += "\n\nThen [Results at a glance](results.md): the report's numbers against ours."
    toctree = "\n".join(
        ["```{toctree}", ":hidden:", ":caption: Chapters", ""]
        + [doc for doc, _, _ in chapters]
        + ["results", "```", ""]
    )
    return prose.replace(CHAPTERS_MARKER, listing) + "\n" + toctree


def stage(root: Path, notebooks: list[Path], folder: Path) -> list[str]:
    """Write the book's sources into ``folder``: reader copies, landing and results pages."""
    chapters = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        nbformat.write(reader_copy(nb, path.name), folder / path.name)
        chapters.append((path.stem, *title_and_summary(nb)))
    (folder / "index.md").write_text(landing_page(root, chapters))
    results.write_results_page(root, folder)
    return [doc for doc, _, _ in chapters]


def sphinx_config(root: Path) -> dict[str, Any]:
    """The book's Sphinx configuration (what a conf.py would hold)."""
    url = colab.repository_url(root)
    return {
        "project": "cnnlab",
        "author": "the cnnlab authors",
        "copyright": "the cnnlab authors",
        "root_doc": "index",
        # sphinx-mathjax-offline serves MathJax from the book itself: no CDN, works offline.
        "extensions": ["myst_nb", "sphinx-mathjax-offline", "cnnlab_build.book"],
        "cnnlab_repository": url,
        "nb_execution_mode": "off",  # never re-execute: the committed outputs are the record
        "nb_merge_streams": True,  # one block per cell's prints, as in Jupyter
        "myst_enable_extensions": ["dollarmath", "amsmath"],
        "myst_heading_anchors": 3,
        "html_theme": "sphinx_book_theme",
        "html_title": "cnnlab: optimization and CNNs",
        "html_theme_options": {
            "repository_url": url,
            "repository_branch": "main",
            "home_page_in_toc": True,
            "show_toc_level": 2,
            "use_download_button": True,
        },
        # Without it, pages the theme does not render itself (genindex) log a console error.
        "html_context": {"default_mode": "auto"},
        "html_show_sourcelink": False,
        "html_last_updated_fmt": None,
        "exclude_patterns": ["_build", "**.ipynb_checkpoints"],
    }


def header_buttons(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Put "open in Colab" and "source" first in a chapter's header; the repository elsewhere."""
    # Our own rather than the theme's launch buttons: the staged copies live in the build
    # folder, and the links must name the committed notebooks, exactly as `make badges` does.
    buttons = context.get("header_buttons")
    if buttons is None:
        return
    url = app.config.cnnlab_repository
    source = Path(str(app.env.doc2path(pagename, False)))
    ours: list[dict[str, Any]] = []
    repository = {"type": "link", "url": url, "text": "Repository", "icon": "fab fa-github"}
    if source.suffix == ".ipynb":
        notebook = Path("notebooks") / source.name
        launch = {
            "type": "link",
            "url": colab.colab_link(notebook, url),
            "text": "Open in Colab",
            "tooltip": "Open this notebook in Google Colab",
            "icon": "_static/images/logo_colab.png",
            "label": "colab-launch-button",
        }
        ours.append(
            {"type": "group", "tooltip": "Launch", "icon": "fas fa-rocket", "buttons": [launch]}
        )
        code = {
            "type": "link",
            "url": f"{url}/blob/main/{notebook}",
            "text": f"Source: {notebook}",
            "tooltip": "This notebook in the repository",
            "icon": "fas fa-code",
            "label": "source-notebook-button",
        }
        ours.append(
            {
                "type": "group",
                "tooltip": "Source",
                "icon": "fab fa-github",
                "buttons": [repository, code],
            }
        )
    else:
        ours.append({**repository, "tooltip": "Source repository"})
    buttons[:0] = ours


def setup(app: Any) -> dict[str, Any]:
    """Sphinx extension entry point: the repository setting and the header buttons."""
    app.add_config_value("cnnlab_repository", "", "html")
    # After the theme's own handlers (priority 501), which create the list.
    app.connect("html-page-context", header_buttons, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def build_book(notebooks: list[Path], out_dir: Path, root: Path, *, quiet: bool = True) -> Path:
    """Build the book into ``out_dir`` (replaced only when the build succeeds); its index."""
    from sphinx.application import Sphinx

    with scratch_folder(out_dir) as work, atomic_path(out_dir, directory=True) as staging:
        sources = work / "src"
        sources.mkdir()
        stage(root, notebooks, sources)
        # MyST-NB writes output images next to the output folder: keep them in the scratch.
        html = work / "html"
        app = Sphinx(
            str(sources),
            None,  # no conf.py: sphinx_config() is the whole configuration
            str(html),
            str(work / "doctrees"),
            "html",
            confoverrides=sphinx_config(root),
            status=None if quiet else sys.stdout,
            warning=sys.stderr,
            freshenv=True,
            warningiserror=True,  # a broken reference or figure fails the build
            parallel=1,  # sphinx-mathjax-offline does not declare itself parallel-safe
        )
        app.build()
        if app.statuscode:
            raise BookError("Sphinx reported errors; see above")
        staging.rmdir()
        shutil.move(html, staging)
    return out_dir / "index.html"
