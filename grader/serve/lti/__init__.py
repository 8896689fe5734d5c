"""LTI 1.3 for `grader serve`: launch, keys, platforms and deep linking (the core), grade passback
(`ags.py`, `outbox.py`)."""
