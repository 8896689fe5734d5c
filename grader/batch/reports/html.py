"""report.html: the batch as one page an instructor opens from a file. The score histogram, each
part's difficulty and discrimination (a chart and a table), the flags, the wrong-answer groups
typeset, and every submission's answers and feedback, linked from a table of students.

Self-contained: KaTeX (its woff2 fonts as data: URLs), uPlot and the chart script are inlined from
grader/serve/static/, so the page works from file:// or a mail attachment, and a Content-Security-
Policy forbids any request at all. Student text goes in escaped (html.escape), inside <code>, or as
JSON in a <script type="application/json"> with `<` escaped. Same batch, same bytes.
"""

from __future__ import annotations

import base64
import functools
import html
import json
import re
from pathlib import Path

from grader.batch.model import STATUSES, Answer, Batch, Row, WrongGroup
from grader.batch.reports.feedback import VERDICTS, unique_names
from grader.batch.reports.items import batch_analysis
from grader.batch.reports.student_plots import plot_svg, plot_words
from grader.batch.reports.summary import percent, right_elsewhere
from grader.core import caches
from grader.grading.item_analysis import QUARTILES, ItemAnalysis, chart_data
from grader.text.numbers import fixed, num, plural, points

STATIC = Path(__file__).resolve().parents[2] / "serve" / "static"
POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; font-src data:; "
          "img-src data:; base-uri 'none'; form-action 'none'")
