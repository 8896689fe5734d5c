"""Grade files for other platforms, written on request (`grader grade --format ...`).

- canvas.csv: a Canvas gradebook import. Canvas matches rows by its `ID`, `SIS User ID` or `SIS
  Login ID` column; the `student` of a submission goes in `SIS User ID`, so `student` must be the
  student's SIS user id. `Student`, for people, is their name where one is known (a class roster,
  `grader grade --db`), else the id again. One assignment column, named after the
  sheet, holds the total; a `Points Possible` row gives the maximum.
- moodle.csv: a Moodle "Import grades from CSV file". Moodle asks on import which column
  identifies users and which user field it is ("Map from" / "Map to"): map `ID number` (holding
  `student`) to the user field that holds those ids (ID number, username or email address).
- gradescope/<student>/results.json: a Gradescope autograder result per submission (`score`,
  `max_score`, `output`, and `tests`: one per part with `name`, `score`, `max_score`, `status`
  "passed"/"failed" and `output`).
- feedback/<student>.md: per student, each answer, verdict, feedback and worked solution
  (grader.batch.reports.feedback).
- junit.xml: one <testsuite> per submission, one <testcase> per part; wrong, unreadable and
  missing answers are <failure>s, answers the grader could not grade are <error>s.

Every student has a row in every file: an unreadable submission gets 0 (grades.csv and the
Gradescope result say why), so no student silently keeps an old grade. The Canvas, Moodle and
Gradescope files hold one row per student (`rows`, chosen by grader.batch.duplicates).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

from grader.batch.gradescope import answer_words, plain_math, variant_line
from grader.batch.model import Answer, Batch, Row
from grader.batch.reports.csv_cells import cell, csv_text
from grader.batch.reports.feedback import feedback_files
from grader.text.numbers import num


def render(batch: Batch, formats: Sequence[str], rows: Sequence[Row] | None = None,
           assignment: str | None = None, names: Mapping[str, str] | None = None) -> dict[str, str]:
    """File name (relative to the report folder) -> text, for each format asked for. `rows`: the
    rows of the LMS files, one per student (default: every row). `assignment`: the name of the
    Canvas/Moodle grade column (default: the sheet's title). `names`: student id -> name, for the
    formats with a column for people's names (Canvas's `Student`)."""
    rows = batch.rows if rows is None else rows
    column = assignment or batch.sheet_title
    files: dict[str, str] = {}
    for name in sorted(set(formats)):
        if name == "canvas":
            files["canvas.csv"] = canvas_csv(batch, rows, column, names or {})
        elif name == "moodle":
            files["moodle.csv"] = moodle_csv(batch, rows, column)
        elif name == "gradescope":
            files.update(gradescope_files(rows))
        elif name == "junit":
            files["junit.xml"] = junit_xml(batch)
        elif name == "feedback":
            files.update(feedback_files(batch, rows, batch.sheet))
        else:
            raise ValueError(f"unknown report format {name!r}")
    return files


def canvas_csv(batch: Batch, rows: Sequence[Row], column: str, names: Mapping[str, str] | None = None) -> str:
    """A randomised sheet adds `Notes` (the variant) where Canvas puts its own Notes column; `(read
    only)` under it makes Canvas skip it when the course has no Notes column to fill."""
    notes = batch.randomised
    out = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *(["Notes"] if notes else []), column],
           ["Points Possible", "", "", "", "", *(["(read only)"] if notes else []), num(batch.max_total)]]
    names = names or {}
    out += [[cell(names.get(r.student) or r.student), "", cell(r.student), "", "",
             *([cell(r.variant_text)] if notes else []), num(r.total)] for r in rows]
    return csv_text(out)


def moodle_csv(batch: Batch, rows: Sequence[Row], column: str) -> str:
    """A randomised sheet adds `Variant`: Moodle's import leaves a column mapped to nothing alone."""
    notes = batch.randomised
    out = [["ID number", column, *(["Variant"] if notes else [])]]
    out += [[cell(r.student), num(r.total), *([cell(r.variant_text)] if notes else [])] for r in rows]
    return csv_text(out)


# --- Gradescope ----------------------------------------------------------------------------------


def gradescope_files(rows: Sequence[Row]) -> dict[str, str]:
    files: dict[str, str] = {}
    for row in rows:
        folder = _slug(row.student)
        name, n = f"gradescope/{folder}/results.json", 1
        while name in files:  # two files for one student: keep both, in row order
            n += 1
            name = f"gradescope/{folder}-{n}/results.json"
        files[name] = json.dumps(gradescope_result(row), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return files


def gradescope_result(row: Row) -> dict[str, object]:
    if not row.readable:
        return {"score": 0, "max_score": row.max_total, "tests": [],
                "output": f"Your submission {row.file} could not be read: {row.unreadable}{variant_line(row)}"}
    return {
        "score": row.total,
        "max_score": row.max_total,
        "output": f"{num(row.total)} / {num(row.max_total)} points ({row.status}).{variant_line(row)}",
        "tests": [
            {"name": a.address, "score": a.points, "max_score": a.max_points,
             "status": "passed" if a.status == "correct" else "failed", "output": _words(a)}
            for a in row.answers
        ],
    }


def _slug(student: str) -> str:
    """A student id as a safe folder name (ids are free text; paths must not escape --out)."""
    slug = re.sub(r"[^A-Za-z0-9._-]", "_", student)[:100].lstrip(".")
    return slug or "_"


def _words(a: Answer) -> str:
    return answer_words(a)  # plain text: Gradescope shows `$...$` raw


# --- JUnit ----------------------------------------------------------------------------------------


def junit_xml(batch: Batch) -> str:
    suites = ET.Element("testsuites", name=f"grader {batch.sheet_id}")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for row in batch.rows:
        suite = ET.SubElement(suites, "testsuite", name=_xml(row.student))
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="file", value=_xml(row.file))
        ET.SubElement(properties, "property", name="score", value=f"{num(row.total)}/{num(row.max_total)}")
        if row.variant:
            ET.SubElement(properties, "property", name="variant", value=_xml(row.variant_text))
        counts = {"tests": 0, "failures": 0, "errors": 0}
        if not row.readable:
            case = ET.SubElement(suite, "testcase", classname=_xml(row.student), name="submission")
            ET.SubElement(case, "failure", type="unreadable", message=_xml(row.unreadable))
            counts.update(tests=1, failures=1)
        for a in row.answers:
            case = ET.SubElement(suite, "testcase", classname=_xml(row.student), name=a.address)
            counts["tests"] += 1
            if a.status == "error":
                ET.SubElement(case, "error", type="error", message=_xml(a.error)).text = _xml(_words(a))
                counts["errors"] += 1
            elif a.status != "correct":
                message = a.result.feedback if a.result is not None else "No answer."
                ET.SubElement(case, "failure", type=a.status, message=_xml(plain_math(message))).text = _xml(_words(a))
                counts["failures"] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Text XML 1.0 can carry: characters it forbids (control characters) become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)
