"""Interactive figures that work on a static web page: a slider, and optionally a row of buttons, over values
that lossbook computed when the notebook ran.

A reader of the book's website has no Python kernel, so widgets that call Python (ipywidgets) are dead there.
Here every number is computed beforehand instead: :func:`slider_figure` calls ``draw(value)`` for each value of
a grid and stores all the curves in one Plotly figure, one frame per value; moving the slider in the browser
only swaps precomputed data. The figure displays as

- ``application/vnd.plotly.v1+json``, which JupyterLab draws with the Plotly extension of the ``plotly`` package;
- ``text/html``, a ``<div>`` and an inline script calling ``Plotly.newPlot``, which the book's website shows.
  The site serves plotly.js itself (``plotly.min.js`` from the pinned ``plotly`` package, copied by
  ``_ext/lossbook_site.py``) and ``_static/lossbook-figures.js`` gives the figures the theme's light or dark
  colours; nothing is loaded from another host.

Both outputs are plain data. Every number is rounded to 6 significant digits of the largest value of its curve
and serialised in a fixed order, so re-running a notebook reproduces the output byte for byte on any CPU, and
nbval, which compares both mime types, checks every plotted number against the committed notebook. The
coordinates are stored as Plotly's typed arrays (float32, base64): about 5.3 characters per number instead of 8
to 10 in decimal, and one string per curve instead of one line per number in the notebook's JSON.

>>> import numpy as np
>>> from lossbook import numpy as lbn
>>> r = np.linspace(-2, 2, 5)
>>> def draw(delta):
...     return [Curve("Huber", r, lbn.huber(r, 0 * r, delta=delta, reduction="none"))]
>>> fig = slider_figure(draw, [0.5, 1.0, 2.0], dial="δ")
>>> fig
<interactive figure: slider δ over 3 values from 0.5 to 2; 1 panel, 1 trace>
>>> decode(fig.figure["frames"][2]["data"][0]["y"])
array([2. , 0.5, 0. , 0.5, 2. ], dtype=float32)
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: matplotlib's default colours (``tab10``), so that the interactive figures match the book's static ones.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf")

#: How each ``style`` of a :class:`Curve` is drawn (Plotly trace attributes).
STYLES = {
    "line": {"type": "scatter", "mode": "lines", "line": {"width": 2.5, "simplify": False}},
    "dash": {"type": "scatter", "mode": "lines", "line": {"width": 1.8, "dash": "dash", "simplify": False}},
    "dot": {"type": "scatter", "mode": "lines", "line": {"width": 1.8, "dash": "dot", "simplify": False}},
    "markers": {"type": "scatter", "mode": "markers", "marker": {"size": 5, "opacity": 0.45}},
    "point": {"type": "scatter", "mode": "markers", "marker": {"size": 11, "line": {"width": 1.5}}},
    "bars": {"type": "bar", "opacity": 0.85},
}

#: Significant digits kept of every plotted number (relative to the largest value of its curve).
DIGITS = 6

_FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
# No mode bar and no zooming by dragging: the axes stay fixed while the slider moves, and a finger on a
# touch screen scrolls the page instead of zooming the figure. Hovering shows the values.
_CONFIG = {"displayModeBar": False, "responsive": True}
_GRID, _AXIS_LINE, _TEXT = "#e5e5e5", "#888888", "#333333"


@dataclass(frozen=True)
class Curve:
    """One curve of a figure at one setting of its dials.

    Args:
        name: the legend entry. Curves with the same name (a loss and its gradient) share a colour and one entry.
        x, y: the coordinates, 1-D and of the same length; ``nan`` leaves a gap (or hides a point).
        panel: the index of the panel it is drawn in (see :class:`Panel`).
        style: one of :data:`STYLES`: ``"line"``, ``"dash"``, ``"dot"``, ``"markers"`` (data points),
            ``"point"`` (one large marker) or ``"bars"``.
        color: a CSS colour, or ``"C0"`` to ``"C9"`` for the colours of :data:`PALETTE` as in matplotlib; by
            default the next colour of the palette not taken by a curve of another name.
        legend: ``False`` leaves the curve out of the legend (e.g. a line whose point of the same colour has an
            entry that says more).
    """

    name: str
    x: Any
    y: Any
    panel: int = 0
    style: str = "line"
    color: str | None = None
    legend: bool = True


@dataclass(frozen=True)
class Panel:
    """One of the figure's panels, side by side from left to right.

    Args:
        xlabel, ylabel: the axis titles. title: written above the panel.
        xlog: a logarithmic x-axis.
        xrange, yrange: the axis ranges (for ``xlog``, in data units); by default the range of every curve at
            every setting of the dials, so that the axes stay fixed while the slider moves.
        xticks: where the x-axis has ticks (default: Plotly's choice; the bars' positions for bars).
    """

    xlabel: str = ""
    ylabel: str = ""
    title: str = ""
    xlog: bool = False
    xrange: tuple[float, float] | None = None
    yrange: tuple[float, float] | None = None
    xticks: tuple[float, ...] | None = None


@dataclass(frozen=True)
class SliderFigure:
    """An interactive figure: the Plotly figure as a dictionary, displayed by Jupyter and the book's site.

    ``figure`` holds ``data`` (the traces at the start), ``layout`` (with the slider and the buttons), ``frames``
    (one per slider value) and ``config``. Display it (the last line of a cell) to show it; :meth:`to_html` gives
    the HTML the site embeds.
    """

    figure: dict
    summary: str = field(default="", compare=False)

    @property
    def element_id(self) -> str:
        """The id of the figure's ``<div>``: derived from the content, so that it is the same on every run."""
        return "lossbook-figure-" + hashlib.sha256(self.to_json().encode()).hexdigest()[:12]

    def to_json(self) -> str:
        """The figure as compact JSON, with sorted keys and every non-ASCII character escaped."""
        return json.dumps(self.figure, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)

    def to_html(self) -> str:
        """A ``<div>`` and an inline script that draws the figure with plotly.js once the page has loaded.

        The page must load plotly.js (the book's site does, from its own ``_static``); without it the script
        writes a short note into the ``<div>`` instead.
        """
        figure = self.to_json().replace("</", "<\\/")  # a "</script>" inside a string must not end the script
        height = self.figure["layout"]["height"]
        return (f'<div id="{self.element_id}" class="lossbook-figure" role="figure" '
                f'aria-label="{html.escape(self.summary.strip("<>"))}" style="width: 100%; height: {height}px">'
                f"<noscript>{html.escape(NOSCRIPT)}</noscript></div>\n"
                f"<script>\n{_SCRIPT % {'id': json.dumps(self.element_id), 'figure': figure}}</script>\n")

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"application/vnd.plotly.v1+json": json.loads(self.to_json()), "text/html": self.to_html(),
                "text/plain": self.summary}

    def __repr__(self):
        return self.summary


