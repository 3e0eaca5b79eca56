"""The site in a real browser: headless Chromium opens every page of both editions from a local server, with every
other host unreachable, and checks what a reader would see: no console errors, every formula typeset by MathJax,
every image loaded, every internal link and anchor present, and the search page finding "huber". The slide decks
start and move on to the next slide; on a phone-sized screen (412 x 915) nothing in the text column is wider than
the screen except inside a block that scrolls; in dark mode every figure still stands out from what lies behind it;
every interactive figure answers its slider and buttons with the data lossbook computed, in light and dark mode.

Needs chromium and chromedriver (Debian: apt-get install chromium chromium-driver; .ci/run installs them) and
selenium; without them the tests are skipped. The `site` fixture (conftest.py) builds the book first.
"""

import functools
import http.server
import json
import re
import shutil
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np
import pytest
import yaml
from conftest import chapters_with_slides

ROOT = Path(__file__).resolve().parents[1]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
BOOK = [f"{TOC['root']}.html", "search.html", "genindex.html", "py-modindex.html"] + [
    f"{c['file']}.html" for part in TOC["parts"] for c in part["chapters"]]
DECKS = [f"slides/{name}.html" for name in chapters_with_slides()]
PAGES = BOOK + ["slides/index.html"] + DECKS
BROWSERS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
STATS = {"pages": 0, "formulas": 0, "images": 0, "links": 0, "seconds": 0.0}
PHONE = {"width": 412, "height": 915, "deviceScaleFactor": 1, "mobile": True}


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
        elif parts.fragment.startswith("/") and target.parent.name == "slides":
            continue  # reveal.js's address of a slide (#/3), not an element's id
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


# ------------------------------------------------------------------------------------------------------ slide decks

# Waits for reveal.js, MathJax and the images of a deck, then reports what it shows.
DECK = r"""
const done = arguments[arguments.length - 1];
const within = (promise, ms) => Promise.race([promise.then(() => true),
                                               new Promise(r => setTimeout(() => r(false), ms))]);
(async () => { try {
  const started = new Promise(r => Reveal.isReady() ? r() : Reveal.on("ready", r));
  const ready = !!window.Reveal && await within(started, 30000);
  const mathjaxDone = !!(window.MathJax && MathJax.startup) && await within(MathJax.startup.promise, 30000);
  const images = [...document.querySelectorAll(".slides img")];
  await within(Promise.all(images.map(img => img.complete ? null : new Promise(r => {
    img.addEventListener("load", r); img.addEventListener("error", r); }))), 15000);
  const text = document.querySelector(".slides").cloneNode(true);
  text.querySelectorAll("pre, code, script, style, mjx-container, .highlight").forEach(e => e.remove());
  done({
    ready,
    mathjaxDone,
    slides: ready ? Reveal.getTotalSlides() : 0,
    containers: document.querySelectorAll(".slides mjx-container").length,
    errors: [...document.querySelectorAll("mjx-merror")].map(e => e.getAttribute("data-mjx-error") || e.textContent),
    raw: ["$", "\\(", "\\[", "\\begin{"].filter(s => text.textContent.includes(s)),
    images: images.length,
    broken: images.filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src.slice(0, 80)),
  });
} catch (error) { done({scriptError: String(error && error.stack || error)}); } })();
"""


@pytest.mark.parametrize("edition", ["teacher", "student"])
@pytest.mark.parametrize("deck", DECKS)
def test_deck_presents(browser, servers, edition, deck):
    """A deck starts with all its slides, formulas and figures, and the right arrow key moves on (the other checks
    of every page, test_page_renders, run on the decks too)."""
    import nbformat
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    sys.path.insert(0, str(ROOT / "_ext"))
    import lossbook_slides

    nb = nbformat.read(ROOT / "book" / deck.replace("slides/", "").replace(".html", ".ipynb"), as_version=4)
    plan = lossbook_slides.plan(nb, lossbook_slides.bibliography(ROOT / "book/references.bib"))
    base, _ = servers[edition]
    _severe(browser)
    _open(browser, base + deck)
    seen = browser.execute_async_script(DECK)
    assert "scriptError" not in seen, seen.get("scriptError")
    assert seen["ready"], "reveal.js did not start"
    assert seen["slides"] == plan.slides >= 1
    assert seen["mathjaxDone"] and not seen["errors"] and not seen["raw"], seen
    if any("$" in cell.source for cell in plan.cells if cell.cell_type == "markdown"):
        assert seen["containers"] > 0
    figures = sum("image/png" in out.get("data", {}) for cell in plan.cells for out in cell.get("outputs", []))
    assert seen["images"] == figures and not seen["broken"], seen

    before = browser.execute_script("return [Reveal.getProgress(), location.hash]")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return Reveal.getProgress()") > before[0])
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return location.hash") != before[1])  # debounced
    after = browser.execute_script("return [Reveal.getIndices(), Reveal.getCurrentSlide().innerText]")
    assert after[0]["h"] == 1 or after[0].get("f") is not None, after[0]
    assert after[1].strip(), "the second slide shows nothing"
    severe = _severe(browser)
    assert not severe, severe


