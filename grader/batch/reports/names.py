"""The report formats `grader grade --format` writes, named once. No imports: the CLI reads these
names to check its options without loading the report writers (or sympy)."""

from __future__ import annotations

FORMATS = ("canvas", "moodle", "gradescope", "junit", "feedback")
LMS_FORMATS = ("canvas", "moodle", "gradescope", "feedback")  # one row per student: refused while ids collide
