"""What the notebook shows, as a few kinds of block, and each block in every form a front end may pick.

A `Shown` is displayed by IPython through `_repr_mimebundle_`; each front end picks the richest form
it can render:

- `text/plain`: the terminal's words (for a check: exactly what `grader check` prints);
- `text/html`: the same, styled, maths left as `\\(…\\)` and `\\[…\\]` for the front end's MathJax or
  KaTeX to typeset (JupyterLab, Notebook 7, nbviewer typeset HTML outputs);
- `text/markdown`: the same with `$…$` and `$$…$$` maths, for front ends that typeset Markdown but
  not HTML (Colab's outputs are iframes without MathJax; VS Code typesets Markdown with KaTeX). On
  Colab the HTML form is left out so that the Markdown one is shown;
- `text/latex`: a LaTeX fragment (text mode, `$…$` maths), for `jupyter nbconvert --to pdf`, which
  prefers it: a notebook handed in as a PDF keeps its verdicts.

Sheet prose is Markdown with `$` maths (sheets and feedback alike); nothing here changes its words.
"""

from __future__ import annotations

import base64
import html
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, assert_never

from grader.text.terminal import markdown_text, math_text

_STATUS_COLOUR = {"correct": "#1a7f37", "incorrect": "#cf222e", "invalid": "#9a6700", "note": "#57606a"}


@dataclass(frozen=True)
class Head:
    """A title: Markdown prose (it may hold `$` maths)."""

    text: str
    level: int = 3


@dataclass(frozen=True)
class Prose:
    """Sheet or feedback Markdown, with `$…$` and `$$…$$` maths."""

    markdown: str
    quiet: bool = False  # shown small and grey (how a verdict was decided)


@dataclass(frozen=True)
class Display:
    """One displayed formula (LaTeX), optionally led in by a few words."""

    latex: str
    lead: str = ""


@dataclass(frozen=True)
class Pre:
    """Text kept as typed, in a fixed-width font: a caret under an unreadable answer."""

    text: str


@dataclass(frozen=True)
class Verdict:
    """`✗ incorrect  sigmoid.a  0 / 2`: the first line of a check (status: correct, incorrect, invalid, note)."""

    status: str
    words: str