# ----------------------------------------------------------------------------------------------- a phone's screen

# Every element of the text column (the search page: its content; the deck list: its body) must end up on the
# screen. Walking up from the element: a block that scrolls sideways (overflow-x auto or scroll) shows the rest
# when scrolled, so from there on only the part inside that block counts; a block that hides its overflow must not
# cut the element. Whatever is left must lie within the screen. Screen-reader copies (MathJax's assistive MathML,
# .visually-hidden) are left out.
FITS = r"""
const done = arguments[arguments.length - 1];
(async () => { try {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  // What a reader can unfold is unfolded: solutions, hidden cells.
  document.querySelectorAll("details").forEach(d => d.open = true);
  document.querySelectorAll(".toggle-hidden").forEach(e => e.classList.remove("toggle-hidden"));
  await new Promise(r => setTimeout(r, 300));
  const vw = document.documentElement.clientWidth;
  const root = document.querySelector("article.bd-article") || document.querySelector("#main-content .bd-content")
    || document.body;
  const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\s+/).join(".") : "");
  const offenders = [];
  let checked = 0, formulas = 0;
  for (const e of root.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || e.closest("mjx-assistive-mml, .visually-hidden, .sr-only")) continue;
    checked += 1;
    formulas += e.tagName === "MJX-CONTAINER";
    let left = r.left, right = r.right, problem = null;
    for (let a = e.parentElement; a && a !== root.parentElement; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.display === "inline" || style.display === "contents") continue;  // overflow does not apply
      const box = a.getBoundingClientRect();
      if (["auto", "scroll"].includes(style.overflowX)) {
        left = Math.max(left, box.left); right = Math.min(right, box.right);
      } else if (["hidden", "clip"].includes(style.overflowX) && (right > box.right + 1 || left < box.left - 1)) {
        problem = "cut off by " + name(a); break;
      }
    }
    if (!problem && (right > vw + 1 || left < -1)) problem = "wider than the screen";
    if (problem) offenders.push(`${name(e)} (${Math.round(r.left)}..${Math.round(r.right)} px, ` +
                                `"${(e.textContent || "").trim().slice(0, 40)}"): ${problem}`);
  }
  done({vw, page: document.documentElement.scrollWidth, checked, formulas, offenders});
} catch (error) { done({scriptError: String(error && error.stack || error)}); } })();
"""


