"""Every in-process cache at once: to measure costs uncached (benchmarks/) and to test that caches
are exact (the same results with and without them).

Found by convention rather than listed, so a cache added later is not missed: every
`functools.lru_cache`/`cache` function and every module-level dict named `*_cache` in a loaded
grader module, plus sympy's own cache. None of them may hold anything that is not a pure function
of its key, so clearing them changes speed only. (The on-disk sheet cache is grader.sheets.cache.)
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any


def clear() -> int:
    """Empty every in-process cache; return how many grader caches there were."""
    import sympy.core.cache

    sympy.core.cache.clear_cache()
    count = 0
    for cache in _grader_caches():
        cache.cache_clear() if hasattr(cache, "cache_clear") else cache.clear()
        count += 1
    return count


def _grader_caches() -> Iterator[Any]:
    seen: set[int] = set()
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "grader" or name.startswith("grader.")):
            continue
        for attr, value in list(vars(module).items()):
            wrapped = getattr(value, "__wrapped__", None)
            is_lru = callable(getattr(value, "cache_clear", None)) and wrapped is not None
            is_dict = isinstance(value, dict) and attr.endswith("_cache")
            # a function imported from another module is found there too: clear each cache once
            if (is_lru or is_dict) and id(value) not in seen:
                seen.add(id(value))
                yield value
