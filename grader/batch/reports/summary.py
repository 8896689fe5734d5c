"""summary.md: what an instructor reads first. Per part: mean, counts, and the most common wrong
answers grouped by equivalence, each with its count and the misconception it matches.

Answer text comes from students, so it only ever appears inside code spans, on one line, with
control characters made visible; table cells escape `|`.
"""

from __future__ import annotations

from grader.batch.model import STATUSES, Batch, PartSummary, WrongGroup
from grader.batch.reports.items import batch_analysis
from grader.grading.item_analysis import QUARTILES, ItemAnalysis
from grader.text.numbers import fixed, num, plural, points

TOP_GROUPS = 5  # wrong-answer groups shown per part
TOP_UNREADABLE = 3
ANSWER_WIDTH = 70


def summary_markdown(batch: Batch) -> str:
    lines = [f"# Grades: {_line(batch.sheet_title)}", ""]
    lines += _overview(batch)
    lines += ["", "## Parts", "", "| part | points | mean | " + " | ".join(STATUSES) + " |",
              "|---|" + "---:|" * (2 + len(STATUSES))]
    for s in batch.summaries:
        counts = " | ".join(str(s.counts.get(status, 0)) for status in STATUSES)
        lines.append(f"| `{s.address}` | {num(s.points)} | {fixed(s.mean)} | {counts} |")
    lines += ["", *_items(batch_analysis(batch))]
    lines += ["", "## Most common wrong answers"]
    for s in batch.summaries:
        lines += ["", *_part(batch, s)]
    if batch.unreadable:
        lines += ["", "## Unreadable files", "", "| file | student | reason |", "|---|---|---|"]
        lines += [f"| {_pipes(_code(r.file))} | {_pipes(_code(r.student))} | {_pipes(_line(r.unreadable))} |"
                  for r in sorted(batch.unreadable, key=lambda r: r.file)]
    if batch.warnings:
        lines += ["", "## Warnings", ""] + [f"- {_line(w)}" for w in batch.warnings]
    return "\n".join(lines) + "\n"


def _overview(batch: Batch) -> list[str]:
    graded = batch.graded
    source = f" (from {_code(batch.sheet_source)})" if batch.sheet_source else ""
    lines = [
        f"Sheet `{batch.sheet_id}`{source}: {len(batch.parts)} parts, {num(batch.max_total)} points.",
        "",
        f"- Files: {len(batch.rows)}; graded: {len(graded)}; unreadable: {len(batch.unreadable)}.",
    ]
    counted = batch.counted
    if batch.dropped:
        lines.append(f"- Not counted: {plural(len(batch.dropped), 'file')} of students who handed in several "
                     f"(--duplicates chose another of theirs); the figures below are over the "
                     f"{plural(len(counted), 'graded file')} that count.")
    if counted:
        mean = sum(r.total for r in counted) / len(counted)
        percent = 100 * mean / batch.max_total if batch.max_total else 100.0
        full = sum(1 for r in counted if r.total >= r.max_total)
        lines.append(f"- Mean score: {fixed(mean)} / {num(batch.max_total)} ({percent:.1f} %); "
                     f"full marks: {full} of {len(counted)}.")
    lines.append(f"- Distinct answers graded: {batch.distinct_answers} (each graded once, however many typed it).")
    unnamed = sum(1 for r in batch.rows if r.named_by != "student")
    if unnamed:
        lines.append(f"- Files whose student id is their file name (no `student:`, or the template's placeholder): "
                     f"{unnamed}; the LMS files hold those ids (see the warnings).")
    errors = sum(s.counts.get("error", 0) for s in batch.summaries)
    if errors:
        lines.append(f"- Answers the grader could not grade (status `error`, 0 points; check them by hand): {errors}.")
    return lines


def _items(items: ItemAnalysis) -> list[str]:
    """Moodle's quiz statistics: how hard each part was, whether it separates strong from weak students."""
    t = items.totals
    lines = ["## Item analysis", "",
             f"Over the {plural(t.students, 'submission')} that count. Difficulty: the mean score as a fraction of the "
             "part's points (1: everyone right). Discrimination: the correlation of the part's score with the "
             "total of the other parts (near 1: strong students get it, weak ones do not; negative: the "
             "reverse); — where undefined (everyone scored the same, or fewer than 2 students).", "",
             "| part | difficulty | discrimination | % invalid | most common wrong answer |",
             "|---|---:|---:|---:|---|"]
    for p in items.parts:
        wrong = f"{_pipes(_code(p.top_wrong[1]))} ({_students(p.top_wrong[0])})" if p.top_wrong else "—"
        lines.append(f"| `{p.address}` | {fixed(p.difficulty)} | {fixed(p.discrimination)} | "
                     f"{percent(p.invalid_percent)} | {wrong} |")
    if t.students:
        lines += ["", f"Totals (of {num(t.max_total)}): mean {fixed(t.mean)}, median {fixed(t.median)}, "
                      f"standard deviation {fixed(t.sd)} (the sample's), quartiles {fixed(t.q1)} and {fixed(t.q3)} "
                      f"({QUARTILES}), lowest {fixed(t.low)}, highest {fixed(t.high)}."]
    if items.flags:
        lines += ["", "### To look at", ""] + [f"- {_line(f.words)}" for f in items.flags]
    return lines


