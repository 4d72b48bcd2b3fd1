"""The static site: titles and summaries from the notebooks, an index, atomic output."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from cnnlab_build import site


def make_notebook(path, title_cell):
    nbformat.write(new_notebook(cells=[new_markdown_cell(title_cell), new_code_cell("1")]), path)
    return path


def test_title_and_summary_skip_the_badge_and_markup():
    nb = new_notebook(
        cells=[
            new_markdown_cell(
                "# 09 · A title\n\n[![Open In Colab](x.svg)](y)\n\n"
                "The *first* `sentence` here. Second one."
            )
        ]
    )
    assert site.title_and_summary(nb) == ("09 · A title", "The first sentence here.")


def test_build_site_writes_pages_and_an_index(tmp_path):
    a = make_notebook(tmp_path / "01_a.ipynb", "# 01 · Alpha\n\nAbout <alpha> & more.")
    b = make_notebook(tmp_path / "02_b.ipynb", "# 02 · Beta\n\nAbout beta.")
    index = site.build_site([a, b], tmp_path / "out" / "html")
    assert sorted(p.name for p in index.parent.iterdir()) == [
        "01_a.html",
        "02_b.html",
        "index.html",
    ]
    text = index.read_text()
    assert text.index('href="01_a.html"') < text.index('href="02_b.html"')
    assert "About &lt;alpha&gt; &amp; more." in text
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["html"]
