"""The JSON Schemas of the sheet and solution formats, for editors (yaml-language-server) and tools.

They describe the same keys `grader.sheets.reader` and `grader.sheets.solutions` read, each with a
description and an example; a test keeps them in step with the loaders and the shipped copies.
"""

from __future__ import annotations

from typing import Any

from grader import sheets

_ID = {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"}
_TEXT = {"type": "string", "minLength": 1}
_EXPR = {"type": ["string", "number"], "description": "An expression in the student notation, e.g. e^(-x)/(1+e^(-x))^2"}
_NAMES = {"type": "array", "items": _TEXT}
_SCORE = {"type": "number", "minimum": 0, "maximum": 1}


def _key(base: dict[str, Any], description: str, *examples: Any) -> dict[str, Any]:
    return {**base, "description": description, "examples": list(examples)}


_FORM = {
    "type": "object",
    "additionalProperties": False,
    "description": "A rule on the answer's form: `only` these functions, `forbid` these, or no `decimals`.",
    "properties": {
        "only": _key(_NAMES, "The only functions the answer may use.", ["sigma"]),
        "forbid": _key(_NAMES, "Functions the answer must not use.", ["tanh"]),
        "decimals": _key({"type": "boolean"}, "`false`: the answer must be exact (no 0.5 for 1/2).", False),
        "message": _key(_TEXT, "What the student is told when the rule is broken.",
                        "Write it in terms of the sigmoid itself."),
        "score": _key(_SCORE, "The score of a right answer in the wrong form (default 0).", 0.5),
    },
    "required": ["message"],
}

_MISTAKE = {
    "type": "object",
    "additionalProperties": False,
    "description": "A known wrong answer, matched by equivalence, with the message a student sees.",
    "properties": {
        "answer": _key(_EXPR, "The wrong answer (for a choice part: the wrong choice).", "sech(x)"),
        "message": _key(_TEXT, "What a student who gives it is told (Markdown, $...$ math).",
                        "The derivative of tanh is sech^2, not sech."),
        "score": _key(_SCORE, "Partial credit for it (default 0).", 0.5),
    },
    "required": ["answer", "message"],
}

_KINDS = ", ".join(sheets.PART_KINDS)
_PART: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": _key(_ID, "The part's id; its address is <question>.<part> (e.g. relu.b.left).", "a"),
        "ask": _key({"type": "string"}, "What the part asks (Markdown with $...$ math).", "Find $f'(x)$."),
        "kind": _key({"enum": list(sheets.PART_KINDS)},
                     f"What the answer is ({_KINDS}): an expression in the variables; a derivation, lines "
                     "from `start` to `target`; a number (`answer` or `interval`); one of `choices`. "
                     "Omitted only for a group of `parts`.", "expression"),
        "answer": _key(_EXPR, "The reference answer (expression, number, or the right choice).",
                       "e^(-x)/(1 + e^(-x))^2", 0),
        "points": _key({"type": "number", "minimum": 0}, "What the part is worth (default 1).", 2),
        "hints": _key({"type": "array", "items": _TEXT}, "Progressive hints, shown one at a time.",
                      ["Use the chain rule."]),
        "mistakes": _key({"type": "array", "items": _MISTAKE}, "Known wrong answers, each with its message; "
                         "`grader verify` checks each really is wrong.",
                         [{"answer": "sech(x)", "message": "The derivative of tanh is sech^2."}]),
        "at_kinks": {
            "description": "What an answer may be at a kink of the reference (where its one-sided limits "
                           "differ): " + ", ".join(sheets.KINK_POLICIES) + ", or `{value: ...}`.",
            "examples": ["any", {"value": 0}],
            "oneOf": [
                {"enum": list(sheets.KINK_POLICIES)},
                {
                    "type": "object",
                    "properties": {"value": _EXPR},
                    "required": ["value"],
                    "additionalProperties": False,
                },
            ],
        },
        "interval": _key({"type": "array", "items": _EXPR, "minItems": 2, "maxItems": 2},
                         "A number part where any value in [low, high] is right (instead of `answer`).", [0, 1]),
        "choices": _key({"type": "object", "additionalProperties": _NAMES},
                        "A choice part's choices, each with the words a student may type for it.",
                        {"no": ["no", "n", "false"], "yes": ["yes", "y", "true"]}),
        "correct_feedback": _key({"type": "string"}, "Shown after a right answer.",
                                 "Any value in [0, 1] is a subgradient."),
        "start": _key(_EXPR, "A derivation's first line (what the student starts from).", "tanh(x)"),
        "target": _key(_EXPR, "A derivation's last line (what the student must reach).", "1 - tanh(x)^2"),
        "final_form": _key(_FORM, "A rule on the form of a derivation's last line only.",
                           {"only": ["tanh"], "message": "Write it in terms of tanh."}),
        "forms": _key({"type": "array", "items": _FORM}, "Rules on the form of an expression answer.",
                      [{"only": ["sigma"], "message": "Write it in terms of sigma."}]),
        "min_lines": _key({"type": "integer", "minimum": 1}, "The fewest lines a derivation must show.", 3),
        "derivative": _key(
            {"type": ["boolean", "string"]},
            "The answer (or start) is the derivative of the question's function: `true` with one "
            "variable, else the variable of the partial derivative.", True, "w"),
        "parts": _key({"type": "array", "items": {"$ref": "#/$defs/part"}},
                      "Sub-parts: this part is then a group (relu.b.left, relu.b.right).", [{"id": "left"}]),
    },
    "required": ["id"],
}

