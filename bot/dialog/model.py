"""Inputs, replies and the session state: plain data that every channel shares.

The state serialises to JSON and carries a version, so a stored session survives an upgrade of
the bot or the knowledge base: answers to facts that no longer exist are dropped, not a crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from eligibility.errors import ProfileError
from eligibility.profile import coerce_value, number_words
from eligibility.results import Facts
from knowledge.models import KnowledgeBase, Lang

STATE_VERSION = 1
Mode = Literal["idle", "assess", "done"]


@dataclass(frozen=True)
class TextInput:
    text: str


@dataclass(frozen=True)
class ButtonInput:
    data: str


@dataclass(frozen=True)
class CommandInput:
    name: str
    arg: str = ""


Input = TextInput | ButtonInput | CommandInput


@dataclass(frozen=True)
class Button:
    """A button under a message: it sends ``data`` back, or opens ``url``, or (``share``) lets the
    user pick a chat and post this bot's inline answer to the given query there."""

    label: str
    data: str  # at most 64 bytes: Telegram's limit on callback data
    # A tap copies this text to the clipboard instead of sending ``data`` (Telegram's CopyTextButton,
    # at most 256 characters); used for the help desk's ready-to-paste reply.
    copy_text: str | None = None
    url: str | None = None
    share: str | None = None


@dataclass(frozen=True)
class Reply:
    """One message. ``edit`` asks the channel to replace the message holding the question buttons.

    ``popup``: a short note about a pressed button (a stale or double tap); Telegram shows it as
    the button's pop-up instead of a new message, the console prints it.
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    edit: bool = False
    popup: bool = False


@dataclass(frozen=True)
class InlineCard:
    """One inline-mode result: a title and a line to pick from, and the HTML text it inserts."""

    id: str
    title: str
    description: str
    text: str


@dataclass
class Step:
    """One answered question, so "back" can undo it exactly."""

    question: str
    set: dict[str, Any]
    skipped: list[str] = field(default_factory=list)
    previous: dict[str, Any] = field(default_factory=dict)  # answers this step replaced


@dataclass
class SessionState:
    lang: Lang = "zh"
    mode: Mode = "idle"
    topic: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    history: list[Step] = field(default_factory=list)
    current: str | None = None
    ticked: list[str] = field(default_factory=list)
    last_total: list[int] | None = None
    asked: int = 0
    last_input: str | None = None  # id of the last input applied (a redelivery is not applied twice)
    # What the channel shows, kept so the next turn can act on it: the message holding the live
    # question keyboard (retired when the question is answered), and whether the last replies
    # were lost in sending (the next typed message then gets the current question, not applied).
    ui_msg: int | None = None
    ui_turn: int | None = None  # the channel's id of the input whose replies set ``ui_msg`` (newest wins)
    ui_edited: int | None = None  # the message that input's replies edited in place
    unseen: bool = False
    left_shown: int | None = None  # the "about N left" last shown: the estimate only ever falls
    answer_msg: int | None = None  # the channel's id of the message that gave the latest answer (edits correct it)
    # The buttons ([label, data]) of the last message that had any: a label typed does what its tap does,
    # also on screens the rest of the state does not describe (the clause list, the answers summary).
    shown: list[list[str]] = field(default_factory=list)
    # The items (benefit ids) the last side answer was about: a follow-up that names none ("两个都申请能拿
    # 多少", "那两个一共多少") is read about them.
    said: list[str] = field(default_factory=list)
    # The figures the last side answer's amount depends on ("金额取决于：…当年实际支付利息"): a bare figure
    # sent next is read as that figure.
    wants: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "v": STATE_VERSION, "lang": self.lang, "mode": self.mode, "topic": self.topic,
            "facts": self.facts, "skipped": self.skipped,
            "history": [{"q": s.question, "set": s.set, "skipped": s.skipped, "previous": s.previous}
                        for s in self.history],
            "current": self.current, "ticked": self.ticked, "last_total": self.last_total,
            "asked": self.asked, "last_input": self.last_input, "ui_msg": self.ui_msg, "ui_turn": self.ui_turn,
            "ui_edited": self.ui_edited, "unseen": self.unseen, "left_shown": self.left_shown,
            "answer_msg": self.answer_msg, "shown": self.shown, "said": self.said,
            "wants": self.wants,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None, kb: KnowledgeBase) -> SessionState:
        """Rebuild a stored state, dropping whatever the current knowledge base no longer knows."""
        if not isinstance(data, dict) or data.get("v") != STATE_VERSION:
            return cls()
        facts = _valid_facts(data.get("facts"), kb)
        history = []
        for raw in data.get("history") or []:
            if isinstance(raw, dict) and isinstance(raw.get("q"), str):
                history.append(Step(raw["q"], _valid_facts(raw.get("set"), kb),
                                    [f for f in raw.get("skipped") or [] if f in kb.facts],
                                    _valid_facts(raw.get("previous"), kb)))
        lang: Lang = "en" if data.get("lang") == "en" else "zh"
        raw_mode = data.get("mode")
        mode: Mode = raw_mode if raw_mode in ("idle", "assess", "done") else "idle"
        topic = data.get("topic") if data.get("topic") in kb.policy.topics else None
        total = data.get("last_total")
        return cls(
            lang=lang, mode=mode, topic=topic, facts=facts,
            skipped=[f for f in data.get("skipped") or [] if f in kb.facts], history=history,
            current=data.get("current") if isinstance(data.get("current"), str) else None,
            ticked=[t for t in data.get("ticked") or [] if t in kb.facts],
            last_total=total if isinstance(total, list) and len(total) == 2 else None,
            asked=int(data.get("asked") or 0),
            last_input=data.get("last_input") if isinstance(data.get("last_input"), str) else None,
            ui_msg=data["ui_msg"] if type(data.get("ui_msg")) is int else None,
            ui_turn=data["ui_turn"] if type(data.get("ui_turn")) is int else None,
            ui_edited=data["ui_edited"] if type(data.get("ui_edited")) is int else None,
            unseen=data.get("unseen") is True,
            left_shown=data["left_shown"] if type(data.get("left_shown")) is int else None,
            answer_msg=data["answer_msg"] if type(data.get("answer_msg")) is int else None,
            shown=[[str(b[0]), str(b[1])] for b in data.get("shown") or []
                   if isinstance(b, list) and len(b) == 2 and all(isinstance(x, str) for x in b)],
            said=[b for b in data.get("said") or [] if isinstance(b, str) and b in {x.id for x in kb.benefits}],
            wants=[f for f in data.get("wants") or [] if isinstance(f, str) and f in kb.facts],
        )

    def groups_done(self) -> list[str]:
        """Screening questions already answered, derived from the history so "back" undoes them."""
        return [step.question for step in self.history if step.question.startswith("group:")]

    def typed_facts(self) -> Facts:
        return dict(self.facts)


def _valid_facts(raw: object, kb: KnowledgeBase) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not isinstance(raw, dict):
        return out
    for key, value in raw.items():
        fact = kb.facts.get(key)
        if fact is None or value is None:
            continue
        try:
            out[key] = coerce_value(fact, value, number_words(kb))
        except ProfileError:
            continue
    return out
