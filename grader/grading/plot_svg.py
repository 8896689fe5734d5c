"""A Plot (grader.grading.plots) as one inline SVG element: no script, no <style>, no ids.

It must show where no script runs (a notebook's untrusted output, report.html opened from a file) and
under the class server's Content-Security-Policy, which refuses <style> elements: so only
presentation attributes, and curves clipped to the frame here rather than by a <clipPath> (whose id
would clash when a page shows two plots). The same Plot gives the same bytes. Every text is escaped.
The reference and the answer differ by colour (Okabe–Ito blue and vermillion, told apart by
colour-blind readers) and by dash pattern and marker shape as well; <title> and <desc> say it in words.
"""

from __future__ import annotations

import itertools
import math
from html import escape

from grader.grading.plots import Curve, Plot

W, H = 480, 300
LEFT, RIGHT, TOP, BOTTOM = 54, W - 14, 34, H - 46
REFERENCE = {"stroke": "#0072B2", "stroke-width": "2.5"}
ANSWER = {"stroke": "#D55E00", "stroke-width": "2.5", "stroke-dasharray": "7 4"}
KINK = {"stroke": "#555555", "stroke-width": "1", "stroke-dasharray": "2 3"}
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="13"'
Pt = tuple[float, float]


def _attrs(a: dict[str, str]) -> str:
    return " ".join(f'{k}="{v}"' for k, v in a.items())


def _f(v: float) -> str:
    text = f"{v:.1f}"
    return "0.0" if text == "-0.0" else text


def _num(v: float) -> str:
    if abs(v) < 1e-12:
        return "0"
    text = f"{v:.6g}" if 1e-4 <= abs(v) < 1e6 else f"{v:.2e}"
    return text.replace("-", "−")


def ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """Round values between lo and hi, about `count` of them (steps of 1, 2 or 5 times a power of ten)."""
    span = hi - lo
    if not span > 0 or not math.isfinite(span):
        return []
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step)
    return [round(k * step, 12) for k in range(first, math.floor(hi / step) + 1)]


class _Frame:
    def __init__(self, p: Plot) -> None:
        self.x0, self.x1 = p.x_range
        self.y0, self.y1 = p.y_range

    def px(self, x: float) -> float:
        return LEFT + (x - self.x0) / (self.x1 - self.x0) * (RIGHT - LEFT)

    def py(self, y: float) -> float:
        return BOTTOM - (y - self.y0) / (self.y1 - self.y0) * (BOTTOM - TOP)


def _clip(a: Pt, b: Pt) -> tuple[Pt, Pt] | None:
    """The part of the line from a to b inside the frame (Liang–Barsky), or None."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - LEFT), (dx, RIGHT - x0), (-dy, y0 - TOP), (dy, BOTTOM - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return (x0 + t0 * dx, y0 + t0 * dy), (x0 + t1 * dx, y0 + t1 * dy)


def _inside(p: Pt) -> bool:
    return LEFT <= p[0] <= RIGHT and TOP <= p[1] <= BOTTOM


def _curve(fr: _Frame, c: Curve, style: dict[str, str]) -> tuple[list[str], list[Pt]]:
    """Path elements for the curve's runs, clipped to the frame, and where it leaves the frame."""
    paths: list[str] = []
    exits: list[Pt] = []
    for seg in c.segments:
        pts = [(fr.px(x), fr.py(max(-1e9, min(1e9, y)))) for x, y in seg]
        if len(pts) == 1:
            if _inside(pts[0]):
                paths.append(f'<circle cx="{_f(pts[0][0])}" cy="{_f(pts[0][1])}" r="2.5" fill="{style["stroke"]}"/>')
            continue
        runs: list[list[Pt]] = []
        for a, b in itertools.pairwise(pts):
            piece = _clip(a, b)
            if piece is None:
                continue
            p, q = piece
            if not runs or runs[-1][-1] != p:
                runs.append([p])
                if not _inside(a) or p != a:
                    exits.append(p)
            runs[-1].append(q)
            if q != b:
                exits.append(q)
        for run in runs:
            d = "M" + " L".join(f"{_f(x)},{_f(y)}" for x, y in run)
            paths.append(f'<path d="{d}" fill="none" {_attrs(style)} stroke-linejoin="round"/>')
    return paths, [e for e in exits if abs(e[1] - TOP) < 0.01 or abs(e[1] - BOTTOM) < 0.01]


def _arrow(p: Pt, colour: str) -> str:
    x, y = p
    if abs(y - TOP) < 0.01:
        d = f"M{_f(x - 4)},{_f(y + 1)} L{_f(x)},{_f(y - 6)} L{_f(x + 4)},{_f(y + 1)} Z"
    else:
        d = f"M{_f(x - 4)},{_f(y - 1)} L{_f(x)},{_f(y + 6)} L{_f(x + 4)},{_f(y - 1)} Z"
    return f'<path d="{d}" fill="{colour}"/>'


