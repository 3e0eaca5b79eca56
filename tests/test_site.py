"""The built site, read as files: nothing loads from another host, MathJax, reveal.js and plotly.js are the site's
own copies, the student edition has no solutions, every chapter tagged for slides has a deck (without solutions)
and links to it, the reference pages are complete, and Binder installs what requirements.txt pins.

The `site` fixture (conftest.py) builds both editions once per test run; tests/test_book.py checks the build itself.
"""

import html as html_text
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from conftest import chapters_with_slides, solution_lines

ROOT = Path(__file__).resolve().parents[1]
MATHJAX = "_static/mathjax/es5/tex-chtml.js"
REVEAL = "_static/revealjs/dist/reveal.js"
PLOTLY, FIGURE_STYLE = "_static/plotly.min.js", "_static/lossbook-figures.js"
# The chapters with interactive figures (lossbook.book.interactive), and how many each has.
FIGURES = {"regression": 3, "binary_classification": 2, "multiclass": 1, "custom_loss": 1}

# <link rel=...> values that make the browser fetch the target (next/prev/search/canonical/... only name a page).
LOADING_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload", "prefetch",
                "manifest", "mask-icon", "preconnect", "dns-prefetch"}
# Attributes that make the browser fetch a resource, per tag. <a href> is a hyperlink and may point anywhere.
LOADING_ATTRS = {"script": ["src"], "img": ["src", "srcset"], "source": ["src", "srcset"], "iframe": ["src"],
                 "embed": ["src"], "video": ["src", "poster"], "audio": ["src"], "track": ["src"],
                 "object": ["data"], "input": ["src"], "image": ["href", "xlink:href"], "use": ["href", "xlink:href"]}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I)


class Page(HTMLParser):
    """The resources a page loads, its ids, its classes and its text."""

    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.loads, self.classes, self.scripts = [], [], []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.classes += (attrs.get("class") or "").split()
        urls = [attrs.get(name) for name in LOADING_ATTRS.get(tag, [])]
        if tag == "link" and LOADING_RELS & set((attrs.get("rel") or "").lower().split()):
            urls.append(attrs.get("href"))
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        for url in filter(None, urls):
            self.loads += [u.strip().split()[0] for u in url.split(",") if u.strip()] if "srcset" in str(url) else [url]
        self.loads += CSS_URL.findall(attrs.get("style") or "")

    def handle_data(self, data):
        self.loads += CSS_URL.findall(data) if self.lasttag == "style" else []


def external(url):
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") or url.startswith("//")


def pages(html):
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts)


@pytest.fixture(scope="module")
def teacher(site):
    return site["teacher"].require()


@pytest.fixture(scope="module")
def student(site):
    return site["student"].require()


@pytest.mark.parametrize("edition", ["teacher", "student"])
def test_nothing_loads_from_another_host(site, edition):
    html = site[edition].require()
    found = {str(p.relative_to(html)): [u for u in Page(p).loads if external(u)] for p in pages(html)}
    assert len(found) >= 10, "too few pages: did the build run?"
    assert "slides/index.html" in found and "slides/what_is_a_loss.html" in found  # the decks too
    assert not {page: urls for page, urls in found.items() if urls}
    # Stylesheets must not pull fonts or other files from the internet either (Google Fonts and the like).
    css = {str(p.relative_to(html)): CSS_URL.findall(p.read_text(encoding="utf-8", errors="replace"))
           for p in html.rglob("*.css")}
    assert not {name: urls for name, urls in css.items() if urls}


def test_mathjax_is_the_sites_own_copy(teacher):
    with_math = 0
    for path in pages(teacher):
        page = Page(path)
        mathjax = [s for s in page.scripts if "mathjax" in s.lower()]
        if "math" in page.classes:
            with_math += 1
            assert len(mathjax) == 1 and mathjax[0].split("?")[0].endswith(MATHJAX), (path.name, mathjax)
        else:
            assert len(mathjax) <= 1, (path.name, mathjax)  # Sphinx may add it anyway; never twice
    assert with_math >= 6  # every chapter has formulas
    assert (teacher / MATHJAX).is_file()
    fonts = teacher / "_static/mathjax/es5/output/chtml/fonts/woff-v2"
    assert len(list(fonts.glob("*.woff"))) >= 20
    # Jupyter Book adds a <script> for every .js under the static paths when a top-level _static/ exists: then the
    # MathJax extensions would all be loaded on every page (see _config.yml). No page may load them.
    extensions = [s for p in pages(teacher) for s in Page(p).scripts if "input/tex/extensions" in s]
    assert not extensions


