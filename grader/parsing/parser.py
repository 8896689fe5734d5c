"""Tokens -> syntax tree: a Pratt parser with explicit depth limits (never a RecursionError).

Binding powers, loosest first: `if/else` < or < and < not < comparisons < + - < * / and
juxtaposition < unary minus < ^. So `-x^2` is -(x^2) and `2^3^2` is 2^9.
"""

from __future__ import annotations

from typing import Literal

from grader.core.limits import MAX_DEPTH
from grader.parsing import author_notation, calls, rows, syntax_errors
from grader.parsing.common import (
    BP_ADD,
    BP_AND,
    BP_CMP,
    BP_COND,
    BP_MUL,
    BP_NOT,
    BP_OR,
    BP_POW,
    BP_UNARY,
    CASES,
    CLOSERS,
    COMPARISONS,
    END,
    ENDCASES,
    ERROR,
    FRAC,
    NAME,
    NUM,
    OP,
    OPEN_CLOSE,
    ROOT,
    ROWSEP,
    SQRT,
    TEXT,
    Token,
    column,
    fail,
    is_word,
)
from grader.parsing.context import ParseContext
from grader.parsing.names import BUILTINS, CONSTANTS, KEYWORDS
from grader.parsing.nodes import Abs, Bool, Call, Compare, Cond, Const, Logic, Neg, Node, Num, Pow, Prod, Sum, Var
from grader.parsing.resolve import Names

_POSTFIX = 50


