"""Slides for teachers: one reveal.js deck per chapter, made from the chapter notebook's cells tagged for slides.

Tag a cell (JupyterLab: the property inspector, "Cell Tags") to put it on a slide:

- ``slide``: the cell starts a new slide;
- ``slide-continue``: the cell goes on the current slide, below the one before;
- ``slide-fragment``: the same, but it appears on the next key press (a reveal.js fragment).

Only tagged cells go into the deck, in the notebook's order; a chapter without one has no deck (and no link to one).
In a tagged Markdown cell every heading starts a new slide, and in a cell tagged ``slide`` the text above the cell's
first heading is left out, because it ends the previous section (the chapters begin a section in mid-cell).

Solutions never go into a deck, in either edition: a cell inside a gated solution (``{solution-start}`` ...
``{solution-end}``) is refused with a warning, and a Markdown cell's text stops at a ``{solution-start}``. The book's
tags ``remove-input``/``hide-input`` and ``remove-output``/``hide-output`` hold on slides; a ``remove-cell`` cell is
refused.

Markdown cells are MyST; nbconvert renders plain Markdown, so a deck's Markdown is reduced to it: a role becomes its
text (``{term}`cost <Cost>``` -> cost, ``{cite:t}`huber1964``` -> Huber (1964)), ``{exercise}`` and admonitions
become block quotes with a bold title, and a directive a slide cannot show is a warning (which fails the build).

The builder writes ``<site>/slides/<chapter>.html`` and ``<site>/slides/index.html`` (the list of decks, always
written, so a link to it never breaks) after each HTML build, for both editions; each chapter page with a deck
links to it under its title. The decks load reveal.js (_vendor/revealjs) and MathJax (_vendor/mathjax) from the
site itself, never from another host.
"""

import copy
import functools
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

TEMPLATES = Path(__file__).parent / "slides"
SLIDES = "slides"  # the decks' folder in the site
# Tag -> nbconvert's slide type ("-": on the current slide).
TAGS = {"slide": "slide", "slide-continue": "-", "slide-fragment": "fragment"}
HIDE_INPUT = {"remove-input", "hide-input"}
HIDE_OUTPUT = {"remove-output", "hide-output"}
ADMONITIONS = {"admonition", "note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error",
               "seealso", "exercise"}
CODE_ROLES = {"code", "func", "meth", "class", "mod", "attr", "obj", "data", "exc"}

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|:{3,})(?:\{(?P<name>[\w:.-]+)\})?(?P<arg>.*)$")
SOLUTION = re.compile(r"^[ \t]*(?:`{3,}|:{3,})\{solution-(start|end)\}")
HEADING = re.compile(r"^#{1,6}[ \t]")
ROLE = re.compile(r"\{(?P<name>[\w:.-]+)\}`(?P<content>[^`]*)`")
LABEL = re.compile(r"^\([\w:.-]+\)=[ \t]*$")
EQUATION_LABEL = re.compile(r"(\$\$)[ \t]*\([\w:.-]+\)[ \t]*$")


@dataclass
class Deck:
    """A chapter's slides: the cells to render (copies, with nbconvert's slide metadata) and what went wrong."""

    cells: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def slides(self):
        """The number of slides."""
        return sum(cell.metadata.slideshow["slide_type"] == "slide" for cell in self.cells)


# ------------------------------------------------------------------------------------------- Markdown, line by line

def _fenced(lines):
    """For each line, whether it lies inside a fenced block (code or a directive), its fence lines included."""
    inside, closing = [], None
    for line in lines:
        match = FENCE.match(line)
        if closing is None:
            inside.append(bool(match))
            if match:
                closing = match["fence"]
        else:
            inside.append(True)
            if line.strip() == closing:
                closing = None
    return inside


def _solution_markers(text):
    """The solution markers of a Markdown cell, in order: [(line index, "start" or "end"), ...]."""
    return [(i, m[1]) for i, line in enumerate(text.splitlines()) if (m := SOLUTION.match(line))]


