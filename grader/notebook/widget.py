"""`practice(sheet)`: a sheet to practise in a notebook, on core ipywidgets only (Text, Textarea,
HTMLMath, Button), so it works wherever widgets do (JupyterLab, Notebook 7, Colab, VS Code).

Each part has its box: the question, an input with a live preview (how the text reads, typeset, or the
caret and hint when it cannot be read; redrawn a moment after typing stops), Check, Hint and Solution
buttons, the verdict, and the attempts left. As `grader practice`: an unreadable answer costs no
attempt; a part ends when right, when its attempts are used up, or when its solution is shown. The
state is kept for the kernel's session: running the cell again shows the same progress. The last
graded answer to each part is recorded for `save` (as `grader practice --save`); Save answers also takes
what is typed in a box and not yet checked. Enter in a one-line box checks it.
"""

from __future__ import annotations

import asyncio
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from grader.core.errors import GraderError, describe
from grader.notebook import api, views
from grader.notebook.doc import Block, Prose, Shown, Verdict
from grader.sheets import variants
from grader.sheets.model import Part, Sheet
from grader.sheets.select import select
from grader.text.numbers import score

if TYPE_CHECKING:
    import ipywidgets

PREVIEW_DELAY = 0.3  # seconds after the last key before the preview is redrawn
INSTALL = "the practice widget needs ipywidgets: %pip install 'grader[notebook]' (then restart the kernel)"


@dataclass
class PartState:
    """How one part went; kept for the kernel's session."""

    max_points: float
    points: float = 0.0
    attempts: int = 0
    hints: int = 0
    typed: str = ""
    verdict: str = ""  # the last verdict, as HTML
    status: str = "not tried"  # not tried, tried, correct, incorrect, solution
    solution: str = ""  # the worked solution, once shown, as HTML

    @property
    def done(self) -> bool:
        return self.status in ("correct", "incorrect", "solution")


@dataclass
class PracticeState:
    parts: dict[str, PartState] = field(default_factory=dict)


_sessions: dict[tuple[str, int | None, int], PracticeState] = {}


