"""`grader verify`: sheets and worked solutions checked for authors and their CI, as named items."""