def split_at_headings(text):
    """The parts of Markdown ``text`` that begin at a heading (the first part may not): headings inside fenced
    blocks do not count.

    >>> split_at_headings("intro\\n# One\\na\\n```\\n# code\\n```\\n## Two\\nb")
    ['intro', '# One\\na\\n```\\n# code\\n```', '## Two\\nb']
    """
    lines = text.splitlines()
    starts = [i for i, (line, fenced) in enumerate(zip(lines, _fenced(lines))) if not fenced and HEADING.match(line)]
    bounds = [0] + [i for i in starts if i > 0] + [len(lines)]
    return ["\n".join(lines[a:b]).strip("\n") for a, b in zip(bounds, bounds[1:])]


# ------------------------------------------------------------------------------------------------ MyST, reduced

def _names(persons):
    last = [" ".join(p.last_names) for p in persons]
    if len(last) == 1:
        return last[0]
    return f"{last[0]} and {last[1]}" if len(last) == 2 else f"{last[0]} et al."


@functools.lru_cache(maxsize=None)
def bibliography(*paths):
    """{key: (authors, year)} from BibTeX files, for citations on slides."""
    from pybtex.database import parse_file

    out = {}
    for path in paths:
        for key, entry in parse_file(str(path), bib_format="bibtex").entries.items():
            persons = entry.persons.get("author") or entry.persons.get("editor") or []
            out[key] = (_names(persons) if persons else key, entry.fields.get("year", "n.d."))
    return out


def _role(name, content, references, problems):
    if name == "math":
        return f"${content}$"
    if name.startswith("cite"):
        cited = [references.get(key.strip()) for key in content.split(",")]
        if None in cited:
            problems.append(f"unknown citation in {{{name}}}`{content}`")
            return content
        if name == "cite:t":
            return "; ".join(f"{who} ({year})" for who, year in cited)
        return "(" + "; ".join(f"{who}, {year}" for who, year in cited) + ")"
    label = re.fullmatch(r"(?s)(.*?)\s*<[^<>]*>", content)
    text = label[1] if label else content
    if name in CODE_ROLES or name.startswith("py:"):
        return f"`{text.lstrip('~').rsplit('.', 1)[-1] if text.startswith('~') else text}`"
    return text


def to_markdown(text, references=None, problems=None):
    """MyST ``text`` reduced to the Markdown nbconvert renders: roles become text, ``{exercise}`` and admonitions
    block quotes, ``{math}`` a display formula; labels go. A directive it cannot show is added to ``problems``.

    >>> to_markdown("The {term}`cost <Cost>` $J(w)$, see {cite:t}`h`.", {"h": ("Huber", "1964")})
    'The cost $J(w)$, see Huber (1964).'
    >>> print(to_markdown("```{note}\\n:class: dropdown\\nA {term}`logit`.\\n```"))
    > **Note.** A logit.
    """
    references = references or {}
    problems = problems if problems is not None else []
    lines, out, i = text.splitlines(), [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            if not LABEL.match(lines[i]):
                out.append(ROLE.sub(lambda m: _role(m["name"], m["content"], references, problems),
                                    EQUATION_LABEL.sub(r"\1", lines[i])))
            i += 1
            continue
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == match["fence"]), len(lines))
        body = lines[i + 1:end]
        name, indent = match["name"], match["indent"]
        if name is None:  # a code block: as it is
            out += lines[i:end + 1]
        else:
            while body and re.match(r"^\s*:[\w-]+:", body[0]):  # the directive's options
                body = body[1:]
            inner = to_markdown("\n".join(line[len(indent):] for line in body), references, problems)
            if name == "math":
                out += [f"{indent}$$", *(indent + line for line in inner.splitlines()), f"{indent}$$"]
            elif name in ADMONITIONS:
                title = match["arg"].strip() if name == "admonition" else name.capitalize()
                if name != "admonition" and match["arg"].strip():
                    title += f": {match['arg'].strip()}"
                quoted = f"**{ROLE.sub(lambda m: _role(m['name'], m['content'], references, problems), title)}.** "
                quoted += inner.strip("\n")
                out += [f"{indent}> {line}".rstrip() for line in quoted.splitlines()]
            else:
                problems.append(f"a {{{name}}} directive cannot be shown on a slide")
        i = end + 1
    return "\n".join(out)


# -------------------------------------------------------------------------------------------------- the deck plan

