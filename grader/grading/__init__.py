"""One answer to one part -> a Result: grading by part kind, findings, feedback words, rendering.

`grade.grade(sheet, address, answer)` is the entry point; `equiv` compares two expressions.
"""
