"""`grader check` and `grader equiv`: one answer, or two expressions."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from grader.cli.app import JsonOption, NoColorOption, SheetOption, SolutionsOption, app, console, fail, read_answer


class ExpressionArguments(TyperCommand):
    """A command whose arguments are maths: `-sin(x)` or `-e^-x` is an argument, not an option,
    unless it is exactly one of the command's option names (`-s`, `-v`, `--json`, ...)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        takes_value: dict[str, bool] = {}
        for param in self.get_params(ctx):
            if param.param_type_name == "option":
                for name in (*param.opts, *param.secondary_opts):
                    takes_value[name] = not getattr(param, "is_flag", False)
        for i, token in enumerate(args):
            if token == "--":
                break
            if takes_value.get(token) and i + 1 == len(args):
                fail(f"`{token}` is an option of `grader {ctx.info_name}` and needs a value; if it is an"
                     f" expression, put -- before the expressions: grader {ctx.info_name} -- ... {token}")
        return super().parse_args(ctx, expressions_last(args, takes_value))


def expressions_last(args: list[str], takes_value: dict[str, bool]) -> list[str]:
    """Options first, then `--`, then the arguments, when an argument starts with `-`."""
    options: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        token = args[i]
        if token == "--":
            rest += args[i + 1:]
            break
        name = token.split("=", 1)[0] if token.startswith("--") else token
        if name in takes_value or (token.startswith("--") and len(token) > 2):
            options.append(token)  # an unknown --word stays an option: click says it does not exist
            if takes_value.get(name) and "=" not in token and i + 1 < len(args):
                options.append(args[i + 1])
                i += 1
        else:
            rest.append(token)
        i += 1
    if not any(a.startswith("-") and a != "-" for a in rest):
        return args
    return [*options, "--", *rest]


@app.command(cls=ExpressionArguments)
def check(
    part: Annotated[str, typer.Argument(help="Part address, e.g. sigmoid.a, relu.b.left.")],
    answer: Annotated[str, typer.Argument(help="The answer, or - to read it (several lines) from standard input.")],
    sheet: SheetOption = None,
    json_out: JsonOption = False,
    no_color: NoColorOption = False,
    solution: Annotated[bool, typer.Option("--solution", help="Also show the part's worked solution.")] = False,
    solutions_path: SolutionsOption = None,
    seed: Annotated[
        int | None, typer.Option("--seed", metavar="N", help="A randomised question's variant (default: the first).")
    ] = None,
) -> None:
    """Grade one answer to one part and say why.

    Exit status: 0 correct; 1 incorrect or invalid; 2 unknown part or bad sheet.

    \b
    Examples:
      grader check sigmoid.a 'e^(-x)/(1+e^-x)^2'
      grader check tanh.a '\\frac{4}{(e^x+e^{-x})^2}'
      grader check relu.a '1 if x > 0 else 0' --json
      grader check relu.b.differentiable no --solution
      grader check loss.a '2x(wx+b-y)' --sheet exercises/hw3.yaml --solution --solutions worked/hw3.yaml
      printf 'e^-x/(1+e^-x)^2\\n= σ(x)(1-σ(x))\\n' | grader check sigmoid.b -
      grader check sigmoid.a '-e^(-x)/(1+e^-x)^2'      (an answer may start with -)
      grader check leaky_relu.a 'α if x < 0 else 1' --sheet piecewise-activations --seed 7
    """
    from grader.core.errors import GraderError, describe  # lazy: keeps `grader --help` fast (no sympy)
    from grader.grading import grade as grading
    from grader.grading import render
    from grader.sheets import cache as sheet_cache
    from grader.sheets import variants

    text = read_answer(answer)
    try:
        loaded = variants.pick(sheet_cache.load(sheet), seed)  # sheets.load, cached on disk by content
        scoped = variants.scoped(loaded, part)
        result = grading.grade(scoped, part, text)
    except GraderError as err:
        fail(describe(err))
    worked = None
    if solution:
        from grader.sheets import solutions  # lazy: keeps `grader --help` fast (no sympy)

        try:
            found = variants.fill_solutions(solutions.load_for(loaded, solutions_path), loaded)
        except GraderError as err:
            fail(describe(err))
        worked = found.for_part(part) if found else None
    from grader.grading.plots import words  # lazy: keeps `grader --help` fast (no sympy)

    said = words(scoped, part, text, result)
    if json_out:
        data = result.to_json()
        if not data.get("extra"):
            data.pop("extra", None)  # the engine's room for more: empty for every verdict today, as in results.json
        data["words"] = said
        data.update(variants.described(loaded, part, seed))  # `variant`, for a randomised question
        if solution:
            data["worked_solution"] = render.solution_json(worked)
        typer.echo(render.to_json_line(data))
    else:
        out = console(no_color)
        note = variants.note(loaded, part, seed)  # which variant, for a randomised question
        if note:
            out.print(note, highlight=False)
        out.print(render.result_text(result, said), end="")
        if solution:
            from grader.practice.render import solution_block  # lazy: keeps `grader --help` fast (no sympy)

            out.print(solution_block(worked, full=True) if worked else "No worked solution for this part.")
    raise typer.Exit(0 if result.status == "correct" else 1)