def _slide(cell, source, slide_type):
    new = copy.deepcopy(cell)
    new.source = source
    new.metadata["slideshow"] = {"slide_type": slide_type}
    return new


def plan(nb, references=None):
    """The deck of notebook ``nb``: its tagged cells, in order, as nbconvert's slides (see the module docstring).

    Args:
        nb: the chapter, an ``nbformat`` notebook (version 4).
        references: {citation key: (authors, year)}, for ``{cite}`` roles (see ``bibliography``).

    Returns:
        A ``Deck``: no cells when nothing is tagged; ``problems`` names each cell that could not go on a slide,
        by its number in the notebook (counting from 1).
    """
    deck, in_solution = Deck(), False
    for number, cell in enumerate(nb.cells, 1):
        tags = set(cell.metadata.get("tags", []))
        starts_in_solution, markers = in_solution, []
        if cell.cell_type == "markdown":
            markers = _solution_markers(cell.source)
            if markers:
                in_solution = markers[-1][1] == "start"
        kinds = [tag for tag in TAGS if tag in tags]
        if not kinds:
            continue
        where = f"cell {number} (tagged {kinds[0]!r})"
        if len(kinds) > 1:
            deck.problems.append(f"{where} has more than one slide tag: {kinds}")
        if starts_in_solution or (markers and markers[0][1] == "end"):
            deck.problems.append(f"{where} is part of a solution, which never goes on a slide")
        elif "remove-cell" in tags:
            deck.problems.append(f"{where} is also tagged 'remove-cell'")
        elif cell.cell_type == "code":
            deck.cells.append(_code_slide(cell, TAGS[kinds[0]], tags, references, deck.problems))
        elif cell.cell_type == "markdown":
            source = "\n".join(cell.source.splitlines()[:markers[0][0]]) if markers else cell.source
            problems = []
            slides = _markdown_slides(cell, source, TAGS[kinds[0]], references, problems)
            deck.problems += [f"{where}: {problem}" for problem in problems]
            deck.cells += slides
        else:
            deck.problems.append(f"{where} is a {cell.cell_type} cell")
    if deck.cells and deck.cells[0].metadata.slideshow["slide_type"] != "slide":
        deck.problems.append("the first tagged cell is not tagged 'slide'")
        deck.cells[0].metadata.slideshow["slide_type"] = "slide"
    return deck


def _code_slide(cell, slide_type, tags, references, problems):
    """A code cell on a slide, its input or its outputs hidden as on the book's page."""
    new = _slide(cell, cell.source, slide_type)
    if tags & HIDE_INPUT:
        new.metadata["transient"] = {"remove_source": True}
    new.outputs = [] if tags & HIDE_OUTPUT else [_output(out, references, problems) for out in new.outputs]
    return new


def _markdown_slides(cell, source, slide_type, references, problems):
    """A Markdown cell's ``source`` on slides: one more slide at each heading; starting a slide, from the first."""
    parts = split_at_headings(to_markdown(source, references, problems))
    if slide_type == "slide" and len(parts) > 1 and not HEADING.match(parts[0]):
        parts = parts[1:]  # the end of the previous section
    parts = [part for part in parts if part.strip()]
    if not parts:
        problems.append("nothing to show")
    slides = [_slide(cell, part, slide_type if k == 0 else "slide") for k, part in enumerate(parts)]
    for k, new in enumerate(slides[1:], 1):
        if "id" in cell:
            new.id = f"{cell.id}-{k}"  # cell ids stay unique
    return slides


def _output(output, references, problems):
    if "text/markdown" in output.get("data", {}):
        output = copy.deepcopy(output)
        output.data["text/markdown"] = to_markdown(output.data["text/markdown"], references, problems)
    return output


def render(nb, deck, *, title, static, chapter, index):
    """The HTML page of ``deck`` (from ``plan(nb)``): reveal.js and MathJax from ``static`` (the relative URL of the
    site's _static folder); ``chapter`` and ``index`` are the relative URLs of the chapter page and the deck list."""
    from nbconvert import SlidesExporter

    exporter = SlidesExporter(template_file="deck.html.j2", extra_template_paths=[str(TEMPLATES)],
                              exclude_input_prompt=True, exclude_output_prompt=True)
    slides = copy.copy(nb)
    slides.cells = deck.cells
    resources = {"deck": {"title": title, "static": static, "chapter": chapter, "index": index}}
    body, _ = exporter.from_notebook_node(slides, resources=resources)
    return body


