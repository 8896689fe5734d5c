"""Report files of a graded batch: grades.csv, results.json, summary.md and LMS formats."""
