"""Golden conversations (tests/conversations/*.yaml): what people type, turn by turn, and what the bot must
have understood and said after each turn. Run through the real dialog core, built as
``bot.services.build_runtime`` builds it (the real free-text answerer included), with the session state
carried from turn to turn as a store would.

Every file is validated against a strict schema first: an unknown or misspelt key is an error, so an
expectation cannot silently assert nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.dialog.callbacks import MAX_BYTES
from bot.dialog.core import Dialog
from bot.dialog.model import ButtonInput, CommandInput, Input, Reply, SessionState, TextInput
from bot.dialog.views import MAX_MESSAGE
from bot.present.report import Renderer
from bot.services import make_answerer
from eligibility.evaluate import assess
from eligibility.profile import validate_facts
from eligibility.results import Validity
from knowledge.models import KnowledgeBase

HERE = Path(__file__).parent / "conversations"
FILES = sorted(HERE.glob("*.yaml"))
Status = Literal["eligible", "competitive", "undetermined", "ineligible", "info"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Turn(Strict):
    """One input (exactly one of say / tap / command) and what must hold after it."""

    say: str | None = None  # typed text
    tap: str | None = None  # a button of the last replies, by a part of its label
    command: str | None = None  # "start assess" = /start assess
    note: str | None = None  # why this turn is here, for the reader
    facts: dict[str, Any] = {}  # recorded with exactly these values
    absent: list[str] = []  # not recorded (not even with another value)
    says: list[str] = Field(default=[], description="substrings the replies must contain")
    never_says: list[str] = Field(default=[], description="substrings the replies must not contain")
    buttons: list[str] = []  # labels (parts of) among the buttons of the replies
    mode: Literal["idle", "assess", "done"] | None = None
    asking: str | None = None  # the question on screen: a fact id, group:<id>, or "clarify"
    lang: Literal["zh", "en"] | None = None
    verdicts: dict[str, Status] = {}  # the assessment of the recorded facts, benefit by benefit
    amounts: dict[str, tuple[int, int] | None] = {}  # benefit -> [min, max] yuan, or null for no amount
    total: tuple[int, int] | None = None  # the eligible total [min, max]

    @model_validator(mode="after")
    def one_input(self) -> Turn:
        given = [x for x in (self.say, self.tap, self.command) if x is not None]
        if len(given) != 1:
            raise ValueError("a turn has exactly one of say, tap, command")
        return self


class Conversation(Strict):
    name: str  # a sentence: what the conversation shows
    covers: list[str] = Field(min_length=1)  # the defects or behaviours of the issue it covers
    lang: Literal["zh", "en"] = "zh"
    # Known to fail for a reason outside the dialog (the layer or the engine): run, and must still fail.
    xfail: str | None = None
    today: date = date(2025, 3, 1)
    turns: list[Turn] = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def sentence(cls, name: str) -> str:
        if not name[:1].isupper() or not name.endswith("."):
            raise ValueError("name must be a sentence (a capital letter first, a full stop last)")
        return name


def load(path: Path, kb: KnowledgeBase) -> Conversation:
    conv = Conversation.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    benefits = {b.id for b in kb.benefits}
    for n, turn in enumerate(conv.turns, start=1):
        where = f"{path.name}: turn {n}"
        unknown = [f for f in [*turn.facts, *turn.absent] if f not in kb.facts]
        assert not unknown, f"{where}: unknown facts {unknown}"
        validate_facts(kb, turn.facts)  # values of the right type and option
        missing = [b for b in [*turn.verdicts, *turn.amounts] if b not in benefits]
        assert not missing, f"{where}: unknown benefits {missing}"
    return conv


def _same(expected: Any, got: Any) -> bool:
    if isinstance(expected, list) and isinstance(got, list):
        return sorted(map(str, expected)) == sorted(map(str, got))
    return type(expected) is type(got) and expected == got


def _button_data(replies: list[Reply], part: str) -> str | None:
    for r in reversed(replies):
        for row in r.buttons:
            for b in row:
                if part in b.label:
                    return b.data
    return None


@pytest.fixture(scope="module")
def dialog(kb: KnowledgeBase, renderer: Renderer, validity: Validity) -> Dialog:
    return Dialog(kb, renderer, validity, make_answerer(kb, renderer))


def test_there_are_enough_conversations() -> None:
    assert len(FILES) >= 40


def test_a_misspelt_expectation_is_an_error() -> None:
    with pytest.raises(ValidationError):
        Turn.model_validate({"say": "是", "say_has": ["x"]})
    with pytest.raises(ValidationError):
        Turn.model_validate({"says": ["x"]})
    with pytest.raises(ValidationError):
        Conversation.model_validate({"name": "no sentence", "covers": ["x"], "turns": [{"say": "是"}]})


def _cases() -> list[Any]:
    cases = []
    for path in FILES:
        reason = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("xfail")
        marks = [pytest.mark.xfail(strict=True, reason=str(reason))] if reason else []
        cases.append(pytest.param(path, id=path.stem, marks=marks))
    return cases


@pytest.mark.parametrize("path", _cases())
def test_conversation(path: Path, kb: KnowledgeBase, dialog: Dialog, validity: Validity) -> None:
    conv = load(path, kb)
    state = SessionState(lang=conv.lang)
    replies: list[Reply] = []
    log: list[str] = []
    for n, turn in enumerate(conv.turns, start=1):
        inp: Input
        if turn.say is not None:
            inp = TextInput(turn.say)
        elif turn.command is not None:
            name, _, arg = turn.command.partition(" ")
            inp = CommandInput(name.lstrip("/"), arg)
        else:
            data = _button_data(replies, turn.tap or "")
            assert data is not None, f"turn {n}: no button {turn.tap!r}\n" + "\n".join(log)
            inp = ButtonInput(data)
        replies, state = dialog.handle(state, inp, conv.today)
        shown = "\n".join(r.text for r in replies)
        labels = [b.label for r in replies for row in r.buttons for b in row]
        log += [f"USER: {turn.say or turn.tap or turn.command}", f"BOT: {shown}\n     {labels}"]
        where = f"{path.name}, turn {n} ({turn.say or turn.tap or turn.command!r})\n" + "\n".join(log)
        for fact, value in turn.facts.items():
            assert fact in state.facts and _same(value, state.facts[fact]), \
                f"{where}\nexpected {fact}={value!r}, recorded {state.facts.get(fact)!r}"
        for fact in turn.absent:
            assert fact not in state.facts, f"{where}\n{fact} must not be recorded: {state.facts[fact]!r}"
        # Every turn, whatever it expects: each reply fits one Telegram message, each button's data its limit.
        assert all(len(r.text) <= MAX_MESSAGE for r in replies), f"{where}\na reply longer than {MAX_MESSAGE}"
        assert all(len(b.data.encode()) <= MAX_BYTES for r in replies for row in r.buttons for b in row), where
        for part in turn.says:
            assert part in shown, f"{where}\nthe replies do not say {part!r}"
        for part in turn.never_says:
            assert part not in shown, f"{where}\nthe replies must not say {part!r}"
        for part in turn.buttons:
            assert any(part in label for label in labels), f"{where}\nno button {part!r}"
        if turn.mode is not None:
            assert state.mode == turn.mode, f"{where}\nmode {state.mode}"
        if turn.asking is not None:
            current = "clarify" if (state.current or "").startswith("clarify:") else state.current
            assert current == turn.asking, f"{where}\nasking {state.current!r}"
        if turn.lang is not None:
            assert state.lang == turn.lang, where
        if turn.verdicts or turn.amounts or turn.total is not None:
            a = assess(kb, state.typed_facts(), conv.today, validity)
            by_id = {r.benefit.id: r for r in a.results}
            for benefit, status in turn.verdicts.items():
                assert by_id[benefit].status == status, f"{where}\n{benefit}: {by_id[benefit].status}"
            for benefit, amount in turn.amounts.items():
                got = by_id[benefit].amount
                assert (None if got is None else (got.min, got.max)) == (None if amount is None else tuple(amount)), \
                    f"{where}\n{benefit}: amount {got}"
            if turn.total is not None:
                assert (a.eligible_total.min, a.eligible_total.max) == tuple(turn.total), \
                    f"{where}\ntotal {a.eligible_total}"
