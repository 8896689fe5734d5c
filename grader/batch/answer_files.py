"""Answers kept elsewhere (the class server's database) written as submission files, one per student.

The files are what `grader grade --db` then grades, so its reports are batch grading of these files,
byte for byte, and an instructor can read, keep or regrade them. Every answer reads back as exactly
the text stored (grader.batch.submissions.read): a plain scalar or a literal block where it can hold
the text exactly, else quotes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from grader.batch.reports.feedback import unique_names
from grader.batch.reports.write import Stage, remove_others

# A tab is whitespace to the grader, but in a file it reads as an eaten `\t` (grader.batch.salvage.eaten);
# YAML folds Unicode's other line breaks inside quotes. Both are written as the space or newline they mean.
_SPACES = str.maketrans({"\t": " ", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"})


@dataclass(frozen=True)
class AnswerFile:
    student: str
    answers: Mapping[str, str]  # part address -> answer text
    seed: int | None = None  # written only when the student's variants do not come from their id
    name: str = ""  # the roster's name, shown in the file's first line (a comment: the id is what counts)


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # A preferred style only: the emitter quotes (at worst with escapes) whatever a block or plain
    # scalar cannot hold exactly, and never leaves plain a text YAML would read as null.
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_Dumper.add_representer(str, _text)


def file_text(sheet_id: str, item: AnswerFile, source: str) -> str:
    who = f"{item.name} ({item.student})" if item.name else item.student
    shown = "".join(c if c.isprintable() else " " for c in f"{who}'s answers in {source}")
    head = f"# {shown}: for each part, the best-scored attempt (of equals, the last).\n"
    body: dict[str, object] = {"student": item.student, "sheet": sheet_id}
    if item.seed is not None:
        body["seed"] = item.seed
    body["answers"] = {address: text.translate(_SPACES) for address, text in item.answers.items()}
    return head + yaml.dump(body, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6)


def write_answer_files(folder: Path, sheet_id: str, items: Sequence[AnswerFile], source: str) -> list[Path]:
    """Write one file per student into `folder` (each atomically), and remove the submission files
    an earlier export left there for students no longer exported. Returns the paths written."""
    stage = Stage(folder)
    try:
        for name, item in zip(unique_names([i.student for i in items]), items, strict=True):
            stage.write(f"{name}.yaml", file_text(sheet_id, item, source))  # named as their feedback/ files
        written = stage.commit()
    except BaseException:
        stage.discard()
        raise
    remove_others(folder, written, (".yaml",))
    return written
