"""`grader equiv` on the classes of issue 16: big exponents, many variables, special points, radicals.

Each pair is compared in process with every cache emptied before it (uncached) and then again
(warm); the table gives the verdict, the method and the median wall time of `--runs` uncached runs.
The target for big exponents on sums is under 1 s each, uncached.

    python benchmarks/equiv_cases.py            # Markdown table on stdout
    python benchmarks/equiv_cases.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import string
import time

from grader.core import caches
from grader.grading.equiv import equiv

MANY = string.ascii_lowercase.replace("e", "")  # e is Euler's number
CASES: list[tuple[str, str, str]] = [
    ("big exponent", "(x-a)^6000", "(x-a)^6000"),
    ("big exponent", "(a-x)^6000", "(x-a)^6000"),
    ("big exponent", "(a-x)^6001", "(x-a)^6001"),
    ("big exponent", "258552*x^7*(81*x^8+1)^398", "x^3*(x^4+1)^399"),
    ("big exponent", "(x+1)^5000 - x*(x+1)^4999", "(x+1)^4999"),
    ("big exponent", "(x+y)^2000*(x-y)^2000", "(x^2-y^2)^2000"),
    ("big exponent", "(x+1)^9999*(x+2)", "(x+1)^10000 + (x+1)^9999"),
    ("big exponent", "(x^2+1)^3000", "(x^2+1)^3000 + 10^-20"),
    ("big exponent", "(1+e^x)^3000", "(e^-x+1)^3000*e^(3000x)"),
    ("many variables", "v+w+x+y+z", "a+b+c+A+B"),
    ("many variables", "+".join(MANY), "+".join(reversed(MANY))),
    ("many variables", "abs(" + "*".join(MANY) + ")", "*".join(f"abs({v})" for v in MANY)),
    ("special points", "(a^b)^c", "a^(b*c)"),
    ("special points", "(a^b)^c", "(a^c)^b"),
    ("special points", "sqrt(a^b)", "a^(b/2)"),
]


def run_case(a: str, b: str, runs: int) -> tuple[str, str, float, float]:
    times = []
    verdict = method = ""
    for _ in range(runs):
        caches.clear()
        began = time.perf_counter()
        result = equiv(a, b)
        times.append(time.perf_counter() - began)
        verdict, method = result.verdict, result.method
    began = time.perf_counter()
    equiv(a, b)
    return verdict, method, statistics.median(times), time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="uncached runs per pair (median)")
    args = parser.parse_args()
    equiv("x", "x")  # imports and first-use tables, not part of any pair's time
    print(f"load average {os.getloadavg()[0]:.2f}; median of {args.runs} uncached runs\n")
    print("| class | A | B | verdict | method | uncached s | warm s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for what, a, b in CASES:
        verdict, method, cold, warm = run_case(a, b, args.runs)
        short_a = a if len(a) <= 40 else a[:37] + "..."
        short_b = b if len(b) <= 40 else b[:37] + "..."
        print(f"| {what} | `{short_a}` | `{short_b}` | {verdict} | {method} | {cold:.3f} | {warm:.3f} |")


if __name__ == "__main__":
    main()
