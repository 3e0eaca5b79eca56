"""The interactive figures (lossbook.book.interactive): the plotted numbers are lossbook's, the slider and the
buttons show the right data, the output is the same byte for byte on every run and CPU, nothing in it comes from
another host, and bad input fails with a clear message.

The browser side (plotly.js on the built site, sliders moved with the network off) is in tests/test_browser.py."""

import json
import re

import numpy as np
import pytest

from lossbook import numpy as lbn
from lossbook.book import interactive
from lossbook.book.interactive import Curve, Panel, decode, encode, rounded, slider_figure

R = np.linspace(-3, 3, 61)
DELTAS = [0.25, 0.5, 1.0, 2.0]


def huber_figure(residuals=R):
    return interactive.loss_and_gradient(
        lambda d: {"Huber": (lbn.huber, {"delta": d}), "MAE": (lbn.mae, {})}, DELTAS, dial="δ", x=residuals,
        styles={"MAE": "dash"}, start=1.0)


def traces_named(figure, name):
    return [i for i, t in enumerate(figure["data"]) if t["name"] == name]


def close(plotted, exact):
    """Plotted numbers (a typed array) equal lossbook's to the 6 significant digits of the curve's largest value
    (and float32's 7)."""
    exact, plotted = np.asarray(exact, dtype=float), decode(plotted)
    assert plotted.shape == exact.shape
    assert np.all(np.abs(plotted - exact) <= 5e-6 * np.max(np.abs(exact)) + 1e-7 * np.abs(exact))


def test_the_plotted_numbers_are_lossbooks():
    fig = huber_figure().figure
    loss, grad = traces_named(fig, "Huber")
    (mae, mae_grad) = traces_named(fig, "MAE")
    assert [fig["data"][i]["xaxis"] for i in (loss, grad)] == ["x", "x2"]
    t = np.zeros_like(R)
    for frame, delta in zip(fig["frames"], DELTAS):
        data = dict(zip(frame["traces"], frame["data"]))
        close(data[loss]["y"], lbn.huber(R, t, delta=delta, reduction="none"))
        close(data[grad]["y"], lbn.huber.grad(R, t, delta=delta, reduction="none"))
    # the start (delta = 1) is what the page shows before the slider moves
    close(fig["data"][loss]["y"], lbn.huber(R, t, delta=1.0, reduction="none"))
    close(fig["data"][loss]["x"], R)
    # MAE does not depend on the slider: stored once, in no frame
    close(fig["data"][mae]["y"], lbn.mae(R, t, reduction="none"))
    close(fig["data"][mae_grad]["y"], lbn.mae.grad(R, t, reduction="none"))
    assert all(mae not in frame["traces"] and mae_grad not in frame["traces"] for frame in fig["frames"])


def test_frames_hold_only_what_changes():
    fig = huber_figure().figure
    for frame in fig["frames"]:
        assert [set(d) for d in frame["data"]] == [{"y"}, {"y"}]  # x and the name stay the same
    x = np.linspace(0, 1, 5)
    moving = slider_figure(lambda v: [Curve(f"point at {v:g}", [v], [v * v], style="point"),
                                      Curve("line", x, v * x)], [1, 2, 3], dial="v").figure
    assert [set(d) for d in moving["frames"][0]["data"]] == [{"y"}, {"x", "y", "name"}]
    assert moving["frames"][2]["data"][1] == {"x": encode([3.0]), "y": encode([9.0]), "name": "point at 3"}


def test_slider_steps():
    fig = huber_figure().figure
    (slider,) = fig["layout"]["sliders"]
    assert [s["label"] for s in slider["steps"]] == ["0.25", "0.5", "1", "2"]
    assert slider["active"] == 2 and slider["currentvalue"]["prefix"] == "δ = "
    assert [f["name"] for f in fig["frames"]] == ["0", "1", "2", "3"]
    for i, step in enumerate(slider["steps"]):
        assert step["method"] == "animate" and step["args"][0] == [str(i)]
        assert step["args"][1]["mode"] == "immediate" and step["args"][1]["frame"]["redraw"] is True
    labelled = slider_figure(lambda q: [Curve("q", R, q * R)], [0.1, 0.5], dial="q", label=lambda q: f"{q:.0%}")
    assert [s["label"] for s in labelled.figure["layout"]["sliders"][0]["steps"]] == ["10%", "50%"]


def bce_figure():
    z = np.linspace(-4, 4, 41)

    def draw(eps, y):
        t = np.full_like(z, y)
        opts = dict(from_logits=True, label_smoothing=eps, reduction="none")
        return [Curve("BCE", z, lbn.binary_cross_entropy(z, t, **opts)),
                Curve("BCE", z, lbn.binary_cross_entropy.grad(z, t, **opts), panel=1),
                Curve("sigmoid", z, 1 / (1 + np.exp(-z)), style="dot")]

    return slider_figure(draw, [0.0, 0.1, 0.2], dial="ε", choices={"y = 0": 0.0, "y = 1": 1.0},
                         start_choice="y = 1", panels=[Panel("logit", "loss"), Panel("logit", "gradient")])


