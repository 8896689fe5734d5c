"""Decisions cached by the expressions compared: `compare` is a pure function of its arguments, and
a class types the same expressions (and the same derivation steps, and the same known mistakes to
match) again and again, in different spellings that parse alike.

Kept only when settled: a decision reached through a fallback taken because time, stack or memory
ran out (grader.equivalence.fallbacks) is not kept, nor is anything that raised. A hit returns the
very Decision the computation returned (frozen, so it cannot be changed by the caller).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Literal

import sympy

from grader.core import caches
from grader.equivalence import decide, fallbacks
from grader.equivalence.results import Decision, KinkPolicy

MAX_DECISIONS = 4096
Key = tuple[sympy.Basic, sympy.Basic, tuple[sympy.Basic, ...], KinkPolicy | None, str]

_decision_cache: OrderedDict[Key, Decision] = OrderedDict()  # least recently used first
caches.register("equivalence.decisions", _decision_cache)


def compare(
    reference: sympy.Basic,
    answer: sympy.Basic,
    variables: Sequence[sympy.Symbol],
    *,
    kink_policy: KinkPolicy | None = None,
    mode: Literal["reference", "both"] = "reference",
) -> Decision:
    """`grader.equivalence.decide.compare`, remembered (see the module's docstring)."""
    try:
        key: Key | None = (reference, answer, tuple(variables), kink_policy, mode)
        hit = _decision_cache.get(key)  # type: ignore[arg-type]
    except TypeError:  # something unhashable: decide.compare says what is wrong with it
        key, hit = None, None
    if hit is not None:
        _decision_cache.move_to_end(key)  # type: ignore[arg-type]
        return hit
    before = fallbacks.cut_short
    decision = decide.compare(reference, answer, variables, kink_policy=kink_policy, mode=mode)
    if key is not None and fallbacks.cut_short == before:
        _decision_cache[key] = decision
        if len(_decision_cache) > MAX_DECISIONS:
            _decision_cache.popitem(last=False)
    return decision