NOSCRIPT = "This figure is interactive: it needs JavaScript."
MISSING = ("This interactive figure needs plotly.js, which the book's website and JupyterLab provide; "
           "run the notebook in JupyterLab to see it.")

# Draws the figure when the page has loaded (plotly.js and the site's lossbook-figures.js are loaded with
# `defer`, so they run before DOMContentLoaded). window.lossbookFigures, from the site, adds the theme's colours.
_SCRIPT = """(function () {
  var id = %(id)s, figure = %(figure)s;
  function draw() {
    var element = document.getElementById(id);
    if (!element || element.getAttribute("data-drawn")) return;
    if (!window.Plotly) { element.textContent = MISSING; return; }
    element.setAttribute("data-drawn", "true");
    var site = window.lossbookFigures;
    if (site) figure.layout = site.style(figure.layout);
    Plotly.newPlot(element, figure);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
""".replace("MISSING", json.dumps(MISSING))


def slider_figure(draw: Callable[..., Sequence[Curve]], values: Sequence[float], *, dial: str,
                  panels: Sequence[Panel] | None = None, choices: Mapping[str, Any] | None = None,
                  start: float | None = None, start_choice: str | None = None, height: int = 470,
                  label: Callable[[float], str] | None = None) -> SliderFigure:
    """An interactive figure with a slider over ``values``: ``draw(value)`` gives the curves at each value.

    Curves that are the same at every value are stored once; the others are stored for every value (one frame
    per value), with their ``x``, ``y`` and name where these change. With ``choices``, a row of buttons selects
    one more setting: ``draw(value, choice)`` is called for every value and every choice, the slider moves all
    of them at once, and each button shows its own set of curves.

    Args:
        draw: ``draw(value)``, or ``draw(value, choice)`` with ``choices``, returns the list of :class:`Curve`
            at that setting: the same number of curves at every setting, each in the same panel and style.
        values: the slider's values, distinct numbers in the order of the slider (at least 2).
        dial: the slider's name, shown with its value ("δ", "pos_weight").
        panels: the panels, left to right (default: one panel without axis titles).
        choices: ``{button label: choice}`` for a row of buttons, or ``None`` for no buttons.
        start: the slider's initial value, one of ``values`` (default: the first).
        start_choice: the label of the initially selected button (default: the first).
        height: the figure's height in pixels with a legend of one row and no buttons (each more row of
            the legend, and the buttons, make it taller).
        label: writes a value on the slider (default: ``f"{value:g}"``).
    Returns:
        A :class:`SliderFigure`; display it to show the figure.
    Raises:
        ValueError: fewer than 2 values, repeated or non-finite values, a start that is not a value, curves that
            change in number, panel or style between settings, bad shapes, infinite coordinates, unknown styles
            or panels, or no curve that changes with the slider.
    """
    values = _values(values)
    panels = list(panels) if panels is not None else [Panel()]
    if not panels:
        raise ValueError("panels must hold at least one Panel")
    label = label or (lambda v: f"{v:g}")
    groups = list(choices.items()) if choices is not None else [("", None)]
    if choices is not None and not groups:
        raise ValueError("choices must hold at least one {label: choice}, or be None for no buttons")
    names = [str(g) for g, _ in groups]  # the buttons' labels
    active = _index(values, start, "start", "values") if start is not None else 0
    chosen = _index(names, start_choice, "start_choice", "the labels of choices") if start_choice is not None else 0

    # grid[g][i] is the list of curves for choice g at value i, rounded
    grid = [[_checked(draw(v) if choices is None else draw(v, choice), len(panels)) for v in values]
            for _, choice in groups]
    _same_layout(grid)

    traces, frames_data = _traces(grid, active, chosen)
    if not frames_data:
        raise ValueError("no curve changes with the slider: draw(value) must use its value")
    geometry = _geometry(grid, height, choices is not None)
    layout = _layout(panels, grid, geometry)
    layout["sliders"] = [_slider(values, active, dial, label)]
    if choices is not None:
        layout["updatemenus"] = [_buttons(names, chosen, traces, geometry["buttons"])]
    frames = [{"name": str(i), "data": [t["frames"][i] for t in frames_data],
               "traces": [t["index"] for t in frames_data]} for i in range(len(values))]
    figure = {"data": [t["trace"] for t in traces], "layout": layout, "frames": frames, "config": dict(_CONFIG)}
    buttons = f"; buttons {', '.join(names)}" if choices is not None else ""
    summary = (f"<interactive figure: slider {dial} over {len(values)} values from {label(values[0])} to "
               f"{label(values[-1])}{buttons}; {len(panels)} panel{'s' * (len(panels) > 1)}, "
               f"{len(traces)} trace{'s' * (len(traces) > 1)}>")
    return SliderFigure(figure, summary)


