"""Building a sheet's typed models (grader.sheets.model) from its composed YAML, one key at a time.

Every problem is collected on the Reader with its file:line:col and a fix, instead of stopping at the
first. Every expression goes through the same safe parser as student answers.
"""

from __future__ import annotations

import difflib

import yaml

from grader.core.errors import ParseError, describe
from grader.equivalence import KinkPolicy
from grader.parsing import KNOWN_FUNCTIONS, ParseContext, SheetFunction, parse
from grader.sheets.forms import FormRule
from grader.sheets.model import (
    KINK_POLICIES,
    PART_KINDS,
    ChoiceAnswer,
    Definition,
    DerivationAnswer,
    Expects,
    Expression,
    ExpressionAnswer,
    IntervalAnswer,
    Mistake,
    NumberAnswer,
    Part,
    Question,
    Sheet,
)
from grader.sheets.names import Names
from grader.sheets.variants import check_shown, read_parameters
from grader.sheets.yaml_nodes import Reader

# The keys each YAML mapping may have (grader.sheets.schema documents them).
SHEET_KEYS = ("id", "title", "variables", "letter_products", "definitions", "questions")
DEF_KEYS = ("name", "aliases", "params", "body", "about")
QUESTION_KEYS = ("id", "title", "statement", "function", "parts", "parameters", "variables")
PART_KEYS = (
    "id", "ask", "kind", "answer", "points", "hints", "mistakes", "at_kinks", "interval", "choices",
    "correct_feedback", "start", "target", "final_form", "min_lines", "parts", "forms", "derivative",
)
MISTAKE_KEYS = ("answer", "message", "score")
FORM_KEYS = ("only", "forbid", "decimals", "message", "score")


def one_letter_products(variables: tuple[str, ...]) -> bool:
    """`wx` reads as w*x by default when there are several variables, each one letter."""
    return len(variables) > 1 and all(len(v) == 1 for v in variables)