@pytest.fixture
def phone(browser):
    """The browser with a phone's screen (412 x 915 CSS pixels, a mobile viewport), for one test."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("page", BOOK + ["slides/index.html"])
def test_page_fits_a_phone(phone, servers, page):
    """Wide formulas, tables and code scroll inside their own block on a phone; nothing is cut off and the page
    never scrolls sideways. (The teacher edition, which holds everything the student edition does; the decks scale
    their slides to the screen and are not read on a phone.)"""
    base, _ = servers["teacher"]
    _open(phone, base + page)
    seen = phone.execute_async_script(FITS)
    assert "scriptError" not in seen, seen.get("scriptError")
    assert seen["vw"] == PHONE["width"] and seen["checked"] > 5, seen
    assert not seen["offenders"], "\n".join(seen["offenders"][:20])
    assert seen["page"] <= seen["vw"], "the page scrolls sideways"


# ------------------------------------------------------------------------------------------------------ dark mode

# For each image of the text column: its pixels as shown, composited over what lies behind it (its own background
# and its ancestors', down to the first opaque one) with the CSS filters the page applies (the theme dims images in
# dark mode). The "paper" is the most common shade; the "ink" the shade farthest from it among the darkest and the
# lightest 0.5 % of the pixels. A figure drawn with black ink on a transparent background over a dark page has paper
# and ink of nearly the same shade.
LEGIBLE = r"""
const done = arguments[arguments.length - 1];
(async () => { try {
  const images = [...document.querySelectorAll("article.bd-article img")];
  await Promise.all(images.map(img => img.complete ? null : new Promise(r => {
    img.addEventListener("load", r); img.addEventListener("error", r); })));
  const rgba = s => {
    const m = (s.match(/[\d.]+/g) || []).map(Number);
    return m.length < 3 ? [0, 0, 0, 0] : [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map(k => top[k] * top[3] + under[k] * (1 - top[3]));
  const linear = c => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const luminance = c => 0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2]);
  const out = [];
  for (const img of images) {
    const layers = [];
    for (let e = img; e; e = e.parentElement) {
      const b = rgba(getComputedStyle(e).backgroundColor);
      if (b[3] > 0) layers.push(b);
      if (b[3] === 1) break;
    }
    let back = [255, 255, 255];
    for (const layer of layers.reverse()) back = over(layer, back);
    const steps = [];
    for (let e = img; e; e = e.parentElement) {
      const f = getComputedStyle(e).filter;
      if (f && f !== "none") for (const [, fn, v] of f.matchAll(/([\w-]+)\(([\d.]+)\)/g)) steps.push([fn, +v]);
    }
    const filtered = c => c.map(x => {
      x /= 255;
      for (const [fn, v] of steps) {
        if (fn === "brightness") x *= v;
        else if (fn === "contrast") x = (x - 0.5) * v + 0.5;
        else if (fn === "invert") x = x * (1 - v) + (1 - x) * v;
        else throw new Error("a filter this check does not know: " + fn);
        x = Math.min(1, Math.max(0, x));
      }
      return x * 255;
    });
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const g = canvas.getContext("2d");
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, canvas.width, canvas.height).data;
    const shades = [], counts = new Map();
    for (let i = 0; i < px.length; i += 4 * 7) {  // every 7th pixel
      const l = luminance(filtered(over([px[i], px[i + 1], px[i + 2], px[i + 3] / 255], back)));
      shades.push(l);
      counts.set(Math.round(l * 50), (counts.get(Math.round(l * 50)) || 0) + 1);
    }
    shades.sort((a, b) => a - b);
    const paper = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0] / 50;
    const dark = shades[Math.floor(shades.length * 0.005)], light = shades[Math.floor(shades.length * 0.995)];
    const ink = Math.abs(dark - paper) > Math.abs(light - paper) ? dark : light;
    out.push({image: img.getAttribute("src").slice(0, 60), paper, ink,
              contrast: (Math.max(paper, ink) + 0.05) / (Math.min(paper, ink) + 0.05)});
  }
  done({theme: document.documentElement.dataset.theme, images: out});
} catch (error) { done({scriptError: String(error && error.stack || error)}); } })();
"""
TRANSPARENT_FIGURE = r"""
// A figure as Matplotlib draws it with a transparent background (savefig(transparent=True)): black ink only. The
// class dark-light opts it out of the theme's white backing for images in dark mode (pydata-sphinx-theme).
const canvas = document.createElement("canvas");
canvas.width = 300; canvas.height = 200;
const g = canvas.getContext("2d");
g.strokeStyle = "#000"; g.lineWidth = 3; g.strokeRect(20, 20, 260, 160);
g.font = "24px sans-serif"; g.fillText("loss against the logit", 30, 100);
const img = document.createElement("img");
img.className = "dark-light";
img.src = canvas.toDataURL("image/png");
document.querySelector("article.bd-article p").appendChild(img);
"""


def _dark(browser, url):
    """Open a page in dark mode, as a reader who chose it (the theme keeps the choice in localStorage)."""
    from selenium.webdriver.support.ui import WebDriverWait

    _open(browser, url)
    browser.execute_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
    _open(browser, url)
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(
        "return document.readyState === 'complete' && document.documentElement.dataset.theme") == "dark")


@pytest.fixture
def dark(browser):
    yield browser
    browser.execute_script("localStorage.removeItem('mode'); localStorage.removeItem('theme');")


@pytest.mark.parametrize("page", [p for p in BOOK if p.startswith("book/")])
def test_figures_stand_out_in_dark_mode(dark, servers, page):
    """Every figure keeps its ink readable against its paper in dark mode (contrast at least 4.5, the WCAG level
    for text): Matplotlib draws black ink, which a dark page would swallow if a figure let the page show through."""
    base, _ = servers["teacher"]
    _dark(dark, base + page)
    seen = dark.execute_async_script(LEGIBLE)
    assert "scriptError" not in seen, seen.get("scriptError")
    assert seen["theme"] == "dark"
    faint = [f"{i['image']}: paper {i['paper']:.2f}, ink {i['ink']:.2f}, contrast {i['contrast']:.1f}"
             for i in seen["images"] if i["contrast"] < 4.5]
    assert not faint, faint
    severe = _severe(dark)
    assert not severe, severe


def test_dark_mode_check_sees_a_transparent_figure(dark, servers):
    """The check above is not blind: a figure with a transparent background and black ink, shown without the
    theme's white backing for images, fails it."""
    base, _ = servers["teacher"]
    _dark(dark, base + "book/regression.html")
    dark.execute_script(TRANSPARENT_FIGURE)
    seen = dark.execute_async_script(LEGIBLE)
    assert "scriptError" not in seen, seen.get("scriptError")
    figures = [i["contrast"] for i in seen["images"] if not i["image"].startswith("data:")]
    added = [i["contrast"] for i in seen["images"] if i["image"].startswith("data:")]
    assert len(figures) >= 1 and min(figures) >= 4.5 and added and added[0] < 2, seen["images"]
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
