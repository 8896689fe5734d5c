"""A choice answer as students write it: the verdict word, perhaps with a reason (`No, the slopes differ`).

The reason is not graded; a verdict that contradicts itself (`yes and no`) is not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_SYNONYMS: dict[str, tuple[str, ...]] = {"no": ("nope", "nah", "no."), "yes": ("yep", "yeah", "yup")}
_CONTRACTIONS = (("isn't", "is not"), ("isn’t", "is not"), ("is'nt", "is not"), ("aren't", "are not"),
                 ("can't", "can not"), ("cannot", "can not"))


def words(text: str) -> list[str]:
    text = text.casefold()
    for short, long in _CONTRACTIONS:
        text = text.replace(short, long)
    return re.findall(r"[^\W_]+(?:-[^\W_]+)*", text)


def pick(answer: str, choices: Mapping[str, tuple[str, ...]]) -> str | None:
    """The choice an answer names, by its first words or by the one phrase of a choice it contains."""
    said = words(answer)
    if not said:
        return None
    spellings = {key: [words(s) for s in (*values, *_SYNONYMS.get(key, ()))] for key, values in choices.items()}
    leading = [key for key, forms in spellings.items()
               if any(f and said[:len(f)] == f and len(f) == max(len(g) for g in forms if said[:len(g)] == g)
                      for f in forms)]
    found = _contained(said, spellings)
    if len(leading) == 1:
        others = {k for k, n in found.items() if k != leading[0] and n == 1}  # `yes and no`
        return None if others else leading[0]
    return next(iter(found)) if len(found) == 1 else None


def _contained(said: list[str], spellings: Mapping[str, list[list[str]]]) -> dict[str, int]:
    """Choices whose phrases occur as whole words; a phrase inside a longer found phrase does not count
    (`differentiable` inside `not differentiable`). Values: the length of the longest phrase found."""
    hits: list[tuple[int, int, str]] = []  # (start, end, choice)
    for key, forms in spellings.items():
        for f in forms:
            if not f or (len(f) == 1 and len(f[0]) == 1):
                continue  # `n`, `y`: too short to find inside a sentence
            hits += [(i, i + len(f), key) for i in range(len(said) - len(f) + 1) if said[i:i + len(f)] == f]
    kept = [h for h in hits if not any(o != h and o[0] <= h[0] and h[1] <= o[1] and o[2] != h[2] for o in hits)]
    found: dict[str, int] = {}
    for start, end, key in kept:
        found[key] = max(found.get(key, 0), end - start)
    return found
