"""Sentences a student reads about a verdict. Pure functions of data; no I/O."""

from __future__ import annotations

from grader.grading.results import Point

METHODS = {
    "identical": "your answer, once read, is the same expression as the reference",
    "rational": "exact algebra: both are the same rational function",
    "exp-rational": "exact algebra: both are the same rational function of e^x",
    "symbolic": "exact algebra on both sides' building blocks",
    "piecewise": "exact algebra on every interval between kinks, and each kink checked exactly",
    "numeric": "agreement to 57+ significant digits at every sample point (no symbolic proof)",
    "numeric-refutation": "exact sample points evaluated with rigorous high-precision arithmetic",
    "kink": "the value at a kink checked against the part's rule",
    "unsupported": "the answer uses something the checker cannot evaluate",
    "form": "the form rules of the part",
    "derivation": "every line of the derivation checked against the one before",
    "mistake": "it matches a known mistake (by equivalence)",
    "label": "the left side names another derivative than the one asked for",
    "diagnosis": "it is proven equal to what one broken differentiation rule gives",
    "choice": "the choice you named",
    "interval": "the number compared exactly with the allowed interval",
    "parse": "the answer could not be read",
    "budget": "the time budget for one answer ran out",
    "internal-error": "the grader failed on this answer",
}


def method_words(method: str) -> str:
    return METHODS.get(method, method)


def counterexample_words(point: Point, what_expected: str = "the expected value") -> str:
    note = f" ({point.note})" if point.note else ""
    if point.got == "undefined":
        return f"At {point.where()}{note} your answer is undefined, but {what_expected} is {point.expected}."
    if point.expected == "undefined":
        return f"At {point.where()}{note} your answer is {point.got}, but there it should be undefined."
    return f"At {point.where()}{note} {what_expected} is {point.expected}, but your answer gives {point.got}."


def correct(extra: str = "") -> str:
    return "Correct." + (f" {extra.strip()}" if extra.strip() else "")


def incorrect_with_point(point: Point) -> str:
    return "Not correct. " + counterexample_words(point)


def unused_variables(unused: list[str], uses: tuple[str, ...]) -> str:
    """An answer in a variable the part is not about: most often a slip of the keyboard."""
    them = _names(unused)
    verb = "does" if len(unused) == 1 else "do"
    return f"Your answer uses {them}, which this part {verb} not: it is about {_names(list(uses))}."


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def undecided() -> str:
    return (
        "Could not decide whether this answer is right within the time allowed. "
        "Write it in a simpler form and try again."
    )


def undecided_step(before: str, after: str) -> str:
    """A derivation whose step (or first line) could be neither proven nor refuted in time: no verdict."""
    return (
        f"Could not decide within the time allowed whether {after} follows from {before}. "
        "Write it in a simpler form and try again."
    )


def too_slow(seconds: float) -> str:
    return f"This answer took longer than {seconds:g} s to check; write it in a simpler form."


def internal_error(kind: str) -> str:
    return f"The grader failed on this answer ({kind}). It was not counted against you; please report it."


def interval_words(value: str, low: str, high: str) -> str:
    return f"Not correct. Your value {value} is outside the allowed interval [{low}, {high}]."


def not_a_real_number() -> str:
    return "Not correct. This is not a real number."


def choice_unknown(options: list[str]) -> str:
    return ("Answer with one of: " + ", ".join(f"`{o}`" for o in options)
            + f" (a reason may follow, e.g. `{options[0]}, because ...`).")
