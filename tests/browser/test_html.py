"""The HTML build in a real browser: the index links to every notebook and figures render.

Run with `make test-html` (installs Chromium and its driver from Debian when missing).
"""

import shutil
from pathlib import Path

import pytest

from cnnlab_build.site import build_site

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (binary and driver):
        pytest.fail("Chromium is missing: run `make test-html`, which installs it")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,2000",
    ):
        options.add_argument(flag)
    session = webdriver.Chrome(service=Service(driver), options=options)
    yield session
    session.quit()


def test_index_links_every_notebook_and_figures_render(browser, tmp_path):
    from selenium.webdriver.common.by import By

    index = build_site(NOTEBOOKS, tmp_path / "html")
    browser.get(index.as_uri())
    links = browser.find_elements(By.CSS_SELECTOR, "li a")
    assert [a.get_attribute("href").rsplit("/", 1)[-1] for a in links] == [
        f"{p.stem}.html" for p in NOTEBOOKS
    ]
    assert all(a.text.strip() for a in links)

    with_figures = next(a for a in links if "01_optimization_theory" in a.get_attribute("href"))
    with_figures.click()
    assert browser.current_url.endswith("01_optimization_theory.html")
    # Figures are embedded as data: URIs; the Colab badge is an external image (no network here).
    sizes = browser.execute_script(
        "return Array.from(document.images).filter(i => i.src.startsWith('data:image/'))"
        ".map(i => [i.complete, i.naturalWidth, i.naturalHeight]);"
    )
    assert len(sizes) >= 3, "the notebook's figures are missing"
    assert all(done and w > 0 and h > 0 for done, w, h in sizes), sizes