def loss_and_gradient(losses: Callable[[float], Mapping[str, tuple]], values: Sequence[float], *, dial: str,
                      x=None, y_true: float = 0.0, xlabel: str | None = None,
                      styles: Mapping[str, str] | None = None, **options) -> SliderFigure:
    """Losses and their gradients against the prediction, with a slider: the interactive twin of
    :func:`lossbook.book.plotting.loss_and_gradient`.

    Args:
        losses: ``losses(value)`` returns ``{label: (fn, hyperparameters)}`` at that value of the dial, with ``fn``
            a ``lossbook.numpy`` loss (with ``.grad``), e.g.
            ``lambda d: {"Huber": (lbn.huber, {"delta": d}), "MAE": (lbn.mae, {})}``.
        values, dial: the slider (see :func:`slider_figure`).
        x: the predictions on the x-axis (default: 201 points in [-3, 3]).
        y_true: the fixed target (0 for regression, so that the x-axis is the residual).
        xlabel: the x-axis title (default: the residual for ``y_true = 0``, else "prediction").
        styles: ``{label: style}`` for curves not drawn as a solid line (see :data:`STYLES`).
        **options: passed on to :func:`slider_figure` (``start``, ``height``, ``label``).
    Returns:
        A :class:`SliderFigure` with the loss on the left and its gradient on the right.
    """
    x = np.linspace(-3, 3, 201) if x is None else np.asarray(x, dtype=float)
    t = np.full_like(x, y_true)
    styles = styles or {}

    def draw(value):
        curves = []
        for name, (fn, hyper) in losses(value).items():
            style = styles.get(name, "line")
            curves.append(Curve(name, x, fn(x, t, reduction="none", **hyper), 0, style))
            curves.append(Curve(name, x, fn.grad(x, t, reduction="none", **hyper), 1, style))
        return curves

    xlabel = xlabel or ("residual ŷ − y" if y_true == 0 else "prediction")
    panels = [Panel(xlabel, "loss", "loss"), Panel(xlabel, "gradient", "gradient")]
    return slider_figure(draw, values, dial=dial, panels=panels, **options)


