"""Generate a class of submission files for benchmarking `grader grade` (deterministic).

    python benchmarks/generate_class.py 10000 /tmp/class [--seed 1]

Answers are drawn from a few hundred forms per sheet: right answers in many notations, the common
mistakes, typos, unreadable text and a few hostile inputs, with realistic repetition (a few forms
are very common, most are rare; most students are right) and spacing variations, so the number of
distinct answers grows with the class as it does in real classes. About 1 % of the files are bad
(invalid YAML, empty, wrong shape, unknown part) and 1 in 10 is JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import yaml

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

SIGMOID_RIGHT = [
    "e^(-x)/(1+e^(-x))^2", "e^-x/(1+e^-x)^2", "exp(-x)/(1+exp(-x))^2", "exp(-x)*(1+exp(-x))**-2",
    "σ(x)(1-σ(x))", "σ(x)(1−σ(x))", "sigma(x)*(1-sigma(x))", "sigmoid(x)*(1 - sigmoid(x))",
    "\\sigma(x)\\left(1-\\sigma(x)\\right)", "\\frac{e^{-x}}{(1+e^{-x})^2}", "e^x/(1+e^x)^2", "1/(4cosh(x/2)^2)",
    "np.exp(-x)/(1+np.exp(-x))**2", "1/(1+e^-x) * (1 - 1/(1+e^-x))", "e^(-x)·(1+e^(-x))^(-2)",
    "(1+e^(-x))^(-2) e^(-x)", "sech(x/2)^2/4", "1/(e^x + 2 + e^-x)", "σ(x) - σ(x)^2", "σ(x)-σ²(x)",
]
SIGMOID_WRONG = [
    "-e^(-x)/(1+e^(-x))^2", "-exp(-x)*(1+exp(-x))^(-2)", "-1/(4cosh(x/2)^2)", "-1/(1+e^(-x))^2",
    "1/(1+e^(-x))^2", "e^(-x)/(1+e^(-x))", "σ(x)(1+σ(x))", "e^x/(1+e^(-x))^2", "e^(-x)/(1-e^(-x))^2",
    "σ(x)^2", "1-σ(x)", "x*e^(-x)/(1+e^(-x))^2", "e^(-x)/(1+e^(-x)^2)", "σ(x)", "-σ(x)(1-σ(x))",
]
TANH_RIGHT = [
    "4/(e^x+e^(-x))^2", "sech^2 x", "sech(x)^2", "sech²(x)", "1 - tanh(x)^2", "1-tanh^2(x)", "1 − tanh²(x)",
    "\\frac{4}{(e^x+e^{-x})^2}", "\\operatorname{sech}^2(x)", "1/cosh(x)^2", "cosh(x)^-2",
    "1 - (e^x-e^-x)^2/(e^x+e^-x)^2", "4e^(2x)/(e^(2x)+1)^2", "((e^x+e^-x)^2-(e^x-e^-x)^2)/(e^x+e^-x)^2",
    "1-np.tanh(x)**2", "\\tanh^{2}(x)*(-1)+1",
]
TANH_WRONG = [
    "1 + tanh(x)^2", "-sech(x)^2", "sech(x)", "2/(e^x+e^(-x))^2", "1-tanh(x)", "cosh(x)^2", "tanh(x)^2 - 1",
    "sinh(x)/cosh(x)", "4/(e^x-e^(-x))^2", "1/(e^x+e^(-x))^2", "2sech(x)^2",
]
RELU_RIGHT = [
    "1 if x > 0 else 0", "Heaviside(x)", "Heaviside(x, 0)", "Heaviside(x, 1)", "Heaviside(x, 1/2)",
    "Piecewise((0, x < 0), (1, x > 0))", "Piecewise((0, x < 0), (1, True))", "(sign(x)+1)/2",
    "\\begin{cases} 0 & x<0 \\\\ 1 & x>0 \\end{cases}", "0 if x < 0 else 1", "(x + abs(x))/(2x)", "(1+x/abs(x))/2",
]
RELU_WRONG = [
    "Heaviside(-x)", "sign(x)", "max(0, x)", "1", "x", "0", "Heaviside(x, 2)", "1 if x < 0 else 0", "abs(x)/x",
]
INVALID = [
    "sigma'(x)", "tanh'(x)", "e^(-x)/(1+e^(-x)", "d/dx σ(x)", "σ(x)(1-σ(x)", "e^-x/(1+e^-x)^^2", "y^2",
    "the derivative is σ(1-σ)", "f(x) = σ(x)(1-σ(x))", "1/(1+e^-x))", "sech^2", "\\frac{1}{", "?", "idk",
]
HOSTILE = [
    "9^9^9^9", "factorial(10^10)", "(" * 400 + "x" + ")" * 400, "x+" * 900 + "x", "exp(exp(exp(exp(exp(x)))))",
    "tanh(" * 50 + "x" + ")" * 50, "sin(x)^199 * cos(x)^199", "10^10^10", "__import__('os')", "x" * 5000,
]
DERIV_SIG_RIGHT = [
    "e^(-x)/(1+e^(-x))^2\n= 1/(1+e^(-x)) * e^(-x)/(1+e^(-x))\n= σ(x)(1-σ(x))",
    "e^-x/(1+e^-x)^2\n= (1/(1+e^-x))(1 - 1/(1+e^-x))\n= σ(x)(1-σ(x))",
    "σ'(x) = e^(-x)/(1+e^(-x))^2\n= 1/(1+e^(-x)) · e^(-x)/(1+e^(-x))\n= σ(x)(1 − σ(x))",
    "e^(-x)/(1+e^(-x))^2 = 1/(1+e^(-x)) * (1 - 1/(1+e^(-x))) = sigma(x)*(1-sigma(x))",
]
DERIV_SIG_WRONG = [
    "e^(-x)/(1+e^(-x))^2\n= σ(x)(1-σ(x))", "e^-x/(1+e^-x)^2\n= (1/(1+e^-x))(1 - 1/(1+e^-x))\n= σ(x)(1+σ(x))",
    "e^(-x)/(1+e^(-x))^2\n= 1/(1+e^(-x))^2\n= σ(x)^2", "σ(x)(1-σ(x))",
]
DERIV_TANH_RIGHT = [
    "4/(e^x+e^(-x))^2\n= ((e^x+e^(-x))^2 - (e^x-e^(-x))^2)/(e^x+e^(-x))^2\n= 1 - tanh(x)^2",
    "4/(e^x+e^(-x))^2\n= sech(x)^2\n= 1 - tanh(x)^2",
    "4/(e^x+e^-x)^2 = 1 - (e^x-e^-x)^2/(e^x+e^-x)^2 = 1 - tanh²(x)",
]
DERIV_TANH_WRONG = ["4/(e^x+e^(-x))^2\n= 1 - tanh(x)^2", "4/(e^x+e^(-x))^2\n= sech(x)^2\n= 1 + tanh(x)^2", "1-tanh^2"]

# The generator's known labels: the verdict a right grader gives (decided by hand, from the maths and
# the sheet's rules: an unreadable text is `invalid`); `hostile` inputs only have to be answered
# quickly and never be marked correct.
Labelled = list[tuple[str, str]]


def _as(label: str, forms: list[str]) -> Labelled:
    return [(text, label) for text in forms]


RIGHT, WRONG, BAD, ODD = "correct", "incorrect", "invalid", "hostile"

# part -> its answer forms with their labels, most common first (right forms first: most students are right)
LABELLED: dict[str, Labelled] = {
    "sigmoid.a": _as(RIGHT, SIGMOID_RIGHT) + _as(WRONG, SIGMOID_WRONG) + _as(BAD, INVALID) + _as(ODD, HOSTILE),
    "sigmoid.b": _as(RIGHT, DERIV_SIG_RIGHT) + _as(WRONG, DERIV_SIG_WRONG) + _as(BAD, INVALID[:4]),
    "tanh.a": _as(RIGHT, TANH_RIGHT) + _as(WRONG, TANH_WRONG) + _as(BAD, INVALID) + _as(ODD, HOSTILE[:4]),
    # "1-tanh^2" names tanh without its argument: unreadable, not a wrong derivation
    "tanh.b": _as(RIGHT, DERIV_TANH_RIGHT) + _as(WRONG, DERIV_TANH_WRONG[:2]) + _as(BAD, DERIV_TANH_WRONG[2:])
    + _as(BAD, INVALID[:4]),
    "relu.a": _as(RIGHT, RELU_RIGHT) + _as(WRONG, RELU_WRONG) + _as(BAD, INVALID[:6]) + _as(ODD, HOSTILE[4:7]),
    "relu.b.left": [("0", RIGHT), ("0.0", RIGHT), ("0.", RIGHT), ("-0", RIGHT), ("1", WRONG), ("-1", WRONG),
                    ("zero", BAD), ("0/1", RIGHT), ("1/2", WRONG), ("undefined", BAD), ("lim = 0", BAD)],
    "relu.b.right": [("1", RIGHT), ("1.0", RIGHT), ("1.", RIGHT), ("2/2", RIGHT), ("0", WRONG), ("-1", WRONG),
                     ("one", BAD), ("x", BAD), ("infinity", BAD), ("1 ", RIGHT)],  # x: this part has no variable
    "relu.b.differentiable": [("no", RIGHT), ("No", RIGHT), ("NO", RIGHT), ("false", RIGHT),
                              ("not differentiable", RIGHT), ("n", RIGHT), ("yes", WRONG), ("Yes", WRONG),
                              ("true", WRONG), ("maybe", BAD)],
    "relu.b.at_zero": [("0", RIGHT), ("0.5", RIGHT), ("1", RIGHT), ("1/2", RIGHT), ("0.0", RIGHT), ("2", WRONG),
                       ("-1", WRONG), ("0.25", RIGHT), ("undefined", BAD), ("0,5", BAD)],
}
PARTS: dict[str, list[str]] = {address: [text for text, _ in forms] for address, forms in LABELLED.items()}


def _pick(rng: random.Random, forms: Labelled) -> tuple[str, str]:
    # Zipf-like: form k has weight 1/(k+1)^1.3, so the first (right) forms dominate.
    weights = [1 / (k + 1) ** 1.3 for k in range(len(forms))]
    text, label = rng.choices(forms, weights)[0]
    if "\n" not in text and rng.random() < 0.15:  # spacing variations: distinct texts, same answer
        spaced = rng.random() < 0.5
        if spaced:
            text = text.replace("+", " + ")
        elif not re.search(r"\w\s+\w", text):  # `1 if x` without spaces is another text: `1ifx`
            text = text.replace(" ", "")
    return text, label


def _bad_file(rng: random.Random, i: int) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return b"student: s\nanswers:\n  sigmoid.a: [unclosed\n"
    if kind == 1:
        return b""
    if kind == 2:
        return f"student: s{i:05d}\nanswers:\n  - a\n  - b\n".encode()
    return f"student: s{i:05d}\nanswers:\n  sigmoid.c: x\n".encode()


def students(count: int, seed: int = 1) -> Iterator[tuple[str, bytes | None, dict[str, tuple[str, str]], bool]]:
    """Per student: (name, the bytes of a bad file or None, answers as address -> (text, label), JSON?)."""
    rng = random.Random(seed)
    for i in range(count):
        name = f"s{i:05d}"
        if rng.random() < 0.01:
            yield name, _bad_file(rng, i), {}, False
            continue
        answers = {address: _pick(rng, forms) for address, forms in LABELLED.items() if rng.random() > 0.05}
        yield name, None, answers, rng.random() < 0.1


def distinct_answers(count: int, seed: int = 1) -> dict[tuple[str, str], str]:
    """Every distinct (part, answer text) the class holds, with its label, in first-seen order."""
    found: dict[tuple[str, str], str] = {}
    for _, _, answers, _ in students(count, seed):
        for address, (text, label) in answers.items():
            found.setdefault((address, text), label)
    return found


def generate(count: int, out: Path, seed: int = 1) -> int:
    """Write `count` submission files into `out`; return how many are bad on purpose."""
    out.mkdir(parents=True, exist_ok=True)
    bad = 0
    for name, broken, labelled, as_json in students(count, seed):
        if broken is not None:
            (out / f"{name}.yaml").write_bytes(broken)
            bad += 1
            continue
        answers = {address: text for address, (text, _) in labelled.items()}
        data = {"student": name, "sheet": "activation-derivatives", "answers": answers}
        if as_json:
            (out / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        else:
            text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
            (out / f"{name}.yaml").write_text(text, encoding="utf-8")
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("students", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    bad = generate(args.students, args.out, args.seed)
    print(f"wrote {args.students} submissions ({bad} bad on purpose) to {args.out}")


if __name__ == "__main__":
    main()