def test_buttons_choose_a_set_of_curves_and_the_slider_moves_them_all():
    fig = bce_figure().figure
    names = [(t["name"], t["xaxis"], t["visible"]) for t in fig["data"]]
    # the sigmoid is the same everywhere: one trace, always shown; the BCE curves: one per choice
    assert sorted(names) == sorted([("sigmoid", "x", True), ("BCE", "x", False), ("BCE", "x", True),
                                    ("BCE", "x2", False), ("BCE", "x2", True)])
    (menu,) = fig["layout"]["updatemenus"]
    assert menu["type"] == "buttons" and menu["active"] == 1
    assert [b["label"] for b in menu["buttons"]] == ["y = 0", "y = 1"]
    for b in menu["buttons"]:
        assert b["method"] == "restyle"
        assert b["args"][0]["visible"].count(True) == 3 and b["args"][0]["visible"][fig["data"].index(
            next(t for t in fig["data"] if t["name"] == "sigmoid"))]
    assert menu["buttons"][1]["args"][0]["visible"] == [t["visible"] for t in fig["data"]]
    # every frame moves the curves of both choices
    z, ones = np.linspace(-4, 4, 41), np.ones(41)
    for frame, eps in zip(fig["frames"], [0.0, 0.1, 0.2]):
        assert len(frame["traces"]) == 4
        shown = [d for i, d in zip(frame["traces"], frame["data"]) if fig["data"][i]["visible"]
                 and fig["data"][i]["xaxis"] == "x"]
        close(shown[0]["y"], lbn.binary_cross_entropy(z, ones, from_logits=True, label_smoothing=eps,
                                                      reduction="none"))


def test_legend_and_colours():
    fig = huber_figure().figure
    shown = [t for t in fig["data"] if t["showlegend"]]
    assert sorted(t["name"] for t in shown) == ["Huber", "MAE"]  # one entry per name, not one per panel
    colours = {t["name"]: t["line"]["color"] for t in fig["data"]}
    assert colours == {"Huber": interactive.PALETTE[0], "MAE": interactive.PALETTE[1]}
    assert all(t["line"]["color"] == colours[t["name"]] for t in fig["data"])
    # the dashed reference is drawn first, under the solid curve; the legend keeps draw()'s order
    assert [t["name"] for t in fig["data"]] == ["MAE", "MAE", "Huber", "Huber"]
    ranks = {t["name"]: t["legendrank"] for t in shown}
    assert ranks["Huber"] < ranks["MAE"]


def test_axes_stay_fixed_over_all_values():
    fig = huber_figure().figure
    for axis, x in (("yaxis", "x"), ("yaxis2", "x2")):
        lo, hi = fig["layout"][axis]["range"]
        mine = [i for i, t in enumerate(fig["data"]) if t["xaxis"] == x]
        every = [v for i in mine for v in decode(fig["data"][i]["y"])] + [
            v for f in fig["frames"] for i, d in zip(f["traces"], f["data"]) if i in mine for v in decode(d["y"])]
        assert lo <= min(every) and hi >= max(every) and hi - lo < 1.2 * (max(every) - min(every))
    assert fig["layout"]["xaxis"]["range"] == [-3.0, 3.0]
    assert all(fig["layout"][a]["fixedrange"] for a in ("xaxis", "yaxis", "xaxis2", "yaxis2"))
    logged = slider_figure(lambda t: [Curve("ce", [0.5, 1, 2], [t, t, t])], [1, 2], dial="T",
                           panels=[Panel(xlog=True, yrange=(0, 3))]).figure["layout"]
    assert logged["xaxis"]["type"] == "log"
    assert logged["xaxis"]["range"] == pytest.approx([np.log10(0.5), np.log10(2)], rel=1e-3)
    assert logged["yaxis"]["range"] == [0, 3]


def test_typed_arrays():
    assert encode([0.5, None, 2.0]) == {"dtype": "f4", "bdata": "AAAAPwAAwH8AAABA"}
    np.testing.assert_array_equal(decode(encode([1.5, None, -3.0])), [1.5, np.nan, -3.0])
    with pytest.raises(ValueError, match="float32 typed array"):
        decode({"dtype": "f8", "bdata": ""})


def test_rounding_is_robust_to_the_last_bits():
    assert rounded([1.0, 1 / 3, 2e-17, -1e-9, float("nan")]) == [1.0, 0.33333, 0.0, 0.0, None]
    assert rounded([0.9999999999999999, 0.123456789]) == rounded([1.0, 0.123456789]) == [1.0, 0.12346]
    assert rounded([]) == [] and rounded([0.0, -0.0]) == [0.0, 0.0]
    assert str(rounded([-0.0])) == "[0.0]"


