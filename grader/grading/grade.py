"""One answer to one part -> a Result.

This is the single boundary where a student's error (unreadable text, an answer too costly to
check) becomes an `invalid` verdict; nothing a student types gets past it as an exception.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import assert_never

import sympy

from grader.core import limits
from grader.core.errors import BudgetExceeded, ParseError, caret_lines, describe
from grader.equivalence import Decision, compare, decimal_of, evaluate_at, prime
from grader.grading import choices, feedback
from grader.grading.derivations import grade_derivation
from grader.grading.diagnosis import diagnose, library
from grader.grading.findings import Outcome, match_mistake, point_of
from grader.grading.labels import strip_label
from grader.grading.results import ParseProblem, Result
from grader.parsing import Parsed, parse, symbol
from grader.sheets import variants
from grader.sheets.forms import violations
from grader.sheets.model import (
    ChoiceAnswer,
    DerivationAnswer,
    Expression,
    ExpressionAnswer,
    IntervalAnswer,
    NumberAnswer,
    Part,
    Sheet,
)
from grader.text import pretty as prettyprint

# `decided_by` of answers the grader could not finish; batch grading reports these as errors.
BUDGET = "budget"
INTERNAL_ERROR = "internal-error"


def grade(sheet: Sheet, address: str, answer: str, *, seconds: float = limits.DEFAULT_SECONDS,
          pretty: bool = True) -> Result:
    """Grade `answer` for the part at `address`. Raises UsageError only for an unknown part.

    `pretty=False` leaves `Result.pretty` None for an expression answer: a front end that never shows it
    (batch exports drop it, the class server shows `interpreted` and LaTeX) need not pay sympy's pretty
    printer, a sixth of grading a right answer that no cache has seen."""
    part = sheet.part(address)
    sheet = variants.narrowed(sheet, address)  # a question's own `variables:` are what its answers use
    began = time.perf_counter()
    try:
        with limits.time_limit(seconds):
            outcome = _grade_part(sheet, part, answer)
    except ParseError as err:
        return _invalid_parse(part, err, time.perf_counter() - began)
    except BudgetExceeded:
        outcome = Outcome("invalid", 0.0, feedback.too_slow(seconds), BUDGET)
    except (RecursionError, MemoryError, ArithmeticError, ValueError, TypeError, AttributeError) as exc:
        # sympy can fail on odd input in many ways; the student gets a verdict, never a traceback.
        outcome = Outcome("invalid", 0.0, feedback.internal_error(type(exc).__name__), INTERNAL_ERROR)
    return _result(part, outcome, time.perf_counter() - began, pretty)


def prepare(sheet: Sheet, address: str) -> None:
    """Do once per part what every answer would otherwise repeat: expand, compile and evaluate the
    part's reference and known mistakes at the first sample points, and grade the part's own answer
    (which prints it). Everything is cached, exactly: results are the same, only sooner."""
    part = sheet.part(address)
    sheet = variants.narrowed(sheet, address)
    variables = [] if part.kind == "number" else [symbol(v) for v in sheet.variables]
    e = part.expects
    own: list[Expression | str] = [m.answer for m in part.mistakes]
    if isinstance(e, ExpressionAnswer | NumberAnswer):
        own.append(e.answer)
    elif isinstance(e, DerivationAnswer):
        own += [e.start, e.target]
    for expression in own:
        if not isinstance(expression, str):
            prime(sheet.expand(expression.expr), variables)
    library(sheet, part, seconds=5 * limits.DEFAULT_SECONDS)  # the part's bug library, before any answer
    if isinstance(e, ExpressionAnswer | NumberAnswer):
        grade(sheet, address, e.answer.text)
    elif isinstance(e, DerivationAnswer):
        grade(sheet, address, f"{e.start.text}\n= {e.target.text}")


def _grade_part(sheet: Sheet, part: Part, answer: str) -> Outcome:
    """The grader of the part's kind; its type says which."""
    match part.expects:
        case ExpressionAnswer() as e:
            return grade_expression(sheet, part, e, answer)
        case NumberAnswer() | IntervalAnswer() as e:
            return grade_number(sheet, part, e, answer)
        case ChoiceAnswer() as e:
            return grade_choice(part, e, answer)
        case DerivationAnswer() as e:
            return grade_derivation(sheet, part, e, answer)
        case _ as e:
            assert_never(e)


