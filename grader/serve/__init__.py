"""`grader serve`: practice in the browser. A front end beside practice/batch/verify.

`app` (Starlette routes), `pages` (what a page shows), `store` (progress in SQLite), `workers` (grading
in worker processes with a deadline), `work` (what a worker runs), `security` (tokens, rate limit).
"""
