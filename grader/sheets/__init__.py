"""Exercise sheets: YAML files -> typed, checked models. Authors get file:line:col errors.

The layer's public face; its modules: `model` (the dataclasses), `reader` (YAML -> model),
`yaml_nodes` (YAML with positions), `forms` (form rules), `variants` (parameters and randomised
questions), `solutions` (worked-solution files -> model), `bundled` (where sheets are), `course`
(a course folder's sheets, by id), `files` (loading), `cache` (parsed sheets on disk), `schema` (the JSON Schema).
"""

from grader.sheets.bundled import DEFAULT_SHEET, bundled_dir, bundled_sheets
from grader.sheets.course import locate as resolve  # a path, a course sheet's id, or a bundled id
from grader.sheets.files import load, load_text
from grader.sheets.model import (
    KINK_POLICIES,
    PART_KINDS,
    Definition,
    Expression,
    Mistake,
    Parameter,
    Part,
    PartKind,
    Question,
    Sheet,
    expand_definitions,
)

__all__ = [
    "DEFAULT_SHEET", "KINK_POLICIES", "PART_KINDS", "Definition", "Expression", "Mistake", "Parameter", "Part",
    "PartKind", "Question", "Sheet", "bundled_dir", "bundled_sheets", "expand_definitions", "load", "load_text",
    "resolve",
]
