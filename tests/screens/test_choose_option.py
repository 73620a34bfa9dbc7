"""The option dialog: long labels and hints wrap under themselves, the current value is marked,
Enter chooses, Escape cancels; hostile labels stay literal text."""

from __future__ import annotations

from rich.console import Console
from textual.app import App

from helpdesk.screens.choose_option import Choice, ChooseOptionModal
from helpdesk.tui.text import literal
from tests.pilot import sync

LONG = "Консультации по устранению замечаний экспертизы и контролирующих организаций"


def _lines(modal: ChooseOptionModal, choice: Choice, width: int) -> list[str]:
    console = Console(width=width, color_system=None, legacy_windows=False)
    with console.capture() as captured:
        console.print(modal._prompt(choice))
    return captured.get().rstrip("\n").split("\n")


def test_a_long_label_and_its_hint_wrap_under_the_label_not_under_the_mark():
    modal = ChooseOptionModal("Категория", [], current="x")
    lines = _lines(modal, Choice("x", LONG, hint="ответ клиента снова откроет заявку, когда он напишет"), 30)
    assert lines[0].startswith("● Консультации")
    assert len(lines) >= 4 and all(line.startswith("  ") and line[2] != " " for line in lines[1:])
    assert " ".join(line.strip(" ●") for line in lines).replace("  ", " ").startswith(LONG)
    assert "(current)" in " ".join(lines)


def test_markup_and_control_characters_in_a_label_stay_visible_text():
    modal = ChooseOptionModal("Тикет", [])
    text = "\n".join(_lines(modal, Choice(1, literal("[red]x[/red]\x1b[2J", single_line=True)), 60))
    assert "[red]x[/red]" in text and "\x1b" not in text


class _Host(App):
    def __init__(self, choices, current):
        super().__init__()
        self.choices, self.current, self.result = choices, current, "unset"

    def on_mount(self) -> None:
        self.push_screen(ChooseOptionModal("Категория", self.choices, current=self.current), self._done)

    def _done(self, choice) -> None:
        self.result = choice


@sync
async def test_enter_chooses_the_highlighted_value_and_escape_cancels():
    choices = [Choice(None, "Группа", heading=True), Choice("a", LONG), Choice("b", "Короткая")]
    app = _Host(choices, "b")
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("up", "enter")  # from the current "b" to "a"
        await pilot.pause()
        assert app.result == choices[1]
    app = _Host(choices, "b")
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert app.result is None