# ------------------------------------------------------------------------------------------------- the pieces


def rounded(values, digits: int = DIGITS) -> list:
    """``values`` rounded to ``digits`` significant digits of their largest magnitude, as a list for JSON.

    Rounding to a fixed number of decimals for the whole curve (rather than per number) turns the last-bit noise
    of a value that should be 0 (1e-17 instead of 0) into exactly 0. The number of decimals comes from the
    largest magnitude rounded to 3 digits, so that a maximum of 0.9999999999999999 or 1.0 gives the same.
    ``nan`` becomes ``None`` (JSON ``null``: a gap in a line), and -0.0 becomes 0.0.

    >>> rounded([1.0, 1 / 3, 2e-17, -1e-9, float("nan")])
    [1.0, 0.33333, 0.0, 0.0, None]
    """
    a = np.asarray(values, dtype=float)
    finite = a[np.isfinite(a)]
    scale = float(f"{np.max(np.abs(finite)):.2e}") if finite.size else 0.0
    if scale > 0:
        a = np.round(a, digits - 1 - math.floor(math.log10(scale)))
    return [None if math.isnan(v) else v + 0.0 for v in a.tolist()]


def _values(values):
    values = [float(v) for v in values]
    if len(values) < 2:
        raise ValueError(f"a slider needs at least 2 values, got {len(values)}")
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"the slider's values must be finite numbers, got {values}")
    if len(set(values)) != len(values):
        raise ValueError(f"the slider's values must be distinct, got {values}")
    return values


def _index(options, wanted, name, where):
    try:
        return options.index(wanted)
    except ValueError:
        raise ValueError(f"{name} must be one of {where}, got {wanted!r}") from None