TOP_GROUPS = 10  # wrong-answer groups shown per part and variant (results.json's count)

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
main { max-width: 60em; margin: 0 auto; padding: 1em 1.2em 3em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; } h3 { font-size: 1.05em; }
table { border-collapse: collapse; } td, th { border-bottom: 1px solid #ddd; padding: 0.3em 0.7em; text-align: left; }
td.part code, #students-table td code { overflow-wrap: normal; white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.table-scroll { overflow-x: auto; max-width: 100%; }
.chart { min-height: 200px; max-width: 100%; overflow: hidden; }
figure { margin: 1em 0; } figcaption, .note { color: #555; font-size: 0.9em; }
.group, .answer { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 0.9em; margin: 0.7em 0; }
.count { font-weight: bold; } .flags li { margin: 0.3em 0; }
.answer.correct { border-left: 4px solid #2a7d2a; } .answer.incorrect { border-left: 4px solid #b33; }
.answer.invalid, .answer.error { border-left: 4px solid #c80; } .answer.missing { border-left: 4px solid #999; }
code { overflow-wrap: anywhere; white-space: pre-wrap; background: #f1f1f1; padding: 0 0.2em; }
.tex { overflow-x: auto; overflow-y: hidden; max-width: 100%; }
.plot svg { display: block; width: 100%; max-width: 480px; height: auto; } .plot { margin: 0.6em 0; }
.plot figcaption, .math-text, .answer div { overflow-wrap: anywhere; }
@media (max-width: 480px) { .plot svg text { font-size: 17px; } }
nav a { margin-right: 0.8em; }
@media (max-width: 480px) { main { padding: 0.6em 0.7em 2em; } td, th { padding: 0.3em 0.4em; } }
"""

START = """
(function () {
  var data = JSON.parse(document.getElementById("figures-data").textContent);
  graderCharts.draw(document, data);
  var delimiters = [{left: "$$", right: "$$", display: true}, {left: "\\\\[", right: "\\\\]", display: true},
                    {left: "$", right: "$", display: false}, {left: "\\\\(", right: "\\\\)", display: false}];
  function typeset(root) {
    root.querySelectorAll(".math-text").forEach(function (el) {
      renderMathInElement(el, {delimiters: delimiters, throwOnError: false});
    });
    root.querySelectorAll(".tex").forEach(function (el) {
      katex.render("\\\\displaystyle " + el.dataset.tex, el, {throwOnError: false});
    });
  }
  // The figures and groups at once; each student's section when it comes near the screen (a class
  // of thousands has thousands of feedback sentences to typeset), and every one before printing:
  // a printed page never scrolls into view.
  document.querySelectorAll("main > :not(section.student)").forEach(typeset);
  var students = Array.prototype.slice.call(document.querySelectorAll("section.student"));
  var watch = null;
  function once(el) {
    if (el.dataset.typeset) return;
    el.dataset.typeset = "1";
    if (watch) watch.unobserve(el);
    typeset(el);
  }
  function all() { students.forEach(once); }
  window.addEventListener("beforeprint", all);
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    var changed = function (m) { if (m.matches) all(); };
    if (print.addEventListener) print.addEventListener("change", changed);
    else if (print.addListener) print.addListener(changed);
  }
  if (!("IntersectionObserver" in window)) { all(); return; }
  watch = new IntersectionObserver(function (seen) {
    seen.forEach(function (entry) { if (entry.isIntersecting) once(entry.target); });
  }, {rootMargin: "600px 0px"});
  students.forEach(function (el) { watch.observe(el); });
})();
"""


def report_html(batch: Batch) -> str:
    items = batch_analysis(batch)
    names = unique_names([r.student for r in batch.rows])  # anchors, as feedback/<name>.md
    body = [f"<h1>Grades: {_e(batch.sheet_title)}</h1>", *_overview(batch, items),
            '<nav><a href="#scores">Scores</a><a href="#parts">Parts</a><a href="#wrong">Wrong answers</a>'
            '<a href="#students">Students</a>' + ('<a href="#warnings">Warnings</a>' if batch.warnings else "")
            + "</nav>",
            *_scores(items), *_parts(batch, items), *_wrong(batch), *_student_sections(batch, names),
            *_warnings(batch)]
    figures = json.dumps(chart_data(items), sort_keys=True, ensure_ascii=True).replace("<", "\\u003c")
    assets = _assets()
    return "\n".join([
        "<!doctype html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        f"<title>Grades: {_e(batch.sheet_title)}</title>",
        f"<style>{assets['css']}{STYLE}</style>", "</head>", "<body>", "<main>", *body, "</main>",
        f'<script type="application/json" id="figures-data">{figures}</script>',
        f"<script>{assets['js']}</script>", f"<script>{START}</script>", "</body>", "</html>", ""])


@functools.lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    """The vendored CSS and scripts, read once; KaTeX's fonts as woff2 data: URLs (every browser
    that runs KaTeX reads woff2), its other formats dropped."""
    katex_css = (STATIC / "katex" / "katex.min.css").read_text(encoding="utf-8")

    def font(match: re.Match[str]) -> str:
        data = (STATIC / "katex" / "fonts" / f"{match.group(1)}.woff2").read_bytes()
        return f'src:url(data:font/woff2;base64,{base64.b64encode(data).decode()}) format("woff2")'

    katex_css = re.sub(r'src:url\(fonts/([A-Za-z0-9_-]+)\.woff2\) format\("woff2"\)[^;}]*', font, katex_css)
    css = katex_css + (STATIC / "uplot" / "uPlot.min.css").read_text(encoding="utf-8")
    js = "\n".join((STATIC / name).read_text(encoding="utf-8").replace("</script", "<\\/script") for name in (
        "katex/katex.min.js", "katex/contrib/auto-render.min.js", "uplot/uPlot.iife.min.js", "charts.js"))
    return {"css": css, "js": js}


caches.register("batch.report_assets", _assets)


def _overview(batch: Batch, items: ItemAnalysis) -> list[str]:
    counted = len(batch.counted)
    dropped = (f" {plural(len(batch.dropped), 'other file')} of students who handed in several "
               f"{'is' if len(batch.dropped) == 1 else 'are'} not counted." if batch.dropped else "")
    return [f"<p>Sheet <code>{_e(batch.sheet_id)}</code>: {len(batch.parts)} parts, {_e(points(batch.max_total))}. "
            f"Files: {len(batch.rows)}; graded: {len(batch.graded)}; unreadable: {len(batch.unreadable)}. "
            f"The figures are over the {plural(counted, 'graded submission')} that count.{_e(dropped)}</p>"]


def _scores(items: ItemAnalysis) -> list[str]:
    t = items.totals
    lines = ['<h2 id="scores">Scores</h2>']
    if t.students:
        lines.append(
            f"<p>Totals (of {num(t.max_total)}): mean <b>{fixed(t.mean)}</b>, median <b>{fixed(t.median)}</b>, "
            f"standard deviation <b>{fixed(t.sd)}</b> (the sample's), quartiles <b>{fixed(t.q1)}</b> and "
            f"<b>{fixed(t.q3)}</b> "
            f"({_e(QUARTILES)}), lowest {fixed(t.low)}, highest {fixed(t.high)}.</p>")
    lines.append('<figure><div id="chart-totals" class="chart chart-totals" role="img" '
                 'aria-label="Histogram of the students\' totals"></div><figcaption>Students per total: '
                 "a bar counts the totals from its label up to the next one.</figcaption></figure>")
    return lines


def _parts(batch: Batch, items: ItemAnalysis) -> list[str]:
    lines = ['<h2 id="parts">Parts</h2>',
             '<figure><div id="chart-parts" class="chart chart-parts" role="img" '
             'aria-label="Each part\'s difficulty and discrimination"></div><figcaption>Difficulty: the mean '
             "score as a fraction of the part's points (1: everyone right). Discrimination: the correlation "
             "of the part's score with the total of the "
             "other parts (near 1: the strong students get it and the weak do not; negative: the reverse; no bar: "
             "undefined, as when everyone scored the same).</figcaption></figure>",
             '<div class="table-scroll"><table id="item-analysis"><thead><tr><th>part</th><th class="n">points</th>'
             '<th class="n">difficulty</th><th class="n">discrimination</th><th class="n">% invalid</th>'
             '<th>most common wrong answer</th></tr></thead><tbody>']
    for p in items.parts:
        wrong = (f"<code>{_e(p.top_wrong[1])}</code> ({_students(p.top_wrong[0])})" if p.top_wrong else "—")
        lines.append(f'<tr><td class="part"><a href="#wrong-{_e(p.address)}"><code>{_e(p.address)}</code></a></td>'
                     f'<td class="n">{num(p.points)}</td><td class="n">{fixed(p.difficulty)}</td>'
                     f'<td class="n">{fixed(p.discrimination)}</td><td class="n">{percent(p.invalid_percent)}</td>'
                     f"<td>{wrong}</td></tr>")
    lines.append("</tbody></table></div>")
    lines += _counts(batch)
    if items.flags:
        lines += ["<h3>To look at</h3>", '<ul class="flags">',
                  *[f'<li class="math-text">{_inline(f.words)}</li>' for f in items.flags], "</ul>"]
    return lines


def _wrong(batch: Batch) -> list[str]:
    lines = ['<h2 id="wrong">Wrong answers</h2>',
             '<p class="note">Per part, wrong answers grouped by equivalence (the same function however it was '
             "written), most common first, each with the feedback its students got.</p>"]
    for s in batch.summaries:
        wrong = sum(g.count for g in s.wrong)
        lines.append(f'<h3 id="wrong-{_e(s.address)}"><code>{_e(s.address)}</code> ({_e(points(s.points))}): '
                     f"{_students(wrong)} wrong</h3>")
        if not s.wrong:
            lines.append("<p>No wrong answers.</p>")
        shown: dict[str, int] = {}
        for group in s.wrong:
            shown[group.variant] = shown.get(group.variant, 0) + 1
            if shown[group.variant] <= TOP_GROUPS:
                lines += _group(batch, s.address, group)
        if s.unreadable:
            total = sum(u.count for u in s.unreadable)
            forms = ", ".join(f"<code>{_e(u.text)}</code> ({u.count})" for u in s.unreadable[:5])
            lines.append(f"<p>Could not be read ({_students(total)}): {forms}.</p>")
    return lines


def _group(batch: Batch, address: str, group: WrongGroup) -> list[str]:
    first = group.forms[0][0]
    variant = f" (variant <code>{_e(group.variant)}</code>)" if group.variant else ""
    forms = ", ".join(f"<code>{_e(text)}</code> ({n})" for text, n in group.forms[:5])
    more = f" and {plural(len(group.forms) - 5, 'more form')}" if len(group.forms) > 5 else ""
    why = f"{_inline(group.mistake_label)}: {_e(group.mistake)}" if group.mistake else f"{_e(group.why)}"
    elsewhere = batch.right_for(address, group)
    if elsewhere:
        why += f"<br>{_inline(right_elsewhere(elsewhere))}"
    tex = _latex(batch, address, first)
    shown = f'<div class="tex" data-tex="{_e(tex)}"></div>' if tex else ""
    return [f'<div class="group"><span class="count">{_students(group.count)}</span>{variant}{shown}',
            f"<div>Written {forms}{more}.</div>", f'<div class="math-text note">{why}</div></div>']


def _latex(batch: Batch, address: str, text: str) -> str:
    """The answer as KaTeX reads it (the practice page's preview), or "" when it cannot be shown so."""
    if batch.sheet is None:
        return ""
    from grader.grading.preview import preview_lines  # parses: only for the groups' most common forms
    from grader.sheets import variants

    try:
        lines = preview_lines(variants.scoped(variants.pick(batch.sheet, None), address), address, text)
    except Exception:  # a report never fails for want of a typeset form (sympy may raise anything)
        return ""
    if not lines or any("latex" not in line for line in lines):
        return ""
    return " \\\\ ".join(line["latex"] for line in lines) if len(lines) > 1 else lines[0]["latex"]


def _students(n: int) -> str:
    return plural(n, "student")


def _student_sections(batch: Batch, names: list[str]) -> list[str]:
    lines = ['<h2 id="students">Students</h2>', '<div class="table-scroll"><table id="students-table"><thead><tr>'
             '<th>student</th><th>file</th><th class="n">total</th><th>status</th></tr></thead><tbody>']
    for row, name in zip(batch.rows, names, strict=True):
        total = num(row.total) if row.readable else "—"
        counted = "" if row.file not in batch.dropped else " (not counted)"
        lines.append(f'<tr><td><a href="#student-{_e(name)}">{_e(row.student)}</a></td>'
                     f"<td><code>{_e(row.file)}</code></td><td class=\"n\">{total} / {num(row.max_total)}</td>"
                     f"<td>{_inline(row.status)}{counted}</td></tr>")
    lines.append("</tbody></table></div>")
    for row, name in zip(batch.rows, names, strict=True):
        lines += _student(batch, row, name)
    return lines


def _student(batch: Batch, row: Row, name: str) -> list[str]:
    lines = [f'<section class="student" id="student-{_e(name)}"><h3>{_e(row.student)}</h3>']
    if not row.readable:
        return [*lines, f"<p>The file <code>{_e(row.file)}</code> could not be read: {_inline(row.unreadable)}. "
                        f"It scores 0 of {num(row.max_total)}.</p>", "</section>"]
    lines.append(f"<p>Score <b>{num(row.total)} / {num(row.max_total)}</b> (file <code>{_e(row.file)}</code>)"
                 + (f"; variant {_e(row.variant_text)}" if row.variant else "") + ".</p>")
    lines += [f'<p class="note">Note: {_inline(note)}</p>' for note in row.notes]
    for a in row.answers:
        lines += _answer(batch, row, a)
    lines.append('<p><a href="#students">Back to the students</a></p></section>')
    return lines


def _answer(batch: Batch, row: Row, a: Answer) -> list[str]:
    lines = [f'<div class="answer {a.status}"><b><code>{_e(a.address)}</code>: {_e(VERDICTS[a.status])}</b> '
             f"({num(a.points)} / {num(a.max_points)})"]
    if a.text is not None:
        lines.append(f"<div>Answer: <code>{_e(a.text)}</code></div>")
    words = a.error if a.error and a.result is None else (a.result.feedback if a.result is not None else a.error)
    if words:
        lines.append(f'<div class="math-text">{_inline(words)}</div>')
    if a.status == "incorrect":
        svg = plot_svg(batch.sheet, a)
        if svg:
            said = plot_words(batch.sheet, a)  # visible, as on the class server's page, not only in the <desc>
            caption = f'<figcaption class="math-text">{_e(said)}</figcaption>' if said else ""
            lines.append(f'<figure class="plot">{svg}{caption}</figure>')
    lines.append("</div>")
    return lines


def _counts(batch: Batch) -> list[str]:
    """summary.md's Parts table: each part's answers by status and their mean points."""
    head = "".join(f'<th class="n">{_e(status)}</th>' for status in STATUSES)
    lines = ["<h3>Answers per part</h3>", '<p class="note">Over the graded submissions (a missing answer scores 0); '
             "mean: the mean points.</p>", '<div class="table-scroll"><table id="part-counts"><thead><tr><th>part</th>'
             f'<th class="n">points</th><th class="n">mean</th>{head}</tr></thead><tbody>']
    for s in batch.summaries:
        cells = "".join(f'<td class="n">{s.counts.get(status, 0)}</td>' for status in STATUSES)
        lines.append(f'<tr><td class="part"><code>{_e(s.address)}</code></td><td class="n">{num(s.points)}</td>'
                     f'<td class="n">{fixed(s.mean)}</td>{cells}</tr>')
    return [*lines, "</tbody></table></div>"]


def _warnings(batch: Batch) -> list[str]:
    if not batch.warnings:
        return []
    return ['<h2 id="warnings">Warnings</h2>', '<ul class="warnings">',
            *[f"<li>{_inline(w)}</li>" for w in batch.warnings], "</ul>"]


def _e(text: str) -> str:
    clean = "".join(c if c.isprintable() or c in "\n\t" else "\ufffd" for c in text)
    return html.escape(clean, quote=True)


def _inline(text: str) -> str:
    """Markdown-ish words (statuses, notes, flags, parse messages): each `code` span as <code>, everything
    escaped; a lone backtick stays a backtick. Never HTML from the text itself."""
    out, at = [], 0
    for match in _CODE.finditer(text):
        out += [_e(text[at:match.start()]), f"<code>{_e(match.group(1))}</code>"]
        at = match.end()
    return "".join([*out, _e(text[at:])])


_CODE = re.compile(r"`([^`\n]+)`")
