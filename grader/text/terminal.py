"""Sheet LaTeX and sympy text made readable in a terminal: σ, a/b, x², d/dx, cases, limits.

`latex_to_text` does the symbol-by-symbol unicode work; `math_text` first rewrites what it handles
least well (fractions get parentheses only where needed, `d/dx` before a function, cases, limits)
and tidies what comes out. No printing here.
"""

from __future__ import annotations

import re

_SYMBOLS = {
    r"\sigma": "σ", r"\cdot": "·", r"\times": "×", r"\to": "→", r"\rightarrow": "→", r"\Rightarrow": "⇒",
    r"\leq": "≤", r"\le": "≤", r"\geq": "≥", r"\ge": "≥", r"\neq": "≠", r"\infty": "∞", r"\pi": "π",
    r"\quad": "  ", r"\qquad": "    ", r"\,": " ", r"\;": " ", r"\!": "", r"\left": "", r"\right": "",
    r"\lim": "lim", r"\partial": "∂", r"\pm": "±", r"\in": "∈", r"\approx": "≈", r"\ldots": "…",
    r"\alpha": "α", r"\beta": "β", r"\lambda": "λ", r"\mu": "μ", r"\phi": "φ", r"\varphi": "φ", r"\Phi": "Φ",
    r"\bigl": "", r"\bigr": "", r"\Bigl": "", r"\Bigr": "",
}
_SUPER = str.maketrans("0123456789-+()nx", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾ⁿˣ")
_SUB = str.maketrans("0123456789-+()", "₀₁₂₃₄₅₆₇₈₉₋₊₍₎")
_GROUP = r"\{((?:[^{}]|\{[^{}]*\})*)\}"


def _script(body: str, table: dict[int, int], mark: str) -> str:
    converted = body.translate(table)
    if all(ord(c) in table.values() for c in converted if not c.isspace()):
        return "".join(converted.split())  # sympy's `e^{- x}`: e⁻ˣ, not e⁻ ˣ
    return f"{mark}({body})" if len(body) > 1 else f"{mark}{body}"


def latex_to_text(latex: str) -> str:
    """Readable unicode for the LaTeX people put in sheets: σ, fractions, powers, subscripts."""
    s = re.sub(r"\\partial(?![A-Za-z])\s*", "∂", latex)  # ∂a/∂w, not (∂ a)/(∂ w)
    for _ in range(4):  # nested \frac and groups
        s = re.sub(r"\\[dt]?frac" + _GROUP + _GROUP, lambda m: f"({m[1]})/({m[2]})", s)
        s = re.sub(r"\\sqrt" + _GROUP, lambda m: f"√({m[1]})", s)
        s = re.sub(r"\\(?:text|mathrm|operatorname|mathbf|textbf|mathit)" + _GROUP, lambda m: m[1], s)
        s = re.sub(r"\\boxed" + _GROUP, lambda m: f"[ {m[1]} ]", s)
    s = re.sub(r"\\begin\{(?:aligned|cases)\}|\\end\{(?:aligned|cases)\}", "", s)
    s = s.replace(r"\\", "; ").replace("&", "")
    for command, symbol in sorted(_SYMBOLS.items(), key=lambda kv: -len(kv[0])):
        s = re.sub(re.escape(command) + (r"(?![A-Za-z])" if command[-1].isalpha() else ""), symbol, s)  # \,x
    s = re.sub(r"\\(sinh|cosh|tanh|sech|sin|cos|tan|exp|log|ln|max|min)(?![A-Za-z])", r"\1", s)
    s = re.sub(r"\^" + _GROUP, lambda m: _script(m[1], _SUPER, "^"), s)
    s = re.sub(r"\^([0-9A-Za-z])", lambda m: _script(m[1], _SUPER, "^"), s)
    s = re.sub(r"_" + _GROUP, lambda m: _script(m[1], _SUB, "_"), s)
    s = re.sub(r"\(([A-Za-z0-9σ∂]+)\)/\(([A-Za-z0-9σ∂]+)\)", r"\1/\2", s)  # (1)/(2) -> 1/2
    s = s.replace("{", "").replace("}", "")
    return re.sub(r"[ \t]{2,}", "  ", s).strip()


_OPERATOR = re.compile(r"[+\-−·×/=<>,;&]|\\(?:cdot|times|quad|qquad|to|le|ge|leq|geq|neq)(?![A-Za-z])|\s")


def _group(s: str, start: int) -> int:
    """Index just past the {...} group opening at `start` (or len(s) if it never closes)."""
    depth = 0
    for i in range(start, len(s)):
        depth += {"{": 1, "}": -1}.get(s[i], 0)
        if depth == 0:
            return i + 1
    return len(s)


def _depth_zero(latex: str) -> str:
    """The characters of `latex` outside any (), [] or {} (what an operator there binds)."""
    out, depth = [], 0
    for c in latex:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0:
            out.append(c)
    return "".join(out)


def _atomic(latex: str) -> bool:
    """True when `latex` needs no parentheses around it as a numerator or a denominator."""
    body = latex.strip()
    body = body[1:] if body.startswith("-") else body  # -e^{-x}/D reads the same either way
    return bool(body) and not _OPERATOR.search(_depth_zero(body))


def _fractions(latex: str) -> str:
    """\\frac{a}{b} -> a/b, with parentheses only around a side that holds an operator."""
    while found := list(re.finditer(r"\\[dt]?frac(?![A-Za-z])", latex)):
        at, start = found[-1].start(), found[-1].end()  # innermost (last) first
        if start >= len(latex) or latex[start] != "{":
            latex = latex[:at] + latex[at + 1 :]  # a bare \frac: keep the word, drop the backslash
            continue
        mid = _group(latex, start)
        end = _group(latex, mid) if mid < len(latex) and latex[mid] == "{" else mid
        top, bottom = latex[start + 1 : mid - 1], latex[mid + 1 : end - 1]
        leibniz = _leibniz(top, bottom)
        if leibniz is not None:  # d/dx, dy/dx, ∂/∂w, ∂L/∂w
            bare = leibniz.startswith(("d/", "∂/"))
            text = leibniz + (" " if bare and re.match(r"[\\A-Za-z]", latex[end:]) else "")
        else:
            text = "/".join(s if _atomic(s) else f"({s})" for s in (top, bottom))
        latex = latex[:at] + text + latex[end:]
    return latex


def _leibniz(top: str, bottom: str) -> str | None:
    """`\\frac{d}{dx}`, `\\frac{dy}{dx}`, `\\frac{\\partial L}{\\partial w}` as d/dx, dy/dx, ∂L/∂w; else None."""
    upper = re.fullmatch(r"\s*(d|\\partial)(?![A-Za-z])\s*([^\s{}]*)\s*", top)
    lower = re.fullmatch(r"\s*(d|\\partial)\s*([A-Za-z](?:_\{?\w+\}?)?)\s*", bottom)
    if upper is None or lower is None or upper[1] != lower[1] or (upper[1] == "d" and upper[2][:1] == "\\"):
        return None
    mark = "d" if upper[1] == "d" else "∂"
    return f"{mark}{upper[2]}/{mark}{lower[2]}"


def _cases(match: re.Match[str]) -> str:
    rows = []
    for row in re.split(r"\\\\", match[1]):
        cells = [c.strip().rstrip(",.").strip() for c in row.split("&")]
        if cells and cells[0]:
            rows.append(" if ".join(c for c in cells if c))
    return "\\{ " + "; ".join(rows) + " \\}"


def math_text(latex: str) -> str:
    """One LaTeX formula as readable unicode: `1/(1 + e⁻ˣ)`, `d/dx σ(x)`, `{ 0 if x < 0; 1 if x > 0 }`."""
    s = re.sub(r"\\begin\{cases\}(.*?)\\end\{cases\}", _cases, latex, flags=re.S)
    s = _fractions(s)
    s = re.sub(r"\\lim_(\{(?:[^{}]|\{[^{}]*\})*\})", lambda m: f"\\operatorname{{lim}}({m[1][1:-1]})", s)
    s = re.sub(r"\^([+\-])", r"^{\1}", s)  # 0^- and 0^+: one-sided limits
    s = s.replace("\\{", "\x00").replace("\\}", "\x01")  # literal braces survive latex_to_text
    text = latex_to_text(s).replace("\x00", "{").replace("\x01", "}")
    text = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text))
    return re.sub(r"(?<=\S) {2,}(?=\S)", "  ", text).strip()


def markdown_text(markdown: str) -> str:
    """Markdown with $...$ and $$...$$ math -> terminal text, displays indented on their own line."""
    text = re.sub(r"\$\$(.+?)\$\$", lambda m: "\n    " + math_text(m[1]) + "\n", markdown, flags=re.S)
    text = re.sub(r"\$(.+?)\$", lambda m: math_text(m[1]), text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(.+?)\*(?![\w*])", r"\1", text)
    text = text.replace("`", "")
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def expression_text(sstr: str) -> str:
    """sympy's one-line text (`(1 - sigma(x))*sigma(x)`) the way a student would write it."""
    text = sstr.replace("**", "^").replace("*", "·")
    return re.sub(r"\bsigma\(", "σ(", text)
