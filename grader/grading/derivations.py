"""Grading "show that" answers: a chain of expressions, checked line by line.

A chain is correct when its first expression is the derivative under discussion, every step
equals the one before it, it ends in the required form, and it is long enough to be a derivation.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

from grader.core import limits
from grader.core.errors import ParseError
from grader.equivalence import Decision, compare
from grader.grading import feedback
from grader.grading.diagnosis import diagnose, step_slip
from grader.grading.findings import Outcome, match_mistake, point_of
from grader.grading.labels import wrong_function
from grader.grading.results import Point, Step
from grader.parsing import Parsed, parse_chain, symbol
from grader.parsing.common import fail
from grader.parsing.labels import Label, split_label, trailing_label
from grader.sheets.forms import violations
from grader.sheets.model import DerivationAnswer, Part, Sheet
from grader.text import pretty as prettyprint

_ALIGN = re.compile(r"\\(?:begin|end)\s*\{\s*(?:align|aligned|eqnarray|gather|split)\*?\s*\}")
_CASES = re.compile(r"\\(begin|end)\s*\{\s*d?cases\s*\}")


def _rows(line: str) -> list[str]:
    """A line of LaTeX `align` split at its `\\\\` row ends (not those of a `cases` inside it)."""
    line = _ALIGN.sub(lambda m: " " * len(m.group()), line)
    out, depth, last, i = [], 0, 0, 0
    while i < len(line):
        m = _CASES.match(line, i)
        if m:
            depth += 1 if m.group(1) == "begin" else -1
            i = m.end()
            continue
        if line.startswith("\\\\", i) and depth <= 0:
            out.append(line[last:i])
            last = i = i + 2
            continue
        i += 1
    out.append(line[last:])
    return [row for row in out if row.strip()]


def split_lines(answer: str, variable: str = "x") -> list[tuple[int, str]]:
    """Non-blank lines (and LaTeX align rows) with their 1-based numbers; a derivative label before the
    first `=` (`σ'(x) =`, `d/dx σ(x) =`) is blanked out, keeping columns for carets."""
    lines = [(n, row) for n, text in enumerate(answer.splitlines(), start=1) for row in _rows(text)]
    if len(lines) != len({n for n, _ in lines}):  # rows of one physical line: number them as lines
        lines = [(i + 1, row) for i, (_, row) in enumerate(lines)]
    if lines:
        number, first = lines[0]
        label = split_label(first, variable)
        if label is not None:
            lines[0] = (number, " " * label.end + first[label.end:])
        number, last = lines[-1]
        trailing = trailing_label(last, variable)
        if trailing is not None:  # `… = σ'(x)` ends a backward derivation: it names, it is not a step
            lines[-1] = (number, last[:trailing[0]].rstrip())
            if not lines[-1][1].strip():
                lines.pop()
    return lines


def end_labels(answer: str, variable: str = "x") -> list[Label]:
    """The labels a derivation names its derivative with: before its first `=`, after its last."""
    lines = [row for text in answer.splitlines() for row in _rows(text)]
    if not lines:
        return []
    first, last = split_label(lines[0], variable), trailing_label(lines[-1], variable)
    return [label for label in (first, last[1] if last else None) if label is not None]


def read_chain(sheet: Sheet, answer: str, variable: str) -> list[tuple[int, Parsed]]:
    """Every line parsed; one unreadable line raises its ParseError with the line number and a preview
    of the lines that were read (`data["line"]`, `data["preview"]`)."""
    if len(answer) > limits.MAX_DERIVATION_CHARS:
        raise ParseError("too_long", answer, limits.MAX_DERIVATION_CHARS, len(answer),
                         data={"limit": limits.MAX_DERIVATION_CHARS, "length": len(answer)})
    if not answer.strip():  # nothing sent is no attempt, as for an expression: not a derivation too short
        raise fail("empty", answer, 0, 0, found="", hint="type the derivation, one step a line")
    ctx = sheet.parse_context()
    pieces: list[tuple[int, Parsed]] = []
    failed: ParseError | None = None
    preview: list[str] = []
    for number, text in split_lines(answer, variable):
        try:
            read = parse_chain(text, ctx)
        except ParseError as err:
            if failed is None:
                err.data["line"] = number
                failed = err
            preview.append(f"line {number}: (could not be read)")
            continue
        pieces.extend((number, p) for p in read)
        preview.append(f"line {number}: " + " = ".join(prettyprint.text(p.expr) for p in read))
    if failed is not None:
        failed.data["preview"] = tuple(preview)
        raise failed
    return pieces


def grade_derivation(sheet: Sheet, part: Part, expects: DerivationAnswer, answer: str) -> Outcome:
    variable = part.wrt or (sheet.variables[0] if sheet.variables else "x")  # what a label's d/dx names
    for label in end_labels(answer, variable) if part.derivative else []:
        problem = wrong_function(sheet, part, label)
        if problem is not None:
            return Outcome("invalid", 0.0, problem, "label")
    pieces = read_chain(sheet, answer, variable)
    variables = [symbol(v) for v in sheet.variables]
    lines = tuple(f"line {n}: {prettyprint.text(p.expr)}" for n, p in pieces)
    if len(pieces) < expects.min_lines:
        return _too_short(expects, len(pieces), lines)
    steps: list[Step] = []
    expanded = [sheet.expand(p.expr) for _, p in pieces]
    first = compare(sheet.expand(expects.start.expr), expanded[0], variables)
    # A line neither proven nor refuted is no verdict (as for an expression part), never wrong; the lines
    # after it are still checked, so that a step shown wrong after it is said (incorrect), not hidden.
    undecided: Outcome | None = None
    if first.verdict == "unknown":
        undecided = _undecided("the derivative this part is about", f"line {pieces[0][0]}", first, steps, lines)
    first_point = point_of(first.counterexample) if first.counterexample else None
    if undecided is None:  # an undecided line is marked neither right nor wrong
        steps.append(_step(pieces[0], first.verdict == "equivalent", first.method, first_point))
    if first.verdict not in ("equivalent", "unknown"):
        words = "Your first line is not the derivative this part is about."
        slip = diagnose(sheet, part, expanded[0], variables) if part.derivative else None
        if slip is not None:
            words += f" {slip}"
        elif first_point:
            words += f" At {first_point.where()} the derivative is {first_point.expected}, " \
                     f"but line {pieces[0][0]} gives {first_point.got}."
        return Outcome("incorrect", 0.0, words, "diagnosis" if slip else first.method, first.detail, None,
                       first_point, slip, steps=tuple(steps), lines=lines)
    per_line = Counter(number for number, _ in pieces)
    rule = expects.final_form
    if pieces[0][1].expr == expects.target.expr and pieces[-1][1].expr == expects.target.expr:
        words = ("Your first line is already the result to show. Start from the derivative as you found "
                 "it (for example in part (a)) and transform it, step by step, into the required form.")
        return Outcome("incorrect", 0.0, words, "derivation", "", None, steps=tuple(steps), lines=lines)
    # A line written exactly like the one before it is not a step (sympy may still put two
    # different lines in the same canonical form, so compare what was written).
    written = [" ".join(p.text.split()) for _, p in pieces]
    distinct = 1 + sum(1 for a, b in pairwise(written) if a != b)
    if distinct < expects.min_lines:
        return _too_short(expects, distinct, lines)
    for i in range(1, len(pieces)):
        d = compare(expanded[i - 1], expanded[i], variables)
        if d.verdict == "unknown":  # not marked; the lines after it are still checked
            undecided = undecided or _undecided(_label(pieces[i - 1], per_line), _label(pieces[i], per_line), d,
                                                steps, lines)
            continue
        point = point_of(d.counterexample) if d.counterexample else None
        steps.append(_step(pieces[i], d.verdict == "equivalent", d.method, point))
        if d.verdict != "equivalent":
            words = _step_failure(_label(pieces[i - 1], per_line), _label(pieces[i], per_line), point)
            mistake = match_mistake(sheet, part.mistakes, expanded[i], variables)
            said = mistake.message if mistake else step_slip(pieces[i - 1][1].expr, expanded[i], sheet, variables)
            if said is not None:
                words += f" {said}"
            return Outcome("incorrect", 0.0, words, d.method, d.detail, None, point, said, steps=tuple(steps),
                           lines=lines)
    if undecided is not None:
        return undecided
    head, tail = pieces[0][1], pieces[-1][1]
    is_target = [p.expr == expects.target.expr for p in (head, tail)]
    # Without a `final_form`, the required form is the target as written: a chain that never writes it shows
    # nothing (start and target are equal, so every chain from the one "ends" at the other).
    in_form = [not violations(rule, p.expr, p.has_decimal, sheet.variables) for p in (head, tail)] if rule \
        else is_target
    # Forward: from the derivative to the required form. Backward: from the required form to the
    # derivative as found (not in that form). Either way one end is the result and the other is not.
    forward = in_form[1] and not is_target[0]
    backward = in_form[0] and not in_form[1]
    if not (forward or backward):
        if is_target[0]:
            words = ("Your first line is already the result to show. Start from the derivative as you found "
                     "it (for example in part (a)) and transform it, step by step, into the required form.")
            return Outcome("incorrect", 0.0, words, "derivation", "", None, steps=tuple(steps), lines=lines)
        if rule is None:
            words = (f"Every step follows, but neither end of your chain is the result to show, "
                     f"`{expects.target.text}`: end the chain with it (or, working backwards, start from it).")
            return Outcome("incorrect", 0.0, words, "form", "", None, steps=tuple(steps), lines=lines)
        outside = violations(rule, tail.expr, tail.has_decimal, sheet.variables)
        words = (f"Every step follows, but the last line is not in the required form: it uses "
                 f"{', '.join(outside)}. {rule.message}").strip()
        return Outcome("incorrect", rule.score, words, "form", "", None, steps=tuple(steps), lines=lines)
    end = compare(sheet.expand(expects.target.expr), expanded[-1 if forward else 0], variables)
    if end.verdict == "unknown":
        return _undecided("the required result", "your chain's end", end, steps, lines)
    if end.verdict != "equivalent":  # cannot happen when start == target; kept for sheets where it may
        return Outcome("incorrect", 0.0, "Every step follows, but the chain does not end at the required result.",
                       end.method, end.detail, None, steps=tuple(steps), lines=lines)
    how = "" if forward else " (from the result back to the derivative)"
    return Outcome("correct", 1.0, "Correct: every step follows and the chain ends in the required form. "
                   + part.correct_feedback, "derivation",
                   f"{len(pieces)} expressions, {len(pieces) - 1} step{'s' if len(pieces) != 2 else ''} checked{how}",
                   None,
                   steps=tuple(steps), lines=lines)


def _undecided(before: str, after: str, decision: Decision, steps: list[Step], lines: tuple[str, ...]) -> Outcome:
    """No verdict (`invalid`, no attempt used) for a line neither proven nor refuted to follow from `before`."""
    return Outcome("invalid", 0.0, feedback.undecided_step(before, after), decision.method, decision.detail, None,
                   steps=tuple(steps), lines=lines)


def _too_short(expects: DerivationAnswer, count: int, lines: tuple[str, ...]) -> Outcome:
    return Outcome(
        "incorrect", 0.0,
        f"Not a derivation yet: it has {count} different expression(s); show at least {expects.min_lines}, "
        "one step per line, starting from the derivative and ending in the required form. "
        "A chain that only states the result proves nothing.",
        "derivation", lines=lines,
    )


def _step(piece: tuple[int, Parsed], ok: bool, method: str, point: Point | None) -> Step:
    number, parsed = piece
    return Step(number, parsed.text.strip(), prettyprint.text(parsed.expr), ok, method, point)


def _step_failure(a: str, b: str, point: Point | None) -> str:
    words = f"{b[0].upper()}{b[1:]} does not follow from {a}"
    if point is None:
        return words + "."
    return f"{words}: at {point.where()}, {a} = {point.expected}, {b} = {point.got}."


def _label(piece: tuple[int, Parsed], per_line: Counter[int]) -> str:
    """`line 3`, or `` `σ(x)^2` (line 3) `` when line 3 holds several steps."""
    number, parsed = piece
    return f"line {number}" if per_line[number] == 1 else f"`{parsed.text.strip()}` (line {number})"
