"""A scripted conversation with the dialog core, as a person would have it, with a transcript."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.dialog.core import Dialog
from bot.dialog.model import Button, ButtonInput, CommandInput, Input, Reply, SessionState, TextInput

TODAY = date(2025, 3, 1)


@dataclass
class Chat:
    dialog: Dialog
    state: SessionState = field(default_factory=SessionState)
    transcript: list[str] = field(default_factory=list)
    last: list[Reply] = field(default_factory=list)

    def send(self, inp: Input) -> list[Reply]:
        self.transcript.append(f"USER: {inp}")
        replies, self.state = self.dialog.handle(self.state, inp, TODAY)
        for r in replies:
            buttons = " | ".join(b.label for row in r.buttons for b in row)
            self.transcript.append(f"BOT: {r.text}" + (f"\n     [{buttons}]" if buttons else ""))
        self.last = replies
        return replies

    def say(self, text: str) -> list[Reply]:
        return self.send(TextInput(text))

    def command(self, name: str, arg: str = "") -> list[Reply]:
        return self.send(CommandInput(name, arg))

    def buttons(self) -> list[Button]:
        for r in reversed(self.last):
            if r.buttons:
                return [b for row in r.buttons for b in row]
        return []

    def press(self, label_part: str) -> list[Reply]:
        for b in self.buttons():
            if label_part in b.label:
                return self.send(ButtonInput(b.data))
        raise AssertionError(f"no button with {label_part!r}\n" + self.log())

    def text(self) -> str:
        return "\n".join(r.text for r in self.last)

    def log(self) -> str:
        return "\n".join(self.transcript)
