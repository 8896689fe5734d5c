"""Exercise sheets: YAML files -> typed, checked models. Authors get file:line:col errors.

The layer's public face; its modules: `model` (the dataclasses), `reader` (YAML -> model),
`yaml_nodes` (YAML with positions), `forms` (form rules), `variants` (parameters and randomised
questions), `solutions` (worked-solution files -> model), `bundled` (where sheets are), `course`
(a course folder's sheets, by id), `files` (loading), `cache` (parsed sheets on disk), `schema` (the JSON Schema).

The names below are imported when first used (PEP 562): `grader.sheets.course` or `.bundled` can be
imported without sympy, which a warm `grader verify` never needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE = {  # name -> (module, its name there)
    **{name: ("bundled", name) for name in ("DEFAULT_SHEET", "bundled_dir", "bundled_sheets")},
    "resolve": ("course", "locate"),
    **{name: ("files", name) for name in ("load", "load_text")},
    **{name: ("model", name) for name in ("KINK_POLICIES", "PART_KINDS", "Definition", "Expression", "Mistake",
                                          "Parameter", "Part", "PartKind", "Question", "Sheet",
                                          "expand_definitions")},
}

__all__ = [
    "DEFAULT_SHEET", "KINK_POLICIES", "PART_KINDS", "Definition", "Expression", "Mistake", "Parameter", "Part",
    "PartKind", "Question", "Sheet", "bundled_dir", "bundled_sheets", "expand_definitions", "load", "load_text",
    "resolve",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:  # a submodule (`from grader.sheets import cache`) is then imported by Python
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _WHERE[name]
    value = getattr(importlib.import_module(f"grader.sheets.{module}"), attribute)
    globals()[name] = value  # once: the next use is a plain attribute
    return value
