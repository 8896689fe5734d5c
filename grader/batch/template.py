"""Submission files written for students: a skeleton to fill in (`grader template`) and a finished
one (`grader practice --save`).

Answers are written so that the escape trap cannot happen: a one-line answer in single quotes (a
backslash is a backslash there: `\\tanh` stays `\\tanh`), a derivation as a literal block (`|-`);
never in double quotes, where YAML reads `\\t` as a tab. Everything reads back with
grader.batch.submissions.read as written.
"""

from __future__ import annotations

import os
import shlex
import textwrap
from pathlib import PurePath

from grader.grading.submission_file import PLACEHOLDER_STUDENT, answer_yaml, quoted, submission_text
from grader.sheets import variants
from grader.sheets.model import ChoiceAnswer, DerivationAnswer, Part, Sheet
from grader.text.terminal import markdown_text

__all__ = ["PLACEHOLDER_STUDENT", "answer_yaml", "quoted", "randomised_values", "sheet_ref", "submission_text",
           "template_text"]
HOW = """\
# Write each answer between its single quotes: LaTeX is safe there (\\tanh, \\frac{1}{2}), and a
# quote inside an answer is written twice ('it''s'). A derivation goes on the indented lines
# under its `|-`, one step per line. Leave an answer blank to skip it. Never use double quotes:
# in them YAML reads \\t as a tab and \\f as a form feed, so "\\tanh" would reach the grader as "anh".
"""


def template_text(sheet: Sheet, sheet_id: str, student: str | None = None, seed: int | None = None,
                  ref: str | None = None) -> str:
    """A submission skeleton: every part address, its question as a comment, blank answers.
    `sheet` is the variant the student answers (grader.sheets.variants.pick); `seed` is written
    only when the student's variants come from a seed rather than the student id. `ref` is how the
    printed commands name the sheet (its path when it is a file; default: the id).

    A blank template (no student, no seed) of a randomised sheet shows no variant's values: a
    student who answered the first variant's would be graded against their own and marked wrong.
    Each value is `⟨name⟩`, and the header says how to make a student's own template."""
    ref = ref or sheet_id
    blank = sheet.randomised and student is None and seed is None
    lines = [f"# A submission for \"{_comment(sheet.title)}\" (sheet {sheet_id}).", HOW.rstrip("\n"),
             f"# Check it before you hand it in: grader grade THIS-FILE --sheet {ref}"]
    if blank:
        words = (f"Randomised: {_comment(randomised_values(sheet))} differ per student: here they are "
                 f"{_comment(_markers(sheet))}. Answer for your own values, in your own template:")
        lines += [f"# {line}" for line in textwrap.wrap(words, 98)] + [f"#   grader template {ref} --student YOUR-ID"]
    lines += [f"student: {quoted(student or PLACEHOLDER_STUDENT)}", f"sheet: {quoted(sheet_id)}"]
    if seed is not None:
        lines.append(f"seed: {seed}")
    lines.append("answers:")
    for question in sheet.questions:
        if blank:
            question = variants.unfilled(question)
        lines += ["", f"  # --- {_comment(question.title)} ---"]
        lines += [f"  # {line}".rstrip() for line in _wrapped(markdown_text(question.statement))]
        asked: set[str] = set()
        for part in question.parts:
            for group, ask in question.group_asks.items():
                if part.address.startswith(group + ".") and group not in asked:
                    asked.add(group)
                    lines += _commented(f"{group}: ", markdown_text(ask))
            lines += _commented(f"{part.address} ({_points(part.points)}): ", _ask(part))
            lines.append(f"  {part.address}: |-" if isinstance(part.expects, DerivationAnswer)
                         else f"  {part.address}: ''")
    return "\n".join(lines) + "\n"


def randomised_values(sheet: Sheet) -> str:
    """`the values of beta (0.5, 2 or 3) in swish`: what differs per student on a randomised sheet."""
    words = []
    for question in sheet.questions:
        t = question.template or question
        if variants.variant_count(t) > 1:
            params = "; ".join(f"{p.name} ({_or([v.text for v in p.values])})" for p in t.parameters)
            words.append(f"{params} in {question.id}")
    return "the values of " + ", ".join(words)


def _markers(sheet: Sheet) -> str:
    names = dict.fromkeys(p.name for q in sheet.questions if variants.variant_count(q.template or q) > 1
                          for p in (q.template or q).parameters)
    return _or([f"⟨{name}⟩" for name in names])


def sheet_ref(spec: str | None, sheet_id: str) -> str:
    """How printed commands name a sheet so that they work as printed: the path it was given by when
    it is a file (`exercises/hw3.yaml`, quoted for a shell), else its (bundled) id."""
    if spec is not None and (PurePath(spec).suffix in (".yaml", ".yml") or os.path.isfile(spec)):
        return shlex.quote(spec)
    return sheet_id


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" or {items[-1]}"


def _ask(part: Part) -> str:
    text = markdown_text(part.ask)
    if isinstance(part.expects, ChoiceAnswer):
        text += f" (one of: {', '.join(part.expects.choices)})"
    if isinstance(part.expects, DerivationAnswer):
        text += " (a derivation: one step per line)"
    return text


def _points(n: float) -> str:
    return "1 point" if n == 1 else f"{n:g} points"


def _comment(text: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _commented(head: str, text: str) -> list[str]:
    """`  # head: first line`, then `  #   next line`: the part's question under its address."""
    lines = _wrapped(text)
    return [f"  # {head}{lines[0]}".rstrip()] + [f"  #   {line}".rstrip() for line in lines[1:]]


def _wrapped(text: str) -> list[str]:
    """Comment lines: the text's own lines, control characters removed, blank lines dropped."""
    return [_comment(line) for line in text.splitlines() if line.strip()] or [""]