class Parser:
    def __init__(self, text: str, tokens: list[Token], ctx: ParseContext) -> None:
        self.text = text
        self.toks = tokens
        self.i = 0
        self.depth = 0
        self.abs_depth = 0  # open `|...|` bars: an infix `|` closes the innermost
        self.brackets = 0
        self.names = Names(ctx)
        self.has_decimal = False
        self.author = ctx.author  # author notation (grader.parsing.author_notation): never for students
        self.eq_compare = False  # in a condition (`cases` row, `if`) a single `=` compares: `x = 0`

    # --- token access ---------------------------------------------------------------------------

    def peek(self, k: int = 0) -> Token:
        tok = self.toks[min(self.i + k, len(self.toks) - 1)]
        if tok.kind == ERROR and k == 0 and tok.error is not None:
            raise tok.error
        return tok

    def advance(self) -> Token:
        tok = self.peek()
        self.i += 1
        return tok

    @property
    def prev_end(self) -> int:
        return self.toks[self.i - 1].end if self.i else 0

    def enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise fail("too_deep", self.text, tok.start, tok.end, limit=MAX_DEPTH,
                       hint=f"at most {MAX_DEPTH} levels of brackets or operators")

    def leave(self) -> None:
        self.depth -= 1

    def src(self, start: int, end: int) -> str:
        return self.text[start:end].strip()

    # --- the Pratt loop -------------------------------------------------------------------------

    def parse_all(self) -> Node:
        node = rows.natural(self) if not self.author else None
        if node is not None:
            return node
        node = self.expr(0)
        tok = self.peek()
        if tok.kind != END:
            raise syntax_errors.trailing(self, tok)
        return node

    def sub_expr(self, tokens: list[Token], *, condition: bool) -> Node:
        """One whole expression (or condition) made of `tokens` alone, e.g. a row of cases."""
        saved = self.toks, self.i, self.eq_compare
        end = tokens[-1].end
        self.toks, self.i, self.eq_compare = [*tokens, Token(END, "", end, end, space=True)], 0, condition
        try:
            node = self.expr(0)
            tok = self.peek()
            if tok.kind != END:
                raise syntax_errors.trailing(self, tok)
            return node
        finally:
            self.toks, self.i, self.eq_compare = saved

    def expr(self, min_bp: int) -> Node:
        self.enter(self.peek())
        left = self.nud()
        while True:
            tok = self.peek()
            bp = self.lbp(tok)
            if bp <= min_bp:
                break
            left = self.led(left, tok)
        self.leave()
        return left

    def lbp(self, tok: Token) -> int:
        if tok.kind == OP:
            v = tok.value
            if v in ("+", "-"):
                return BP_ADD
            if v in ("*", "/"):
                return BP_MUL
            if v == "^":
                return BP_POW
            if v in COMPARISONS or author_notation.is_equals_condition(self, tok):
                return BP_CMP
            if v == "&":
                return BP_AND
            if v in ("!", "_"):
                return _POSTFIX
            if v in OPEN_CLOSE:
                return BP_MUL
            if v == "|":
                return 0 if self.abs_depth else BP_MUL
            return 0
        if tok.kind == NAME:
            if is_word(tok):
                return {"and": BP_AND, "or": BP_OR, "if": BP_COND}.get(tok.value, 0)
            return BP_MUL
        if tok.kind in (NUM, FRAC, SQRT, ROOT, CASES):
            return BP_MUL
        if tok.kind == TEXT:
            return author_notation.phrase_bp(tok)
        return 0

    def led(self, left: Node, tok: Token) -> Node:
        if tok.kind == OP:
            v = tok.value
            if v in ("+", "-"):
                self.advance()
                right = self.expr(BP_ADD)
                if isinstance(left, Sum) and not left.paren:
                    left.terms.append((v == "-", right))
                    left.end = right.end
                    return left
                return Sum(start=left.start, end=right.end, terms=[(False, left), (v == "-", right)])
            if v in ("*", "/"):
                self.advance()
                return self.join(left, self.expr(BP_MUL), divide=v == "/")
            if v == "^":
                return self.led_pow(left)
            if v in COMPARISONS or author_notation.is_equals_condition(self, tok):
                return self.led_compare(left)
            if v == "&":
                return self.led_logic(left, "and")
            if v == "!":
                raise fail("not_allowed", self.text, tok.start, tok.end,
                           hint="`!` (factorial) is not allowed in an answer")
            if v == "_":
                raise fail("unexpected_token", self.text, tok.start, tok.end,
                           hint="subscripts are not allowed")
        if tok.kind == TEXT:
            return author_notation.alternative(self, left, tok)
        if is_word(tok):
            if tok.value == "if":
                return self.led_if(left)
            return self.led_logic(left, "and" if tok.value == "and" else "or")  # lbp lets no other word here
        return self.led_juxtaposed(left, tok)

    def join(self, left: Node, right: Node, *, divide: bool) -> Node:
        if isinstance(left, Prod) and not left.paren:
            left.factors.append((divide, right))
            left.end = right.end
            return left
        return Prod(start=left.start, end=right.end, factors=[(False, left), (divide, right)])

    def led_pow(self, left: Node) -> Node:
        op = self.advance()
        right = self.expr(BP_POW - 1)
        return Pow(start=left.start, end=right.end, base=left, exp=right, op_start=op.start)

    def led_compare(self, left: Node) -> Node:
        ops: list[str] = []
        operands = [left]
        while self.peek().kind == OP and (self.peek().value in COMPARISONS
                                          or author_notation.is_equals_condition(self, self.peek())):
            op = self.advance().value
            ops.append("==" if op == "=" else op)  # `=` only in a condition (cases row, `if`)
            operands.append(self.expr(BP_CMP))
        return Compare(start=left.start, end=operands[-1].end, ops=ops, operands=operands)

    def led_logic(self, left: Node, op: Literal["and", "or"]) -> Node:
        self.advance()
        right = self.expr(BP_AND if op == "and" else BP_OR)
        if isinstance(left, Logic) and left.op == op and not left.paren:
            left.args.append(right)
            left.end = right.end
            return left
        return Logic(start=left.start, end=right.end, op=op, args=[left, right])

    def led_if(self, left: Node) -> Node:
        self.advance()
        saved, self.eq_compare = self.eq_compare, True  # `1 if x = 0 else 0`: `=` compares
        cond = self.expr(BP_COND)
        self.eq_compare = saved
        tok = self.peek()
        if not (is_word(tok) and tok.value == "else"):
            raise fail("unexpected_end" if tok.kind == END else "unexpected_token", self.text, tok.start,
                       tok.end, hint="a Python conditional needs `else`, e.g. `1 if x > 0 else 0` "
                       "(or give every case: `{ 0 if x < 0; 1 if x > 0 }`)")
        self.advance()
        other = self.expr(BP_COND - 1)
        pairs = [(left, cond)]
        if isinstance(other, Cond) and other.python:
            pairs.extend(other.pairs)
        else:
            pairs.append((other, Bool(start=other.start, end=other.end, value=True)))
        return Cond(start=left.start, end=other.end, pairs=pairs, python=True)

    def led_juxtaposed(self, left: Node, tok: Token) -> Node:
        if tok.is_op("[") and tok.origin == "" and not tok.space and \
                (left.paren or isinstance(left, Var | Const) or (isinstance(left, Call) and self.indexes())):
            raise fail("not_allowed", self.text, tok.start, tok.end,
                       hint="`[` right after a value reads as indexing, which is not allowed; "
                       "write `*` before `[` to multiply")
        if tok.kind == NUM:
            raise fail("unexpected_token", self.text, tok.start, tok.end,
                       hint=f"write `*` before a number that multiplies, e.g. "
                       f"`{self.src(left.start, left.end)}*{tok.value}`"
                       if left.end - left.start < 30 else "write `*` before the number")
        right = self.expr(BP_MUL)
        syntax_errors.check_ambiguous(self, left, right, tok)
        return self.join(left, right, divide=False)

    def indexes(self) -> bool:
        """`[` after a call reads as indexing only around a whole number: `sigma(x)[0]`, `f(x)[-1]`;
        `σ(x)[1-σ(x)]` is a bracket (a product)."""
        toks, i = self.toks, self.i + 1
        if i < len(toks) and toks[i].is_op("-"):
            i += 1
        if i + 1 >= len(toks) or not toks[i + 1].is_op("]"):
            return False
        number = toks[i].number
        return toks[i].kind == NUM and not toks[i].decimal and number is not None and number.denominator == 1

    # --- prefix positions -----------------------------------------------------------------------

    def nud(self) -> Node:
        tok = self.peek()
        if tok.kind == NUM:
            self.advance()
            assert tok.number is not None
            self.has_decimal = self.has_decimal or tok.decimal
            return Num(start=tok.start, end=tok.end, value=tok.number)
        if tok.kind == NAME:
            return self.name(tok)
        if tok.kind == OP:
            if tok.value in ("-", "+"):
                self.advance()
                arg = self.expr(BP_UNARY)
                return Neg(start=tok.start, end=arg.end, arg=arg) if tok.value == "-" else arg
            if tok.value in OPEN_CLOSE:
                return self.group()
            if tok.value == "|":
                return self.abs_bars()
        if tok.kind == FRAC:
            return calls.frac(self)
        if tok.kind == SQRT:
            return calls.latex_sqrt(self)
        if tok.kind == ROOT:
            return calls.unicode_root(self)
        if tok.kind == CASES:
            return calls.cases(self)
        if tok.kind == TEXT:
            return author_notation.phrase_value(self, tok)
        raise syntax_errors.no_operand(self, tok)

    def name(self, tok: Token) -> Node:
        if self.author and tok.value == "lim" and tok.origin == "latex":
            return author_notation.limit(self, tok)
        if self.author:
            derivative = author_notation.slash_derivative(self, tok)
            if derivative is not None:
                return derivative
            tok = author_notation.split_helpers(self, tok)
        if self.names.ctx.letter_products:
            tok = split_letters(self, tok)
        after = self.peek(1)
        r = self.names.resolve(tok, self.text, after, self.paren_text(self.i + 1))
        if r.kind == "keyword":
            if r.name == "not":
                self.advance()
                arg = self.expr(BP_NOT)
                return Logic(start=tok.start, end=arg.end, op="not", args=[arg])
            if r.name in ("True", "False"):
                self.advance()
                return Bool(start=tok.start, end=tok.end, value=r.name == "True")
            raise fail("unexpected_token", self.text, tok.start, tok.end,
                       hint="`else` without `if`" if r.name == "else" else "")
        if r.kind == "var":
            self.advance()
            return Var(start=tok.start, end=tok.end, name=r.name)
        if r.kind == "const":
            self.advance()
            return Const(start=tok.start, end=tok.end, name=r.name)
        return calls.application(self, tok, r)

    def paren_text(self, i: int) -> str | None:
        """The source inside the brackets starting at token i (None if token i is not `(`)."""
        if not (i < len(self.toks) and self.toks[i].is_op("(")):
            return None
        level = 0
        for j in range(i, len(self.toks)):
            t = self.toks[j]
            if t.is_op("("):
                level += 1
            elif t.is_op(")"):
                level -= 1
                if level == 0:
                    inner = self.src(self.toks[i].end, t.start)
                    return inner if len(inner) <= 24 else "..."
        return "..."

    def group(self) -> Node:
        open_ = self.advance()
        closer = OPEN_CLOSE[open_.value]
        saved, self.abs_depth = self.abs_depth, 0
        self.brackets += 1
        if self.peek().is_op(closer):
            raise fail("unexpected_token", self.text, open_.start, self.peek().end,
                       hint="empty brackets: put an expression inside")
        inner = self.expr(0)
        close = self.close(open_, closer)
        self.brackets -= 1
        self.abs_depth = saved
        inner.paren = True
        inner.start, inner.end = open_.start, close.end
        return inner

    def close(self, open_: Token, closer: str) -> Token:
        tok = self.peek()
        if tok.is_op(closer):
            return self.advance()
        if tok.is_op(","):
            tip = " (for cases use `Piecewise((0, x < 0), (1, True))`)" if open_.value == "(" else ""
            raise fail("not_allowed", self.text, tok.start, tok.end,
                       hint=f"brackets hold one expression: lists and tuples are not allowed{tip}")
        if tok.kind in (END, ENDCASES, ROWSEP) or (tok.kind == OP and tok.value in CLOSERS | {"|"}):
            raise syntax_errors.missing_close(self, open_, closer, tok)
        if tok.is_op("="):
            raise fail("unexpected_token", self.text, tok.start, tok.end,
                       hint="an equation is not an expression; use `==` to compare")
        raise syntax_errors.python_code(self, tok) or fail("unexpected_token", self.text, tok.start, tok.end,
                   hint=f"expected `{closer}` to close the `{open_.value}` at column {column(open_.start)}")

    def abs_bars(self) -> Node:
        open_ = self.advance()
        saved = self.abs_depth
        self.abs_depth += 1  # `||x|-1|`: a bar right after an opening bar opens another
        inner = self.expr(0)
        tok = self.peek()
        if not tok.is_op("|"):
            raise syntax_errors.missing_close(self, open_, "|", tok)
        self.advance()
        self.abs_depth = saved
        return Abs(start=open_.start, end=tok.end, arg=inner, paren=True)



def split_letters(p: Parser, tok: Token) -> Token:
    """`wx` is w times x when every letter is one of the variables and the word names nothing else
    (a sheet option, like STACK's "insert stars for single-letter variables")."""
    names = p.names
    variables = names.variables or {}
    word = tok.value
    if tok.origin != "" or len(word) < 2 or len(word) > 30 or not all(c in variables for c in word):
        return tok
    if word in variables or word in names.sheet or word in CONSTANTS or word in BUILTINS or word in KEYWORDS:
        return tok
    split = [Token(NAME, c, tok.start + k, tok.start + k + 1, space=tok.space and k == 0)
             for k, c in enumerate(word)]
    p.toks[p.i:p.i + 1] = split
    return split[0]
