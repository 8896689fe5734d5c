"""LaTeX eaten by a string escape: `"\\tanh"` in YAML double quotes, JSON or Python is a tab and `anh`.

Batch grading (submission files, notebooks) and the notebook front end refuse such an answer with the
fix, rather than grade what the escape left; one rule for all of them.
"""

from __future__ import annotations

# Escapes in a YAML double-quoted or JSON string that turn `\tanh`, `\frac`, `\beta`, `\alpha`,
# `\vec`, `\exp`, `\right` into control characters. A tab is only suspect before a letter (`\tanh`,
# `\theta`, `\times`): a tab elsewhere is whitespace someone typed.
EATEN = {"\f": "\\f", "\b": "\\b", "\a": "\\a", "\v": "\\v", "\x1b": "\\e", "\r": "\\r", "\x00": "\\0"}
VISIBLE = {"\t": "\\t", **EATEN}


def eaten(text: str) -> bool:
    """The answer holds a control character that an escape made of a LaTeX command."""
    if any(c in EATEN for c in text.replace("\r\n", "\n")):
        return True
    return any(c == "\t" and text[i + 1:i + 2].isascii() and text[i + 1:i + 2].isalpha() for i, c in enumerate(text))


def visible(text: str) -> str:
    """The answer as the student typed it: each escape's control character back as `\\t`, `\\f`, ..."""
    text = "".join(VISIBLE.get(c, c) for c in text.replace("\r\n", "\n"))
    return "".join(c if c.isprintable() or c == "\n" else f"\\u{ord(c):04x}" for c in text)




# The LaTeX command each escape most likely was, for the example in a message.
_COMMANDS = {"\\t": ("tanh", "a tab"), "\\f": ("frac", "a form feed"), "\\b": ("beta", "a backspace"),
             "\\a": ("alpha", "a bell"), "\\v": ("vec", "a vertical tab"), "\\e": ("exp", "an escape"),
             "\\r": ("right", "a carriage return"), "\\0": ("0", "a null character")}


def example(text: str) -> tuple[str, str]:
    """The LaTeX command the first escape in `text` most likely was (`frac` for a form feed), and the sentence
    saying so: "`\\f` is a form feed, so `\\frac` became a form feed and `rac`"."""
    escape = next((VISIBLE[c] for c in text if c in VISIBLE), "\\t")
    command, char = _COMMANDS[escape]
    return command, f"`{escape}` is {char}, so `\\{command}` became {char} and `{command[1:]}`"
