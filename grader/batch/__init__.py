"""`grader grade`: a class of submission files -> graded rows in a worker pool -> report files."""
