/* The book's interactive figures (lossbook.book.interactive) in the theme's colours, light or dark.

   Each figure is a <div class="lossbook-figure"> with an inline script that draws it with plotly.js (served by the
   site, _static/plotly.min.js) when the page has loaded; that script passes its layout through
   lossbookFigures.style() first. The colours are read from the pydata-sphinx-theme's CSS variables, and the
   figures are recoloured whenever the theme switches between light and dark (the data-theme attribute of <html>).
   _ext/lossbook_site.py loads this file, with plotly.min.js, on the pages that have a figure. */
(function () {
  "use strict";

  function colours() {
    var css = getComputedStyle(document.documentElement);
    function read(name, fallback) {
      return css.getPropertyValue(name).trim() || fallback;
    }
    return {
      text: read("--pst-color-text-base", "#333333"),
      muted: read("--pst-color-text-muted", "#777777"),
      grid: read("--pst-color-border", "#e5e5e5"),
      rail: read("--pst-color-surface", "#f8fafc"),
    };
  }

  // Layout attributes to change, as Plotly.relayout takes them: {"xaxis.gridcolor": ..., ...}.
  function updates(layout) {
    var c = colours();
    var out = {"paper_bgcolor": "rgba(0, 0, 0, 0)", "plot_bgcolor": "rgba(0, 0, 0, 0)", "font.color": c.text};
    Object.keys(layout).forEach(function (key) {
      if (/^[xy]axis\d*$/.test(key)) {
        out[key + ".gridcolor"] = c.grid;
        out[key + ".linecolor"] = c.muted;
        out[key + ".zerolinecolor"] = c.muted;
        out[key + ".tickcolor"] = c.muted;
      }
    });
    (layout.sliders || []).forEach(function (slider, i) {
      var at = "sliders[" + i + "].";
      out[at + "bgcolor"] = c.rail;
      out[at + "bordercolor"] = c.muted;
      out[at + "tickcolor"] = c.muted;
      out[at + "font.color"] = c.text;
      out[at + "currentvalue.font.color"] = c.text;
    });
    return out;
  }

  // Sets "a.b[0].c" = value in a nested object, creating what is missing.
  function put(target, path, value) {
    var keys = path.replace(/\[(\d+)\]/g, ".$1").split(".");
    var last = keys.pop();
    keys.forEach(function (key) {
      if (typeof target[key] !== "object" || target[key] === null) target[key] = {};
      target = target[key];
    });
    target[last] = value;
  }

  // A copy of the layout in the theme's current colours.
  function style(layout) {
    var copy = JSON.parse(JSON.stringify(layout));
    var changes = updates(copy);
    Object.keys(changes).forEach(function (path) {
      put(copy, path, changes[path]);
    });
    return copy;
  }

  function recolour() {
    if (!window.Plotly) return;
    document.querySelectorAll(".lossbook-figure.js-plotly-plot").forEach(function (figure) {
      Plotly.relayout(figure, updates(figure.layout));
    });
  }

  window.lossbookFigures = {style: style, recolour: recolour};
  new MutationObserver(recolour).observe(document.documentElement, {attributes: true, attributeFilter: ["data-theme"]});
})();