def _checked(curves, n_panels):
    """The curves of one setting, with rounded coordinates, after checking each."""
    curves = list(curves)
    if not curves or not all(isinstance(c, Curve) for c in curves):
        raise ValueError(f"draw must return a non-empty list of Curve, got {curves!r:.200}")
    out = []
    for c in curves:
        if c.style not in STYLES:
            raise ValueError(f"curve {c.name!r}: style must be one of {sorted(STYLES)}, got {c.style!r}")
        if not 0 <= c.panel < n_panels:
            raise ValueError(f"curve {c.name!r}: panel must be in [0, {n_panels}) (one per Panel), got {c.panel}")
        x, y = np.asarray(c.x, dtype=float), np.asarray(c.y, dtype=float)
        if x.ndim != 1 or x.shape != y.shape or x.size == 0:
            raise ValueError(f"curve {c.name!r}: x and y must be 1-D with the same length, got shapes "
                             f"{x.shape} and {y.shape}")
        if np.isinf(x).any() or np.isinf(y).any():
            raise ValueError(f"curve {c.name!r}: infinite coordinates cannot be drawn (use nan for a gap)")
        out.append(Curve(str(c.name), tuple(rounded(x)), tuple(rounded(y)), c.panel, c.style, c.color, c.legend))
    return out


def _same_layout(grid):
    def layout(curves):
        return [(c.panel, c.style, c.color, c.legend) for c in curves]

    first = layout(grid[0][0])
    for group in grid:
        for curves in group:
            if layout(curves) != first:
                raise ValueError("draw must return the same curves at every setting (number, panel, style, "
                                 f"colour and legend), got {first} and {layout(curves)}")


def _traces(grid, active, chosen):
    """The traces (one per curve and choice, or one for a curve that never changes) and, for the curves that
    change with the slider, their data in every frame.

    Data points, reference lines and bars are drawn first and the main curves and points on top of them;
    ``legendrank`` keeps the legend in the order of ``draw``'s curves."""
    first = grid[0][0]
    names = [c.name for c in first]
    given = {}  # one colour per legend entry: the one given, else the next of the palette that is not given
    for c in first:
        if c.color is not None:
            given.setdefault(c.name, _color(c.color))
    free = [p for p in PALETTE if p not in given.values()] or list(PALETTE)
    automatic = [n for n in dict.fromkeys(names) if n not in given]
    colors = {**given, **{n: free[i % len(free)] for i, n in enumerate(automatic)}}
    traces, animated, legend = [], [], _legend_entries(first)
    for k in sorted(range(len(first)), key=lambda k: _DRAW_ORDER.index(first[k].style)):
        c0 = first[k]
        settings = [[curves[k] for curves in group] for group in grid]
        shared = all(s == settings[0][0] for group in settings for s in group)
        for g, group in enumerate(settings[:1] if shared else settings):
            trace = _trace(group[active], _color(c0.color) or colors[c0.name], k in legend,
                           f"{'all' if shared else g}:{c0.name}")
            trace.update(visible=shared or g == chosen, legendrank=1000 + k)
            entry = {"trace": trace, "group": None if shared else g, "index": len(traces)}
            traces.append(entry)
            changing = [key for key in ("x", "y", "name") if len({getattr(s, key) for s in group}) > 1]
            if changing:
                entry["frames"] = [{key: _attr(s, key) for key in changing} for s in group]
                animated.append(entry)
    return traces, animated


_DRAW_ORDER = ("markers", "bars", "dot", "dash", "line", "point")


def _legend_entries(curves):
    """The indices of the curves with a legend entry: of each name, the first curve not left out of the legend."""
    entries = {}
    for k, c in enumerate(curves):
        if c.legend:
            entries.setdefault(c.name, k)
    return set(entries.values())


def _color(color):
    match = re.fullmatch(r"C(\d)", color or "")
    return PALETTE[int(match.group(1))] if match else color


def _attr(curve, key):
    return encode(getattr(curve, key)) if key in ("x", "y") else getattr(curve, key)