@app.command(cls=ExpressionArguments)
def equiv(
    a: Annotated[str, typer.Argument(help="First expression (student notation, LaTeX too), or - for stdin.")],
    b: Annotated[str, typer.Argument(help="Second expression, or - for stdin.")],
    var: Annotated[
        list[str] | None,
        typer.Option("--var", "-v", help="A variable name (repeat for several). Default: every free name."),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", "-s", help="Make a sheet's functions (σ, ReLU, ...) known.")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Are two expressions equal, by the same engine that grades students?

    Equal means equal as real functions wherever BOTH sides are defined (real and finite): points
    where only one side is defined are skipped, so `log(a*b)` and `log(a)+log(b)` are equivalent
    (they agree wherever both exist), and `x/x` equals `1`. If no sample point has both sides
    defined, the verdict is `unknown`. Variables are real. An expression may start with `-`
    (`-sin(x)`); only one that is exactly an option name (`-s`, `-v`) needs `--` before it.

    Exit status: 0 equivalent; 1 different, unknown or invalid; 2 usage error.

    \b
    Examples:
      grader equiv '1/(4cosh(x/2)^2)' 'e^-x/(1+e^-x)^2'
      grader equiv 'a^b*a^c' 'a^(b+c)'
      grader equiv 'sigma(x)(1-sigma(x))' 'e^x/(1+e^x)^2' --sheet activation-derivatives
      grader equiv 'sqrt(x^2)' 'x' --json
      grader equiv 'cos(x+pi/2)' '-sin(x)'
      grader equiv -- -s 's*(-1)'          (-s alone is the --sheet option)
    """
    from grader import sheets  # lazy: keeps `grader --help` fast (no sympy)
    from grader.core.errors import GraderError, describe
    from grader.grading import equiv as equiv_lib

    if a == "-" and b == "-":
        fail("only one of A and B can be read from standard input (-)")
    a_text, b_text = read_answer(a), read_answer(b)
    try:
        loaded = sheets.load(sheet) if sheet else None
        result = equiv_lib.equiv(a_text, b_text, variables=tuple(var) if var else None, sheet=loaded)
    except GraderError as err:
        fail(describe(err))
    if json_out:
        from grader.grading.render import to_json  # lazy: keeps `grader --help` fast (no sympy)

        typer.echo(to_json(result.to_json()))
    else:
        lines = [f"{result.verdict}", f"  A: {result.interpreted[0]}", f"  B: {result.interpreted[1]}"]
        if result.counterexample:
            c = result.counterexample
            where = ", ".join(f"{k} = {v}" for k, v in c["point"].items())
            lines.append(f"  at {where}: A = {c['a']}, B = {c['b']}")
        if result.error:
            lines.append(result.error)
        lines.append(f"decided by: {result.method}" + (f" ({result.detail})" if result.detail else ""))
        typer.echo("\n".join(lines))
    raise typer.Exit(0 if result.verdict == "equivalent" else 1)