def percent(value: float | None) -> str:
    """A percentage with one decimal, or — with no students (as report.html and the instructor page)."""
    return "—" if value is None else f"{value:.1f}"


def _part(batch: Batch, s: PartSummary) -> list[str]:
    wrong = sum(g.count for g in s.wrong)
    lines = [f"### `{s.address}` ({points(s.points)}): {_students(wrong)} wrong"]
    if not s.wrong and not s.unreadable:
        return [*lines, "", "No wrong answers."]
    variants: dict[str, list[WrongGroup]] = {}
    for group in s.wrong:  # in variant order; "" alone when the question is not randomised
        variants.setdefault(group.variant, []).append(group)
    for variant, groups in variants.items():
        if variant:  # an answer wrong here may be right for another variant: never mix them
            lines += ["", f"#### Variant {_code(variant)}: {_students(sum(g.count for g in groups))} wrong"]
        lines += ["", *_groups(batch, s.address, groups)]
    if s.unreadable:
        shown = [f"{_code(u.text)} ({u.count})" for u in s.unreadable[:TOP_UNREADABLE]]
        more = len(s.unreadable) - TOP_UNREADABLE
        tail = f", and {more} more" if more > 0 else ""
        total = sum(u.count for u in s.unreadable)
        lines += ["", f"Invalid, could not be read ({_students(total)}): {', '.join(shown)}{tail}."]
    return lines


def _groups(batch: Batch, address: str, groups: list[WrongGroup]) -> list[str]:
    lines: list[str] = []
    for i, group in enumerate(groups[:TOP_GROUPS], start=1):
        lines += _group(i, group)
        elsewhere = batch.right_for(address, group)
        if elsewhere:
            lines.append(f"   - {right_elsewhere(elsewhere)}")
    rest = groups[TOP_GROUPS:]
    if rest:
        lines.append(f"\n…and {_students(sum(g.count for g in rest))} in {plural(len(rest), 'other group')}.")
    return lines


def _group(i: int, group: WrongGroup) -> list[str]:
    (first, count), others = group.forms[0], group.forms[1:]
    head = f"{i}. **{_students(group.count)}**: {_code(first)}"
    if others:
        also = ", ".join(f"{_code(text)} ({n})" for text, n in others[:3])
        more = f" and {plural(len(others) - 3, 'more form')}" if len(others) > 3 else ""
        head += f" ({count}); also written {also}{more}"
    why = f"{group.mistake_label}: {_line(group.mistake)}" if group.mistake else \
        f"No known mistake. {_line(group.why)}"
    return [head, f"   - {why.strip()}"]


def right_elsewhere(labels: tuple[str, ...]) -> str:
    """Said of a wrong-answer group that is right for another variant (as report.html says it)."""
    return (f"Right for {' or '.join(_code(label) for label in labels)}: another variant's question was answered "
            "(another student's, or a template that showed the first variant's values).")


def _students(n: int) -> str:
    return plural(n, "student")


def _line(text: str) -> str:
    """One line of trusted text (feedback, sheet messages) with control characters removed."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _code(text: str) -> str:
    """Student text as an inline code span that nothing inside can break out of."""
    one = " ⏎ ".join(part.strip() for part in text.strip().splitlines())
    one = "".join(c if c.isprintable() else "\ufffd" for c in one)
    if len(one) > ANSWER_WIDTH:
        one = one[: ANSWER_WIDTH - 1] + "…"
    fence = "`" * (_longest_run(one, "`") + 1)
    pad = " " if one.startswith("`") or one.endswith("`") or not one.strip() else ""
    return f"{fence}{pad}{one}{pad}{fence}"


def _longest_run(text: str, char: str) -> int:
    best = run = 0
    for c in text:
        run = run + 1 if c == char else 0
        best = max(best, run)
    return best


def _pipes(text: str) -> str:
    return text.replace("|", "\\|")  # GitHub tables split cells on | even inside code spans


code_span = _code  # for the other Markdown reports (changes.md)
one_line = _line