class Debounce:
    """Calls `fire` once typing pauses for `delay` seconds. Without a running event loop (a test, a
    plain script) it fires at once."""

    def __init__(self, delay: float, fire: Callable[[], None]) -> None:
        self.delay = delay
        self.fire = fire
        self._pending: asyncio.TimerHandle | None = None

    def __call__(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.fire()
            return
        if self._pending is not None:
            self._pending.cancel()
        self._pending = loop.call_later(self.delay, self.fire)


def practice(sheet: str | None = None, *, question: str | list[str] | None = None, attempts: int = 3,
             seed: int | None = None) -> Practice:
    """A practice widget for the sheet (a file or bundled id; default: the one `use` set), or only for
    some of it (`question="sigmoid"`, a group or a part, or a list of them)."""
    try:
        import ipywidgets  # noqa: F401  (an optional extra: say how to install it, not ImportError)
    except ImportError:
        raise api.NotebookError(INSTALL) from None
    if attempts < 1:
        raise api.NotebookError("attempts= must be at least 1")
    loaded, seed = api.load(sheet, seed)
    only = [question] if isinstance(question, str) else list(question or [])
    return Practice(loaded, seed, only, attempts)


class Practice:
    """The widget (`.widget`) and what drives it; `.parts` maps each address to its PartBox."""

    def __init__(self, sheet: Sheet, seed: int | None, only: list[str], attempts: int) -> None:
        import ipywidgets as w

        try:
            plan = select(sheet, only)
        except GraderError as err:
            raise api.NotebookError(describe(err)) from None
        self.sheet = sheet
        self.attempts = attempts
        self.state = _sessions.setdefault((sheet.id, seed, attempts), PracticeState())
        solutions = api.worked_solutions(sheet)
        self.score = w.HTMLMath()
        self.message = w.HTMLMath()
        save = w.Button(description="Save answers", tooltip="write the answers as a submission file")
        save.on_click(lambda _: self._save())
        self.parts: dict[str, PartBox] = {}
        rows: list[Any] = [w.HTMLMath(Shown([Prose(f"**{sheet.title}**")]).html()), self.score]
        for question, parts in plan:
            rows.append(w.HTMLMath(Shown(views.question_blocks(question, ())).html()))
            asked: set[str] = set()  # a group's ask is shown once, above its first sub-part
            for part in parts:
                kept = self.state.parts.setdefault(part.address, PartState(part.points))
                found = solutions.for_part(part.address) if solutions else None
                box = PartBox(self, part, kept, Shown(views.solution_blocks(found, part)).html(),
                              group_ask=self._group_ask(question.group_asks, part, asked))
                self.parts[part.address] = box
                rows.append(box.widget)
        rows += [w.HBox([save]), self.message]
        self.widget = w.VBox(rows)
        self.update_score()

    @staticmethod
    def _group_ask(asks: Any, part: Part, asked: set[str]) -> str:
        for group, ask in asks.items():
            if part.address.startswith(group + ".") and group not in asked:
                asked.add(group)
                return f"**{group}** {ask}"
        return ""

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def update_score(self) -> None:
        kept = [self.state.parts[a] for a in self.parts]
        got = sum(p.points for p in kept)
        out_of = sum(p.max_points for p in kept)
        done = sum(p.done for p in kept)
        self.score.value = f"<b>Score {score(got, out_of)}</b> · {done} of {len(kept)} parts done"

    def save(self, path: str | os.PathLike[str] | None = None) -> Shown:
        """Write the answers as a submission file: what each box holds, checked or not (a box left empty
        keeps the answer last checked in it), and those given to `answer`."""
        for address, box in self.parts.items():
            if box.input.value.strip():
                api.record(self.sheet, address, box.input.value)
        return api.save(path or f"{self.sheet.id}-answers.yaml", sheet=self.sheet.path)

    def _save(self) -> None:
        try:
            self.message.value = self.save().html()
        except api.NotebookError as err:
            self.message.value = Shown([Verdict("invalid", str(err))]).html()


class PartBox:
    """One part: the input, its preview, the buttons and the verdict."""

    def __init__(self, owner: Practice, part: Part, kept: PartState, solution_html: str, group_ask: str) -> None:
        import ipywidgets as w

        self.owner = owner
        self.part = part
        self.kept = kept
        self.scoped = variants.scoped(owner.sheet, part.address)
        self._solution_html = solution_html
        derivation = part.kind == "derivation"
        asks = ([Prose(group_ask)] if group_ask else []) + views.part_blocks(part)
        self.ask = w.HTMLMath(Shown(asks).html())
        self.input: ipywidgets.Text | ipywidgets.Textarea
        if derivation:
            self.input = w.Textarea(value=kept.typed, placeholder="one step a line", continuous_update=True,
                                    layout=w.Layout(width="95%", height="7em"))
        else:
            self.input = w.Text(value=kept.typed, placeholder="your answer", continuous_update=True,
                                layout=w.Layout(width="95%"))
        self.preview = w.HTMLMath()
        self.check = w.Button(description="Check", button_style="primary")
        self.hint = w.Button(description="Hint")
        self.solution = w.Button(description="Solution", tooltip="shows the worked solution; the part ends")
        self.left = w.HTML()
        self.hints = w.HTMLMath()
        self.verdict = w.HTMLMath(kept.verdict)
        self.worked = w.HTMLMath(kept.solution)
        self.check.on_click(lambda _: self.submit())
        if not derivation:  # Enter in a one-line box checks, as in a form; in a derivation it starts a line
            with warnings.catch_warnings():  # on_submit is deprecated, yet still the only event for Enter
                warnings.simplefilter("ignore", DeprecationWarning)
                self.input.on_submit(lambda _: self.submit())
        self.hint.on_click(lambda _: self.show_hint())
        self.solution.on_click(lambda _: self.show_solution())
        self._debounce = Debounce(PREVIEW_DELAY, self.refresh_preview)
        self.input.observe(lambda _: self._debounce(), names="value")
        self.widget = w.VBox([self.ask, self.input, self.preview, w.HBox([self.check, self.hint, self.solution,
                                                                          self.left]),
                              self.hints, self.verdict, self.worked],
                             layout=w.Layout(border="1px solid #d0d7de", padding="6px", margin="4px 0"))
        self.refresh_preview()
        self._show_hints()
        self._refresh()

    def refresh_preview(self) -> None:
        """Show how the typed text reads, typeset, or where it stops being readable."""
        text = self.input.value
        self.kept.typed = text
        blocks: list[Block] = views.preview_blocks(self.scoped, self.part.address, text) if text.strip() else []
        self.preview.value = Shown(blocks).html() if blocks else ""

    def submit(self) -> None:
        text = self.input.value
        if self.kept.done or not text.strip():
            return
        self.check.disabled = True
        try:
            from grader.grading.grade import grade

            result = grade(self.scoped, self.part.address, text)
        finally:
            self.check.disabled = False
        api.record(self.owner.sheet, self.part.address, text)
        counts = result.status != "invalid"  # an unreadable answer costs no attempt
        self.kept.attempts += counts
        self.kept.points = max(self.kept.points, result.points)
        left = self.owner.attempts - self.kept.attempts
        self.kept.status = "tried"
        if result.status == "correct":
            self.kept.status = "correct"
        elif left <= 0:
            self.kept.status = "incorrect"
        self.kept.verdict = Shown(views.result_blocks(result, self.scoped, text)).html()
        self.verdict.value = self.kept.verdict
        if self.kept.status == "incorrect":
            self.show_solution()
        self._refresh()

    def show_hint(self) -> None:
        if self.kept.hints < len(self.part.hints):
            self.kept.hints += 1
        self._show_hints(last=self.kept.hints >= len(self.part.hints))
        self._refresh()

    def _show_hints(self, last: bool = False) -> None:
        if self.kept.hints or last:
            self.hints.value = Shown(views.hint_blocks(self.part, self.kept.hints)).html()

    def show_solution(self) -> None:
        if not self.kept.done:
            self.kept.status = "solution"
        self.kept.solution = self._solution_html
        self.worked.value = self._solution_html
        self._refresh()

    def _refresh(self) -> None:
        done = self.kept.done
        self.input.disabled = done
        self.check.disabled = done
        self.hint.disabled = done or self.kept.hints >= len(self.part.hints)
        self.solution.disabled = bool(self.kept.solution)
        left = self.owner.attempts - self.kept.attempts
        if self.kept.status == "correct":
            words = "Done."
        elif self.kept.status == "solution":
            words = "Ended: the worked solution was shown."
        elif left <= 0:
            words = "No attempts left."
        else:
            words = f"{left} of {self.owner.attempts} attempt{'s' if self.owner.attempts != 1 else ''} left"
        self.left.value = f"<span style=\"color:#57606a\">{words}</span>"
        self.owner.update_score()