def wobbly_huber(noise):
    rng = np.random.default_rng(0)

    def wobble(a):
        return a * (1 + 4 * np.finfo(float).eps * rng.uniform(-1, 1, a.shape)) + 1e-17 if noise else a

    def draw(delta):
        opts = dict(delta=delta, reduction="none")
        return [Curve("Huber", R, wobble(lbn.huber(R, 0 * R, **opts))),
                Curve("Huber", R, wobble(lbn.huber.grad(R, 0 * R, **opts)), panel=1)]

    return slider_figure(draw, DELTAS, dial="δ", panels=[Panel(), Panel()])


def test_output_is_the_same_on_every_run_and_cpu():
    first, again = huber_figure(), huber_figure()
    assert first.to_html() == again.to_html() and first.element_id == again.element_id
    # a few units in the last place, as another CPU's vector math may give, change nothing: not even where an
    # exact 0 comes out as 1e-17
    assert wobbly_huber(noise=True).to_html() == wobbly_huber(noise=False).to_html()
    assert first.to_json() == json.dumps(json.loads(first.to_json()), sort_keys=True, separators=(",", ":"))
    # different data, different id: two figures on one page never share one
    other = interactive.loss_and_gradient(lambda d: {"Huber": (lbn.huber, {"delta": d})}, DELTAS, dial="δ", x=R)
    assert other.element_id != first.element_id
    assert re.fullmatch(r"lossbook-figure-[0-9a-f]{12}", first.element_id)


def test_mimebundle_for_jupyterlab_and_the_site():
    fig = bce_figure()
    bundle = fig._repr_mimebundle_()
    assert set(bundle) == {"application/vnd.plotly.v1+json", "text/html", "text/plain"}
    assert bundle["application/vnd.plotly.v1+json"] == json.loads(fig.to_json())
    assert set(bundle["application/vnd.plotly.v1+json"]) == {"data", "layout", "frames", "config"}
    assert bundle["text/plain"] == repr(fig) == ("<interactive figure: slider ε over 3 values from 0 to 0.2; "
                                                 "buttons y = 0, y = 1; 2 panels, 5 traces>")
    page = bundle["text/html"]
    assert page.startswith(f'<div id="{fig.element_id}" class="lossbook-figure"')
    embedded = re.search(r"figure = (\{.*\});\n", page).group(1)
    assert json.loads(embedded) == bundle["application/vnd.plotly.v1+json"]
    assert "Plotly.newPlot" in page


def test_nothing_from_another_host():
    """No URL anywhere (plotly.js is the site's own copy), no script source, and no "$" that would hand a label
    to MathJax; only trace types that draw without fetching anything (no maps, no geo)."""
    for fig in (huber_figure(), bce_figure()):
        page = re.sub(r'"bdata":"[A-Za-z0-9+/=]*"', '"bdata":""', fig.to_html())  # base64 holds "/"
        assert not re.search(r"https?:|//[a-z]|\bsrc=|\bhref=|url\(", page, re.I), page[:200]
        assert "$" not in page
        assert {t["type"] for t in fig.figure["data"]} <= {"scatter", "bar"}
        assert fig.figure["config"] == {"displayModeBar": False, "responsive": True}


def test_html_is_safe_for_any_curve_name():
    fig = slider_figure(lambda v: [Curve(f"</script><b>{v:g}", R, v * R)], [1, 2], dial="<i>")
    page = fig.to_html()
    assert page.count("</script>") == 1 and page.rstrip().endswith("</script>")
    assert "<\\/script>" in page


def test_a_valid_plotly_figure():
    go = pytest.importorskip("plotly.graph_objects")
    for fig in (huber_figure(), bce_figure()):
        checked = go.Figure(fig.figure)  # raises on any attribute plotly.js does not know
        assert len(checked.frames) == len(fig.figure["frames"])


def test_bars_and_points():
    classes = np.arange(3)
    z = np.array([2.0, 0.5, -1.0])

    def draw(t):
        p = np.exp(-lbn.sparse_categorical_cross_entropy(np.tile(z / t, (3, 1)), classes, from_logits=True,
                                                         reduction="none"))
        return [Curve("p", classes, p, style="bars"), Curve("p0", [t], [p[0]], panel=1, style="point")]

    fig = slider_figure(draw, [0.5, 1, 2], dial="T", panels=[Panel("class"), Panel("T")]).figure
    bars = fig["data"][0]
    assert bars["type"] == "bar" and list(decode(bars["x"])) == [0.0, 1.0, 2.0]
    close(bars["y"], np.exp(z / 0.5) / np.exp(z / 0.5).sum())  # at the start, the first value
    assert fig["layout"]["xaxis"]["tickvals"] == [0.0, 1.0, 2.0] and fig["layout"]["xaxis"]["range"] == [-0.5, 2.5]
    assert fig["layout"]["yaxis"]["range"][0] <= 0  # bars start at 0


