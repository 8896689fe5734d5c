"""Wrong answers grouped by equivalence (grader.grading.wrong_answers), as summary.md and the
instructor page group them: bucketing, confirming buckets pair by pair, splitting what is unproved."""

from __future__ import annotations

from collections import Counter

import pytest

from grader import sheets
from grader.grading.wrong_answers import Found, fingerprint, group, same
from grader.sheets.model import Sheet

Pair = tuple[str, str, str]


@pytest.fixture(scope="module")
def sheet() -> Sheet:
    return sheets.load("activation-derivatives")


def test_equal_answers_share_a_fingerprint_and_same_proves_them_equal(sheet: Sheet) -> None:
    two_x = fingerprint(sheet, "sigmoid.a", "2x")
    assert two_x is not None and len(two_x) > 1
    assert fingerprint(sheet, "sigmoid.a", "x+x") == two_x
    assert fingerprint(sheet, "sigmoid.a", "3x") != two_x
    assert same(sheet, "sigmoid.a", "2x", "x+x", 3.0) is True
    assert same(sheet, "sigmoid.a", "2x", "3x", 3.0) is False


def test_a_number_has_one_value_and_unreadable_text_no_fingerprint(sheet: Sheet) -> None:
    assert fingerprint(sheet, "relu.b.left", "1/2") == fingerprint(sheet, "relu.b.left", "0.5") == ("0.5",)
    assert fingerprint(sheet, "sigmoid.a", "2x +* 1") is None
    assert same(sheet, "sigmoid.a", "2x +* 1", "2x +* 1", 3.0) is False  # unreadable is never proved equal


class Spy:
    """A confirm callback that proves equal only the pairs it is told, and records every call."""

    def __init__(self, equal: set[tuple[str, str]]) -> None:
        self.equal = equal
        self.calls: list[list[Pair]] = []

    def __call__(self, pairs: list[Pair]) -> list[bool]:
        self.calls.append(pairs)
        return [(a, b) in self.equal for _, a, b in pairs]


def print_of(name: str) -> Found:
    return Found(fingerprint=(name,))


def test_a_bucket_is_confirmed_against_its_most_common_answer_and_the_unproved_split_off() -> None:
    wrong = {"p": Counter({"a": 3, "b": 2, "c": 1, "d": 1})}
    confirm = Spy({("a", "b"), ("c", "d")})
    groups = group(wrong, lambda slot, text: print_of("same values"), confirm)
    assert groups == {"p": [["a", "b"], ["c", "d"]]}
    assert confirm.calls == [[("p", "a", "b"), ("p", "a", "c"), ("p", "a", "d")], [("p", "c", "d")]]


def test_nothing_is_merged_unproved_and_a_lone_answer_needs_no_confirm() -> None:
    wrong = {"p": Counter({"a": 2, "b": 1, "c": 1})}
    confirm = Spy(set())  # e.g. every confirm timed out
    groups = group(wrong, lambda slot, text: print_of("x") if text != "c" else print_of("y"), confirm)
    assert groups == {"p": [["a"], ["b"], ["c"]]}
    assert confirm.calls == [[("p", "a", "b")]]  # `c` is alone in its bucket: nothing to confirm


def test_mistakes_choices_and_texts_are_grouped_without_confirming() -> None:
    found = {
        "-2x": Found(mistake="sign"), "-x-x": Found(mistake="sign"),
        "Yes": Found(interpreted="yes", decided_by="choice"), "yes": Found(interpreted="yes", decided_by="choice"),
        " q ": Found(), "q": Found(),  # read as nothing comparable: the text, trimmed
        "r ": None, "r": None,  # never graded: the text exactly as typed
    }
    wrong = {"p": Counter({t: 1 for t in found})}
    confirm = Spy(set())
    groups = group(wrong, lambda slot, text: found[text], confirm)
    assert sorted(groups["p"]) == [["-2x", "-x-x"], ["Yes", "yes"], ["q", " q "], ["r"], ["r "]]
    assert confirm.calls == []


def test_answers_to_another_part_or_variant_never_share_a_group() -> None:
    wrong = {("p", 0): Counter({"a": 1}), ("p", 1): Counter({"a": 1, "b": 1})}
    confirm = Spy({("a", "b")})
    groups = group(wrong, lambda slot, text: print_of("v"), confirm)
    assert groups == {("p", 0): [["a"]], ("p", 1): [["a", "b"]]}
    assert confirm.calls == [[(("p", 1), "a", "b")]]


def test_groups_come_most_common_first_then_by_the_shorter_first_form() -> None:
    wrong = {"p": Counter({"long one": 2, "b": 2, "zz": 1, "c": 1, "a": 1})}
    groups = group(wrong, lambda slot, text: Found(), Spy(set()))
    assert groups["p"] == [["b"], ["long one"], ["a"], ["c"], ["zz"]]
