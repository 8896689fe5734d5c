// Refreshes the instructor's table from /instructor/stats.json. Text goes in as textContent only:
// students' answers are never parsed as HTML.
"use strict";
(function () {
  function cell(row, text, label) {
    const td = document.createElement("td");
    td.textContent = text;
    if (label) td.dataset.label = label;  // the phone layout shows it before the figure
    row.appendChild(td);
    return td;
  }
  function draw(parts) {
    const body = document.querySelector("#class-stats tbody");
    if (!body) return;
    const rows = [];
    parts.forEach(function (p, i) {
      if (i === 0 || parts[i - 1].sheet !== p.sheet) {  // the sheet once, above its parts (as the first page)
        const head = document.createElement("tr");
        head.className = "sheet-row";
        const th = document.createElement("th");
        th.colSpan = 5;
        th.scope = "colgroup";
        const code = document.createElement("code");
        code.textContent = p.sheet;
        th.append("Sheet ", code);
        head.appendChild(th);
        rows.push(head);
      }
      const tr = document.createElement("tr");
      cell(tr, p.part, "Part");
      cell(tr, String(p.attempted), "Attempted");
      cell(tr, String(p.correct), "Correct");
      cell(tr, String(Number(p.mean.toPrecision(6))) + " / " + String(p.max), "Mean score");  // as `num`: 1, 0.5
      const wrong = cell(tr, "", "Common wrong answers");
      wrong.className = "wrong";
      p.wrong.forEach(function (w) {
        const div = document.createElement("div");
        div.className = "wrong-group";
        const code = document.createElement("code");
        code.textContent = w.forms.join(", ");
        div.append(w.count + " × ", code, w.variant ? " (" + w.variant + ")" : "");
        if (w.feedback) {
          const note = document.createElement("div");
          note.className = "note math-text";
          note.textContent = w.feedback;
          div.appendChild(note);
        }
        wrong.appendChild(div);
      });
      rows.push(tr);
    });
    body.replaceChildren.apply(body, rows);
    typeset(body);  // practice.js: the feedback's maths, as on the first page
  }
  function fixed(x) { return x === null || x === undefined ? "\u2014" : x.toFixed(2); }  // as the page's `fixed`

  // Each sheet's item analysis: the totals' line, the charts, the table and the flags.
  const redraw = {};
  const drawnData = {};
  function figures(list) {
    list.forEach(function (f) {
      const root = document.querySelector('.sheet-figures[data-sheet="' + CSS.escape(f.sheet) + '"]');
      if (!root) return;
      const key = JSON.stringify(f);
      if (drawnData[f.sheet] === key) return;
      drawnData[f.sheet] = key;
      const t = f.items.totals;
      const line = root.querySelector(".totals");
      if (f.items.students) {  // as the first page: the figures in bold
        const b = function (x) { const el = document.createElement("b"); el.textContent = fixed(x); return el; };
        line.replaceChildren(f.items.students + " students; totals (of " + t.max_total + "): mean ", b(t.mean),
                             ", median ", b(t.median), ", standard deviation ", b(t.sd), ", quartiles ", b(t.q1),
                             " and ", b(t.q3), ", lowest " + fixed(t.min) + ", highest " + fixed(t.max) + ".");
      } else {
        line.textContent = "No class students yet.";
      }
      const rows = f.items.parts.map(function (p) {
        const tr = document.createElement("tr");
        cell(tr, p.address);
        cell(tr, fixed(p.difficulty));
        cell(tr, fixed(p.discrimination));
        cell(tr, p.invalid_percent === null ? "\u2014" : p.invalid_percent.toFixed(1));
        const wrong = cell(tr, p.top_wrong ? "" : "\u2014");
        if (p.top_wrong) {
          const code = document.createElement("code");
          code.textContent = p.top_wrong.answer;
          wrong.append(code, " (" + p.top_wrong.students + ")");
        }
        return tr;
      });
      const body = root.querySelector("table.items tbody");
      body.replaceChildren.apply(body, rows);
      const flags = root.querySelector("ul.flags");
      flags.replaceChildren.apply(flags, f.items.flags.map(function (flag) {
        const li = document.createElement("li");
        li.className = "math-text";
        setMessage(li, flag.words);  // practice.js: `code` as code, the rest as text
        return li;
      }));
      typeset(flags);
      if (typeof uPlot === "undefined" || typeof graderCharts === "undefined") return;
      if (redraw[f.sheet]) redraw[f.sheet](f.chart);
      else redraw[f.sheet] = graderCharts.draw(root, f.chart);
    });
  }
  window.addEventListener("load", function () {  // the figures the page came with, in each section's data-figures
    figures(Array.prototype.map.call(document.querySelectorAll(".sheet-figures[data-figures]"),
                                     function (el) { return JSON.parse(el.dataset.figures); }));
  });

  // The next fetch waits for this one: new wrong answers may take the server a while to confirm.
  function refresh() {
    fetch("/instructor/stats.json", {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { draw(data.parts); figures(data.figures || []); } })
      .catch(function () {})
      .then(function () { setTimeout(refresh, 5000); });
  }
  setTimeout(refresh, 5000);
})();
