"""The book: reader copies without machinery, landing page, configuration, buttons, a build."""

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from cnnlab_build import book, colab, results

ROOT = Path(__file__).resolve().parents[1]
URL = "https://github.com/someone/course"


def course_notebook(
    title: str = "# 09 · A title\n\nThe first sentence. Another.",
) -> nbformat.NotebookNode:
    """A notebook shaped like the course's: title, Colab set-up, parameters, imports, lesson."""
    setup = new_code_cell(colab.colab_setup_source(URL), metadata={"tags": [colab.HIDDEN]})
    parameters = new_code_cell(
        "import os\n\nPROFILE = None", metadata={"tags": ["parameters", colab.HIDDEN]}
    )
    imports = new_code_cell("from cnnlab.repro import set_seed\n\nset_seed(0)")
    lesson = new_code_cell("# NBVAL_CHECK_OUTPUT\nprint('lesson')  # NBVAL_CHECK_OUTPUT stays")
    lesson.outputs = [nbformat.v4.new_output("stream", text="lesson\n")]
    badge = colab.colab_badge(Path("notebooks/09_title.ipynb"), URL)
    first, _, rest = title.partition("\n\n")
    nb = new_notebook(
        cells=[
            new_markdown_cell(f"{first}\n\n{badge}\n\n{rest}"),
            setup,
            parameters,
            imports,
            new_markdown_cell("## Math\n\nAn equation: $y = w x + b$."),
            lesson,
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    return nb


def test_title_and_summary_skip_the_badge_and_markup():
    nb = new_notebook(
        cells=[
            new_markdown_cell(
                "# 09 · A title\n\n[![Open In Colab](x.svg)](y)\n\nThe *first* `one`. Two."
            )
        ]
    )
    assert book.title_and_summary(nb) == ("09 · A title", "The first one.")


def test_reader_copy_strips_nbval_markers_and_badge_and_folds_the_imports():
    nb = course_notebook()
    clean = book.reader_copy(nb, "09_title.ipynb")
    assert clean.cells[5].source == "print('lesson')  # NBVAL_CHECK_OUTPUT stays"
    assert "Open In Colab" not in clean.cells[0].source
    assert clean.cells[0].source == "# 09 · A title\n\nThe first sentence. Another."
    assert clean.cells[3].metadata["tags"] == [book.FOLDED]
    assert clean.cells[5].metadata.get("tags", []) == []  # lesson code is never folded
    # The committed notebook keeps what nbval and Colab need.
    assert nb.cells[5].source.startswith("# NBVAL_CHECK_OUTPUT\n")
    assert "Open In Colab" in nb.cells[0].source and "tags" not in nb.cells[3].metadata


def test_every_nbval_marker_line_goes_but_nothing_else():
    nb = course_notebook()
    nb.cells[5].source = "x = 1\n  # NBVAL_SKIP\n#NBVAL_IGNORE_OUTPUT\ny = '# NBVAL_CHECK_OUTPUT'"
    clean = book.reader_copy(nb, "x.ipynb")
    assert clean.cells[5].source == "x = 1\ny = '# NBVAL_CHECK_OUTPUT'"


@pytest.mark.parametrize("cell", [1, 2])
def test_untagged_machinery_stops_the_book(cell):
    nb = course_notebook()
    nb.cells[cell].metadata["tags"].remove(colab.HIDDEN)
    with pytest.raises(book.BookError, match="make badges"):
        book.reader_copy(nb, "09_title.ipynb")


def test_landing_page_lists_chapters_in_order_with_a_toctree(tmp_path):
    (tmp_path / book.LANDING).parent.mkdir(parents=True)
    (tmp_path / book.LANDING).write_text(f"# Course\n\nIntro.\n\n{book.CHAPTERS_MARKER}\n\nRun.\n")
    page = book.landing_page(tmp_path, [("01_a", "01 · A", "About a."), ("02_b", "02 · B", "b.")])
    assert page.index("1. [01 · A](01_a.ipynb): About a.") < page.index("[02 · B](02_b.ipynb)")
    assert page.index("Intro.") < page.index("01 · A") < page.index("Run.")
    assert "```{toctree}\n:hidden:\n:caption: Chapters\n\n01_a\n02_b\nresults\n```" in page
    (tmp_path / book.LANDING).write_text("# Course without a marker\n")
    with pytest.raises(book.BookError, match="chapters"):
        book.landing_page(tmp_path, [])


def test_config_never_executes_and_serves_mathjax_itself():
    config = book.sphinx_config(ROOT)
    assert config["nb_execution_mode"] == "off"
    assert "sphinx-mathjax-offline" in config["extensions"]
    assert config["html_theme_options"]["repository_url"] == colab.repository_url(ROOT)
    assert "dollarmath" in config["myst_enable_extensions"]


def fake_app(docname_suffix: str) -> SimpleNamespace:
    return SimpleNamespace(
        config=SimpleNamespace(cnnlab_repository=URL),
        env=SimpleNamespace(doc2path=lambda name, base: f"{name}{docname_suffix}"),
    )


def test_header_buttons_of_a_chapter_open_its_committed_notebook_in_colab():
    context = {"header_buttons": [{"label": "theme's own"}]}
    book.header_buttons(fake_app(".ipynb"), "03_x", "page.html", context, None)
    launch, source, theirs = context["header_buttons"]
    assert launch["buttons"][0]["url"] == colab.colab_link(Path("notebooks/03_x.ipynb"), URL)
    assert [b["url"] for b in source["buttons"]] == [URL, f"{URL}/blob/main/notebooks/03_x.ipynb"]
    assert theirs == {"label": "theme's own"}


def test_header_buttons_of_another_page_link_the_repository_only():
    context = {"header_buttons": []}
    book.header_buttons(fake_app(".md"), "results", "page.html", context, None)
    assert [b["url"] for b in context["header_buttons"]] == [URL]
    book.header_buttons(fake_app(".md"), "genindex", "page.html", {}, None)  # no list: no-op


def tiny_repository(tmp_path: Path) -> tuple[Path, list[Path]]:
    """A repository with the book's inputs and two course-shaped notebooks."""
    root = tmp_path / "repo"
    (root / "notebooks").mkdir(parents=True)
    (root / "reports").mkdir()
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "x"\n[project.urls]\nRepository = "{URL}"\n'
    )
    (root / book.LANDING).parent.mkdir(parents=True)
    shutil.copy(ROOT / book.LANDING, root / book.LANDING)
    rows = [
        {"what": "weights", "section": "Q3", "report": 497349, "ours": ["n"], "format": "count"},
        {"what": "gone", "section": "Q3", "report": 1, "ours": ["gone"], "format": "count"},
    ]
    claims = {
        "sections": [{"title": "First", "notebook": "01_first", "source": "Q3", "rows": rows}]
    }
    (root / results.CLAIMS).write_text(json.dumps({**claims, "not_compared": "Q2 is lost."}))
    (root / results.METRICS).write_text(json.dumps({"01_first": {"n": 497350}}))
    notebooks = []
    for name in ("01_first", "02_second"):
        path = root / "notebooks" / f"{name}.ipynb"
        nbformat.write(course_notebook(f"# {name[:2]} · {name}\n\nAbout {name}."), path)
        notebooks.append(path)
    return root, notebooks


def test_build_book_makes_pages_without_machinery_and_replaces_only_on_success(tmp_path):
    root, notebooks = tiny_repository(tmp_path)
    out = root / "build" / "html"
    index = book.build_book(notebooks, out, root)
    assert index == out / "index.html"
    pages = {p.name: p.read_text() for p in out.glob("*.html")}
    assert {"index.html", "01_first.html", "02_second.html", "results.html"} <= set(pages)
    for name, html in pages.items():
        for word in ("NBVAL_CHECK_OUTPUT\n", "google.colab", "PROFILE = None", "Open In Colab]"):
            assert word not in html, (name, word)
    assert "lesson" in pages["01_first.html"]
    assert colab.colab_link(Path("notebooks/01_first.ipynb"), URL) in pages["01_first.html"]
    assert (out / "_static" / "mathjax" / "tex-chtml.js").exists()
    assert "mathjax/tex-chtml.js" in pages["01_first.html"]
    assert "497,349" in pages["results.html"] and "497,350" in pages["results.html"]
    assert "<em>not in metrics.json</em></p></td>" in pages["results.html"]
    assert sorted(p.name for p in (root / "build").iterdir()) == ["html"]  # no scratch left

    # A notebook whose machinery is not hidden stops the build; the old book stays.
    broken = nbformat.read(notebooks[0], as_version=4)
    broken.cells[1].metadata["tags"] = []
    nbformat.write(broken, notebooks[0])
    with pytest.raises(book.BookError):
        book.build_book(notebooks, out, root)
    assert (out / "01_first.html").read_text() == pages["01_first.html"]
    assert sorted(p.name for p in (root / "build").iterdir()) == ["html"]