@pytest.mark.parametrize("edition", ["teacher", "student"])
def test_a_deck_for_every_chapter_tagged_for_slides(site, edition):
    html = site[edition].require()
    tagged = chapters_with_slides()
    assert "what_is_a_loss" in tagged
    decks = sorted(p.stem for p in (html / "slides").glob("*.html") if p.stem != "index")
    assert decks == tagged  # no empty deck for a chapter without tags
    index = (html / "slides/index.html").read_text(encoding="utf-8")
    assert [name for name in re.findall(r'<li><a href="([\w-]+)\.html">', index)] == [
        name for name in _toc_order() if name in tagged]
    for notebook in sorted(ROOT.glob("book/*.ipynb")):
        page = (html / "book" / f"{notebook.stem}.html").read_text(encoding="utf-8")
        assert (f'href="../slides/{notebook.stem}.html"' in page) == (notebook.stem in tagged), notebook.stem
    for name in decks:
        deck = Page(html / "slides" / f"{name}.html")
        assert deck.scripts == ["../" + MATHJAX, "../" + REVEAL], name
        assert all((html / "slides" / url).resolve().is_file() for url in deck.loads if not url.startswith("data:"))
    # The book's pages do not load reveal.js, and the decks are the only pages that do.
    assert not [p for p in pages(html) if "slides" not in p.parts and any("revealjs" in s for s in Page(p).scripts)]


def _toc_order():
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [Path(c["file"]).name for part in toc["parts"] for c in part["chapters"]]


@pytest.mark.parametrize("edition", ["teacher", "student"])
def test_decks_hold_no_solutions(site, edition):
    html = site[edition].require()
    for name in chapters_with_slides():
        deck = (html / "slides" / f"{name}.html").read_text(encoding="utf-8")
        text = html_text.unescape(re.sub(r"<[^>]+>", "", deck))
        assert "solution-start" not in deck and 'class="solution' not in deck, name
        lines = solution_lines(nbformat.read(ROOT / "book" / f"{name}.ipynb", as_version=4))
        assert not [line for line in lines if line in text], name


@pytest.mark.parametrize("edition", ["teacher", "student"])
def test_plotly_is_the_sites_own_copy_on_the_pages_with_figures(site, edition):
    """plotly.min.js is the installed plotly package's file, served from _static; the pages with interactive
    figures load it once, deferred, with the figures' theme script, and the other pages load neither."""
    import importlib.util

    html = site[edition].require()
    installed = Path(importlib.util.find_spec("plotly").submodule_search_locations[0]) / "package_data/plotly.min.js"
    assert (html / PLOTLY).read_bytes() == installed.read_bytes()
    assert (html / FIGURE_STYLE).read_bytes() == (ROOT / "_ext/static/lossbook-figures.js").read_bytes()
    figures = {}
    for path in pages(html):
        text = path.read_text(encoding="utf-8")
        count = text.count('class="lossbook-figure"')
        scripts = [s.split("?")[0] for s in Page(path).scripts]
        ours = [s for s in scripts if s.endswith(("plotly.min.js", "lossbook-figures.js"))]
        if count:
            figures[path.stem] = count
            assert sorted(ours) == sorted(["../" + FIGURE_STYLE, "../" + PLOTLY]), (path.name, ours)
            for name in ("plotly.min.js", "lossbook-figures.js"):
                assert re.search(rf'<script defer="defer" src="[^"]*{re.escape(name)}', text), (path.name, name)
        else:
            assert not ours, path.name
    assert figures == FIGURES


def _count(html, pattern):
    return {p.stem: len(re.findall(pattern, p.read_text(encoding="utf-8"))) for p in pages(html / "book")}


def _without_editions_reference(text):
    """The page without the API reference of lossbook.book.editions, whose documentation of the solution syntax
    names the directive (the only place it may appear in the student edition)."""
    start = text.find('id="module-lossbook.book.editions"')
    if start < 0:
        return text
    end = text.find('id="module-', start + 1)
    return text[:start] + (text[end:] if end >= 0 else "")


