"""Problems found in several variants of a randomised question, said once (`grader verify`).

Pure bookkeeping over the problems of a file's checks, with no sympy: a warm `grader verify` replays
recorded checks (grader.verify.cache) through it as a fresh run does.
"""

from __future__ import annotations

from dataclasses import replace

from grader.verify.problems import Item, Problem


def merged(runs: list[tuple[Item, list[Problem]]]) -> list[Problem]:
    """The problems of a file's checks, those of the variants of one check said once each: a problem found
    in every variant with the same words is said as it is; one found in some variants, or in words that
    differ by variant, is said once with the variants it is found in (`[fails for beta=1/2 and beta=2,
    holds for beta=1] ...`, the words of the first)."""
    groups: dict[tuple[str, str], list[tuple[str, list[Problem]]]] = {}
    out: list[Problem | tuple[str, str]] = []
    for item, problems in runs:
        if not item.variant:
            out.extend(problems)
            continue
        key = (item.path, item.name.removesuffix(item.variant))
        if key not in groups:
            groups[key] = []
            out.append(key)
        groups[key].append((item.variant, [replace(p, message=p.message.removeprefix(f"{item.variant} "))
                                           for p in problems]))
    return [q for p in out for q in ([p] if isinstance(p, Problem) else _said_once(groups[p]))]


def _said_once(variants: list[tuple[str, list[Problem]]]) -> list[Problem]:
    found: dict[tuple[str, int, int], list[tuple[str, Problem]]] = {}
    for label, problems in variants:
        count: dict[tuple[str, int], int] = {}
        for p in problems:
            n = count[(p.path, p.line)] = count.get((p.path, p.line), 0) + 1
            found.setdefault((p.path, p.line, n), []).append((label, p))
    out = []
    for where in found.values():
        first = where[0][1]
        same = all(p.message == first.message for _, p in where)
        if len(where) == len(variants) and same:
            out.append(first)
            continue
        failing = [label for label, _ in where]
        holding = [label for label, _ in variants if label not in failing]
        if holding:
            shown = "" if same else " (shown)"
            tag = f"fails for {_listed(failing, shown)}, holds for {_listed(holding)}"
        else:
            tag = f"fails for every variant, e.g. {_bare(failing[0])}"
        out.append(replace(first, message=f"[{tag}] {first.message}"))
    return out


def _bare(label: str) -> str:
    inner = label.strip("[]")
    return f"({inner})" if "," in inner else inner


def _listed(labels: list[str], first_note: str = "", most: int = 4) -> str:
    """`beta=1/2 (shown) and beta=2`; beyond `most`, `... and 3 more`."""
    names = [_bare(label) for label in labels]
    names[0] += first_note
    if len(names) > most:
        return f"{', '.join(names[:most])} and {len(names) - most} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
