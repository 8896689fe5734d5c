// Refreshes the instructor's table from /instructor/stats.json. Text goes in as textContent only:
// students' answers are never parsed as HTML.
"use strict";
(function () {
  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  }
  function draw(parts) {
    const body = document.querySelector("#class-stats tbody");
    if (!body) return;
    const rows = parts.map(function (p) {
      const tr = document.createElement("tr");
      cell(tr, p.sheet + " " + p.part);
      cell(tr, String(p.attempted));
      cell(tr, String(p.correct));
      cell(tr, String(Number(p.mean.toPrecision(6))) + " / " + String(p.max));  // as the first page's `num`: 1, 0.5
      const wrong = cell(tr, "");
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
      return tr;
    });
    body.replaceChildren.apply(body, rows);
    typeset(body);  // practice.js: the feedback's maths, as on the first page
  }
  // The next fetch waits for this one: new wrong answers may take the server a while to confirm.
  function refresh() {
    fetch("/instructor/stats.json", {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) draw(data.parts); })
      .catch(function () {})
      .then(function () { setTimeout(refresh, 5000); });
  }
  setTimeout(refresh, 5000);
})();