def test_student_edition_has_exercises_but_no_solutions(teacher, student):
    exercises_t = _count(teacher, r'class="exercise[ "]')
    exercises_s = _count(student, r'class="exercise[ "]')
    solutions_t = _count(teacher, r'class="solution[ "]')
    solutions_s = _count(student, r'class="solution[ "]')
    assert sum(exercises_t.values()) >= 10 and exercises_s == exercises_t
    assert sum(solutions_t.values()) >= 10, "the teacher edition should show the solutions"
    assert not any(solutions_s.values()), solutions_s
    for path in student.rglob("*"):  # nothing else carries a solution: no notebook copies, no search index text
        if path.is_file() and path.suffix in (".html", ".js", ".ipynb", ".txt", ".md"):
            text = _without_editions_reference(path.read_text(encoding="utf-8", errors="replace"))
            assert "solution-start" not in text and 'id="solution-content"' not in text, path
    assert not (student / "_sources").exists()
    # A solution's code is gone from the page, not just hidden: take one from the teacher edition.
    teacher_page = (teacher / "book/regression.html").read_text(encoding="utf-8")
    solution = teacher_page[teacher_page.index('class="solution'):]
    code = re.search(r'<div class="highlight[^"]*"><pre>(.*?)</pre>', solution, re.S)
    first_line = re.sub(r"<[^>]+>", "", code.group(1)).strip().split("\n")[0]
    assert first_line and first_line not in re.sub(r"<[^>]+>", "", (student / "book/regression.html").read_text())


def test_student_edition_is_marked_and_has_no_launch_buttons(teacher, student):
    assert "(student edition)" in (student / "book/regression.html").read_text(encoding="utf-8")
    assert "(student edition)" not in (teacher / "book/regression.html").read_text(encoding="utf-8")
    for html, expected in ((teacher, True), (student, False)):
        page = (html / "book/regression.html").read_text(encoding="utf-8")
        assert ("colab.research.google.com/github/lossbook/lossbook/blob/main/book/regression.ipynb" in page) is expected
        assert ("mybinder.org/v2/gh/lossbook/lossbook/main" in page) is expected
        assert "github.com/lossbook/lossbook" in page  # the repository button


def test_bibliography_lists_every_entry(teacher):
    bib = (ROOT / "book/references.bib").read_text()
    titles = [re.sub(r"[{}]", "", t) for t in re.findall(r"^\s*title\s*=\s*\{(.*)\},\s*$", bib, re.M)]
    assert len(titles) == len(re.findall(r"^@\w+\{", bib, re.M)) >= 12
    page = (teacher / "book/bibliography.html").read_text(encoding="utf-8")
    assert page.count('role="doc-biblioentry"') == len(titles)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page)).lower()
    missing = [t for t in titles if t.lower() not in text]
    assert not missing, missing


def test_glossary_defines_the_terms(teacher):
    page = (teacher / "book/glossary.html").read_text(encoding="utf-8")
    terms = re.findall(r'<dt id="term-([^"]+)"', page)
    for term in ["Loss", "Logit", "Softmax", "Label-smoothing", "Margin", "ULP", "Log-sum-exp", "pos_weight"]:
        assert term in terms, (term, terms)


def test_api_reference_documents_every_loss_with_its_formula(teacher):
    from lossbook import catalog

    page = (teacher / "book/api.html").read_text(encoding="utf-8")
    for name, record in catalog.RECORDS.items():
        for target in (f"lossbook.numpy.{name}", f"lossbook.numpy.{name}.grad", f"lossbook.torch.{name}",
                       f"lossbook.torch.{record.module}"):
            assert f'id="{target}"' in page, target
    for target in ("lossbook.choose", "lossbook.catalog.get", "lossbook.torch.chunked_cross_entropy",
                   "lossbook.book.data.line", "lossbook.book.training.fit_linear", "lossbook.book.plotting.loss_and_gradient",
                   "lossbook.book.interactive.slider_figure"):
        assert f'id="{target}"' in page, target
    assert page.count('<div class="math notranslate nohighlight">') >= 2 * len(catalog.RECORDS)


def _pins(path):
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name, sep, version = line.partition("==")
            assert sep and version, f"{path.name}: not an exact pin: {line}"
            pins[name.strip().lower()] = version.strip()
    return pins


def test_binder_pins_agree_with_requirements():
    project, binder = _pins(ROOT / "requirements.txt"), _pins(ROOT / "binder/requirements.txt")
    assert {"numpy", "torch", "matplotlib"} <= set(binder)
    assert {name: v for name, v in binder.items() if project.get(name) != v} == {}
    post_build = ROOT / "binder/postBuild"
    assert "pip install" in post_build.read_text() and "-e ." in post_build.read_text()
    assert post_build.stat().st_mode & 0o111, "binder/postBuild must be executable"