def encode(values) -> dict:
    """Numbers as a Plotly typed array: ``{"dtype": "f4", "bdata": <base64 of the little-endian float32s>}``.

    ``None`` (a gap) becomes NaN, which Plotly does not draw.

    >>> encode([0.5, None, 2.0])
    {'dtype': 'f4', 'bdata': 'AAAAPwAAwH8AAABA'}
    """
    a = np.array([np.nan if v is None else v for v in values], dtype="<f4")
    return {"dtype": "f4", "bdata": base64.b64encode(a.tobytes()).decode("ascii")}


def decode(spec: dict) -> np.ndarray:
    """The numbers of a typed array made by :func:`encode`, as a float32 array (for tests and inspection)."""
    if spec.get("dtype") != "f4":
        raise ValueError(f"expected a float32 typed array {{'dtype': 'f4', 'bdata': ...}}, got {spec!r:.100}")
    return np.frombuffer(base64.b64decode(spec["bdata"]), dtype="<f4").copy()


def _trace(curve, color, legend, group):
    trace = json.loads(json.dumps(STYLES[curve.style]))  # a deep copy
    axis = str(curve.panel + 1) if curve.panel else ""
    trace.update(name=curve.name, x=encode(curve.x), y=encode(curve.y), legendgroup=group, showlegend=legend,
                 xaxis=f"x{axis}", yaxis=f"y{axis}")
    if "marker" in trace or trace["type"] == "bar":
        trace.setdefault("marker", {})["color"] = color
    else:
        trace["line"]["color"] = color
    return trace


def _span(numbers, pad, log=False, include_zero=False):
    a = np.asarray([v for v in numbers if v is not None], dtype=float)
    if log:
        a = np.log10(a[a > 0])
    if include_zero:
        a = np.append(a, 0.0)
    if a.size == 0:
        return [0.0, 1.0]
    lo, hi = float(a.min()), float(a.max())
    margin = (hi - lo) * pad if hi > lo else max(abs(hi), 1.0) * 0.5
    return rounded([lo - margin, hi + margin], 4)


def _geometry(grid, height, buttons):
    """Where things go, top to bottom: the buttons, the legend, the panels' titles, the plotting area, the x-axes'
    titles and the slider. The plotting area keeps its height; the figure grows with the legend's rows and the
    buttons. Plotly places the legend and the buttons in fractions of the plotting area's height, measured from
    its bottom; both hang from their top, so that a legend that needs more rows than estimated (a narrow screen)
    runs into the panels' titles rather than off the top of the figure."""
    plot = height - _MARGIN_TOP - _MARGIN_BOTTOM  # pixels
    top = buttons * _BUTTONS + 22 * _legend_rows(grid) + _TITLES

    def below_the_top(pixels):
        return round(1 + (top - pixels) / plot, 4)

    return {"top": top, "height": top + plot + _MARGIN_BOTTOM, "buttons": below_the_top(2),
            "legend": below_the_top(buttons * _BUTTONS + 2)}


