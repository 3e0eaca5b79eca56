"""The site in a real browser: headless Chromium opens every page of both editions from a local server, with every
other host unreachable, and checks what a reader would see: no console errors, every formula typeset by MathJax,
every image loaded, every internal link and anchor present, and the search page finding "huber".

Needs chromium and chromedriver (Debian: apt-get install chromium chromium-driver; .ci/run installs them) and
selenium; without them the tests are skipped. The `site` fixture (conftest.py) builds the book first.
"""

import functools
import http.server
import json
import shutil
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
PAGES = [f"{TOC['root']}.html", "search.html", "genindex.html", "py-modindex.html"] + [
    f"{c['file']}.html" for part in TOC["parts"] for c in part["chapters"]]
BROWSERS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
STATS = {"pages": 0, "formulas": 0, "images": 0, "links": 0, "seconds": 0.0}


def _which(names):
    return next((path for path in map(shutil.which, names) if path), None)


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    binary, driver_path = _which(BROWSERS), _which(["chromedriver"])
    if not binary or not driver_path:
        pytest.skip("chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                # No network: every host name fails to resolve; the site is served on 127.0.0.1 (no name needed).
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--no-proxy-server", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=driver_path))
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()
    print(f"\nbrowser: {STATS['pages']} pages, {STATS['formulas']} formulas typeset, {STATS['images']} images, "
          f"{STATS['links']} internal links checked in {STATS['seconds']:.1f} s")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def servers(site):
    """One local HTTP server per edition: {edition: (base URL, HTML folder)}."""
    out, running = {}, []
    for edition, build in site.items():
        html = build.require()
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        running.append(server)
        out[edition] = (f"http://127.0.0.1:{server.server_address[1]}/", html)
    yield out
    for server in running:
        server.shutdown()


class _Ids(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.ids = set()
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.ids.update(v for k, v in attrs if k in ("id", "name") and v)


@functools.lru_cache(maxsize=None)
def _ids(path):
    return frozenset(_Ids(Path(path).read_text(encoding="utf-8")).ids)


def _severe(browser):
    """The console errors logged since the last call (reading the log empties it)."""
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def _open(browser, url):
    """Load a page and wait until it is the current, fully loaded document (get() sometimes returns while the
    previous document is still current, and a script would then run there)."""
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    WebDriverWait(browser, 30).until(lambda d: d.current_url.split("#")[0] == url.split("#")[0]
                                     and d.execute_script("return document.readyState") == "complete")


# Waits for MathJax (when the page loads it) and for every image, then reports what the page shows.
INSPECT = r"""
const done = arguments[arguments.length - 1];
const within = (promise, ms) => Promise.race([promise.then(() => true),
                                               new Promise(r => setTimeout(() => r(false), ms))]);
(async () => { try {
  let mathjaxDone = true;
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    mathjaxDone = await within(MathJax.startup.promise, 30000);
  }
  const images = [...document.images];
  await within(Promise.all(images.map(img => img.complete ? null : new Promise(r => {
    img.addEventListener("load", r); img.addEventListener("error", r); }))), 15000);
  const math = [...document.querySelectorAll(".math")];
  const text = document.body.cloneNode(true);
  text.querySelectorAll("pre, code, script, style, mjx-container, .highlight, textarea").forEach(e => e.remove());
  done({
    mathjax: !!window.MathJax,
    mathjaxDone,
    math: math.length,
    typeset: math.filter(e => e.querySelector("mjx-container")).length,
    containers: document.querySelectorAll("mjx-container").length,
    errors: [...document.querySelectorAll("mjx-merror")].map(e => e.getAttribute("data-mjx-error") || e.textContent),
    raw: ["$$", "\\(", "\\[", "\\begin{"].filter(s => text.textContent.includes(s)),
    images: images.length,
    broken: images.filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src),
    links: [...document.querySelectorAll("a[href]")].map(a => a.href),
    resources: performance.getEntriesByType("resource").map(e => e.name),
  });
} catch (error) { done({scriptError: String(error && error.stack || error)}); } })();
"""


@pytest.mark.parametrize("edition", ["teacher", "student"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders(browser, servers, edition, page):
    base, html = servers[edition]
    start = time.perf_counter()
    _severe(browser)  # drop what earlier pages logged
    _open(browser, base + page)
    seen = browser.execute_async_script(INSPECT)
    assert "scriptError" not in seen, seen.get("scriptError")
    severe = _severe(browser)
    STATS["seconds"] += time.perf_counter() - start
    STATS["pages"] += 1

    assert not severe, severe
    foreign = [url for url in seen["resources"] if not url.startswith(base) and not url.startswith("data:")]
    assert not foreign, foreign

    assert seen["mathjaxDone"], "MathJax did not finish typesetting within 30 s"
    assert seen["typeset"] == seen["math"], f"{seen['math'] - seen['typeset']} formulas not typeset"
    assert not seen["errors"], seen["errors"]
    assert not seen["raw"], f"raw TeX left in the visible text: {seen['raw']}"
    if seen["math"]:
        assert seen["mathjax"]
    STATS["formulas"] += seen["containers"]

    assert not seen["broken"], seen["broken"]
    STATS["images"] += seen["images"]

    missing = []
    for url in seen["links"]:
        parts = urlsplit(url)
        if not url.startswith(base) or parts.scheme not in ("http", "https"):
            continue  # another site (a plain hyperlink), mailto:, javascript:
        target = html / unquote(parts.path[len(urlsplit(base).path):])
        if target.is_dir():
            target = target / "index.html"
        STATS["links"] += 1
        if not target.is_file():
            missing.append(url)
        elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _ids(str(target)):
            missing.append(url)
    assert not missing, missing


@pytest.mark.parametrize("edition", ["teacher", "student"])
def test_index_redirects_to_the_intro(browser, servers, edition):
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = servers[edition]
    browser.get(base)  # index.html only holds a redirect
    WebDriverWait(browser, 30).until(lambda d: d.current_url.endswith(f"{TOC['root']}.html"))
    severe = _severe(browser)
    assert not severe, severe


def test_search_finds_huber(browser, servers):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = servers["teacher"]
    _open(browser, base + "search.html?q=huber")
    WebDriverWait(browser, 30).until(lambda d: "Search finished" in d.find_element(By.ID, "search-results").text)
    results = browser.find_elements(By.CSS_SELECTOR, "#search-results ul.search li")
    pages = {r.find_element(By.TAG_NAME, "a").get_attribute("href").split("#")[0].rsplit("/", 1)[-1] for r in results}
    assert "regression.html" in pages, pages
    severe = _severe(browser)
    assert not severe, severe
