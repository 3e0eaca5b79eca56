"""Sphinx extension with the site's own settings: the student edition, no thebe scripts, YAML-friendly settings.

The student edition is the book with every solution removed.

``LOSSBOOK_EDITION=student jupyter-book build .`` (``make book`` does this) sets sphinx-exercise's
``hide_solutions`` and marks the title. Jupyter Book 1 has no option to override one Sphinx setting from the command
line, and a second ``--config`` file would have to repeat the whole ``_config.yml``, hence the variable.

sphinx-exercise's ``hide_solutions`` drops plain ``{solution}`` directives but not the gated form
(``{solution-start}`` ... ``{solution-end}``, which the notebooks use because a solution holds code cells): the start
directive returns nothing, so the solution's cells stay on the page and the orphan end node crashes the HTML writer
(https://github.com/executablebooks/sphinx-exercise/issues/89). Here the start directive leaves a marker instead, and
a transform removes everything from the marker to the matching end node.

The interactive figures (``lossbook.book.interactive``) need plotly.js. The site serves it itself, like MathJax:
``plotly.min.js`` is copied from the installed ``plotly`` package (pinned in requirements.txt) into ``_static``, and
only the pages that show a figure load it, together with ``_static/lossbook-figures.js`` (the theme's colours),
both deferred so that they do not hold up the page's text. Each figure's output carries the same figure twice:
``text/html``, which the site shows, and ``application/vnd.plotly.v1+json`` for JupyterLab, which MyST-NB does not
know and would warn about; the site skips the latter explicitly (``SkipPlotlyJSON``).
"""

import dataclasses
import importlib.util
import os
from pathlib import Path

import sphinxcontrib.bibtex.plugin
from docutils import nodes
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinx.transforms import SphinxTransform
from sphinx_exercise.directive import SolutionStartDirective
from sphinx_exercise.nodes import solution_end_node
from myst_nb.core.render import MimeRenderPlugin, load_mime_renders

EDITIONS = ("teacher", "student")


class hidden_solution(nodes.Element):
    """Marks where a hidden gated solution starts; removed, with the solution, before writing."""


class HidingSolutionStart(SolutionStartDirective):
    def run(self):
        out = super().run()  # records the start in sphinx-exercise's gated registry, as its structure checks expect
        if self.config.hide_solutions:
            return [hidden_solution()]
        return out


class RemoveHiddenSolutions(SphinxTransform):
    default_priority = 5  # before sphinx-exercise merges gated solutions (priority 10)

    def apply(self):
        for marker in list(self.document.findall(hidden_solution)):
            parent = marker.parent
            start = parent.index(marker)
            for end in range(start + 1, len(parent.children)):
                if isinstance(parent.children[end], solution_end_node):
                    break
            else:  # sphinx-exercise's own check reports the missing end
                parent.remove(marker)
                continue
            del parent.children[start:end + 1]


def _edition(app, config):
    edition = os.environ.get("LOSSBOOK_EDITION", "teacher")
    if edition not in EDITIONS:
        raise ValueError(f"LOSSBOOK_EDITION must be one of {EDITIONS}, got {edition!r}")
    if edition == "student":
        config.hide_solutions = True
        config.html_title = f"{config.html_title} (student edition)"
        # The notebooks hold the solutions: no copies of them (_sources) and no buttons that download or open them.
        config.html_copy_source = False
        config.html_theme_options = {**config.html_theme_options, "use_download_button": False, "launch_buttons": {}}


def _tuples(app, config):
    # _config.yml can only write lists; Sphinx compares nitpick_ignore entries with (type, target) tuples.
    config.nitpick_ignore = [tuple(entry) for entry in config.nitpick_ignore]


def _no_thebe(app):
    # With thebe off, sphinx-thebe still writes `const THEBE_JS_URL = ...` into every page, and (Sphinx 7.4) twice,
    # which the browser reports as a SyntaxError. Nothing uses it unless thebe is on, so it is not written at all.
    if app.config.html_theme_options.get("launch_buttons", {}).get("thebe"):
        return
    import sphinx_thebe

    for event in ("env-before-read-docs", "doctree-resolved"):
        for listener in list(app.events.listeners.get(event, [])):
            if listener.handler in (sphinx_thebe.init_thebe_core, sphinx_thebe.update_thebe_context):
                app.disconnect(listener.id)


def plotly_js():
    """The path of plotly.min.js in the installed plotly package (found without importing plotly)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the interactive figures need the plotly package (pinned in requirements.txt)")
    path = Path(spec.submodule_search_locations[0]) / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise RuntimeError(f"plotly.min.js is missing from the plotly package: {path}")
    return path


def _serve_plotly(app, config):
    # A file in html_static_path is copied into _static under its own name.
    config.html_static_path = [*config.html_static_path, str(plotly_js())]


class SkipPlotlyJSON(MimeRenderPlugin):
    """Renders the JupyterLab copy of an interactive figure as nothing: the text/html beside it draws the figure.

    MyST-NB renders every mime type of an output while parsing (and picks one per builder later), and warns about
    a type it has no renderer for. Its renderer plugins are found through package entry points; the site registers
    this one by adding it to the list MyST-NB has loaded (cached), which the page renderer consults first."""

    PLOTLY = "application/vnd.plotly.v1+json"

    @staticmethod
    def handle_mime(renderer, data, inline):
        return [] if data.mime_type == SkipPlotlyJSON.PLOTLY else None


def _skip_plotly_json():
    plugins = load_mime_renders()  # the cached list that MyST-NB consults for every output
    if SkipPlotlyJSON not in plugins:
        plugins.append(SkipPlotlyJSON)


FIGURE_MARK = 'class="lossbook-figure"'  # the <div> of every figure (lossbook.book.interactive.SliderFigure)


def _figure_scripts(app, pagename, templatename, context, doctree):
    # Added here, during html-page-context, the scripts go into this page only.
    if FIGURE_MARK in context.get("body", ""):
        app.add_js_file("plotly.min.js", loading_method="defer")
        app.add_js_file("lossbook-figures.js", loading_method="defer")


def _round_brackets():
    return BracketStyle(left="(", right=")")


@dataclasses.dataclass
class RoundAuthorYearStyle(AuthorYearReferenceStyle):
    """Author-year citations in round brackets, as books print them: "Huber (1964)", "(Koenker and Bassett, 1978)".

    sphinxcontrib-bibtex's ``author_year`` style uses square brackets; ``bibtex_reference_style: author_year_round``
    in _config.yml selects this one."""

    bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=_round_brackets)
    bracket_textual: BracketStyle = dataclasses.field(default_factory=_round_brackets)
    bracket_author: BracketStyle = dataclasses.field(default_factory=_round_brackets)
    bracket_label: BracketStyle = dataclasses.field(default_factory=_round_brackets)
    bracket_year: BracketStyle = dataclasses.field(default_factory=_round_brackets)


sphinxcontrib.bibtex.plugin.register_plugin(
    "sphinxcontrib.bibtex.style.referencing", "author_year_round", RoundAuthorYearStyle)


def setup(app):
    app.setup_extension("sphinx_exercise")
    app.add_node(hidden_solution)
    app.add_directive("solution-start", HidingSolutionStart, override=True)
    app.add_transform(RemoveHiddenSolutions)
    app.connect("config-inited", _edition)
    app.connect("config-inited", _tuples)
    app.connect("config-inited", _serve_plotly)
    _skip_plotly_json()
    app.connect("builder-inited", _no_thebe)
    app.connect("html-page-context", _figure_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
