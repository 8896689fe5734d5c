"""An answer's left-hand side (`σ'(x) = …`, `dσ/dx = …`): set aside when it names the right function, said when not."""

from __future__ import annotations

from sympy.core.function import AppliedUndef

from grader.core.errors import ParseError
from grader.equivalence import compare
from grader.grading.findings import Outcome
from grader.parsing import parse, symbol
from grader.parsing.labels import Label, function_key, split_label
from grader.sheets.model import Part, Question, Sheet


def question_of(sheet: Sheet, part: Part) -> Question | None:
    return next((q for q in sheet.questions if any(p.address == part.address for p in q.parts)), None)


def strip_label(sheet: Sheet, part: Part, text: str) -> tuple[str, Outcome | None]:
    """`text` with a derivative label blanked out (columns kept for carets), or why the label is wrong.

    Only parts that ask for a derivative take a label; elsewhere the text is returned as it is.
    """
    if not part.derivative or not sheet.variables:
        return text, None
    wrt = part.wrt or sheet.variables[0]
    label = split_label(text, wrt)
    if label is None:
        other = next(((v, found) for v in sheet.variables if v != wrt and (found := split_label(text, v))), None)
        if other is not None:  # ∂L/∂b = … where the part asks for ∂L/∂w
            v, found = other
            return text, Outcome("invalid", 0.0, f"`{found.text}` is the derivative with respect to {v}, but this "
                                 f"part asks for the one with respect to {wrt}: write `∂{found.name or 'f'}/∂{wrt} "
                                 "= …` before your answer, or the expression alone.", "label", parsed=None)
        return text, None
    body = " " * label.end + text[label.end:]
    if not body.strip():
        raise ParseError("empty", text, label.end, label.end, found="",
                         hint=f"type the derivative after `{label.text} =`, e.g. `f'(x) = 2x`")
    problem = wrong_function(sheet, part, label)
    return body, None if problem is None else Outcome("invalid", 0.0, problem, "label", parsed=None)


def wrong_function(sheet: Sheet, part: Part, label: Label) -> str | None:
    """Why the label names another function than the question's, or None when it does not."""
    if label.name is None:
        return None
    ctx = sheet.parse_context()
    key = function_key(label.name, ctx)
    question = question_of(sheet, part)
    if question is None or question.function is None:
        return None
    if key is None:
        if len(label.name.lstrip("\\")) == 1:
            return None  # f'(x), y', dy/dx: a generic name
        return _words(label, label.name, question.function.text, sheet, part)
    function = question.function.expr
    if isinstance(function, AppliedUndef):
        same = function.func.__name__ == key
    else:
        try:
            named = parse(f"{label.name}({sheet.variables[0]})", ctx).expr
        except ParseError:
            return None  # cannot tell what the name means here: no reason to refuse
        variables = [symbol(v) for v in sheet.variables]
        same = compare(sheet.expand(function), sheet.expand(named), variables).verdict == "equivalent"
    return None if same else _words(label, label.name.lstrip("\\"), question.function.text, sheet, part)


def _words(label: Label, name: str, function: str, sheet: Sheet, part: Part) -> str:
    head = function.split("(")[0] if "(" in function and function.endswith(")") else "f"
    var = part.wrt or sheet.variables[0]
    named = f"{head}'({var})" if len(sheet.variables) == 1 else f"∂{head}/∂{var}"
    return (f"`{label.text}` names the derivative of {name}, but this part asks for the derivative "
            f"of `{function}`: write `{named}` there, or leave the name out.")


__all__ = ["question_of", "strip_label", "wrong_function"]