def _result(part: Part, o: Outcome, seconds: float, printed: bool = True) -> Result:
    interpreted = pretty = None
    if o.parsed is not None:
        interpreted = prettyprint.text(o.parsed)
        pretty = prettyprint.pretty(o.parsed) if printed else None
    elif o.lines:
        interpreted, pretty = "; ".join(o.lines), "\n".join(o.lines)
    elif o.said is not None:
        interpreted = pretty = o.said
    score = max(0.0, min(1.0, o.score))
    return Result(
        part=part.address, status=o.status, score=score, points=round(score * part.points, 6),
        max_points=part.points, feedback=o.feedback, interpreted=interpreted, pretty=pretty,
        decided_by=o.decided_by, detail=o.detail, counterexample=o.counterexample, mistake=o.mistake,
        steps=o.steps, seconds=seconds,
    )


def _invalid_parse(part: Part, err: ParseError, seconds: float) -> Result:
    end = err.end if err.end is not None else err.offset + 1
    problem = ParseProblem(err.kind, describe(err), err.offset, end, caret_lines(err), err.hint)
    words = f"Could not read your answer: {describe(err)}"
    preview = err.data.get("preview")
    shown = "\n".join(preview) if isinstance(preview, tuple) else None
    if "line" in err.data and shown is not None:
        line = err.data["line"]
        said = describe(err)
        said += "" if said.endswith(("?", ".", "!")) else "."  # `did you mean …?` ends its own sentence
        words = (f"Could not read line {line} of your derivation: {said} The other lines were read "
                 f"as shown; correct line {line} and send the derivation again (no attempt was used).")
    return Result(
        part=part.address, status="invalid", score=0.0, points=0.0, max_points=part.points,
        feedback=words, interpreted=shown, pretty=shown,
        decided_by="parse", parse_error=problem, seconds=seconds,
    )


# --- expression parts ------------------------------------------------------------------------------


def grade_expression(sheet: Sheet, part: Part, expects: ExpressionAnswer, answer: str) -> Outcome:
    answer, wrong_label = strip_label(sheet, part, answer)
    if wrong_label is not None:
        return wrong_label
    parsed = parse(answer, sheet.parse_context())
    variables = [symbol(v) for v in sheet.variables]
    given = sheet.expand(parsed.expr)
    decision = compare(sheet.expand(expects.answer.expr), given, variables, kink_policy=expects.kink_policy)
    outcome = _from_decision(sheet, part, parsed.expr, given, decision, variables)
    outcome = _written(outcome, answer, expects.answer.text)
    unused = [v for v in sheet.variables if v not in part.uses and symbol(v) in parsed.expr.free_symbols]
    if outcome.status == "incorrect" and part.uses and unused:
        outcome = replace(outcome, feedback=f"{outcome.feedback} {feedback.unused_variables(unused, part.uses)}")
    return _apply_forms(part, parsed, outcome, sheet.variables)


def _written(outcome: Outcome, answer: str, reference: str) -> Outcome:
    """`identical` says "written exactly as the reference" only when it was."""
    if outcome.decided_by == "identical" and " ".join(answer.split()) != " ".join(reference.split()):
        return replace(outcome, detail="written differently, but the same expression as the reference once read")
    return outcome


def _apply_forms(part: Part, parsed: Parsed, outcome: Outcome, variables: tuple[str, ...]) -> Outcome:
    """A right answer that breaks a form rule of the part gets that rule's message and score."""
    if outcome.status != "correct":
        return outcome
    for rule in part.forms:
        broken = violations(rule, parsed.expr, parsed.has_decimal, variables)
        if broken:
            words = f"Equal to the expected answer, but not in the required form: it uses {', '.join(broken)}."
            return replace(outcome, status="incorrect", score=rule.score, feedback=f"{words} {rule.message}".strip(),
                           decided_by="form")
    return outcome