def svg(p: Plot) -> str:
    """The plot as an inline <svg> element (480 × 300 user units, scalable)."""
    fr = _Frame(p)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" '
           f'role="img" class="grader-plot" {FONT}>',
           f"<title>{escape(p.title)}</title>", f"<desc>{escape(p.description)}</desc>",
           f'<rect x="0" y="0" width="{W}" height="{H}" fill="#ffffff"/>']
    for t in ticks(p.y_range[0], p.y_range[1], 5):
        y = _f(fr.py(t))
        colour = "#888888" if t == 0 else "#e4e4e4"
        out.append(f'<line x1="{LEFT}" y1="{y}" x2="{RIGHT}" y2="{y}" stroke="{colour}" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y}" text-anchor="end" dominant-baseline="middle" '
                   f'fill="#333333">{escape(_num(t))}</text>')
    for t in ticks(p.x_range[0], p.x_range[1], 8):
        x = _f(fr.px(t))
        colour = "#888888" if t == 0 else "#e4e4e4"
        out.append(f'<line x1="{x}" y1="{TOP}" x2="{x}" y2="{BOTTOM}" stroke="{colour}" stroke-width="1"/>')
        out.append(f'<text x="{x}" y="{BOTTOM + 16}" text-anchor="middle" fill="#333333">{escape(_num(t))}</text>')
    out.append(f'<text x="{RIGHT}" y="{BOTTOM + 32}" text-anchor="end" fill="#333333" font-style="italic">'
               f"{escape(p.variable)}</text>")
    for k in p.kinks:
        x = _f(fr.px(k))
        out.append(f'<line x1="{x}" y1="{TOP}" x2="{x}" y2="{BOTTOM}" {_attrs(KINK)}/>')
    cx = fr.px(p.at)
    out.append(f'<line x1="{_f(cx)}" y1="{TOP}" x2="{_f(cx)}" y2="{BOTTOM}" stroke="#000000" stroke-opacity="0.35" '
               'stroke-width="1"/>')
    arrows: list[str] = []
    for curve, style in ((p.reference, REFERENCE), (p.answer, ANSWER)):
        paths, exits = _curve(fr, curve, style)
        out += paths
        seen: set[int] = set()
        for e in exits:
            if round(e[0] / 6) not in seen:
                seen.add(round(e[0] / 6))
                arrows.append(_arrow(e, style["stroke"]))
    out += arrows
    out += _marks(fr, p, cx)
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{RIGHT - LEFT}" height="{BOTTOM - TOP}" fill="none" '
               'stroke="#888888" stroke-width="1"/>')
    out += _legend(p)
    out.append("</svg>")
    return "\n".join(out)


def _marks(fr: _Frame, p: Plot, cx: float) -> list[str]:
    out: list[str] = []
    if p.expected is not None and TOP <= fr.py(p.expected) <= BOTTOM:
        y = fr.py(p.expected)
        out.append(f'<circle cx="{_f(cx)}" cy="{_f(y)}" r="5" fill="{REFERENCE["stroke"]}" stroke="#ffffff" '
                   'stroke-width="1.5"/>')
    if p.got is not None and TOP <= fr.py(p.got) <= BOTTOM:
        y = fr.py(p.got)
        d = f"M{_f(cx)},{_f(y - 6)} L{_f(cx + 6)},{_f(y)} L{_f(cx)},{_f(y + 6)} L{_f(cx - 6)},{_f(y)} Z"
        out.append(f'<path d="{d}" fill="{ANSWER["stroke"]}" stroke="#ffffff" stroke-width="1.5"/>')
    return out


def _legend(p: Plot) -> list[str]:
    out = [f'<line x1="{LEFT}" y1="16" x2="{LEFT + 26}" y2="16" {_attrs(REFERENCE)}/>',
           f'<text x="{LEFT + 32}" y="16" dominant-baseline="middle" fill="#111111">{escape(p.reference.label)}</text>']
    x = LEFT + 32 + 7 * len(p.reference.label) + 18
    out += [f'<line x1="{x}" y1="16" x2="{x + 26}" y2="16" {_attrs(ANSWER)}/>',
            f'<text x="{x + 32}" y="16" dominant-baseline="middle" fill="#111111">{escape(p.answer.label)}</text>']
    y = H - 12
    out += [f'<circle cx="{LEFT + 5}" cy="{y}" r="4.5" fill="{REFERENCE["stroke"]}"/>',
            f'<path d="M{LEFT + 17},{y - 5} L{LEFT + 22},{y} L{LEFT + 17},{y + 5} L{LEFT + 12},{y} Z" '
            f'fill="{ANSWER["stroke"]}"/>']
    at = p.at_text if len(p.at_text) <= 16 else f"{p.variable} ≈ {_num(p.at)}"  # x = -1/10^30 runs long
    notes = [f"at {at.replace('-', '−')}"]
    if p.kinks:
        notes.append("dotted: kink" + ("s" if len(p.kinks) > 1 else ""))
    if p.fixed:
        notes.append(f"with {p.fixed}")
    if p.clipped:
        notes.append("▲▼ off the plot")
    out.append(f'<text x="{LEFT + 28}" y="{y}" dominant-baseline="middle" fill="#333333">'
               f'{escape("   ·   ".join(notes))}</text>')
    return out
