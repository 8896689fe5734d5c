// The practice page: typeset the maths (KaTeX, vendored), preview each answer while it is typed, and
// put a wrong answer's plot under its verdict. No build step. Text from the server is put in the page
// with textContent or katex.render, never as HTML; the plot is an SVG figure of this server's own plot
// page (drawn on the server, every text escaped), moved in as nodes.
"use strict";

const DELIMITERS = [
  { left: "$$", right: "$$", display: true },
  { left: "\\[", right: "\\]", display: true },
  { left: "$", right: "$", display: false },
  { left: "\\(", right: "\\)", display: false },
];

function typeset(root) {
  root.querySelectorAll(".math-text").forEach((el) => {
    renderMathInElement(el, { delimiters: DELIMITERS, throwOnError: false });
  });
  root.querySelectorAll(".tex").forEach((el) => {
    // A derivation's steps and "Read as" sit in a line of text, but are read as formulas: fractions
    // full size (\displaystyle), not the small ones of maths inside a sentence.
    const full = el.closest(".steps, .read-as") ? "\\displaystyle " : "";
    katex.render(full + el.dataset.tex, el, { displayMode: el.classList.contains("display"), throwOnError: false });
  });
  markScrollable(root);
}

// A formula wider than a phone scrolls inside its box; a keyboard reaches it (Tab, then the arrows).
function markScrollable(root) {
  root.querySelectorAll(".tex.display, .katex-display, .preview-line").forEach((el) => {
    if (el.scrollWidth > el.clientWidth + 1) {
      el.tabIndex = 0;
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", "formula (scrolls sideways)");
    }
  });
}

// `code` in a message becomes a code element; the text still goes in as text, never as HTML.
function setMessage(el, text) {
  text.split("`").forEach((piece, i) => {
    if (i % 2) {
      const code = document.createElement("code");
      code.textContent = piece;
      el.append(code);
    } else if (piece) {
      el.append(piece);
    }
  });
}

function showPreview(box, data) {
  box.replaceChildren();
  if (data.error) {
    const p = document.createElement("p");
    p.className = "preview-error";
    setMessage(p, data.error);
    box.append(p);
  }
  for (const line of data.lines || []) {
    const row = document.createElement("div");
    row.className = "preview-line";
    if (line.latex !== undefined) {
      row.classList.add("ok");
      katex.render(line.latex, row, { displayMode: true, throwOnError: false });
    } else if (line.plain !== undefined) {
      row.textContent = line.plain;
    } else {
      row.classList.add("bad");
      const what = document.createElement("p");
      setMessage(what, line.error);
      row.append(what);
      if (line.caret) {
        const caret = document.createElement("pre");
        caret.className = "caret";
        caret.textContent = line.caret;
        row.append(caret);
      }
      if (line.hint) {
        const hint = document.createElement("p");
        hint.className = "hint-line";
        setMessage(hint, line.hint);
        row.append(hint);
      }
    }
    box.append(row);
  }
  markScrollable(box);
  if (box.querySelector(".preview-line.ok")) {  // "Read as:" only above something that was read
    const title = document.createElement("p");
    title.className = "preview-title";
    title.textContent = "Read as:";
    box.prepend(title);
  }
}

function wirePreview(form) {
  const section = form.closest(".part");
  const field = form.querySelector("[name=answer]");
  const box = form.querySelector(".preview");
  let timer = null;
  let sent = 0;
  field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++sent;
      const body = new URLSearchParams({ sheet: section.dataset.sheet, part: section.dataset.part, text: field.value });
      try {
        const reply = await fetch("/preview", {
          method: "POST", body, credentials: "same-origin",
          headers: { "X-CSRF-Token": document.body.dataset.csrf },
        });
        const data = await reply.json();
        if (mine === sent) showPreview(box, data);  // a later keystroke's preview wins
      } catch (err) {
        if (mine === sent) showPreview(box, { error: "no preview: the server did not answer", lines: [] });
      }
    }, 250);
  });
}

// The plot is drawn after the page is shown (a worker draws it, once the class's grades are done):
// the figure of the plot page replaces the slot; nothing when there is no plot, a line when the server
// was too busy to draw it.
async function loadPlot(slot) {
  let reply = null;
  try {
    reply = await fetch(slot.dataset.plot, { credentials: "same-origin" });
    const page = new DOMParser().parseFromString(await reply.text(), "text/html");
    const shown = reply.ok ? page.querySelector("main figure.plot, main .plot-none") : null;
    if (shown) {
      slot.replaceWith(document.importNode(shown, true));
      return;
    }
  } catch (err) {
    reply = null;
  }
  if (reply && reply.ok) {
    slot.remove();  // this answer has no plot
    return;
  }
  const line = document.createElement("p");  // the server did not answer (restarting?): the page's link
  line.className = "plot-none";
  const link = document.createElement("a");
  link.href = slot.dataset.plot;
  link.textContent = "The plot could not be loaded: open it";
  line.append(link);
  slot.replaceWith(line);
}

document.addEventListener("DOMContentLoaded", () => {
  typeset(document);
  document.querySelectorAll("form.answer").forEach(wirePreview);
  document.querySelectorAll(".plot-slot[data-plot]").forEach(loadPlot);
});