_DEFINITION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "body"],
    "properties": {
        "name": _key(_TEXT, "The function's name, usable in answers and by students.", "sigma"),
        "aliases": _key(_NAMES, "Other names students may use for it.", ["sigmoid", "σ"]),
        "params": _key(_NAMES, "Its parameters (default [x]); local to its body.", ["t"]),
        "body": _key(_EXPR, "Its definition, in the parameters.", "1/(1 + e^(-t))"),
        "about": _key({"type": "string"}, "A few words shown to students.", "the sigmoid (logistic) function"),
    },
}

_QUESTION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "statement", "parts"],
    "properties": {
        "id": _key(_ID, "The question's id, unique in the sheet.", "sigmoid"),
        "title": _key(_TEXT, "A short title (default: the id).", "The sigmoid"),
        "statement": _key({"type": "string"}, "What the question says (Markdown with $...$ math).",
                          "Let $f(x) = \\sigma(x)$."),
        "function": _key(_EXPR, "The question's function; `derivative:` parts are checked against its "
                         "derivative.", "sigma(x)"),
        "parts": _key({"type": "array", "items": {"$ref": "#/$defs/part"}}, "The parts students answer.",
                      [{"id": "a", "kind": "expression", "answer": "sigma(x)*(1 - sigma(x))", "derivative": True}]),
        "variables": _key(_NAMES, "The question's own variables, in place of the sheet's (a question about t "
                          "alone on a sheet in x, w, b).", ["t"]),
        "parameters": _key({
            "type": "object",
            "propertyNames": {"pattern": "^[A-Za-z][A-Za-z0-9_]*$"},
            "additionalProperties": {"type": "array", "items": _EXPR, "minItems": 1},
        }, "A randomised question: each parameter's possible values. Expressions use the name (alpha*x), "
           "texts the placeholder {alpha}.", {"alpha": [0.01, 0.1, 0.2]}),
    },
}


def sheet_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "grader-sheet.schema.json",
        "title": "grader exercise sheet",
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "title", "questions"],
        "properties": {
            "id": _key(_ID, "The sheet's id: its solutions are solutions/<id>.yaml.", "backprop"),
            "title": _key(_TEXT, "The sheet's title.", "Derivatives for Backpropagation"),
            "variables": _key(_NAMES, "The variables answers are functions of (default [x]).", ["x"], ["w", "x", "b"]),
            "letter_products": _key(
                {"type": "boolean"}, "Read `wx` as w*x when w and x are variables and `wx` names nothing. "
                "Default: true when there are several variables, each one letter.", False),
            "definitions": _key({"type": "array", "items": _DEFINITION},
                                "Functions the sheet defines; every question and student answer may use them.",
                                [{"name": "sigma", "params": ["t"], "body": "1/(1 + e^(-t))"}]),
            "questions": _key({"type": "array", "items": _QUESTION}, "The sheet's questions.",
                              [{"id": "square", "statement": "Let $f(x) = x^2$.", "function": "x^2",
                                "parts": [{"id": "a", "kind": "expression", "answer": "2*x", "derivative": True}]}]),
        },
        "$defs": {"part": _PART},
    }


_LATEX = {"type": "string", "minLength": 1}

_STEP = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "say": _key({"type": "string"}, "Prose before the display (Markdown, $...$ math).", "By the chain rule,"),
        "math": _key(_LATEX, "One display `grader verify` checks: an equation, or `A \\quad \\Rightarrow \\quad B`.",
                     "\\frac{d}{dx}(1 + e^{-x}) = -e^{-x}"),
        "chain": _key({"type": "array", "items": _LATEX, "minItems": 2},
                      "Expressions each equal to the one before (an aligned chain).",
                      ["\\frac{d}{dx} u^{-1}", "-u^{-2} \\cdot (-e^{-x})"]),
        "define": _key({"type": "object", "additionalProperties": _LATEX},
                       "Helper names for the rest of this part's solution, each one expression.",
                       {"u": "1 + e^{-x}"}),
        "prose": _key({"type": "boolean"}, "`true`: a step of prose only, with nothing to check.", True),
    },
}

_SOLUTION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["steps"],
    "properties": {
        "title": _key({"type": "string"}, "The solution's heading.", "Compute $\\sigma'(x)$"),
        "intro": _key({"type": "string"}, "Prose before the steps.", "Write $u = 1 + e^{-x}$."),
        "steps": _key({"type": "array", "items": _STEP}, "The worked steps, each checked.",
                      [{"say": "so", "math": "\\sigma'(x) = \\sigma(x)(1 - \\sigma(x))"}]),
        "result": _key(_LATEX, "The final claim; `grader verify` checks it against the part's answer.",
                       "\\sigma'(x) = \\sigma(x)(1 - \\sigma(x))"),
    },
}


def solutions_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "grader-solutions.schema.json",
        "title": "grader worked solutions (solutions/<sheet id>.yaml)",
        "type": "object",
        "additionalProperties": False,
        "required": ["sheet", "solutions"],
        "properties": {
            "sheet": _key(_ID, "The id of the exercise sheet these solve.", "activation-derivatives"),
            "solutions": _key(
                {"type": "object", "propertyNames": {"pattern": "^[A-Za-z0-9_.-]+$"},
                 "additionalProperties": _SOLUTION},
                "One worked solution per part address (a group's solution covers its sub-parts).",
                {"square.a": {"steps": [{"math": "\\frac{d}{dx} x^2 = 2x"}], "result": "\\frac{d}{dx} x^2 = 2x"}}),
        },
    }
