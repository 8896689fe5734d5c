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

  function parts(el, p) {
    if (!el || !p || !p.labels.length) return null;
    const xs = p.labels.map(function (_, i) { return i; });
    const longest = Math.max.apply(null, p.labels.map(function (l) { return l.length; }));
    const turned = p.labels.length > 4;
    const opts = Object.assign(size(el, 260), {
      cursor: { show: false },
      legend: { show: true, live: false },
      scales: { x: { time: false, range: [-0.5, xs.length - 0.5] }, y: { range: [-1, 1] } },
      axes: [
        { stroke: GREY, rotate: turned ? -50 : 0, size: turned ? Math.min(160, 24 + 5.5 * longest) : 40,
          splits: function () { return xs; },
          values: function (u, splits) { return splits.map(function (i) { return p.labels[i] || ""; }); } },
        { stroke: GREY, splits: function () { return [-1, -0.5, 0, 0.5, 1]; } },
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
