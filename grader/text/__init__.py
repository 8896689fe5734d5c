"""Text of mathematics for people: sheet LaTeX and sympy expressions as terminal text, numbers."""