def _layout(panels, grid, geometry):
    """The panels side by side, with fixed axes; the legend above them."""
    n = len(panels)
    gap = 0.1 if n > 1 else 0.0
    width = (1 - gap * (n - 1)) / n
    layout = {"height": geometry["height"],
              "margin": {"l": 60, "r": 20, "t": geometry["top"], "b": _MARGIN_BOTTOM, "autoexpand": False},
              "font": {"family": _FONT, "size": 13, "color": _TEXT},
              "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff", "hovermode": "closest", "dragmode": False,
              "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": geometry["legend"],
                         "yanchor": "top"},
              "annotations": []}
    everything = [c for group in grid for curves in group for c in curves]
    for p, panel in enumerate(panels):
        suffix = str(p + 1) if p else ""
        mine = [c for c in everything if c.panel == p]
        bars = [c for c in mine if c.style == "bars"]
        domain = rounded([p * (width + gap), p * (width + gap) + width], 4)
        axis = {"gridcolor": _GRID, "linecolor": _AXIS_LINE, "zerolinecolor": _AXIS_LINE, "showline": True,
                "ticks": "outside", "tickcolor": _AXIS_LINE, "fixedrange": True}
        xaxis = {**axis, "domain": domain, "anchor": f"y{suffix}", "title": {"text": panel.xlabel},
                 "type": "log" if panel.xlog else "linear", "range": _x_range(panel, mine, bars)}
        ticks = panel.xticks or (sorted({v for c in bars for v in c.x if v is not None}) if bars else None)
        if ticks:
            xaxis.update(tickmode="array", tickvals=list(ticks), ticktext=[f"{v:g}" for v in ticks])
        layout[f"xaxis{suffix}"] = xaxis
        layout[f"yaxis{suffix}"] = {**axis, "anchor": f"x{suffix}", "title": {"text": panel.ylabel},
                                    "range": list(panel.yrange) if panel.yrange else
                                    _span([v for c in mine for v in c.y], 0.05, include_zero=bool(bars))}
        if panel.title:
            layout["annotations"].append({"text": f"<b>{html.escape(panel.title)}</b>", "showarrow": False,
                                          "x": round(domain[0] + width / 2, 4), "xref": "paper",
                                          "xanchor": "center", "y": 1.0, "yref": "paper", "yanchor": "bottom"})
    return layout


# Pixels: the plotting area's margins for the default height, the room for the panels' titles, and for buttons.
_MARGIN_TOP, _MARGIN_BOTTOM, _TITLES, _BUTTONS = 64, 140, 30, 40
# The legend's entries are packed in rows over about this many pixels: the book's text column (about 680 pixels
# wide on a computer's screen), less the margins. An entry takes about 40 pixels plus 6.5 per character.
_LEGEND_WIDTH = 590


def _legend_rows(grid):
    """How many rows the legend needs in the book's text column, estimated from the longest name each entry has
    at any setting (Plotly wraps a horizontal legend; the figure's top margin must hold every row)."""
    shown = _legend_entries(grid[0][0])
    if not shown:
        return 0
    widths = [40 + 6.5 * max(len(curves[k].name) for group in grid for curves in group) for k in sorted(shown)]
    rows, used = 1, 0.0
    for w in widths:
        if used and used + w > _LEGEND_WIDTH:
            rows, used = rows + 1, 0.0
        used += w
    return rows


def _x_range(panel, curves, bars):
    if panel.xrange:
        return [math.log10(v) for v in panel.xrange] if panel.xlog else list(panel.xrange)
    points = any(c.style in ("markers", "point") for c in curves)  # not cut in half at the edge
    lo, hi = _span([v for c in curves for v in c.x], 0.02 if points else 0.0, panel.xlog)
    return [lo - 0.5, hi + 0.5] if bars else [lo, hi]


def _slider(values, active, dial, label):
    steps = [{"label": label(v), "method": "animate",
              "args": [[str(i)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                                  "transition": {"duration": 0}}]}
             for i, v in enumerate(values)]
    return {"active": active, "steps": steps, "x": 0, "len": 1, "y": 0, "yanchor": "top", "pad": {"t": 56},
            "currentvalue": {"prefix": f"{dial} = ", "xanchor": "left", "font": {"size": 15}}}


def _buttons(labels, chosen, traces, y):
    """A row of buttons above the legend; each shows the traces of its choice and those shared by all."""
    buttons = [{"label": text, "method": "restyle",
                "args": [{"visible": [t["group"] is None or t["group"] == g for t in traces]}]}
               for g, text in enumerate(labels)]
    # The active button is drawn in Plotly's fixed near-white; a grey for the others shows which one is on, and
    # dark text on these light buttons reads in the site's dark mode too.
    return {"type": "buttons", "direction": "right", "active": chosen, "buttons": buttons, "showactive": True,
            "x": 0, "xanchor": "left", "y": y, "yanchor": "top",
            "pad": {"r": 0, "t": 0, "l": 0, "b": 0}, "bgcolor": "#d5d9df", "bordercolor": "#9aa0a6",
            "font": {"color": "#222222"}}
