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

W, H = 480, 300  # H grows by NOTE_LINE for each further line of notes under the plot
NOTE_LINE = 18
NOTE_CHARS = 34  # a line of notes: at most this long, so that it fits at the phone font (about 17 units)
WIDE = 9.5  # a character at that font, in user units
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
    """Path elements for the curve's runs, clipped to the frame, and the points on the top or bottom edge
    where it is off the frame: where it leaves it, and every ALONG units along a stretch wholly above
    or below it (an answer that never enters the frame is still shown, as a row of arrows)."""
    paths: list[str] = []
    exits: list[Pt] = []
    for seg in c.segments:
        pts = [(fr.px(x), fr.py(max(-1e9, min(1e9, y)))) for x, y in seg]
        exits += _off(pts)
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


ALONG = 40  # user units between the arrows along a stretch off the frame


def _off(pts: list[Pt]) -> list[Pt]:
    """Edge points every ALONG units (on a grid shared by all curves) where the run is above or below
    the frame; a single point off the frame gets one."""
    out: list[Pt] = []
    if len(pts) == 1:
        x, y = pts[0]
        if LEFT <= x <= RIGHT and not TOP <= y <= BOTTOM:
            out.append((x, TOP if y < TOP else BOTTOM))
        return out
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        if x1 <= x0:
            continue
        k = math.ceil((max(x0, LEFT) - LEFT - ALONG / 2) / ALONG)
        while (g := LEFT + ALONG / 2 + k * ALONG) <= min(x1, RIGHT):
            y = y0 + (y1 - y0) * (g - x0) / (x1 - x0)
            if y < TOP or y > BOTTOM:
                out.append((g, TOP if y < TOP else BOTTOM))
            k += 1
    return out


def _arrow(p: Pt, colour: str) -> str:
    x, y = p
    if abs(y - TOP) < 0.01:
        d = f"M{_f(x - 4)},{_f(y + 1)} L{_f(x)},{_f(y - 6)} L{_f(x + 4)},{_f(y + 1)} Z"
    else:
        d = f"M{_f(x - 4)},{_f(y - 1)} L{_f(x)},{_f(y + 6)} L{_f(x + 4)},{_f(y - 1)} Z"
    return f'<path d="{d}" fill="{colour}"/>'


def labels(ts: list[float]) -> tuple[list[str], str]:
    """Tick labels that differ from each other and stay short: plain decimals with as many places as the
    step needs, or, for very large or small values, mantissas and a common factor (`×10⁻⁶`) said once."""
    if not ts:
        return [], ""
    step = ts[1] - ts[0] if len(ts) > 1 else max(abs(ts[0]), 1.0)
    big = max(abs(t) for t in ts)
    power = math.floor(math.log10(big)) if big > 0 else 0
    if (big >= 1e5 or big < 1e-3) and step / 10.0 ** power >= 1e-3:
        scale = 10.0 ** power
        places = max(0, -math.floor(math.log10(step / scale) + 1e-9))
        out = [_plain(t / scale, places) for t in ts]
        return out, "×10" + str(power).translate(SUPERSCRIPT)
    places = max(0, -math.floor(math.log10(step) + 1e-9))
    return [_plain(t, places) for t in ts], ""


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
CHAR = 9.5  # the width of a tick label's character at a phone's larger font (about 17 units), in user units


def _plain(v: float, places: int) -> str:
    text = f"{v:.{places}f}"
    if text.lstrip("-").strip("0.") == "":
        return "0"
    return text.replace("-", "−")


def _x_ticks(lo: float, hi: float) -> tuple[list[float], list[str], str]:
    """As many x ticks as their labels leave room for (long ones near x = 10^6 need fewer)."""
    for count in (8, 6, 4, 3, 2, 1):
        ts = ticks(lo, hi, count)
        texts, factor = labels(ts)
        if not ts or max(len(t) for t in texts) * CHAR + 8 <= (RIGHT - LEFT) / max(len(ts), 1):
            break
    if len(ts) > 2:  # a label at an end of the axis is moved inward by half its width: room for 1.5 labels a step
        need = max(len(t) for t in texts) * CHAR * 1.5 + 8
        every = math.ceil(need / ((RIGHT - LEFT) / len(ts)))
        texts = [t if i % every == 0 else "" for i, t in enumerate(texts)]
    return ts, texts, factor


def svg(p: Plot) -> str:
    """The plot as an inline <svg> element (480 × 300 user units, scalable)."""
    fr = _Frame(p)
    legend = _legend(p, _any_arrows(fr, p))
    h = H + NOTE_LINE * (sum(1 for e in legend if 'class="notes"' in e) - 1)  # a line more for long notes
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {h}" width="{W}" height="{h}" '
           f'role="img" class="grader-plot" {FONT}>',
           f"<title>{escape(p.title)}</title>", f"<desc>{escape(p.description)}</desc>",
           f'<rect x="0" y="0" width="{W}" height="{h}" fill="#ffffff"/>']
    ys = ticks(p.y_range[0], p.y_range[1], 5)
    texts, factor = labels(ys)
    for t, text in zip(ys, texts, strict=True):
        y = _f(fr.py(t))
        colour = "#888888" if t == 0 else "#e4e4e4"
        out.append(f'<line x1="{LEFT}" y1="{y}" x2="{RIGHT}" y2="{y}" stroke="{colour}" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y}" text-anchor="end" dominant-baseline="middle" '
                   f'fill="#333333" class="tick">{escape(text)}</text>')
    if factor:
        out.append(f'<text x="{LEFT - 6}" y="{TOP - 8}" text-anchor="end" fill="#333333">{factor}</text>')
    xs, texts, factor = _x_ticks(p.x_range[0], p.x_range[1])
    for t, text in zip(xs, texts, strict=True):
        x = _f(fr.px(t))
        colour = "#888888" if t == 0 else "#e4e4e4"
        out.append(f'<line x1="{x}" y1="{TOP}" x2="{x}" y2="{BOTTOM}" stroke="{colour}" stroke-width="1"/>')
        half = len(text) * CHAR / 2  # a long label at an end of the axis is kept inside the picture
        anchor = "end" if fr.px(t) + half > W - 2 else "start" if fr.px(t) - half < 2 else "middle"
        if text:
            out.append(f'<text x="{x}" y="{BOTTOM + 16}" text-anchor="{anchor}" fill="#333333" class="tick">'
                       f"{escape(text)}</text>")
    name = escape(p.variable) + (f" ({factor})" if factor else "")
    out.append(f'<text x="{RIGHT}" y="{BOTTOM + 32}" text-anchor="end" fill="#333333" font-style="italic">'
               f"{name}</text>")
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
    out += legend
    out.append("</svg>")
    return "\n".join(out)