def _from_decision(
    sheet: Sheet, part: Part, shown: sympy.Basic, given: sympy.Basic, decision: Decision,
    variables: list[sympy.Symbol],
) -> Outcome:
    if decision.verdict == "equivalent":
        detail = decision.detail if variables or decision.method == "identical" else \
            "the same number as the expected one, compared exactly"
        return Outcome("correct", 1.0, feedback.correct(part.correct_feedback), decision.method, detail, shown)
    if decision.verdict == "unknown":
        return Outcome("invalid", 0.0, feedback.undecided(), decision.method, decision.detail, shown)
    mistake = match_mistake(sheet, part.mistakes, given, variables)
    point = point_of(decision.counterexample) if decision.counterexample else None
    if mistake is not None:
        return Outcome("incorrect", mistake.score, f"Not correct. {mistake.message}", "mistake",
                       decision.detail, shown, point, mistake.message)
    diagnosed = diagnose(sheet, part, given, variables) if variables else None
    if diagnosed is not None:
        return Outcome("incorrect", 0.0, f"Not correct. {diagnosed}", "diagnosis", decision.detail, shown, point,
                       diagnosed)
    # A number part has no variable to pick a point on: the "counterexample" would be the answer itself.
    words = feedback.incorrect_with_point(point) if point and variables else "Not correct."
    detail = decision.detail if variables else "compared exactly with the expected number"
    return Outcome("incorrect", 0.0, words, decision.method, detail, shown, point)


# --- number parts ----------------------------------------------------------------------------------


def grade_number(sheet: Sheet, part: Part, expects: NumberAnswer | IntervalAnswer, answer: str) -> Outcome:
    parsed = parse(answer, sheet.parse_context(variables=()))
    value = sheet.expand(parsed.expr)
    shown = evaluate_at(value, {}, digits=50) if not value.free_symbols else "undefined"
    if shown == "undefined":
        return Outcome("incorrect", 0.0, feedback.not_a_real_number(), "interval", parsed=parsed.expr)
    if isinstance(expects, NumberAnswer):  # the engine decides exact numbers, tiny differences included
        decision = compare(sheet.expand(expects.answer.expr), value, [])
        outcome = _written(_from_decision(sheet, part, parsed.expr, value, decision, []), answer, expects.answer.text)
        return _apply_forms(part, parsed, outcome, ())
    if decimal_of(shown) is None and not shown.startswith("0 (to within"):
        return Outcome("invalid", 0.0, feedback.undecided(), "interval", f"value: {shown}", parsed.expr)
    low, high = expects.low, expects.high
    inside = [_at_least(value, low), _at_least(high, value)]
    if None in inside:
        return Outcome("invalid", 0.0, feedback.undecided(), "interval", "", parsed.expr)
    if all(inside):
        right = Outcome("correct", 1.0, feedback.correct(part.correct_feedback), "interval",
                        f"{prettyprint.text(parsed.expr)} lies in [{low}, {high}]", parsed.expr)
        return _apply_forms(part, parsed, right, ())
    return Outcome("incorrect", 0.0, feedback.interval_words(evaluate_at(value, {}, digits=12), str(low), str(high)),
                   "interval", parsed=parsed.expr)



def _at_least(a: sympy.Basic, b: sympy.Basic) -> bool | None:
    """a >= b: exactly for rationals, else from a 50-digit enclosure; None when it cannot be told."""
    diff = a - b
    if isinstance(diff, sympy.Rational):
        return bool(diff >= 0)
    text = evaluate_at(diff, {}, digits=50)
    if text.startswith("0 (to within"):  # no sign could be seen at thousands of digits: is it 0?
        return compare(a, b, []).verdict == "equivalent" or None
    value = decimal_of(text)
    return None if value is None else value >= 0


# --- choice parts ----------------------------------------------------------------------------------


def normalise_choice(text: str) -> str:
    return " ".join(text.strip().strip(".!").casefold().split())


def grade_choice(part: Part, expects: ChoiceAnswer, answer: str) -> Outcome:
    if len(answer) > limits.MAX_ANSWER_CHARS:
        raise ParseError("too_long", answer, limits.MAX_ANSWER_CHARS, len(answer),
                         data={"limit": limits.MAX_ANSWER_CHARS, "length": len(answer)})
    said = normalise_choice(answer)
    picked = next((key for key, spellings in expects.choices.items() if said in spellings), None)
    picked = picked or choices.pick(answer, expects.choices)
    if picked is None:
        options = [s for spellings in expects.choices.values() for s in spellings[:1]]
        return Outcome("invalid", 0.0, feedback.choice_unknown(options), "choice")
    if picked == expects.choice:
        return Outcome("correct", 1.0, feedback.correct(part.correct_feedback), "choice", f"answered `{picked}`",
                       said=picked)
    for m in part.mistakes:
        if m.answer == picked:
            return Outcome("incorrect", m.score, f"Not correct. {m.message}", "mistake", mistake=m.message,
                           said=picked)
    return Outcome("incorrect", 0.0, "Not correct.", "choice", f"answered `{picked}`", said=picked)

