"""The built book in a real browser: pages, navigation, figures, search, links, results.

Run with `make test-html`, which builds the book into build/html first and installs Chromium
from Debian when it is missing. Playwright drives that system Chromium (its own browser
download is not reachable from these machines); the site is served on 127.0.0.1 by a local
http.server, and any request that leaves it fails the test. Screenshots of what a reader sees
first (landing, a chapter, the results page) are saved under build/screenshots/.
"""

import functools
import http.server
import json
import re
import threading
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from cnnlab_build import colab, results

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "html"
SHOTS = ROOT / "build" / "screenshots"
CHAPTERS = [p.stem for p in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))]
PAGES = ["index", *CHAPTERS, "results"]
FORBIDDEN = ["NBVAL_CHECK_OUTPUT", "google.colab", "PROFILE = None"]
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def base_url():
    if not (SITE / "index.html").exists():
        pytest.fail("build/html is missing: run `make test-html`, which builds it first")
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make test-html`, which installs it")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, base_url):
    """A page that records console errors, page errors and every request leaving the site."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.outside = []
    tab.on("console", lambda m: m.type == "error" and tab.errors.append(m.text))
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))

    def route(request_route):
        url = request_route.request.url
        if url.startswith(base_url) or url.startswith("data:"):
            request_route.continue_()
        else:
            tab.outside.append(url)
            request_route.abort()

    tab.route("**/*", route)
    yield tab
    context.close()


def visit(tab, url: str) -> None:
    tab.goto(url, wait_until="load")
    tab.wait_for_load_state("networkidle")


def test_every_page_loads_clean_and_shows_no_machinery(page, base_url):
    for name in [*PAGES, "search", "genindex"]:
        visit(page, f"{base_url}{name}.html")
        assert page.title(), name
        html = page.content()
        for word in FORBIDDEN:
            assert word not in html, f"{name}.html shows {word!r}"
    assert page.errors == [], page.errors
    assert page.outside == [], f"requests left the site (it must work offline): {page.outside}"


def test_navigation_reaches_every_chapter_in_order(page, base_url):
    visit(page, base_url + "index.html")
    sidebar = page.eval_on_selector_all(
        "nav.bd-docs-nav a.reference.internal", "links => links.map(a => a.href)"
    )
    assert [urlparse(u).path.strip("/").removesuffix(".html") for u in sidebar] == PAGES
    seen = ["index"]
    while page.locator("a.right-next").count():
        page.locator("a.right-next").first.click()
        page.wait_for_load_state("load")
        seen.append(urlparse(page.url).path.strip("/").removesuffix(".html"))
        # Every chapter and the results page has its own table of contents ("On this page").
        assert page.locator(".page-toc li.toc-entry a").count() >= 2, seen[-1]
    assert seen == PAGES


def test_figures_render_and_math_is_typeset(page, base_url):
    for name in PAGES:
        visit(page, f"{base_url}{name}.html")
        sizes = page.eval_on_selector_all(
            "article img",
            "imgs => imgs.map(i => [i.currentSrc, i.complete, i.naturalWidth,"
            " i.getBoundingClientRect().width, i.getBoundingClientRect().height])",
        )
        for src, complete, natural, width, height in sizes:
            assert complete and natural > 0 and width > 0 and height > 0, (name, src)
            # Readable: a figure is never shrunk below 300 px (or its own width) on this screen.
            assert width >= min(natural, 300) - 1, (name, src, width)
        if name in ("01_optimization_theory", "03_brain_tumor_cnn", "results"):
            assert sizes, f"{name} shows no figure"
    visit(page, base_url + "02_conv1d_shape_table.html")
    page.wait_for_selector("mjx-container", timeout=15_000)
    assert page.locator("mjx-container").count() > 0
    assert page.errors == [], page.errors


def test_chapters_have_colab_and_source_buttons_and_visible_exercises(page, base_url):
    url = colab.repository_url(ROOT)
    for name in CHAPTERS:
        visit(page, f"{base_url}{name}.html")
        exercise_code = page.locator("section#exercises .cell_input")
        assert exercise_code.count() >= 1 and exercise_code.first.is_visible(), name
        hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.href)")
        notebook = Path("notebooks") / f"{name}.ipynb"
        assert colab.colab_link(notebook, url) in hrefs, name
        assert f"{url}/blob/main/{notebook}" in hrefs, name


def test_search_finds_a_term_from_notebook_05(page, base_url):
    visit(page, base_url + "search.html?q=Inception")
    page.wait_for_selector("#search-results li a", timeout=20_000)
    found = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.href)")
    assert any("05_cifar10_inception.html" in href for href in found), found


def test_every_internal_link_resolves(page, base_url):
    ids: dict[str, set[str]] = {}
    links: set[tuple[str, str]] = set()
    for name in [*PAGES, "search", "genindex"]:
        visit(page, f"{base_url}{name}.html")
        ids[page.url.split("?")[0]] = set(
            page.eval_on_selector_all("[id]", "nodes => nodes.map(n => n.id)")
        )
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            if href.startswith(base_url):
                links.add((name, href))
    broken = []
    for name, href in sorted(links):
        target, fragment = urldefrag(urljoin(base_url, href))
        target = target.split("?")[0]
        if target.endswith("/"):
            target += "index.html"
        path = SITE / urlparse(target).path.lstrip("/")
        if not path.is_file():
            broken.append((name, href))
        elif fragment and target in ids and fragment not in ids[target]:
            broken.append((name, href))
    assert len(links) > 50 and not broken, broken


def test_results_page_shows_the_numbers_of_metrics_json(page, base_url):
    claims = json.loads((ROOT / results.CLAIMS).read_text())
    metrics = json.loads((ROOT / results.METRICS).read_text())
    visit(page, base_url + "results.html")
    text = "\n".join(page.locator("article table").all_inner_texts())
    shown = 0
    for section in claims["sections"]:
        for row in section["rows"]:
            for key in ("ours", "improved"):
                value = results.measured(metrics, section["notebook"], row, key)
                if value is not None:
                    assert results.fmt(value, row["format"], absent="") in text, row["what"]
                    shown += 1
    assert shown >= 10
    assert results.MISSING.strip("*") not in text, "a number of metrics.json is shown missing"


def test_screenshots_of_what_a_reader_sees_first(page, base_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, shot in [
        ("index", "landing"),
        ("03_brain_tumor_cnn", "chapter-03"),
        ("results", "results"),
    ]:
        visit(page, f"{base_url}{name}.html")
        page.screenshot(path=str(SHOTS / f"{shot}.png"))
        assert (SHOTS / f"{shot}.png").stat().st_size > 10_000
    assert re.search(r"Results at a glance", page.inner_text("h1"))
