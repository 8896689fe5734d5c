"""The JSON Schema of the sheet format, for editors (yaml-language-server) and other tools.

It describes the same keys `grader.sheets.model` reads; a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any

from grader import sheets

_TEXT = {"type": "string", "minLength": 1}
_EXPR = {"type": ["string", "number"], "description": "An expression in the student notation, e.g. e^(-x)/(1+e^(-x))^2"}
_NAMES = {"type": "array", "items": _TEXT}

_FORM = {
    "type": "object",
    "additionalProperties": False,
    "description": "A rule on the answer's form: `only` these functions, `forbid` these, or no `decimals`.",
    "properties": {
        "only": _NAMES,
        "forbid": _NAMES,
        "decimals": {"type": "boolean"},
        "message": _TEXT,
        "score": {"type": "number", "minimum": 0, "maximum": 1},
    },
    "required": ["message"],
}

_MISTAKE = {
    "type": "object",
    "additionalProperties": False,
    "description": "A known wrong answer, matched by equivalence, with the message a student sees.",
    "properties": {"answer": _EXPR, "message": _TEXT, "score": {"type": "number", "minimum": 0, "maximum": 1}},
    "required": ["answer", "message"],
}

_PART: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"},
        "ask": {"type": "string", "description": "What the part asks (Markdown with $...$ math)."},
        "kind": {"enum": list(sheets.PART_KINDS)},
        "answer": _EXPR,
        "points": {"type": "number", "minimum": 0},
        "hints": {"type": "array", "items": _TEXT, "description": "Progressive hints, shown one at a time."},
        "mistakes": {"type": "array", "items": _MISTAKE},
        "at_kinks": {
            "description": "What an answer may be at a kink of the reference.",
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
        "interval": {"type": "array", "items": _EXPR, "minItems": 2, "maxItems": 2},
        "choices": {"type": "object", "additionalProperties": _NAMES},
        "correct_feedback": {"type": "string"},
        "start": _EXPR,
        "target": _EXPR,
        "final_form": _FORM,
        "forms": {"type": "array", "items": _FORM},
        "min_lines": {"type": "integer", "minimum": 1},
        "derivative": {
            "type": ["boolean", "string"],
            "description": "The answer (or start) is the derivative of the question's function: `true` with one "
                           "variable, else the variable of the partial derivative.",
            "examples": [True, "w"],
        },
        "parts": {"type": "array", "items": {"$ref": "#/$defs/part"}},
    },
    "required": ["id"],
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
            "id": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"},
            "title": _TEXT,
            "variables": {**_NAMES, "description": "The variables answers are functions of.",
                          "examples": [["x"], ["w", "x", "b"]]},
            "letter_products": {
                "type": "boolean",
                "description": "Read `wx` as w*x when w and x are variables and `wx` names nothing. "
                               "Default: true when there are several variables, each one letter.",
                "examples": [False],
            },
            "definitions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name", "body"],
                    "properties": {
                        "name": _TEXT,
                        "aliases": _NAMES,
                        "params": _NAMES,
                        "body": _EXPR,
                        "about": {"type": "string"},
                    },
                },
            },
            "questions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id", "statement", "parts"],
                    "properties": {
                        "id": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"},
                        "title": _TEXT,
                        "statement": {"type": "string"},
                        "function": _EXPR,
                        "parts": {"type": "array", "items": {"$ref": "#/$defs/part"}},
                        "parameters": {
                            "type": "object",
                            "description": "A randomised question: each parameter's possible values. Expressions "
                                           "use the name (alpha*x), texts the placeholder {alpha}.",
                            "propertyNames": {"pattern": "^[A-Za-z][A-Za-z0-9_]*$"},
                            "additionalProperties": {"type": "array", "items": _EXPR, "minItems": 1},
                        },
                    },
                },
            },
        },
        "$defs": {"part": _PART},
    }
