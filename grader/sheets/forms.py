"""Required and forbidden forms: which names an answer may use, and whether decimals are allowed.

A sheet states them as data (`forms:` on any part, `final_form:` on a derivation), so an author
can ask for "in terms of σ only" or "no decimals" on any part without Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from grader.sheets.yaml_nodes import Where


@dataclass(frozen=True)
class FormRule:
    only: tuple[str, ...] | None  # the answer may use these functions and nothing else (variables only inside them)
    forbid: tuple[str, ...]  # names the answer must not use
    decimals: bool  # whether decimal literals like 0.25 are allowed
    message: str
    score: float  # credit for an answer that is right but breaks this rule
    where: Where


def _name(node: sympy.Basic) -> str | None:
    if isinstance(node, sympy.Function | AppliedUndef):
        return type(node).__name__
    if node is sympy.E:
        return "e"
    if node is sympy.pi:
        return "pi"
    return None


def used_names(expr: sympy.Basic) -> set[str]:
    """Functions and constants an expression uses (sympy writes e^x as exp, so both count)."""
    names: set[str] = set()
    for node in sympy.preorder_traversal(expr):
        name = _name(node)
        if name is not None:
            names.add(name)
            if name == "exp":
                names.add("e")
    return names


def violations(rule: FormRule, expr: sympy.Basic, has_decimal: bool, variables: tuple[str, ...]) -> list[str]:
    """What the expression does that the rule does not allow, as short phrases; empty when it complies."""
    found: list[str] = []
    if rule.only is not None:
        allowed = set(rule.only)
        _walk_only(expr, allowed, variables, found)
    used = used_names(expr)
    found.extend(f"`{name}`" for name in rule.forbid if name in used)
    if has_decimal and not rule.decimals:
        found.append("decimals")
    return list(dict.fromkeys(found))


def _walk_only(node: sympy.Basic, allowed: set[str], variables: tuple[str, ...], found: list[str]) -> None:
    name = _name(node)
    if name is not None and name in allowed:
        return  # an allowed call: what it is applied to is its own business
    if name is not None:
        found.append(f"`{name}`")
    elif isinstance(node, sympy.Symbol) and node.name in variables:
        found.append(f"`{node.name}` outside {', '.join(sorted(allowed))}")
    for arg in node.args:
        _walk_only(arg, allowed, variables, found)
