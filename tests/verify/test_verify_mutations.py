"""`grader verify` never raises on a mutated bundled sheet or solutions file: it reports problems, each
at a real file:line:col of a file it checked, or none. The mutations are an author's slips: a key
dropped, a value of another type or a random string, an item duplicated, a list emptied or reordered,
a definition renamed, a line deleted or repeated."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.verify.run import verify_paths

ROOT = Path(__file__).resolve().parents[2]
FILES = [f"{folder}/{p.name}" for folder in ("exercises", "solutions") for p in sorted((ROOT / folder).glob("*.yaml"))]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(-2, 2, allow_nan=False),
                    st.text(max_size=12), st.sampled_from(["x", "y", "w", "sigma", "expression", "x^2", "(", "\\frac",
                                                           "sigma(x", "h", "neuron.a", "{alpha}", "[]", "e^x"]))
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(st.sampled_from(["a", "kind", "id"]),
                                                                          SCALARS, max_size=2))
KEYS = ["kind", "answer", "define", "derivative", "at_kinks", "forms", "final_form", "choices", "interval", "params",
        "parameters", "variables", "mistakes", "steps", "result", "math", "chain", "say", "points", "min_lines", "knd"]
Path_ = tuple[Any, ...]


def spots(node: Any, here: Path_ = ()) -> Iterator[Path_]:
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from spots(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from spots(value, (*here, i))


def get(node: Any, path: Path_) -> Any:
    for step in path:
        node = node[step]
    return node


def mutate(data: Any, draw: st.DataObject) -> Any:
    path = draw.draw(st.sampled_from(list(spots(data))[1:]), label="path")
    parent, last = get(data, path[:-1]), path[-1]
    target = parent[last]
    how = draw.draw(st.sampled_from(["drop", "value", "duplicate", "empty", "reverse", "rename", "key"]), label="how")
    if how == "drop":
        del parent[last]
    elif how == "value":
        parent[last] = draw.draw(VALUES, label="value")
    elif how == "duplicate" and isinstance(parent, list):
        parent.insert(last, target)
    elif how == "empty":
        parent[last] = type(target)() if isinstance(target, (list, dict, str)) else None
    elif how == "reverse" and isinstance(target, list):
        target.reverse()
    elif how == "rename" and isinstance(target, str):
        parent[last] = draw.draw(st.sampled_from(["x", "w", "sigma", "tanh", "h", "e", "pi", "alpha", "a b"]))
    elif how == "key" and isinstance(target, dict) and target:
        key = draw.draw(st.sampled_from(sorted(target, key=str)), label="key")
        target[draw.draw(st.sampled_from(KEYS), label="new key")] = target.pop(key)
    return data


def text_mutation(text: str, draw: st.DataObject) -> str:
    lines = text.splitlines(keepends=True)
    i = draw.draw(st.integers(0, len(lines) - 1), label="line")
    if draw.draw(st.booleans(), label="delete"):
        return "".join(lines[:i] + lines[i + 1:])
    return "".join(lines[: i + 1] + lines[i:])


def located(problem: Any, files: list[Path]) -> bool:
    for f in files:
        if Path(problem.path).resolve() == f.resolve():
            count = len(f.read_text(encoding="utf-8").splitlines())
            return 1 <= problem.line <= count + 1 and problem.col >= 1
    return False


@pytest.mark.system  # ~0.5 s a mutated file: too slow for the inner loop
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_mutated_files_give_located_problems_not_tracebacks(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(FILES), label="file")
    text = (ROOT / name).read_text(encoding="utf-8")
    if data.draw(st.booleans(), label="as text"):
        text = text_mutation(text, data)
    else:
        tree = yaml.safe_load(text)
        for _ in range(data.draw(st.integers(1, 3), label="mutations")):
            tree = mutate(tree, data)
        text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)
    with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {"GRADER_NO_CACHE": "1"}):
        for folder in ("exercises", "solutions"):
            shutil.copytree(ROOT / folder, Path(tmp) / folder)
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        checked = [path] if name.startswith("solutions") else [path, Path(tmp) / "solutions" / path.name]
        problems = verify_paths([str(p) for p in checked])
        assert all(located(p, checked) for p in problems), [p.text() for p in problems]