@dataclass(frozen=True)
class Table:
    """Rows of plain text under a header (a score table)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Figure:
    """A picture as inline SVG (a wrong answer's plot: grader.grading.plot_svg, which escapes its texts),
    and its words. Only the HTML form has the picture: the others have the words, or nothing."""

    svg: str
    words: str = ""
    alt: str = ""  # what it shows, for a reader who cannot see it


Block = Head | Prose | Display | Pre | Verdict | Table | Figure


class Shown:
    """Blocks displayed richly in a notebook; `str()` and `print()` give the plain text."""

    def __init__(self, blocks: Sequence[Block], plain: str | None = None) -> None:
        self.blocks = tuple(blocks)
        self._plain = plain

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        bundle = {"text/plain": self.plain(), "text/html": self.html(), "text/markdown": self.markdown(),
                  "text/latex": self.latex()}
        if "google.colab" in sys.modules:  # Colab shows HTML untypeset; its Markdown has maths
            del bundle["text/html"]
        return bundle

    def __str__(self) -> str:
        return self.plain()

    def __repr__(self) -> str:
        return self.plain()

    def plain(self) -> str:
        if self._plain is not None:
            return self._plain
        return "\n\n".join(t for t in map(_plain, self.blocks) if t) + "\n"

    def html(self) -> str:
        body = "\n".join(_html(b) for b in self.blocks)
        return f'<div class="grader-output" style="line-height:1.5">\n{body}\n</div>'

    def markdown(self) -> str:
        return "\n\n".join(t for t in map(_markdown, self.blocks) if t) + "\n"

    def latex(self) -> str:
        return "\n\n".join(t for t in map(_latex, self.blocks) if t) + "\n"


# --- plain text --------------------------------------------------------------------------------------


def _plain(block: Block) -> str:
    match block:
        case Head(text=text):
            return markdown_text(text)
        case Prose(markdown=text):
            return markdown_text(text)
        case Display(latex=latex, lead=lead):
            return f"{markdown_text(lead)}\n    {math_text(latex)}" if lead else f"    {math_text(latex)}"
        case Pre(text=text):
            return "\n".join("  " + line for line in text.splitlines())
        case Verdict(words=words):
            return words
        case Table(header=header, rows=rows):
            widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
            return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                             for r in (header, *rows))
        case Figure(words=words):
            return words
        case _:
            assert_never(block)


# --- HTML --------------------------------------------------------------------------------------------

_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)


def prose_html(markdown: str) -> str:
    """Markdown prose as HTML paragraphs: every character escaped; `**bold**`, `*italic*` and `` `code` ``
    become tags and `$…$` maths `\\(…\\)` (outside maths only; the maths is left to the typesetter)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", markdown.strip()) if p.strip()]
    return "".join(f"<p>{_inline_html(p)}</p>" for p in paragraphs)


def _inline_html(text: str) -> str:
    out: list[str] = []
    last = 0
    for m in _MATH.finditer(text):
        out.append(_words_html(text[last:m.start()]))
        maths = html.escape(m[1] if m[1] is not None else m[2], quote=False)
        out.append(rf"\[{maths}\]" if m[1] is not None else rf"\({maths}\)")
        last = m.end()
    out.append(_words_html(text[last:]))
    return "".join(out)


def _words_html(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", text)


def math_html(latex: str) -> str:
    return rf"\({html.escape(latex, quote=False)}\)"


def _html(block: Block) -> str:
    match block:
        case Head(text=text, level=level):
            return f"<h{level} style=\"margin:0.6em 0 0.3em\">{_inline_html(text)}</h{level}>"
        case Prose(markdown=text, quiet=quiet):
            style = ' style="color:#57606a;font-size:90%"' if quiet else ""
            return f"<div{style}>{prose_html(text)}</div>"
        case Display(latex=latex, lead=lead):
            words = f"<div>{_inline_html(lead)}</div>" if lead else ""
            return rf"{words}<div>\[{html.escape(latex, quote=False)}\]</div>"
        case Pre(text=text):
            return f"<pre style=\"margin:0.3em 0\">{html.escape(text)}</pre>"
        case Verdict(status=status, words=words):
            colour = _STATUS_COLOUR.get(status, _STATUS_COLOUR["note"])
            style = f"font-weight:bold;color:{colour}"
            return f'<div class="grader-{status}" style="{style}">{html.escape(words)}</div>'
        case Table(header=header, rows=rows):
            head = "".join(f"<th>{html.escape(c)}</th>" for c in header)
            body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
            return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        case Figure(svg=svg, words=words, alt=alt):
            # An <img> of the SVG, not the SVG inline: JupyterLab's sanitiser (a notebook opened again, its
            # outputs untrusted) drops <svg> and would leave its texts as a jumble; an image stays, and
            # an SVG as an image runs nothing.
            source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
            caption = f"<p>{html.escape(words)}</p>" if words else ""
            return (f'<div class="grader-plot" style="margin:0.5em 0"><img src="{source}" alt="{html.escape(alt)}" '
                    f'width="480" style="max-width:100%;height:auto">{caption}</div>')
        case _:
            assert_never(block)


# --- Markdown ----------------------------------------------------------------------------------------


def _markdown(block: Block) -> str:
    match block:
        case Head(text=text, level=level):
            return "#" * (level + 1) + " " + " ".join(text.split())
        case Prose(markdown=text, quiet=quiet):
            return f"<small>{text.strip()}</small>" if quiet else text.strip()
        case Display(latex=latex, lead=lead):
            return (f"{lead}\n\n" if lead else "") + f"$$\n{latex}\n$$"
        case Pre(text=text):
            fence = "~~~~" if "```" in text else "```"
            return f"{fence}text\n{text}\n{fence}"
        case Verdict(words=words):
            return f"**{_md_escape(words)}**"
        case Table(header=header, rows=rows):
            lines = [header, tuple("---" for _ in header), *rows]
            return "\n".join("| " + " | ".join(_md_escape(c) for c in r) + " |" for r in lines)
        case Figure(words=words):
            return _md_escape(words)
        case _:
            assert_never(block)


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


# --- LaTeX -------------------------------------------------------------------------------------------

_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "#": r"\#",
                  "%": r"\%", "&": r"\&", "~": r"\~{}", "$": r"\$"}


def _latex_words(text: str) -> str:
    """Markdown words (no maths) as LaTeX text: specials escaped, bold and code kept."""
    out = "".join(_LATEX_SPECIAL.get(c, c) for c in text)
    out = re.sub(r"`([^`]+)`", r"\\texttt{\1}", out)
    return re.sub(r"\*\*(.+?)\*\*", r"\\textbf{\1}", out)


def prose_latex(markdown: str) -> str:
    out: list[str] = []
    last = 0
    for m in _MATH.finditer(markdown):
        out.append(_latex_words(markdown[last:m.start()]))
        out.append(rf"\[{m[1]}\]" if m[1] is not None else f"${m[2]}$")
        last = m.end()
    out.append(_latex_words(markdown[last:]))
    return "".join(out).strip()


def _latex(block: Block) -> str:
    match block:
        case Head(text=text):
            return rf"\textbf{{{prose_latex(text)}}}"
        case Prose(markdown=text, quiet=quiet):
            return rf"{{\small {prose_latex(text)}}}" if quiet else prose_latex(text)
        case Display(latex=latex, lead=lead):
            return (prose_latex(lead) + "\n" if lead else "") + rf"\[{latex}\]"
        case Pre(text=text):
            return "\\begin{verbatim}\n" + text.replace("\\end{verbatim}", "\\end {verbatim}") + "\n\\end{verbatim}"
        case Verdict(words=words):
            return rf"\textbf{{{_latex_words(words)}}}"
        case Table(header=header, rows=rows):
            lines = [" & ".join(_latex_words(c) for c in r) + r" \\" for r in (header, *rows)]
            return "\\begin{tabular}{" + "l" * len(header) + "}\n" + "\n".join(lines) + "\n\\end{tabular}"
        case Figure(words=words):
            return _latex_words(words)
        case _:
            assert_never(block)