def _marks(fr: _Frame, p: Plot, cx: float) -> list[str]:
    """The two values at the counterexample; one off the frame sits on its edge, its value written beside it."""
    out: list[str] = []
    for value, colour, shape in ((p.expected, REFERENCE["stroke"], "circle"), (p.got, ANSWER["stroke"], "diamond")):
        if value is None:
            continue
        y = fr.py(max(-1e9, min(1e9, value)))
        off = not TOP <= y <= BOTTOM
        y = min(BOTTOM, max(TOP, y))
        if shape == "circle":
            out.append(f'<circle cx="{_f(cx)}" cy="{_f(y)}" r="5" fill="{colour}" stroke="#ffffff" '
                       'stroke-width="1.5"/>')
        else:
            d = f"M{_f(cx)},{_f(y - 6)} L{_f(cx + 6)},{_f(y)} L{_f(cx)},{_f(y + 6)} L{_f(cx - 6)},{_f(y)} Z"
            out.append(f'<path d="{d}" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>')
        if off:
            right = cx < (LEFT + RIGHT) / 2
            anchor, tx = ("start", cx + 10) if right else ("end", cx - 10)
            ty = y + 14 if y == TOP else y - 8
            out.append(f'<text x="{_f(tx)}" y="{_f(ty)}" text-anchor="{anchor}" fill="{colour}" font-weight="bold">'
                       f"{'▲' if y == TOP else '▼'} {escape(short(value))}</text>")
    return out


def short(v: float) -> str:
    """A value written beside a mark: 4 significant digits, powers of ten as 1e100."""
    text = f"{v:.4g}"
    if "e" in text:
        mantissa, power = text.split("e")
        text = f"{mantissa}e{int(power)}"
    return text.replace("-", "−")


def _legend(p: Plot, arrows: bool) -> list[str]:
    out = [f'<line x1="{LEFT}" y1="16" x2="{LEFT + 26}" y2="16" {_attrs(REFERENCE)}/>',
           f'<text x="{LEFT + 32}" y="16" dominant-baseline="middle" fill="#111111">{escape(p.reference.label)}</text>']
    x = LEFT + 32 + round(WIDE * len(p.reference.label)) + 18  # room for the label at a phone's larger font
    out += [f'<line x1="{x}" y1="16" x2="{x + 26}" y2="16" {_attrs(ANSWER)}/>',
            f'<text x="{x + 32}" y="16" dominant-baseline="middle" fill="#111111">{escape(p.answer.label)}</text>']
    y = H - 12
    x = LEFT
    if p.expected is not None:
        out.append(f'<circle cx="{x + 5}" cy="{y}" r="4.5" fill="{REFERENCE["stroke"]}"/>')
        x += 12
    if p.got is not None:
        out.append(f'<path d="M{x + 5},{y - 5} L{x + 10},{y} L{x + 5},{y + 5} L{x},{y} Z" fill="{ANSWER["stroke"]}"/>')
        x += 12
    at = p.at_text if len(p.at_text) <= 16 else f"{p.variable} ≈ {_num(p.at)}"  # x = -1/10^30 runs long
    notes = [f"at {at.replace('-', '−')}"]
    if p.got is None:
        notes[0] += ": your answer is undefined there"
    own = [k for k in p.kinks if k not in p.breaks]
    if own:
        notes.append("dotted: kink" + ("s" if len(own) > 1 else "") + (" and breaks" if p.breaks else ""))
    elif p.breaks:
        notes.append("dotted: your answer changes")
    if p.fixed:
        notes.append(f"with {p.fixed}")
    if arrows:
        notes.append("▲▼ off the plot")
    lines: list[list[str]] = [[]]
    for note in notes:  # short lines: they stay inside the picture at a phone's larger font (the page's CSS)
        if lines[-1] and len("  ·  ".join([*lines[-1], note])) > NOTE_CHARS:
            lines.append([])
        lines[-1].append(note)
    for n, line in enumerate(lines):
        out.append(f'<text x="{x + 4 if n == 0 else LEFT}" y="{y + NOTE_LINE * n}" dominant-baseline="middle" '
                   f'fill="#333333" class="notes">{escape("  ·  ".join(line))}</text>')
    return out


def _any_arrows(fr: _Frame, p: Plot) -> bool:
    return any(_curve(fr, c, REFERENCE)[1] for c in (p.reference, p.answer))
