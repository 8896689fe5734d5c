"""grader: auto-grading of calculus answers typed by students."""

__version__ = "0.1.0"