def index_page(decks, *, static, book):
    """The page that lists the decks: ``decks`` is [(chapter title, deck URL, chapter URL, slides), ...]."""
    items = "\n".join(
        f'<li><a href="{html.escape(url)}">{html.escape(title)}</a>, {slides} slides '
        f'(<a href="{html.escape(chapter)}">chapter</a>)</li>' for title, url, chapter, slides in decks)
    listing = f"<ul>\n{items}\n</ul>" if decks else "<p>No chapter has slides yet.</p>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Slides: lossbook</title>
<link rel="icon" href="{static}/favicon.ico">
<link rel="stylesheet" href="{static}/lossbook-slides.css">
</head>
<body class="deck-index">
<h1>Slides</h1>
<p>One deck per chapter, made from the chapter's cells tagged for slides. Arrow keys or space move on; Esc shows
every slide; F goes full screen; the address of a slide stays put when you reload.</p>
{listing}
<p><a href="{html.escape(book)}">Back to the book</a></p>
</body>
</html>
"""


# ---------------------------------------------------------------------------------------------------------- Sphinx

def _notebook(app, docname):
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb":
        return None
    import nbformat

    return nbformat.read(path, as_version=4)


def _references(app):
    return bibliography(*(Path(app.srcdir, bib) for bib in getattr(app.config, "bibtex_bibfiles", [])))


def _deck_uri(docname):
    return f"{SLIDES}/{Path(docname).name}.html"


def _link_to_deck(app, doctree):
    """Under a chapter's title: a link to its deck, when it has one; the tagging problems as warnings."""
    from docutils import nodes
    from sphinx.util import logging
    from sphinx.util.osutil import relative_uri

    docname = app.env.docname
    nb = _notebook(app, docname)
    if nb is None:
        return
    deck = plan(nb, _references(app))
    for problem in deck.problems:
        logging.getLogger(__name__).warning(f"slides: {problem}", location=docname, type="lossbook", subtype="slides")
    section = next(iter(doctree.findall(nodes.section)), None)
    if not deck.cells or section is None:
        return
    uri = relative_uri(app.builder.get_target_uri(docname), _deck_uri(docname))
    link = nodes.reference("", "Slides for this chapter", refuri=uri)
    section.insert(1, nodes.paragraph("", "", link, nodes.Text(f" ({deck.slides} slides)"),
                                      classes=["lossbook-slides-link"]))


def _write_decks(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from sphinx.util.osutil import relative_uri

    out = Path(app.outdir, SLIDES)
    out.mkdir(exist_ok=True)
    here = f"{SLIDES}/index.html"
    static = relative_uri(here, "_static/")[:-1]
    listed = []
    for docname in sorted(app.env.found_docs, key=_order(app)):
        nb = _notebook(app, docname)
        if nb is None:
            continue
        deck = plan(nb, _references(app))
        if not deck.cells:
            continue
        title = app.env.titles[docname].astext()
        page = relative_uri(here, app.builder.get_target_uri(docname))
        (out / f"{Path(docname).name}.html").write_text(
            render(nb, deck, title=title, static=static, chapter=page, index="index.html"), encoding="utf-8")
        listed.append((title, f"{Path(docname).name}.html", page, deck.slides))
    book = relative_uri(here, app.builder.get_target_uri(app.config.root_doc))
    (out / "index.html").write_text(index_page(listed, static=static, book=book), encoding="utf-8")


def _order(app):
    """A sort key: the documents in the order of the book's table of contents."""
    order = {}

    def walk(docname):
        if docname not in order:
            order[docname] = len(order)
            for child in app.env.toctree_includes.get(docname, []):
                walk(child)

    walk(app.config.root_doc)
    return lambda docname: (order.get(docname, len(order)), docname)


def setup(app):
    app.connect("doctree-read", _link_to_deck)
    app.connect("build-finished", _write_decks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
