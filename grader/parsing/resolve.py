"""What a name means in a context (variable, constant, function), and the hints when it means nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from grader.core.errors import ParseError
from grader.parsing.common import Token, fail
from grader.parsing.context import ParseContext, SheetFunction
from grader.parsing.names import (
    BUILTINS,
    CONSTANTS,
    FORBIDDEN,
    GREEK_NAMES,
    KEYWORDS,
    PYTHON_KEYWORDS,
    Builtin,
    closest,
    greek_key,
    split_known,
)

_FREE_NAME = r"[A-Za-z](?:[0-9]+|_[A-Za-z0-9]+)?"
_DERIVATIVE = r"d[A-Za-z]?"
_STEP_NAMES = frozenset({"H", "step", "Step", "u", "unitstep", "Theta", "theta"})


# sympy's relations (`Eq`, `Ne`) are read in Piecewise conditions, but nobody means them by a typo.
_RELATIONS = frozenset(k for k, b in BUILTINS.items() if b.canonical.startswith("rel_"))


@dataclass(frozen=True)
class Resolved:
    kind: Literal["keyword", "var", "const", "builtin", "sheet"]
    name: str  # keyword, symbol name, constant ("E"/"pi"), or canonical function name
    builtin: Builtin | None = None
    sheet: SheetFunction | None = None


def _quote_list(names: list[str]) -> str:
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


class Names:
    """Name lookup for one ParseContext."""

    def __init__(self, ctx: ParseContext) -> None:
        self.ctx = ctx
        self.variables: dict[str, str] | None = (
            None if ctx.variables is None else {greek_key(v): v for v in ctx.variables})
        self.parameters = frozenset(ctx.parameters)
        self.sheet: dict[str, SheetFunction] = {}
        for f in ctx.functions:
            for spelling in (f.name, *f.aliases):
                self.sheet[greek_key(spelling)] = f

    def resolve(self, tok: Token, text: str, after: Token, arg_text: str | None) -> Resolved:
        """The meaning of name token `tok` (followed by `after`); raises ParseError if it has none."""
        key = tok.value
        if tok.origin in ("", "text") and key in KEYWORDS:
            return Resolved("keyword", key)
        if tok.origin == "text":
            return Resolved("keyword", key)
        if tok.origin == "prefix":
            found = self._function_or_constant(key)
            if found is None:
                raise fail("unknown_function", text, tok.start, tok.end,
                           hint=self._typo(key, self.function_names(), arg_text) or
                           "only functions such as `np.exp` may follow `np.`")
            return found
        if self.variables is not None and key in self.variables:
            return Resolved("var", self.variables[key])
        found = self._function_or_constant(key)
        if found is not None:
            return found
        if key == "theta" and tok.origin in ("greek", "latex") and after.is_op("("):
            return Resolved("builtin", "heaviside", builtin=BUILTINS["Heaviside"])  # θ(x), as sympy prints it
        if key in FORBIDDEN:
            raise fail("not_allowed", text, tok.start, tok.end, hint=f"`{key}` {FORBIDDEN[key]}")
        if tok.origin == "" and (key in PYTHON_KEYWORDS or key.startswith("_")):
            raise fail("not_allowed", text, tok.start, tok.end,
                       hint=f"`{key}` is Python code, not mathematics: type an expression")
        if self.variables is None and (re.fullmatch(_FREE_NAME, key) or key in GREEK_NAMES):
            return Resolved("var", key)
        raise self.unknown(tok, text, after, arg_text)

    def _function_or_constant(self, key: str) -> Resolved | None:
        if key in self.sheet:
            return Resolved("sheet", self.sheet[key].name, sheet=self.sheet[key])
        if key in CONSTANTS:
            return Resolved("const", CONSTANTS[key])
        if key in BUILTINS:
            return Resolved("builtin", BUILTINS[key].canonical, builtin=BUILTINS[key])
        return None

    def function_names(self) -> list[str]:
        return sorted({*BUILTINS, *(k for k in self.sheet if k.isascii())})

    def known_words(self) -> set[str]:
        known = {*CONSTANTS, *(set(BUILTINS) - _RELATIONS), *self.sheet}
        if self.variables is None:
            known |= set("abcdfghijklmnopqrstuvwxyzABCDFGHIJKLMNOPQRSTUVWXYZ")
        else:
            known |= set(self.variables)
        return known

    def _typo(self, key: str, candidates: list[str], arg_text: str | None) -> str:
        close = closest(key, [c for c in candidates if c not in _RELATIONS])
        if close is None:
            return ""
        call = f"{close}({arg_text})" if arg_text is not None else close
        return f"did you mean `{call}`?"

    def _split_hint(self, key: str) -> str:
        parts = split_known(key, self.known_words())
        if parts is None:
            return ""
        out: list[str] = []
        for i, part in enumerate(parts):
            if (part in BUILTINS or part in self.sheet) and i + 1 < len(parts):
                out.append(f"{part}({'*'.join(parts[i + 1:])})")
                break
            out.append(part)
        return f"did you mean `{'*'.join(out)}`?"

    def uses(self) -> str:
        if self.variables is None:
            return ""
        names = [n for n in self.variables.values() if n not in self.parameters]
        given = [n for n in self.variables.values() if n in self.parameters]
        also = f" (and the question's {'parameters' if len(given) > 1 else 'parameter'} {_quote_list(given)})" \
            if given else ""
        if not names:
            return f"this part uses no variables: the answer is a number{also}"
        return f"this part uses {_quote_list(names)}{also}"

    def unknown(self, tok: Token, text: str, after: Token, arg_text: str | None) -> ParseError:
        key = tok.value
        if tok.origin == "latex" and key not in GREEK_NAMES:  # \sigma is LaTeX, just not known here
            hint = self._typo(key, [*self.function_names(), *sorted(GREEK_NAMES)], None)
            hint = hint.replace("`", "`\\", 1) if hint else f"`\\{key}` is not LaTeX the grader reads"
            return fail("bad_latex", text, tok.start, tok.end, hint=hint)
        if re.fullmatch(_DERIVATIVE, key) and after.is_op("/"):
            return fail("not_allowed", text, tok.start, after.end,
                        hint="derivative notation like `d/dx` is not allowed: type the derivative itself")
        greek = key in GREEK_NAMES  # a real letter, not a typo: no guessing
        if arg_text is not None:
            hint = "" if greek else self._typo(key, self.function_names(), arg_text) or self._split_hint(key)
            if key in _STEP_NAMES:
                hint = f"for the unit step write `Heaviside({arg_text})` (or `θ({arg_text})`)"
            return fail("unknown_function", text, tok.start, tok.end, hint=hint)
        digits = re.fullmatch(r"([A-Za-z]+)([0-9]+)", key)
        if digits:
            name, power = digits.groups()
            hint = f"did you mean `{name}^{power}` or `{power}*{name}`?"
        elif greek:
            hint = ""
        else:
            hint = self._split_hint(key) or self._typo(key, sorted(self.known_words()), None)
        if not hint and not greek and key.isalpha() and len(key) >= 4:
            hint = (f"`{key}` is a word, not mathematics: type an expression, e.g. `x^2 + 1`; "
                    f"for a value that depends on x write its cases, e.g. `0 if x < 0 else 1`; {self.uses()}")
        return fail("unknown_name", text, tok.start, tok.end, hint=hint or self.uses(),
                    uses=self.uses())
