"""Every name the parser knows: functions, constants, Greek letters, keywords and refused names."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Builtin:
    """A built-in function: `canonical` selects the sympy constructor in build.py."""

    canonical: str
    min_args: int = 1
    max_args: int | None = 1  # None = any number


_ONE = ("sqrt", "sign", "sin", "cos", "tan", "sec", "csc", "cot", "asin", "acos", "atan", "acot",
        "sinh", "cosh", "tanh", "sech", "csch", "coth", "asinh", "acosh", "atanh", "acoth", "abs", "erf")

BUILTINS: dict[str, Builtin] = {name: Builtin(name) for name in _ONE}
BUILTINS.update({
    "exp": Builtin("exp"),
    "log": Builtin("log", 1, 2),
    "ln": Builtin("log"),
    "log10": Builtin("log10"),
    "log2": Builtin("log2"),
    "sgn": Builtin("sign"),
    "Abs": Builtin("abs"),
    "fabs": Builtin("abs"),
    "absolute": Builtin("abs"),
    "arcsin": Builtin("asin"),
    "arccos": Builtin("acos"),
    "arctan": Builtin("atan"),
    "arccot": Builtin("acot"),
    "arsinh": Builtin("asinh"),
    "arcsinh": Builtin("asinh"),
    "arcosh": Builtin("acosh"),
    "arccosh": Builtin("acosh"),
    "artanh": Builtin("atanh"),
    "arctanh": Builtin("atanh"),
    "arcoth": Builtin("acoth"),
    "arccoth": Builtin("acoth"),
    "Heaviside": Builtin("heaviside", 1, 2),
    "heaviside": Builtin("heaviside", 1, 2),
    "max": Builtin("max", 2, None),
    "Max": Builtin("max", 2, None),
    "maximum": Builtin("max", 2, None),
    "fmax": Builtin("max", 2, None),
    "min": Builtin("min", 2, None),
    "Min": Builtin("min", 2, None),
    "minimum": Builtin("min", 2, None),
    "fmin": Builtin("min", 2, None),
    "pow": Builtin("pow", 2, 2),
    "power": Builtin("pow", 2, 2),
    "where": Builtin("where", 3, 3),
    "Piecewise": Builtin("piecewise", 1, None),
    # sympy's relations, as its Piecewise prints them: Piecewise((0, Eq(x, 0)), ...)
    **{name: Builtin("rel_" + op, 2, 2) for name, op in
       (("Eq", "=="), ("Ne", "!="), ("Lt", "<"), ("Gt", ">"), ("Le", "<="), ("Ge", ">="))},
})

KNOWN_FUNCTIONS: frozenset[str] = frozenset(BUILTINS)

CONSTANTS: dict[str, str] = {"e": "E", "E": "E", "pi": "pi", "Pi": "pi"}

# Module prefixes ML students put before functions (np.exp); only functions and constants may follow.
PREFIXES: frozenset[str] = frozenset({"np", "numpy", "math", "torch"})

GREEK: dict[str, str] = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon",
    "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta",
    "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}
GREEK_NAMES: frozenset[str] = frozenset(GREEK.values()) | {"omicron"}
LATEX_GREEK: dict[str, str] = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi",
                               "varsigma": "sigma", "varrho": "rho", "varpi": "pi"}

# Words the grammar itself uses.
KEYWORDS: frozenset[str] = frozenset({"if", "else", "and", "or", "not", "True", "False"})
# Words that may follow `&` in a LaTeX cases row.
CASE_WORDS: frozenset[str] = frozenset({"if", "for", "when", "where"})
OTHERWISE: frozenset[str] = frozenset({"otherwise", "else"})

PYTHON_KEYWORDS: frozenset[str] = frozenset({
    "lambda", "import", "from", "def", "class", "return", "yield", "for", "while", "in", "is", "None",
    "with", "as", "del", "global", "nonlocal", "assert", "async", "await", "pass", "raise", "try",
    "except", "finally", "break", "continue", "elif", "match", "case",
})

_TYPE_IT = "is not allowed: type the {} itself"
FORBIDDEN: dict[str, str] = {
    **dict.fromkeys(("diff", "Derivative", "derivative", "grad", "gradient", "partial"),
                    _TYPE_IT.format("derivative")),
    **dict.fromkeys(("integrate", "Integral", "integral", "int", "quad"), _TYPE_IT.format("result")),
    **dict.fromkeys(("limit", "Limit", "lim"), _TYPE_IT.format("value")),
    **dict.fromkeys(("sum", "Sum", "summation", "prod", "product", "Product"), _TYPE_IT.format("result")),
    **dict.fromkeys(("simplify", "expand", "factor", "solve", "subs", "evalf", "nsimplify",
                     "together", "cancel", "apart", "trigsimp", "series"),
                    "is not allowed: type the expression itself"),
    **dict.fromkeys(("factorial", "binomial", "comb", "perm"), "is not allowed in an answer"),
    **dict.fromkeys(("eval", "exec", "compile", "open", "print", "input", "getattr", "setattr", "globals",
                     "locals", "vars", "dir", "type", "help", "breakpoint", "Symbol", "symbols",
                     "Function", "sympify", "float", "str", "list", "dict", "tuple", "set",
                     "range", "len", "object", "super", "os", "sys", "subprocess"),
                    "is code, not mathematics: type an expression"),
}


def greek_key(name: str) -> str:
    """The spelling-independent key of a name: `σ`, `\\sigma` and `sigma` all give `sigma`."""
    if len(name) == 1 and name in GREEK:
        return GREEK[name]
    return name


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of neighbours as one edit (`tahn` -> `tanh`)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def closest(word: str, candidates: list[str]) -> str | None:
    """The known name a typo most likely meant, or None (same letters and length win ties)."""
    if len(word) < 2 or len(word) > 30:
        return None
    # Two edits make `three` look like `where`; in a short word, one dropped letter makes `one` look like `Ne`.
    limit = 1 if len(word) <= 5 else 2
    scored = []
    for cand in candidates:
        if abs(len(cand) - len(word)) > limit:
            continue
        if len(word) <= 3 and not cand.lower().startswith(word.lower()) and \
                (len(cand) != len(word) or cand[0].lower() != word[0].lower()):
            continue
        dist = _distance(word.lower(), cand.lower())
        if dist <= limit:
            scored.append((dist, sorted(word) != sorted(cand), abs(len(cand) - len(word)), cand))
    return min(scored)[3] if scored else None


def split_known(word: str, known: set[str], limit: int = 30) -> list[str] | None:
    """Split `word` into the fewest known names (`xe` -> [x, e]); None when it cannot be done."""
    if len(word) > limit:
        return None
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for i in range(len(word)):
        here = best[i]
        if here is None:
            continue
        for j in range(i + 1, len(word) + 1):
            piece = word[i:j]
            if piece in known:
                cand = [*here, piece]
                old = best[j]
                if old is None or len(cand) < len(old):
                    best[j] = cand
    found = best[len(word)]
    return found if found is not None and len(found) > 1 else None
