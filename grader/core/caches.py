"""Every in-process cache, registered by name where it is made, so that all of them can be emptied
at once: to measure costs uncached (benchmarks/) and to test that caches are exact (the same results
with and without them).

A cache registers itself next to its definition:

    _value_cache: dict[Key, Outcome] = {}
    caches.register("equivalence.point_values", _value_cache)

    @lru_cache(maxsize=1024)
    def compile_expr(expr): ...
    caches.register("equivalence.compiled", compile_expr)

None of them may hold anything that is not a pure function of its key, so clearing them changes
speed only. (The on-disk cache of parsed sheets is grader.sheets.cache.)
"""

from __future__ import annotations

from typing import Protocol


class _Dict(Protocol):
    def clear(self) -> None: ...


class _LruFunction(Protocol):
    def cache_clear(self) -> None: ...


_registry: dict[str, _Dict | _LruFunction] = {}


def register(name: str, cache: _Dict | _LruFunction) -> None:
    """Add a cache (a dict-like with `clear`, or an lru_cache function) under a unique name."""
    if name in _registry and _registry[name] is not cache:
        raise ValueError(f"two caches are named {name!r}")
    _registry[name] = cache


def names() -> list[str]:
    """The registered caches' names, sorted."""
    return sorted(_registry)


def registered() -> dict[str, object]:
    """Each registered cache by name (a copy of the registry)."""
    return dict(_registry)


def clear() -> int:
    """Empty sympy's cache and every registered cache; return how many registered caches there were."""
    import sympy.core.cache  # here: the bottom layer loads without sympy

    sympy.core.cache.clear_cache()
    for cache in _registry.values():
        if hasattr(cache, "cache_clear"):
            cache.cache_clear()
        else:
            cache.clear()
    return len(_registry)