class Builder:
    def __init__(self, reader: Reader) -> None:
        self.r = reader
        self.ctx = ParseContext()
        self.definitions: list[Definition] = []
        self.addresses: set[str] = set()
        self.params: tuple[str, ...] = ()  # the parameters of the question being read
        self.variables: tuple[str, ...] = ("x",)  # the sheet's variables, or the question's being read
        self.function: Expression | None = None  # the function of the question being read
        self.letters_set = False  # the sheet sets `letter_products:` (then its questions follow it)
        self.names = Names(reader)

    def expression(self, node: yaml.Node, what: str, ctx: ParseContext | None = None) -> Expression | None:
        text = self.r.text(node, what)
        if text is None:
            return None
        assert isinstance(node, yaml.ScalarNode)
        try:
            parsed = parse(text, ctx or self.ctx)
        except ParseError as err:
            self.r.error(self.r.where_in_scalar(node, err.offset), f"{what} does not parse: {describe(err)}",
                         "write it in the student notation, e.g. `e^(-x)/(1 + e^(-x))^2`")
            return None
        return Expression(text, parsed.expr, self.r.where(node))

    def sheet(self, root: yaml.Node) -> Sheet | None:
        r = self.r
        m = r.mapping(root, "the sheet", SHEET_KEYS, ("id", "title", "questions"))
        if m is None:
            return None
        sheet_id = r.text(m["id"], "the sheet's `id`") if "id" in m else None
        title = r.text(m["title"], "the sheet's `title`") if "title" in m else None
        variables: tuple[str, ...] = ("x",)
        if "variables" in m:
            variables = tuple(v for v in r.each(m["variables"], "`variables`", self.variable))
            if not variables:  # reported once here; read on with x so the rest gets checked too
                r.error(m["variables"], "the sheet lists no variables", "list at least one, e.g. `variables: [x]`")
                variables = ("x",)
        letters = one_letter_products(variables)
        self.letters_set = "letter_products" in m  # set by the author: every question's too
        if self.letters_set:
            letters = self.flag(m["letter_products"], "`letter_products`")
        self.ctx = ParseContext(variables=variables, author=True, letter_products=letters)
        self.variables = variables
        for node in r.sequence(m["definitions"], "`definitions`") if "definitions" in m else []:
            d = self.definition(node)
            if d is not None:
                self.definitions.append(d)
                self.ctx = ParseContext(
                    variables=variables,
                    functions=tuple(SheetFunction(x.name, x.aliases, len(x.params)) for x in self.definitions),
                    author=True,
                    letter_products=letters,
                )
        questions: list[Question] = []
        seen: set[str] = set()
        for node in r.sequence(m["questions"], "`questions`") if "questions" in m else []:
            q = self.question(node)
            if q is None:
                continue
            if q.id in seen:
                r.error(q.where, f"question id `{q.id}` is used twice", "give each question its own id")
            seen.add(q.id)
            questions.append(q)
        if sheet_id is None or title is None:
            return None
        return Sheet(sheet_id, title, r.path, variables, tuple(self.definitions), tuple(questions),
                     letter_products=letters)

    def definition(self, node: yaml.Node) -> Definition | None:
        r = self.r
        m = r.mapping(node, "a definition", DEF_KEYS, ("name", "body"))
        if m is None or "name" not in m or "body" not in m:
            return None
        name = r.text(m["name"], "a definition's `name`")
        self.names.give(name, "the name of a function", m["name"])
        aliases = tuple(r.each(m.get("aliases"), "`aliases`", lambda n: self.alias(n, name)))
        params = tuple(r.each(m.get("params"), "`params`", lambda n: r.text(n, "a parameter"))) or ("x",)
        ctx = ParseContext(variables=params, functions=self.ctx.functions, author=True)
        body = self.expression(m["body"], f"the body of `{name}`", ctx)
        about = r.text(m["about"], "`about`") if "about" in m else ""
        if name is None or body is None:
            return None
        return Definition(name, aliases, params, body, about or "", r.where(node))

    def variable(self, node: yaml.Node) -> str | None:
        name = self.r.text(node, "a variable")
        self.names.give(name, "a variable", node)
        return name

    def question_variables(self, node: yaml.Node) -> tuple[str, ...]:
        """A question's own `variables:`, in place of the sheet's: the sheet's variables or new names."""
        errors = len(self.r.errors)
        names = tuple(self.r.each(node, "`variables`", self.question_variable))
        if not names and len(self.r.errors) == errors:
            self.r.error(node, "the question lists no variables",
                         "list at least one, e.g. `variables: [x]`, or leave `variables:` out to use the sheet's")
        return names if len(self.r.errors) == errors else ()  # a clash was reported: read on with the sheet's

    def question_variable(self, node: yaml.Node) -> str | None:
        name = self.r.text(node, "a variable")
        if name and name not in self.variables and not self.names.given.get(name, "").startswith("a variable"):
            self.names.give(name, "a variable", node)  # a new name: it may clash with a function's
        return name

    def alias(self, node: yaml.Node, function: str | None) -> str | None:
        name = self.r.text(node, "an alias")
        self.names.give(name, f"another name of `{function}`", node)
        return name

    def question(self, node: yaml.Node) -> Question | None:
        r = self.r
        m = r.mapping(node, "a question", QUESTION_KEYS, ("id", "statement", "parts"))
        if m is None or "id" not in m:
            return None
        qid = r.text(m["id"], "a question's `id`")
        if qid is None:
            return None
        title = (r.text(m["title"], "`title`") if "title" in m else None) or qid
        statement = (r.text(m["statement"], "`statement`") if "statement" in m else None) or ""

        own = self.question_variables(m["variables"]) if "variables" in m else ()
        params = read_parameters(r, m["parameters"], self.ctx) if "parameters" in m else ()
        outer, sheet_variables = self.ctx, self.variables
        self.variables = own or sheet_variables
        self.params = tuple(p.name for p in params)  # usable as names in this question's expressions
        letters = outer.letter_products if self.letters_set or not own else one_letter_products(own)
        self.ctx = ParseContext(variables=(*self.variables, *self.params), functions=outer.functions,
                                author=True, letter_products=letters)
        try:
            function = self.expression(m["function"], "`function`") if "function" in m else None
            self.function = function
            parts: list[Part] = []
            groups: dict[str, str] = {}
            for child in r.sequence(m["parts"], "`parts`") if "parts" in m else []:
                self.part(child, qid, parts, groups)
        finally:
            self.ctx, self.params, self.variables, self.function = outer, (), sheet_variables, None
        question = Question(qid, title, statement, function, tuple(parts), groups, r.where(node), params,
                            variables=own, letter_products=letters if own else None)
        if params:
            check_shown(r, question, m["parameters"])
        return question

    def part(self, node: yaml.Node, prefix: str, out: list[Part], groups: dict[str, str]) -> None:
        r = self.r
        m = r.mapping(node, "a part", PART_KEYS, ("id",))
        if m is None or "id" not in m:
            return
        pid = r.text(m["id"], "a part's `id`")
        if pid is None:
            return
        address = f"{prefix}.{pid}"
        if address in self.addresses:
            r.error(m["id"], f"part address `{address}` is used twice", "give each part its own id")
        self.addresses.add(address)
        ask = (r.text(m["ask"], "`ask`") if "ask" in m else None) or ""
        if "parts" in m:  # a group: its sub-parts are what gets graded
            extra = sorted(set(m) - {"id", "ask", "parts", "hints"})
            if extra:
                r.error(m[extra[0]], f"part `{address}` has sub-parts, so `{extra[0]}` belongs on a sub-part")
            groups[address] = ask
            for child in r.sequence(m["parts"], "`parts`"):
                self.part(child, address, out, groups)
            return
        built = self.leaf(m, node, address, ask)
        if built is not None:
            out.append(built)

    def leaf(self, m: dict[str, yaml.Node], node: yaml.Node, address: str, ask: str) -> Part | None:
        r = self.r
        kind = r.text(m["kind"], "`kind`") if "kind" in m else None
        if kind not in PART_KINDS:
            close = difflib.get_close_matches(kind or "", PART_KINDS, n=1, cutoff=0.6)
            if kind is not None and close:
                r.error(m["kind"], f"part `{address}` has an unknown `kind` `{kind}`", f"did you mean `{close[0]}`?")
            else:
                r.error(m.get("kind", node), f"part `{address}` needs a `kind`: one of {', '.join(PART_KINDS)}")
            return None
        points = r.number(m["points"], "`points`") if "points" in m else 1.0
        hints = tuple(r.each(m.get("hints"), "`hints`", lambda n: r.text(n, "a hint")))
        feedback = (r.text(m["correct_feedback"], "`correct_feedback`") if "correct_feedback" in m else "") or ""
        allowed = {
            "expression": {"answer", "at_kinks", "mistakes", "derivative"},
            "number": {"answer", "interval", "mistakes"},
            "choice": {"choices", "answer", "mistakes"},
            "derivation": {"start", "target", "final_form", "min_lines", "mistakes", "derivative"},
        }[kind]
        common = {"id", "ask", "kind", "points", "hints", "correct_feedback", "forms"}
        for key in m:
            if key not in allowed | common:
                r.error(m[key], f"`{key}` does not apply to a {kind} part",
                        f"a {kind} part takes: {', '.join(sorted(allowed))}")
        forms = tuple(r.each(m.get("forms"), "`forms`", self.form_rule))
        derivative, wrt = self.derivative(m.get("derivative"), address)
        read = {"expression": self.expression_part, "number": self.number_part, "choice": self.choice_part,
                "derivation": self.derivation_part}[kind]
        expects = read(m, node, address)
        if expects is None:
            return None
        const = ParseContext(variables=self.params, functions=self.ctx.functions, author=True)
        mistakes = self.choice_mistakes(m, expects) if isinstance(expects, ChoiceAnswer) \
            else self.mistakes(m, const if kind == "number" else None)
        return Part(address, ask, points if points is not None else 1.0, r.where(node), expects, forms=forms,
                    derivative=derivative, wrt=wrt, hints=hints, mistakes=mistakes, correct_feedback=feedback,
                    uses=self.uses(expects, wrt))

    def uses(self, expects: Expects, wrt: str) -> tuple[str, ...]:
        """The variables, in the order listed, that the part's function, reference and `derivative:` name."""
        exprs = [e.expr for e in (self.function, *references(expects)) if e is not None]
        named = {wrt} | {str(s) for e in exprs for s in e.free_symbols}
        return tuple(v for v in self.variables if v in named)

    def mistakes(self, m: dict[str, yaml.Node], ctx: ParseContext | None = None) -> tuple[Mistake, ...]:
        r = self.r
        out: list[Mistake] = []
        for node in r.sequence(m["mistakes"], "`mistakes`") if "mistakes" in m else []:
            mm = r.mapping(node, "a mistake", MISTAKE_KEYS, ("answer", "message"))
            if mm is None or "answer" not in mm or "message" not in mm:
                continue
            answer = self.expression(mm["answer"], "a mistake's `answer`", ctx)
            message = r.text(mm["message"], "a mistake's `message`")
            score = r.number(mm["score"], "a mistake's `score`") if "score" in mm else 0.0
            if answer is not None and message is not None:
                out.append(Mistake(answer, message, score or 0.0, r.where(node)))
        return tuple(out)

    def expression_part(self, m: dict[str, yaml.Node], node: yaml.Node, address: str) -> ExpressionAnswer | None:
        if "answer" not in m:
            self.r.error(node, f"part `{address}` needs an `answer`")
            return None
        answer = self.expression(m["answer"], "`answer`")
        policy = self.kink_policy(m["at_kinks"]) if "at_kinks" in m else None
        return None if answer is None else ExpressionAnswer(answer, policy)

    def kink_policy(self, node: yaml.Node) -> KinkPolicy | None:
        r = self.r
        if isinstance(node, yaml.MappingNode):
            mm = r.mapping(node, "`at_kinks`", ("value",), ("value",))
            if mm and "value" in mm:
                value = self.expression(mm["value"], "`at_kinks.value`", ParseContext(variables=self.params))
                if value is not None:
                    return KinkPolicy("value", value.expr)
            return None
        text = r.text(node, "`at_kinks`")
        if text not in KINK_POLICIES:
            close = difflib.get_close_matches(text or "", KINK_POLICIES, n=1, cutoff=0.6)
            r.error(node, f"`at_kinks` must be one of {', '.join(KINK_POLICIES)} or `{{value: c}}`, not `{text}`",
                    f"did you mean `{close[0]}`?" if close else "")
            return None
        return KinkPolicy(text)  # type: ignore[arg-type]

    def number_part(
        self, m: dict[str, yaml.Node], node: yaml.Node, address: str
    ) -> NumberAnswer | IntervalAnswer | None:
        r = self.r
        const = ParseContext(variables=self.params, functions=self.ctx.functions, author=True)
        if "answer" in m and "interval" in m:
            r.error(m["interval"], f"number part `{address}` has both an `answer` and an `interval`",
                    "keep `answer` for one exact value, or `interval` when any value in it is right")
            return None
        if "answer" in m:
            answer = self.expression(m["answer"], "`answer`", const)
            return None if answer is None else NumberAnswer(answer)
        if "interval" not in m:
            r.error(node, f"number part `{address}` needs an `answer` or an `interval`")
            return None
        ends = [self.expression(n, "an end of `interval`", const) for n in r.sequence(m["interval"], "`interval`")]
        if len(ends) != 2:
            r.error(m["interval"], "`interval` must have two ends, like `[0, 1]`")
            return None
        low, high = ends
        return None if low is None or high is None else IntervalAnswer(low.expr, high.expr)

    def choice_part(self, m: dict[str, yaml.Node], node: yaml.Node, address: str) -> ChoiceAnswer | None:
        r = self.r
        choices: dict[str, tuple[str, ...]] = {}
        if "choices" in m:
            cm = r.mapping(m["choices"], "`choices`", None)
            for key, value in (cm or {}).items():
                spellings = tuple(r.each(value, f"spellings of `{key}`", lambda n: r.text(n, "a spelling")))
                choices[key] = tuple(dict.fromkeys(s.casefold() for s in (key, *spellings)))
        else:
            r.error(node, f"choice part `{address}` needs `choices`")
        answer = r.text(m["answer"], "`answer`") if "answer" in m else None
        if answer is not None and answer not in choices:
            r.error(m["answer"], f"the answer `{answer}` is not one of the choices", f"choices: {', '.join(choices)}")
            return None
        if answer is None:
            r.error(node, f"choice part `{address}` needs an `answer`")
            return None
        return ChoiceAnswer(choices, answer)

    def choice_mistakes(self, m: dict[str, yaml.Node], expects: ChoiceAnswer) -> tuple[Mistake, ...]:
        r = self.r
        mistakes: list[Mistake] = []
        for mnode in r.sequence(m["mistakes"], "`mistakes`") if "mistakes" in m else []:
            mm = r.mapping(mnode, "a mistake", MISTAKE_KEYS, ("answer", "message"))
            if not mm or "answer" not in mm or "message" not in mm:
                continue
            wrong, message = r.text(mm["answer"], "a mistake's `answer`"), r.text(mm["message"], "`message`")
            if wrong is not None and wrong not in expects.choices:
                r.error(mm["answer"], f"the mistake `{wrong}` is not one of the choices")
            elif wrong is not None and message is not None:
                mistakes.append(Mistake(wrong, message, 0.0, r.where(mnode)))
        return tuple(mistakes)

    def derivation_part(self, m: dict[str, yaml.Node], node: yaml.Node, address: str) -> DerivationAnswer | None:
        r = self.r
        for key in ("start", "target"):
            if key not in m:
                r.error(node, f"derivation part `{address}` needs `{key}`")
        start = self.expression(m["start"], "`start`") if "start" in m else None
        target = self.expression(m["target"], "`target`") if "target" in m else None
        form = self.form_rule(m["final_form"]) if "final_form" in m else None
        min_lines = r.integer(m["min_lines"], "`min_lines`") if "min_lines" in m else 2
        if start is None or target is None:
            return None
        return DerivationAnswer(start, target, form, min_lines or 2)

    def derivative(self, node: yaml.Node | None, address: str) -> tuple[bool, str]:
        """`derivative: true` (the sheet's one variable) or `derivative: w` (a partial derivative)."""
        if node is None:
            return False, ""
        variables = self.variables
        value = self.r.text(node, "`derivative`")
        if value == "false":
            return False, ""
        if value == "true" and len(variables) == 1:
            return True, variables[0]
        if value in variables:
            return True, value
        if value == "true":
            self.r.error(node, f"part `{address}` is a derivative, but the sheet has several variables: "
                               "say which one it is taken with respect to",
                         f"write `derivative: {variables[0]}` (or another of {', '.join(variables)})")
        else:
            self.r.error(node, f"`derivative` must be true, false or one of the sheet's variables "
                               f"({', '.join(variables)}), not `{value}`")
        return False, ""

    def flag(self, node: yaml.Node, what: str) -> bool:
        value = self.r.text(node, what)
        if value not in ("true", "false"):
            self.r.error(node, f"{what} must be true or false")
        return value == "true"

    def form_rule(self, node: yaml.Node) -> FormRule | None:
        """`{only: [sigma]}`, `{forbid: [exp]}`, `{decimals: false}`, each with `message` and `score`."""
        r = self.r
        fm = r.mapping(node, "a form rule", FORM_KEYS, ("message",))
        if fm is None:
            return None
        if not {"only", "forbid", "decimals"} & set(fm):
            r.error(node, "a form rule needs `only`, `forbid` or `decimals`", "e.g. `only: [sigma]`")
            return None
        canonical = {alias: f.name for f in self.ctx.functions for alias in (f.name, *f.aliases)}
        canonical |= {"abs": "Abs", "max": "Max", "min": "Min", "sign": "sign", "ln": "log"}

        def names(key: str) -> tuple[str, ...]:
            out = []
            for name in r.each(fm[key], f"`{key}`", lambda n: r.text(n, "a name")):
                if name not in canonical and name not in KNOWN_FUNCTIONS and name not in ("e", "pi"):
                    r.error(fm[key], f"the form rule names `{name}`, which is not a function of this sheet",
                            "use a function name such as `sigma`, `tanh`, `exp`")
                out.append(canonical.get(name, name))
            return tuple(out)

        only = names("only") if "only" in fm else None
        forbid = names("forbid") if "forbid" in fm else ()
        decimals = self.flag(fm["decimals"], "`decimals`") if "decimals" in fm else True
        message = (r.text(fm["message"], "`message`") if "message" in fm else None) or ""
        score = r.number(fm["score"], "`score`") if "score" in fm else 0.0
        return FormRule(only, forbid, decimals, message, score or 0.0, r.where(node))


def references(expects: Expects) -> tuple[Expression, ...]:
    """The expressions an answer of this kind is compared with."""
    if isinstance(expects, ExpressionAnswer | NumberAnswer):
        return (expects.answer,)
    if isinstance(expects, DerivationAnswer):
        return (expects.start, expects.target)
    return ()
