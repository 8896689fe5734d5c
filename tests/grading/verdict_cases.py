"""The answers whose Results are recorded in data/verdicts.json (see test_verdicts_unchanged.py).

    python tests/grading/verdict_cases.py      # records them again (only on purpose: it is the reference)

Three sources: every distinct answer of the benchmark class (benchmarks/generate_class.py, 10,000
students; hostile inputs left out, their Results depend on the time budget), every bundled sheet's
reference and known-mistake answers graded against every part of the same kind in the same sheet
(a mistake of one part is a realistic wrong answer to another), and the pairs of the equivalence
tables (tests/equivalence/test_equivalence.py) through `compare`.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DATA = HERE / "data" / "verdicts.json"


def class_answers() -> list[tuple[str, str, str]]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate_class import distinct_answers
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return [("activation-derivatives", address, text)
            for (address, text), label in distinct_answers(10_000).items() if label != "hostile"]


def sheet_answers() -> list[tuple[str, str, str]]:
    from grader import sheets
    from grader.sheets.bundled import bundled_sheets
    from grader.sheets.model import DerivationAnswer, ExpressionAnswer, NumberAnswer

    out: list[tuple[str, str, str]] = []
    for path in bundled_sheets():
        sheet = sheets.load(str(path))
        texts: dict[str, list[str]] = {}
        for part in sheet.parts.values():
            e = part.expects
            own: list[str] = [m.answer.text if not isinstance(m.answer, str) else m.answer for m in part.mistakes]
            if isinstance(e, ExpressionAnswer | NumberAnswer):
                own.insert(0, e.answer.text)
            elif isinstance(e, DerivationAnswer):
                own.insert(0, f"{e.start.text}\n= {e.target.text}")
            texts.setdefault(part.kind, []).extend(own)
        for address, part in sheet.parts.items():
            for text in dict.fromkeys(texts.get(part.kind, [])):
                out.append((path.stem, address, text))
    return out


def grade_all(cases: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    from grader import sheets
    from grader.grading.grade import grade
    from grader.sheets import variants

    loaded: dict[str, Any] = {}
    out = []
    for sheet_id, address, text in cases:
        if sheet_id not in loaded:
            loaded[sheet_id] = variants.pick(sheets.load(sheet_id), None)
        result = grade(variants.scoped(loaded[sheet_id], address), address, text)
        out.append({"sheet": sheet_id, "part": address, "answer": text,
                    "result": replace(result, seconds=0.0).to_json()})
    return out


def decision_tables() -> list[tuple[str, Any, Any, tuple[Any, ...], dict[str, Any]]]:
    sys.path.insert(0, str(ROOT / "tests" / "equivalence"))
    try:
        import test_equivalence as t
    finally:
        sys.path.remove(str(ROOT / "tests" / "equivalence"))
    x = t.x
    rows: list[tuple[str, Any, Any, tuple[Any, ...], dict[str, Any]]] = []
    rows += [(f"trap {name}", ref, ans, (x,), {}) for name, (ref, ans) in t.TRAPS_EQUIVALENT.items()]
    rows += [(f"relu {name}", t.RELU_D, ans, (x,), {"kink_policy": t.KinkPolicy("between")})
             for name, (ans, _) in t.RELU_CASES.items()]
    rows += [(f"policy {i}", t.RELU_D, ans, (x,), {"kink_policy": policy})
             for i, (policy, ans, _) in enumerate(t.POLICY_CASES)]
    rows += [(f"equivalent {i}", ref, ans, (x,), {}) for i, (ref, ans) in enumerate(t.EQUIVALENT)]
    rows += [(f"different {i}", ref, ans, (x,), {}) for i, (ref, ans) in enumerate(t.DIFFERENT)]
    rows += [(f"multi {i}", ref, ans, variables, {"mode": mode})
             for i, (ref, ans, variables, mode, _) in enumerate(t.MULTI)]
    rows += [(f"counterexample {i}", ref, ans, (x,), {}) for i, (ref, ans, *_) in enumerate(t.CEX)]
    return rows


def decide_all() -> list[dict[str, Any]]:
    from grader.equivalence import compare

    out = []
    for name, ref, ans, variables, kw in decision_tables():
        decision = compare(ref, ans, list(variables), **kw)
        out.append({"case": name, "reference": str(ref), "answer": str(ans), "decision": asdict(decision)})
    return out


def dumps(data: dict[str, Any]) -> str:
    """One case a line, so that a change shows as the lines of the cases it changed."""
    blocks = [f'"{key}": [\n' + ",\n".join(json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows) + "\n]"
              for key, rows in data.items()]
    return "{\n" + ",\n".join(blocks) + "\n}\n"


def record() -> dict[str, Any]:
    return {"results": grade_all(class_answers() + sheet_answers()), "decisions": decide_all()}


if __name__ == "__main__":
    data = record()
    DATA.write_text(dumps(data), encoding="utf-8")
    print(f"{len(data['results'])} results, {len(data['decisions'])} decisions -> {DATA}")
