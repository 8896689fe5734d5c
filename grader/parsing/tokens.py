"""Text -> tokens, keeping every offset in the original text.

Unicode spellings (−, ·, ², √, σ, ≤, non-breaking spaces) become the same tokens as their ASCII
forms. The first problem found is not raised at once: it becomes an ERROR token, so a problem
earlier in the text (seen by the parser) is reported first.
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

from grader.core.errors import ParseError
from grader.core.limits import MAX_INT_BITS, MAX_NUMBER_DIGITS
from grader.parsing.common import END, ERROR, NAME, NUM, OP, PRIME, ROOT, Token, fail
from grader.parsing.latex import lex_command
from grader.parsing.names import GREEK, PREFIXES

SPACES = frozenset(" \t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                   "\u2009\u200a\u200b\u202f\u205f\u2060\u3000\ufeff")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_OPS: dict[str, str] = {
    "+": "+", "\uff0b": "+", "-": "-", "\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2010": "-",
    "\u2011": "-", "\ufe63": "-", "\uff0d": "-", "*": "*", "\u00b7": "*", "\u22c5": "*", "\u00d7": "*",
    "\u2217": "*", "\u2219": "*", "/": "/", "\u00f7": "/", "\u2215": "/", "\u2044": "/", "^": "^",
    "(": "(", ")": ")", "[": "[", "]": "]", "{": "{", "}": "}", ",": ",", "|": "|", "&": "&", ";": ";",
    "\u2264": "<=", "\u2a7d": "<=", "\u2265": ">=", "\u2a7e": ">=", "\u2260": "!=",
}
_TWO: dict[str, str] = {"**": "^", "<=": "<=", ">=": ">=", "==": "==", "!=": "!="}
_ONE_CMP = frozenset("<>=!")
_SUPER: dict[str, str] = {
    "\u2070": "0", "\u00b9": "1", "\u00b2": "2", "\u00b3": "3", "\u2074": "4", "\u2075": "5", "\u2076": "6",
    "\u2077": "7", "\u2078": "8", "\u2079": "9", "\u207a": "+", "\u207b": "-", "\u207d": "(", "\u207e": ")",
    "\u207f": "n", "\u02e3": "x",
}
_VULGAR: dict[str, Fraction] = {"½": Fraction(1, 2), "⅓": Fraction(1, 3), "⅔": Fraction(2, 3),
                                "¼": Fraction(1, 4), "¾": Fraction(3, 4)}
_ROOTS: dict[str, str] = {"√": "2", "∛": "3", "∜": "4"}
_DIGITS = frozenset("0123456789")
_MIDDLE_DOTS = frozenset("\u00b7\u22c5")  # `·` and `⋅`: `0·5` may be a decimal point
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_IDENT = _LETTERS | _DIGITS | {"_"}
_PARTIAL = re.compile(r"\\partial(?![A-Za-z])")
_LOG2_10 = 3.3219280948873626


def tokenize(text: str, max_tokens: int, *, author: bool = False) -> list[Token]:
    """All tokens of `text`, ending with END (or with one ERROR token at the first problem).

    `author` adds the notation only sheet and solution authors may use: primes (`f'(x)`) and
    `\\text{...}` holding words (see grader.parsing.author_notation).
    """
    lexer = _Lexer(text, max_tokens, author)
    try:
        lexer.run()
    except ParseError as err:
        lexer.tokens.append(Token(ERROR, "", err.offset, err.end or err.offset, error=err))
        return lexer.tokens
    lexer.tokens.append(Token(END, "", len(text), len(text), space=True))
    return lexer.tokens


def _closing_punctuation(text: str, i: int, hi: int) -> bool:
    """A `.` or `,` before text[i:] closes a sentence: only spaces follow up to the end of the answer,
    up to a single `=` (or `&=`) that starts the next step of a derivation, or up to the end of a
    `cases` row (`\\\\` or `\\end{cases}`)."""
    while i < hi and text[i] in SPACES:
        i += 1
    if text.startswith(("\\\\", "\\end"), i, hi):
        return True
    if i < hi and text[i] == "&":
        i += 1
        while i < hi and text[i] in SPACES:
            i += 1
        return i < hi and text[i] == "=" and text[i + 1:i + 2] != "="
    return i >= hi or (text[i] == "=" and text[i + 1:i + 2] != "=")


def _dollar_bounds(text: str) -> tuple[int, int]:
    """Indices [lo, hi) of the text inside surrounding `$...$` or `$$...$$` (else the whole text)."""
    stripped = text.strip()
    lo = len(text) - len(text.lstrip())
    for mark in ("$$", "$"):
        if len(stripped) > 2 * len(mark) - 1 and stripped.startswith(mark) and stripped.endswith(mark):
            return lo + len(mark), lo + len(stripped) - len(mark)
    return 0, len(text)


class _Lexer:
    def __init__(self, text: str, max_tokens: int, author: bool = False) -> None:
        self.text = text
        self.max_tokens = max_tokens
        self.author = author
        self.tokens: list[Token] = []
        self.space = True
        self.invisible_space = False

    def emit(self, tok: Token) -> None:
        tok.space = self.space
        self.space = False
        if len(self.tokens) >= self.max_tokens:
            raise fail("too_many_tokens", self.text, tok.start, tok.end, limit=self.max_tokens)
        self.tokens.append(tok)

    def run(self) -> None:
        text = self.text
        lo, hi = _dollar_bounds(text)
        i = lo
        while i < hi:
            c = text[i]
            if c in SPACES:
                self.space = self.space or not self.invisible_space
                i += 1
                continue
            self.invisible_space = False
            i = self.one(c, i, hi)

    def one(self, c: str, i: int, hi: int) -> int:
        text = self.text
        nxt = text[i + 1] if i + 1 < hi else ""
        if c in _DIGITS or (c == "." and nxt in _DIGITS):
            return self.number(i, hi)
        if c in ".," and _closing_punctuation(text, i + 1, hi):
            self.space = True  # a sentence's full stop or comma, read as a space
            return i + 1
        if c in _MIDDLE_DOTS and i > 0 and text[i - 1] in _DIGITS and nxt in _DIGITS:
            ambiguous = self.middle_dot(i, hi)
            if ambiguous is not None:
                raise ambiguous
        if c in _LETTERS or c == "_":
            return self.identifier(i, hi)
        if c == "\u2202" or (c == "\\" and _PARTIAL.match(text, i, hi)):
            return self.partial(i, hi)
        if c == "\\":
            toks, j, invisible = lex_command(text, i, hi, author=self.author)
            for tok in toks:
                self.emit(tok)
            self.invisible_space = invisible
            return j
        if c in _SUPER:
            return self.superscript(i, hi)
        if c == "\u212f":  # ℯ, as sympy prints e
            self.emit(Token(NAME, "e", i, i + 1, origin="greek"))
            return i + 1
        if c in GREEK:
            self.emit(Token(NAME, GREEK[c], i, i + 1, origin="greek"))
            return i + 1
        if text.startswith(tuple(_TWO), i):
            self.emit(Token(OP, _TWO[text[i:i + 2]], i, i + 2))
            return i + 2
        if c in _OPS:
            self.emit(Token(OP, _OPS[c], i, i + 1))
            return i + 1
        if c in _ONE_CMP:
            self.emit(Token(OP, c, i, i + 1))
            return i + 1
        if c in _VULGAR:
            self.emit(Token(NUM, c, i, i + 1, number=_VULGAR[c]))
            return i + 1
        if c in _ROOTS:
            self.emit(Token(ROOT, _ROOTS[c], i, i + 1))
            return i + 1
        if c == "'" and self.author and self.tokens and not self.space and self.tokens[-1].kind in (NAME, PRIME):
            self.emit(Token(PRIME, "'", i, i + 1))
            return i + 1
        raise self.bad_character(c, i)

    def bad_character(self, c: str, i: int) -> ParseError:
        text = self.text
        if c in "'\"":
            if c == "'" and i > 0 and (text[i - 1].isalnum() or text[i - 1] == ")"):
                return fail("not_allowed", text, i, hint="primes like `f'(x)` are derivative notation: "
                            "type the derivative itself")
            return fail("not_allowed", text, i, hint="strings cannot be part of an answer")
        if c == ".":
            if i + 1 < len(text) and (text[i + 1] in _LETTERS or text[i + 1] == "_"):
                j = i + 1
                while j < len(text) and text[j] in _IDENT:
                    j += 1
                return fail("not_allowed", text, i, j, hint="attribute access: only `np.`, `numpy.`, "
                            "`math.` or `torch.` may come before a function name")
            return fail("unexpected_character", text, i, hint="a decimal point needs digits, e.g. `0.5`")
        code = f"U+{ord(c):04X}"
        name = unicodedata.name(c, "")
        if c in _BIDI or unicodedata.category(c) in ("Cf", "Cc"):
            return fail("unexpected_character", text, i, found=code,
                        hint=f"remove the invisible character {code}")
        if c == "$":
            return fail("unexpected_character", text, i, hint="`$` may only surround the whole answer")
        if c.isalpha():
            return fail("unexpected_character", text, i,
                        hint=f"`{c}` ({code} {name.lower()}) is not a letter the grader reads; "
                        "type plain ASCII letters")
        return fail("unexpected_character", text, i, hint="")

    def middle_dot(self, i: int, hi: int) -> ParseError | None:
        """`0·5` between digits: some write `·` as a decimal point, others as a product (None when a
        decimal point next to it already says: `2.5·3`)."""
        text = self.text
        lo, j = i, i + 1
        while lo > 0 and text[lo - 1] in _DIGITS:
            lo -= 1
        while j < hi and text[j] in _DIGITS:
            j += 1
        if (lo > 0 and text[lo - 1] == ".") or (j + 1 < hi and text[j] == "." and text[j + 1] in _DIGITS):
            return None
        a, b = text[lo:i], text[i + 1:j]
        return fail("not_allowed", text, i, hint=f"`{a}{text[i]}{b}` is ambiguous (a decimal point or a "
                    f"product): write `{a}.{b}` or `{a}*{b}`")

    def number(self, i: int, hi: int) -> int:
        text = self.text
        j = i
        while j < hi and text[j] in _DIGITS:
            j += 1
        whole = text[i:j]
        frac = ""
        if j < hi and text[j] == ".":
            k = j + 1
            while k < hi and text[k] in _DIGITS:
                k += 1
            frac = text[j + 1:k]
            j = k
        exp_text = ""
        if j < hi and text[j] in "eE":
            k = j + 1
            if k < hi and text[k] in "+-":
                k += 1
            if k < hi and text[k] in _DIGITS:
                m = k
                while m < hi and text[m] in _DIGITS:
                    m += 1
                exp_text = text[j + 1:m]
                j = m
        digits = whole + frac
        if len(digits) > MAX_NUMBER_DIGITS:
            raise fail("number_too_large", text, i, j, hint=f"at most {MAX_NUMBER_DIGITS} digits in a number",
                       limit=MAX_NUMBER_DIGITS)
        exponent = int(exp_text) if exp_text and len(exp_text.lstrip("+-")) <= 6 else 0
        if exp_text and (len(exp_text.lstrip("+-")) > 6
                         or (abs(exponent) + len(digits)) * _LOG2_10 > MAX_INT_BITS):
            raise fail("number_too_large", text, i, j, hint="the power of ten is too large")
        value = Fraction(int(digits), 10 ** len(frac)) * Fraction(10) ** exponent
        # `5.` (nothing after the point, as in a sentence's full stop) is not counted as a decimal.
        self.emit(Token(NUM, text[i:j], i, j, number=value, decimal=bool(frac or exp_text)))
        return j

    def partial(self, i: int, hi: int) -> int:
        """`∂w` or `\\partial w` is read as `dw`: partial derivatives are written like `d/dw`, which
        the author notation reads with respect to any of the sheet's variables."""
        j = i + 1 if self.text[i] == "\u2202" else i + len("\\partial")
        k = j
        while k < hi and self.text[k] == " ":
            k += 1
        end = k
        while end < hi and self.text[end] in _IDENT:
            end += 1
        if end == k or self.text[k] not in _LETTERS:
            self.emit(Token(NAME, "d", i, j))
            return j
        self.emit(Token(NAME, "d" + self.text[k:end], i, end))
        return end

    def identifier(self, i: int, hi: int) -> int:
        text = self.text
        prev = self.tokens[-1] if self.tokens else None
        if text[i] == "_" and prev is not None and prev.origin == "latex" and not self.space:
            self.emit(Token(OP, "_", i, i + 1))  # LaTeX subscript, as in \log_2
            return i + 1
        j = i
        while j < hi and text[j] in _IDENT:
            j += 1
        word = text[i:j]
        if j + 1 < hi and text[j] == "." and (text[j + 1] in _LETTERS or text[j + 1] == "_"):
            if word not in PREFIXES:
                raise self.bad_character(".", j)
            k = j + 1
            while k < hi and text[k] in _IDENT:
                k += 1
            if k + 1 < hi and text[k] == "." and text[k + 1] in _LETTERS:
                raise self.bad_character(".", k)
            self.emit(Token(NAME, text[j + 1:k], i, k, origin="prefix"))
            return k
        self.emit(Token(NAME, word, i, j))
        return j

    def superscript(self, i: int, hi: int) -> int:
        """A run like `⁻²` reads as `^(-2)`; the brackets are invisible tokens."""
        text = self.text
        j = i
        while j < hi and text[j] in _SUPER:
            j += 1
        self.emit(Token(OP, "^", i, j, origin="sup"))
        self.emit(Token(OP, "(", i, i, origin="sup"))
        k = i
        while k < j:
            c = _SUPER[text[k]]
            if c in _DIGITS:
                m = k
                while m < j and _SUPER[text[m]] in _DIGITS:
                    m += 1
                digits = "".join(_SUPER[ch] for ch in text[k:m])
                if len(digits) > MAX_NUMBER_DIGITS:
                    raise fail("number_too_large", text, k, m, limit=MAX_NUMBER_DIGITS)
                self.emit(Token(NUM, digits, k, m, number=Fraction(int(digits))))
                k = m
                continue
            self.emit(Token(NAME if c.isalpha() else OP, c, k, k + 1, origin="sup"))
            k += 1
        self.emit(Token(OP, ")", j, j, origin="sup"))
        return j

