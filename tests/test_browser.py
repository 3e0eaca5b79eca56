"""The site in a real browser: headless Chromium opens every page of both editions from a local server, with every
other host unreachable, and checks what a reader would see: no console errors, every formula typeset by MathJax,
every image loaded, every internal link and anchor present, the search page finding "huber", and every interactive
figure answering its slider and buttons with the data lossbook computed, in light and dark mode.

Needs chromium and chromedriver (Debian: apt-get install chromium chromium-driver; .ci/run installs them) and
selenium; without them the tests are skipped. The `site` fixture (conftest.py) builds the book first.
"""

import functools
import http.server
import json
import re
import shutil
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np
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


# ------------------------------------------------------------------------------------ the interactive figures

# The pages with interactive figures (lossbook.book.interactive) and how many each has.
FIGURES = {"book/regression.html": 3, "book/binary_classification.html": 2, "book/multiclass.html": 1,
           "book/custom_loss.html": 1}

# What a figure shows now: the slider's step, the button pressed, every trace's data, and the text colour.
FIGURE_STATE = r"""
const figure = arguments[0];
if (!figure._fullLayout) return null;
const slider = figure._fullLayout.sliders[0], menus = figure._fullLayout.updatemenus || [];
return JSON.stringify({
  active: slider.active, steps: slider.steps.length, menu: menus.length ? menus[0].active : null,
  traces: figure._fullData.map(t => ({name: t.name, visible: t.visible === true,
                                      x: Array.from(t.x || []), y: Array.from(t.y || [])})),
  font: figure._fullLayout.font.color,
  text: getComputedStyle(document.documentElement).getPropertyValue("--pst-color-text-base").trim(),
});
"""


def _figure_specs(path):
    """{element id: the Plotly figure} from the inline scripts of a built page."""
    text = path.read_text(encoding="utf-8")
    return {m.group(1): json.loads(m.group(2))
            for m in re.finditer(r'var id = "(lossbook-figure-[0-9a-f]+)", figure = (\{.*?\});\n', text)}


def _state(browser, figure):
    state = browser.execute_script(FIGURE_STATE, figure)
    return json.loads(state) if state else None


def _in_theme(state):
    return state["font"].lower() == state["text"].lower()


def _decode(spec):
    import base64

    return [float(v) for v in np.frombuffer(base64.b64decode(spec["bdata"]), dtype="<f4")]


def _shows_frame(state, spec, step):
    """The visible traces show the slider's frame `step`, number for number (float32, as stored)."""
    frame = spec["frames"][step]
    checked = 0
    for index, data in zip(frame["traces"], frame["data"]):
        trace = state["traces"][index]
        if not trace["visible"]:
            continue
        for key, value in data.items():
            assert trace[key] == (_decode(value) if key in ("x", "y") else value), (index, key)
        checked += 1
    return checked


@pytest.mark.parametrize("edition", ["teacher", "student"])
@pytest.mark.parametrize("page", sorted(FIGURES))
def test_interactive_figures_answer_the_slider_and_the_buttons(browser, servers, edition, page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, html = servers[edition]
    specs = _figure_specs(html / page)
    assert len(specs) == FIGURES[page]
    _severe(browser)
    _open(browser, base + page)
    figures = browser.find_elements(By.CSS_SELECTOR, "div.lossbook-figure")
    assert sorted(f.get_attribute("id") for f in figures) == sorted(specs)
    WebDriverWait(browser, 30).until(lambda d: all(_state(d, f) for f in figures))

    for figure in figures:
        spec = specs[figure.get_attribute("id")]
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", figure)
        before = _state(browser, figure)
        assert before["active"] == spec["layout"]["sliders"][0]["active"]

        # Move the slider: click the rail under the label of a step half the slider away.
        target = (before["active"] + before["steps"] // 2) % before["steps"]
        rail = figure.find_element(By.CSS_SELECTOR, ".slider-rail-touch-rect")
        label = figure.find_elements(By.CSS_SELECTOR, ".slider-label-group")[target]
        offset = (label.rect["x"] + label.rect["width"] / 2) - (rail.rect["x"] + rail.rect["width"] / 2)
        ActionChains(browser).move_to_element_with_offset(rail, round(offset), 0).click().perform()
        WebDriverWait(browser, 10).until(lambda d: _state(d, figure)["active"] == target)
        moved = _state(browser, figure)
        assert moved["traces"] != before["traces"], "the slider moved but the plotted data did not change"
        assert _shows_frame(moved, spec, target) >= 1

        # Press another button: another set of curves, at the slider's value.
        if before["menu"] is not None:
            buttons = figure.find_elements(By.CSS_SELECTOR, ".updatemenu-button")
            choice = (before["menu"] + 1) % len(buttons)
            buttons[choice].click()
            WebDriverWait(browser, 10).until(lambda d: _state(d, figure)["menu"] == choice)
            pressed = _state(browser, figure)
            wanted = spec["layout"]["updatemenus"][0]["buttons"][choice]["args"][0]["visible"]
            assert [t["visible"] for t in pressed["traces"]] == wanted
            assert pressed["traces"] != moved["traces"] and _shows_frame(pressed, spec, target) >= 1

    # Dark mode: the figures take the theme's text colour, and back.
    colours = {}
    for theme in ("dark", "light"):
        browser.execute_script("document.documentElement.dataset.theme = arguments[0]", theme)
        WebDriverWait(browser, 10).until(lambda d: all(_in_theme(_state(d, f)) for f in figures))
        colours[theme] = _state(browser, figures[0])["font"]
    assert colours["dark"] != colours["light"]

    severe = _severe(browser)
    assert not severe, severe
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert not [url for url in loaded if not url.startswith(base)], loaded
    assert any(url.split("?")[0].endswith("_static/plotly.min.js") for url in loaded)
