"""`grader practice`: a terminal session that asks each part, grades what the student types, scores."""
