"""Reading submission files: every kind of bad file is an Unreadable with a reason, never an exception."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from grader.batch.submissions import Submission, Unreadable, find, fit, read
from grader.core.errors import UsageError


def _read(tmp_path: Path, name: str, data: str | bytes) -> Submission | Unreadable:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return read(str(path))


def _reason(tmp_path: Path, name: str, data: str | bytes) -> str:
    got = _read(tmp_path, name, data)
    assert isinstance(got, Unreadable), got
    return got.reason


def test_a_good_yaml_file(tmp_path: Path) -> None:
    got = _read(tmp_path, "a.yaml", "student: s1\nsheet: activation-derivatives\nanswers:\n  sigmoid.a: e^-x\n")
    assert isinstance(got, Submission) and got.modified > 0
    expected = Submission(str(tmp_path / "a.yaml"), "s1", "activation-derivatives", {"sigmoid.a": "e^-x"})
    assert replace(got, modified=0.0) == expected


def test_yaml_scalars_stay_as_typed(tmp_path: Path) -> None:
    """YAML 1.1 would read `no` as false and `0.50` as 0.5; an answer is the text the student typed."""
    got = _read(tmp_path, "a.yaml", "answers:\n  relu.b.differentiable: no\n  relu.b.at_zero: 0.50\n  x: ~\n")
    assert isinstance(got, Submission)
    assert got.answers == {"relu.b.differentiable": "no", "relu.b.at_zero": "0.50"}  # ~ (null) is missing


def test_json_values_keep_their_text(tmp_path: Path) -> None:
    got = _read(tmp_path, "a.json", '{"answers": {"relu.b.at_zero": 0.50, "relu.b.left": 0, '
                                    '"relu.b.differentiable": false, "tanh.a": null}}')
    assert isinstance(got, Submission)
    assert got.answers == {"relu.b.at_zero": "0.50", "relu.b.left": "0", "relu.b.differentiable": "false"}


def test_student_defaults_to_the_file_name_and_blank_answers_are_missing(tmp_path: Path) -> None:
    got = _read(tmp_path, "erin.yml", "answers:\n  sigmoid.a: '  '\n  tanh.a: ''\n  relu.a: x\n")
    assert isinstance(got, Submission)
    assert (got.student, got.answers) == ("erin", {"relu.a": "x"})


def test_a_derivation_may_be_a_list_of_lines(tmp_path: Path) -> None:
    got = _read(tmp_path, "a.yaml", "answers:\n  sigmoid.b:\n    - a\n    - = b\n")
    assert isinstance(got, Submission)
    assert got.answers == {"sigmoid.b": "a\n= b"}


BAD_FILES: list[tuple[str, str | bytes, str]] = [
    ("empty.yaml", b"", "the file is empty"),
    ("blank.yaml", b"  \n\n", "the file is empty"),
    ("comments.yaml", b"# nothing yet\n", "the file is empty (only comments)"),
    ("binary.yaml", b"\x89PNG\r\n\x1a\n\x00\x00", "the file is binary"),
    ("utf16.yaml", "student: a".encode("utf-16"), "UTF-16"),
    ("latin1.yaml", "student: hélène\n".encode("latin-1"), "not UTF-8 text (byte 0xe9 at offset 10)"),
    ("syntax.yaml", "answers:\n  a: [x\n", "invalid YAML at line 3, column 1"),
    ("two.yaml", "a: 1\n---\nb: 2\n", "invalid YAML"),
    ("syntax.json", '{"answers": {"a": "x",}}', "invalid JSON at line 1, column 23"),
    ("list.yaml", "- a\n- b\n",
     "wrong shape: the file must be a mapping with `student`, `sheet`, `seed`, `submitted`, `answers`"),
    ("text.yaml", "just text\n", "not the text `just text`"),
    ("answers-list.yaml", "answers: [a, b]\n", "`answers` must be a mapping from part address to answer"),
    ("no-answers.yaml", "student: a\n", "no `answers`"),
    ("typo.yaml", "student: a\nanswer: {}\n", "unknown key `answer` ignored (did you mean `answers`?)"),
    ("nested.yaml", "answers:\n  sigmoid.a: [{a: 1}]\n", "the answer to `sigmoid.a` must be text, not a list"),
    ("twice.yaml", "answers:\n  tanh.a: a\n  tanh.a: b\n", "`answers` gives `tanh.a` twice"),
    ("student.yaml", "student: [a]\nanswers: {}\n", "`student` must be a name or id, not a list"),
    ("surrogate.json", '{"answers": {"tanh.a": "\\ud800"}}', "not valid Unicode"),
    ("key.yaml", "? [a]\n: b\n", "is not a plain name"),
    ("deep.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("deep.yaml", "answers: {a: [[[[x]]]]}\n", "nested too deeply"),
    # YAML aliases: a small file that would expand to 30,000 values
    ("bomb.yaml", "x: &a [" + "1, " * 99 + "1]\nanswers:\n" + "".join(f"  p{i}: *a\n" for i in range(300)),
     "repeats too many values"),
    ("loop.yaml", "answers: &a\n  x: *a\n", "wrong shape"),
]


@pytest.mark.parametrize(("name", "data", "words"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_bad_files_are_unreadable_with_a_reason(tmp_path: Path, name: str, data: str | bytes, words: str) -> None:
    assert words in _reason(tmp_path, name, data)


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    assert "too large" in _reason(tmp_path, "big.yaml", b"a" * 1_000_001)


def test_an_unreadable_file_keeps_the_student_it_names(tmp_path: Path) -> None:
    got = _read(tmp_path, "f.yaml", "student: judy\nanswers: [x]\n")
    assert isinstance(got, Unreadable) and got.student == "judy"


def test_unknown_parts_are_reported_and_ignored_with_a_fix() -> None:
    addresses = ["sigmoid.a", "relu.b.left", "relu.b.right"]
    got = fit(Submission("f", "s", None, {"sigmoid.a": "x", "relu.b": "0", "sigmod.a": "y"}), addresses)
    assert got.answers == {"sigmoid.a": "x"}
    assert got.notes == ("unknown part address `relu.b` ignored; answer its sub-parts relu.b.left, relu.b.right",
                         "unknown part address `sigmod.a` ignored (did you mean `sigmoid.a`?)")
    same = Submission("f", "s", None, {"sigmoid.a": "x"})
    assert fit(same, addresses) is same


def test_a_part_address_in_another_case_is_graded_under_the_sheets_address() -> None:
    got = fit(Submission("f", "s", None, {"Sigmoid.A": "x", "RELU.B.LEFT": "0"}), ["sigmoid.a", "relu.b.left"])
    assert got.answers == {"sigmoid.a": "x", "relu.b.left": "0"}
    assert got.notes == ("`Sigmoid.A` was graded as `sigmoid.a`", "`RELU.B.LEFT` was graded as `relu.b.left`")
    both = fit(Submission("f", "s", None, {"sigmoid.a": "x", "Sigmoid.A": "y"}), ["sigmoid.a"])
    assert both.answers == {"sigmoid.a": "x"} and "`Sigmoid.A` ignored" in both.notes[0]  # never overwrites


@pytest.mark.parametrize(("kind", "text", "shown"), [
    ("yaml", '"\\tanh(x)"', "\\tanh(x)"), ("yaml", '"\\frac{1}{2}"', "\\frac{1}{2}"),
    ("yaml", '"\\beta x"', "\\beta x"), ("yaml", '"\\alpha x"', "\\alpha x"), ("yaml", '"\\vec x"', "\\vec x"),
    ("yaml", '"\\exp(x)"', "\\exp(x)"), ("json", '"\\tanh(x)"', "\\tanh(x)"), ("json", '"\\frac12"', "\\frac12"),
])
def test_latex_eaten_by_an_escape_is_refused_and_shown_as_typed(tmp_path: Path, kind: str, text: str, shown: str
                                                                 ) -> None:
    data = f"answers:\n  tanh.a: {text}\n" if kind == "yaml" else f'{{"answers": {{"tanh.a": {text}}}}}'
    got = _read(tmp_path, f"a.{kind}", data)
    assert isinstance(got, Submission) and got.answers == {}
    ((address, typed, why),) = got.refused
    assert (address, typed) == ("tanh.a", shown)
    assert "LaTeX command eaten by a " + ("YAML double-quoted" if kind == "yaml" else "JSON") in why


def test_a_tab_that_is_whitespace_is_not_an_eaten_command(tmp_path: Path) -> None:
    got = _read(tmp_path, "a.yaml", 'answers:\n  tanh.a: "1 -\t2"\n  sigmoid.a: \'\\tanh(x)\'\n')
    assert isinstance(got, Submission) and not got.refused
    assert got.answers == {"tanh.a": "1 -\t2", "sigmoid.a": "\\tanh(x)"}


def test_an_unknown_key_is_ignored_and_nested_sub_parts_are_read(tmp_path: Path) -> None:
    got = _read(tmp_path, "a.yaml", "student: a\nname: A\nanswers:\n  relu.b:\n    left: 0\n    right: 1\n")
    assert isinstance(got, Submission)
    assert got.answers == {"relu.b.left": "0", "relu.b.right": "1"}
    assert got.notes == ("unknown key `name` ignored; the keys are `student`, `sheet`, `seed`, `submitted`, `answers`",)


def test_find_walks_folders_skips_hidden_files_and_lists_each_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("b/z.yaml", "a.json", "b/c.yml", "notes.txt", ".hidden.yaml", ".git/x.yaml"):
        (tmp_path / name).write_text("answers: {}\n")
    monkeypatch.chdir(tmp_path)
    assert find(["."]) == ["a.json", "b/c.yml", "b/z.yaml"]
    assert find(["b", "b/c.yml", "notes.txt"]) == ["b/c.yml", "b/z.yaml", "notes.txt"]  # a named file is read as is


def test_find_refuses_missing_paths_and_empty_folders(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file or folder"):
        find([str(tmp_path / "nope")])
    with pytest.raises(UsageError, match="no submission files"):
        find([str(tmp_path)])


def test_find_skips_the_report_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "grades" / "gradescope" / "a").mkdir(parents=True)
    (tmp_path / "grades" / "results.json").write_text("{}")
    (tmp_path / "grades" / "gradescope" / "a" / "results.json").write_text("{}")
    (tmp_path / "a.yaml").write_text("answers: {}\n")
    monkeypatch.chdir(tmp_path)
    assert find(["."], skip=["grades"]) == ["a.yaml"]
    with pytest.raises(UsageError, match="no submission files"):
        find(["grades"], skip=["./grades/"])


def test_a_file_name_that_is_not_utf8_is_shown_with_a_replacement_character(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.yaml")  # a Latin-1 file name on a UTF-8 system
    (tmp_path / name).write_text("answers: {}\n")
    got = read(str(tmp_path / name))
    assert isinstance(got, Submission)
    assert got.file.endswith("caf\ufffd.yaml") and got.student == "caf\ufffd"
    got.file.encode("utf-8")  # reports can be written


def test_ids_and_file_names_cannot_carry_terminal_escapes(tmp_path: Path) -> None:
    escape = 'sheet: "x\\e]0;owned\\a"\nanswers: {}\n'  # YAML escapes: ESC ... BEL, a terminal title
    assert "`sheet` must be one printable line" in _reason(tmp_path, "a.yaml", escape)
    assert "`student` must be one printable line" in _reason(tmp_path, "b.yaml", 'student: "a\\nb"\nanswers: {}\n')
    name = "c\x1b[31m.yaml"
    (tmp_path / name).write_text("answers: {}\n")
    got = read(str(tmp_path / name))
    assert isinstance(got, Submission) and "\x1b" not in got.file and "\x1b" not in got.student
