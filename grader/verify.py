"""`grader verify`: are sheets and worked solutions valid and correct? For authors and their CI.

Work is split into named items (one per sheet, part and solution) so the pytest plugin can show
each as a test; `verify_paths` runs them all. Problems carry file:line:col.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import sympy

from grader import limits
from grader.equivalence import compare, decimal_of, evaluate_at, find_kinks
from grader.errors import BudgetExceeded, GraderError, SheetError, SheetErrors
from grader.messages import describe
from grader.parsing import symbol
from grader.sheets import Expression, Part, Question, Sheet, bundled_dir
from grader.sheets import load as load_sheet
from grader.yamlnodes import Where


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    col: int
    message: str

    def text(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


@dataclass(frozen=True)
class Item:
    """One check of one thing, named like `activation-derivatives.yaml::sigmoid.a`."""

    path: str
    name: str
    run: Callable[[], list[Problem]]


def at(where: Where, message: str) -> Problem:
    return Problem(where.path, where.line, where.col, message)


def _from_errors(err: GraderError) -> list[Problem]:
    if isinstance(err, SheetErrors):
        return [Problem(e.path, e.line, e.col, describe(e).split(": ", 1)[1]) for e in err.errors]
    if isinstance(err, SheetError):
        return [Problem(err.path, err.line, err.col, describe(err).split(": ", 1)[1])]
    return [Problem("?", 1, 1, describe(err))]


# --- finding files --------------------------------------------------------------------------------


def yaml_files(paths: Iterable[str]) -> list[Path]:
    """The .yaml files named, or found (recursively) in the folders named; bundled ones when none."""
    names = list(paths)
    if not names:
        return sorted(bundled_dir("exercises").glob("*.yaml")) + sorted(bundled_dir("solutions").glob("*.yaml"))
    found: list[Path] = []
    for name in names:
        p = Path(name)
        if p.is_dir():
            found.extend(sorted(q for q in p.rglob("*.y*ml") if q.suffix in (".yaml", ".yml")))
        else:
            found.append(p)
    return found


def is_solution_file(path: Path) -> bool:
    return path.parent.name == "solutions"


# --- items ----------------------------------------------------------------------------------------


def items_for(path: Path) -> Iterator[Item]:
    """The checks of one file: loading it, then one item per part or worked solution."""
    shown = str(path)
    if not path.is_file():
        yield Item(shown, "exists", lambda: [Problem(shown, 1, 1, "no such file")])
        return
    if is_solution_file(path):
        from grader.variant_checks import solution_items  # every variant of a randomised question

        yield from solution_items(path)
        return
    try:
        sheet = load_sheet(shown)
    except GraderError as err:
        problems = _from_errors(err)
        yield Item(shown, "sheet", lambda: problems)
        return
    yield Item(shown, "sheet", lambda: [])
    from grader.variant_checks import labelled
    from grader.variants import verified

    for question in sheet.questions:
        for label, variant, asked in verified(sheet, question):  # label: "" or `[alpha=0.1]`
            for part in asked.parts:
                yield Item(shown, part.address + label, labelled(_part_check(variant, asked, part), label))


def _part_check(sheet: Sheet, question: Question, part: Part) -> Callable[[], list[Problem]]:
    def run() -> list[Problem]:
        try:
            with limits.time_limit(30.0):
                return check_part(sheet, question, part)
        except BudgetExceeded:
            return [at(part.where, f"checking `{part.address}` took longer than 30 s")]

    return run


@dataclass(frozen=True)
class Report:
    problems: list[Problem]
    files: int
    items: int  # checks run: one per sheet, part and worked solution


def verify_report(paths: Iterable[str]) -> Report:
    problems: list[Problem] = []
    files = items = 0
    for path in yaml_files(paths):
        files += 1
        for item in items_for(path):
            items += 1
            problems.extend(item.run())
    return Report(problems, files, items)


def verify_paths(paths: Iterable[str]) -> list[Problem]:
    return verify_report(paths).problems


# --- the checks of one part -----------------------------------------------------------------------


def check_part(sheet: Sheet, question: Question, part: Part) -> list[Problem]:
    problems: list[Problem] = []
    variables = [symbol(v) for v in sheet.variables]
    reference = _reference(part)
    if part.derivative and reference is not None:
        if question.function is None:
            problems.append(at(part.where, f"`{part.address}` says `derivative: true` but its question has no "
                                           "`function` to differentiate"))
        else:
            problems.extend(check_derivative(sheet, question.function, reference, part))
    if part.kind == "derivation" and part.start is not None and part.target is not None:
        d = compare(sheet.expand(part.start.expr), sheet.expand(part.target.expr), variables, mode="both")
        if d.verdict != "equivalent":
            problems.append(at(part.target.where, f"the target of `{part.address}` does not equal its start "
                                                  f"({d.verdict}: {d.detail})"))
    if part.interval is not None:
        low, high = (decimal_of(evaluate_at(e, {}, 30)) for e in part.interval)
        if low is None or high is None or low > high:
            problems.append(at(part.where, f"the interval of `{part.address}` is empty or not made of numbers"))
    for mistake in part.mistakes:
        if isinstance(mistake.answer, str) or reference is None:
            continue
        d = compare(sheet.expand(reference.expr), sheet.expand(mistake.answer.expr), variables,
                    kink_policy=part.kink_policy)
        if d.verdict == "equivalent":
            problems.append(at(mistake.where, f"the mistake `{mistake.answer.text}` equals the answer of "
                                              f"`{part.address}`, so it would never be reached; remove it"))
    problems.extend(_hint_problems(part))
    return problems


def _reference(part: Part) -> Expression | None:
    return part.start if part.kind == "derivation" else part.answer


def _hint_problems(part: Part) -> list[Problem]:
    """Hints are Markdown: their math delimiters must pair up, or a student sees raw `$`."""
    out = []
    for hint in part.hints:
        if hint.replace("$$", "").count("$") % 2:
            out.append(at(part.where, f"a hint of `{part.address}` has an unpaired `$`: {hint[:60]}"))
    return out


def check_derivative(sheet: Sheet, function: Expression, reference: Expression, part: Part) -> list[Problem]:
    """The reference equals d/dx of the question's function: symbolically, and by numeric
    differentiation at points on both sides of every kink."""
    x = symbol(sheet.variables[0])
    f = sheet.expand(function.expr)
    ref = sheet.expand(reference.expr)
    problems: list[Problem] = []
    exact = sympy.diff(f, x)
    d = compare(ref, exact, [x], mode="both")
    if d.verdict != "equivalent":
        cex = d.counterexample
        where = f" at {', '.join(f'{k} = {v}' for k, v in cex.point)}: reference {cex.expected}, " \
                f"d/dx {cex.got}" if cex else ""
        problems.append(at(reference.where, f"the answer of `{part.address}` is not the derivative of the "
                                            f"question's function ({d.verdict}){where}"))
    for point in _numeric_points(f, x):
        numeric = _central_difference(f, x, point)
        value = decimal_of(evaluate_at(ref, {x: point}, 30))
        if numeric is None or value is None:
            continue  # undefined there (a kink of the reference, say): nothing to compare
        if abs(numeric - value) > Decimal("1e-12") * max(Decimal(1), abs(value)):
            problems.append(at(reference.where, f"the answer of `{part.address}` disagrees with numeric "
                                                f"differentiation at x = {point}: {value:.12g} vs {numeric:.12g}"))
            break
    return problems


def _numeric_points(f: sympy.Basic, x: sympy.Symbol) -> list[sympy.Rational]:
    points = [sympy.Rational(p) for p in ("-3", "-1", "-1/2", "1/3", "1", "5/2")]
    for k in find_kinks(f, x):
        if isinstance(k, sympy.Rational):
            points += [k - sympy.Rational(1, 1000), k + sympy.Rational(1, 1000), k - 1, k + 1]
    return sorted(set(points))


def _central_difference(f: sympy.Basic, x: sympy.Symbol, point: sympy.Rational) -> Decimal | None:
    h = sympy.Rational(1, 10**12)
    hi, lo = (decimal_of(evaluate_at(f, {x: point + s * h}, 40)) for s in (1, -1))
    if hi is None or lo is None:
        return None
    return (hi - lo) / (2 * Decimal(10) ** -12)
