"""Every in-process cache registers itself by name, and `caches.clear()` empties all of them."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import grader
from grader import sheets
from grader.core import caches
from grader.sheets import variants

EXPECTED = [
    "batch.report_assets",
    "batch.student_plots",
    "equivalence.compiled",
    "equivalence.constant_intervals",
    "equivalence.decisions",
    "equivalence.domain_edges",
    "equivalence.exact_signs",
    "equivalence.fraction_intervals",
    "equivalence.kinks",
    "equivalence.point_values",
    "equivalence.variable_facts",
    "grading.malrule_library",
    "parsing.parsed",
    "parsing.sheet_functions",
    "parsing.symbols",
    "serve.filled_by_seed",
    "serve.filled_solutions",
    "sheets.code_fingerprint",
    "sheets.expanded_definitions",
    "sheets.loaded",
    "sheets.variants",
    "text.pretty",
    "text.sstr",
]


def _every_module() -> list[ModuleType]:
    names = [m.name for m in pkgutil.walk_packages(grader.__path__, "grader.") if m.name != "grader.__main__"]
    return [importlib.import_module(name) for name in names]


def test_the_registry_lists_every_cache_by_name() -> None:
    _every_module()
    assert caches.names() == EXPECTED


def test_no_cache_is_left_out_of_the_registry() -> None:
    """A module-level lru_cache function or `*_cache` dict that did not register would survive clear()."""
    registered = {id(c) for c in caches.registered().values()}
    unregistered = []
    for module in _every_module():
        for attr, value in vars(module).items():
            is_lru = (callable(getattr(value, "cache_clear", None)) and not isinstance(value, type)
                      and getattr(value, "__module__", "") == module.__name__)
            is_dict = isinstance(value, dict) and attr.endswith("_cache")
            if (is_lru or is_dict) and id(value) not in registered:
                unregistered.append(f"{module.__name__}.{attr}")
    assert unregistered == []


def test_a_name_is_taken_once() -> None:
    caches.register("text.pretty", caches.registered()["text.pretty"])  # the same cache again: fine
    try:
        caches.register("text.pretty", {})
    except ValueError as err:
        assert "text.pretty" in str(err)
    else:
        raise AssertionError("a second cache under a taken name was accepted")


def test_clear_empties_the_variants_cache_too() -> None:
    sheet = sheets.load("piecewise-activations")
    question = next(q for q in sheet.questions if variants.variant_count(q) > 1)
    variants.at(question, 1)
    cache = caches.registered()["sheets.variants"]
    assert isinstance(cache, dict) and cache
    assert caches.clear() == len(EXPECTED)
    assert not cache
