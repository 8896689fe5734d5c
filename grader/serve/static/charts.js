// The class's charts, drawn with uPlot (vendored in static/uplot/): the histogram of totals and each
// part's difficulty and discrimination. The instructor page loads this file; report.html inlines it.
// `data` is item analysis as grader.grading.item_analysis.chart_data makes it; labels go in as text.
"use strict";

const graderCharts = (function () {
  const BLUE = "#1b5fb5", ORANGE = "#c75b12", GREY = "#5f6b7a";

  function size(el, height) {
    return { width: Math.max(280, Math.min(el.clientWidth || 600, 900)), height: height };
  }

  function histogram(el, h) {
    if (!el || !h || !h.x.length) return null;
    const width = h.width;
    const box = size(el, 220);
    const every = Math.ceil(h.x.length / Math.max(1, Math.floor((box.width - 60) / 34)));  // labels that fit
    const opts = Object.assign(box, {
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [h.x[0] - width / 2, h.x[h.x.length - 1] + width / 2] },
                y: { range: function (u, lo, hi) { return [0, Math.max(1, hi)]; } } },
      axes: [
        { label: "total points", stroke: GREY,
          values: function (u, splits) {
            return splits.map(function (v) { const i = h.x.indexOf(v); return i % every ? "" : h.labels[i] || ""; });
          },
          splits: function () { return h.x; } },
        { label: "students", stroke: GREY, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
      ],
      series: [{}, { label: "students", fill: BLUE + "cc", stroke: BLUE, width: 1,
                     paths: uPlot.paths.bars({ size: [0.85, Infinity] }), points: { show: false } }],
    });
    return new uPlot(opts, [h.x, h.y], el);
  }

  // A part's label as the chart shows it: whole when it fits `chars`, else its end (what tells parts
  // of one question apart) after an ellipsis; the table below the chart has every full address.
  function shorten(label, chars) {
    return label.length <= chars ? label : "\u2026" + label.slice(label.length - chars + 1);
  }

  // Horizontal bars, a row per part: the labels read left to right at any width, and the chart grows
  // with the number of parts instead of squeezing its plot (19 parts left it ~80 px high).
  function parts(el, p) {
    if (!el || !p || !p.labels.length) return null;
    const n = p.labels.length;
    const xs = p.labels.map(function (_, i) { return i; });
    const box = size(el, 0);
    const chars = Math.max(8, Math.floor((box.width * 0.42 - 14) / 6.6));  // ~6.6 px a character at 11 px
    const shown = p.labels.map(function (l) { return shorten(l, chars); });
    const longest = Math.max.apply(null, shown.map(function (l) { return l.length; }));
    box.height = 70 + 26 * n;  // the top axis and the legend's room, then a row of two bars per part
    el.title = p.labels.some(function (l, i) { return l !== shown[i]; }) ? "Full part names: the table below" : "";
    const opts = Object.assign(box, {
      cursor: { show: false },
      legend: { show: true, live: false },
      scales: { x: { time: false, ori: 1, dir: -1, range: [-0.5, n - 0.5] }, y: { ori: 0, range: [-1, 1] } },
      axes: [
        { side: 3, stroke: GREY, size: Math.min(box.width * 0.45, 16 + 6.6 * longest), gap: 4, ticks: { show: false },
          splits: function () { return xs; },
          values: function (u, splits) { return splits.map(function (i) { return shown[i] || ""; }); } },
        { side: 0, stroke: GREY, size: 30, splits: function () { return [-1, -0.5, 0, 0.5, 1]; } },
      ],
      series: [{},
        { label: "difficulty (1: everyone right)", fill: BLUE + "cc", stroke: BLUE, width: 1,
          paths: uPlot.paths.bars({ size: [0.4, Infinity], align: -1 }), points: { show: false } },
        { label: "discrimination", fill: ORANGE + "cc", stroke: ORANGE, width: 1,
          paths: uPlot.paths.bars({ size: [0.4, Infinity], align: 1 }), points: { show: false } }],
    });
    return new uPlot(opts, [xs, p.difficulty, p.discrimination], el);
  }

  // Draws both charts into `root`'s .chart-totals and .chart-parts from `figures` (chart_data's);
  // again, at the new width, when the window is resized. Returns a function that draws new figures.
  function draw(root, figures) {
    const drawn = [];
    let current = figures;
    function paint() {
      drawn.splice(0).forEach(function (chart) { if (chart) chart.destroy(); });
      drawn.push(histogram(root.querySelector(".chart-totals"), current.histogram),
                 parts(root.querySelector(".chart-parts"), current.parts));
    }
    paint();
    let timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(paint, 150);
    });
    return function (next) { current = next; paint(); };
  }

  return { histogram: histogram, parts: parts, draw: draw };
})();