def draw_line(v):
    return [Curve("line", R, v * R)]


@pytest.mark.parametrize("call, message", [
    (lambda: slider_figure(draw_line, [1.0], dial="v"), "at least 2 values"),
    (lambda: slider_figure(draw_line, [1.0, 1.0], dial="v"), "distinct"),
    (lambda: slider_figure(draw_line, [1.0, float("nan")], dial="v"), "finite"),
    (lambda: slider_figure(draw_line, [1.0, 2.0], dial="v", start=3.0), r"start must be one of values, got 3\.0"),
    (lambda: slider_figure(lambda v, c: draw_line(v), [1, 2], dial="v", choices={"a": 1}, start_choice="b"),
     "start_choice must be one of"),
    (lambda: slider_figure(draw_line, [1, 2], dial="v", choices={}), "at least one"),
    (lambda: slider_figure(lambda v: [], [1, 2], dial="v"), "non-empty list of Curve"),
    (lambda: slider_figure(lambda v: [(R, v * R)], [1, 2], dial="v"), "non-empty list of Curve"),
    (lambda: slider_figure(lambda v: [Curve("a", R, R)] * int(v), [1, 2], dial="v"), "the same curves"),
    (lambda: slider_figure(lambda v: [Curve("a", R, v * R, style="wiggly")], [1, 2], dial="v"),
     "style must be one of"),
    (lambda: slider_figure(lambda v: [Curve("a", R, v * R, panel=1)], [1, 2], dial="v"), r"panel must be in \[0, 1\)"),
    (lambda: slider_figure(lambda v: [Curve("a", R, v * R[:-1])], [1, 2], dial="v"), "same length"),
    (lambda: slider_figure(lambda v: [Curve("a", R[:, None], v * R[:, None])], [1, 2], dial="v"), "1-D"),
    (lambda: slider_figure(lambda v: [Curve("a", R, v / R)], [1, 2], dial="v"), "infinite"),
    (lambda: slider_figure(lambda v: [Curve("a", R, R)], [1, 2], dial="v"), "no curve changes"),
    (lambda: slider_figure(draw_line, [1, 2], dial="v", panels=[]), "at least one Panel"),
])
def test_bad_input_is_refused_with_a_clear_message(call, message):
    with np.errstate(divide="ignore", invalid="ignore"), pytest.raises(ValueError, match=message):
        call()


def test_colours_given_or_from_the_palette():
    x = np.linspace(0, 1, 3)
    fig = slider_figure(lambda v: [Curve("a", x, v * x), Curve("b", x, x + v, color="C0"),
                                   Curve("a", [v], [v], panel=0, style="point"),
                                   Curve("c", x, x - v, color="gray")], [1, 2], dial="v").figure
    colours = {t["name"]: t.get("line", t.get("marker"))["color"] for t in fig["data"]}
    # "b" asked for the first palette colour, so "a" gets the next one that nobody asked for
    assert colours == {"a": interactive.PALETTE[1], "b": interactive.PALETTE[0], "c": "gray"}
    assert [t["showlegend"] for t in fig["data"] if t["name"] == "a"].count(True) == 1


def test_legend_entries_and_rows():
    x = np.linspace(0, 1, 3)

    def draw(v, names):
        return [Curve(name, x, v * x + i, legend=i != 1) for i, name in enumerate(names)]

    short = slider_figure(lambda v: draw(v, ["a", "b", "c"]), [1, 2], dial="v").figure
    assert [t["name"] for t in short["data"] if t["showlegend"]] == ["a", "c"]  # "b" left out
    long_names = [f"a rather long legend entry number {i}" for i in range(6)]
    long = slider_figure(lambda v: draw(v, long_names), [1, 2], dial="v").figure
    # the legend wraps into rows above the panels: the top margin holds them, the plotting area keeps its height
    grown = long["layout"]["margin"]["t"] - short["layout"]["margin"]["t"]
    assert grown >= 2 * 22 and long["layout"]["height"] - short["layout"]["height"] == grown
    # both legends hang from the same distance below the figure's top (in units of the plotting area's height)
    plot = short["layout"]["height"] - short["layout"]["margin"]["t"] - short["layout"]["margin"]["b"]
    for fig in (short, long):
        legend = fig["layout"]["legend"]
        assert legend["yanchor"] == "top"
        assert (legend["y"] - 1) * plot == pytest.approx(fig["layout"]["margin"]["t"] - 2, abs=0.1)
