"""What the language layer returns: a reading of one message (frozen, no behaviour)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# A fact's value as read from text: the engine's values, plus several award levels as a list.
FactValue = bool | int | str | list[int] | list[str]



@dataclass(frozen=True)
class Note:
    """Something the bot states back to the user, as a message key and its parameters."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)
    fact: str | None = None


@dataclass(frozen=True)
class Clarify:
    """One short question to ask; nothing is recorded for ``fact`` until it is answered."""

    fact: str
    key: str
    params: Mapping[str, object] = field(default_factory=dict)
    value: FactValue | None = None  # the candidate, for a yes/no confirmation


@dataclass(frozen=True)
class Figure:
    """A number in the message and what it is: the user's amount for ``fact``, a principal, a phone ..."""

    text: str
    value: int | None
    role: str  # amount principal policy phone year date count percent supposed theirs (someone else's) other
    fact: str | None = None
    approximate: bool = False
    period: str | None = None  # month quarter half_year year, as stated; value already annualised


@dataclass(frozen=True)
class Reading:
    intent: str | None = None
    answered: bool = False
    unknown: bool = False
    facts: Mapping[str, FactValue] = field(default_factory=dict)
    correction: bool = False
    is_question: bool = False
    notes: tuple[Note, ...] = ()
    clarify: tuple[Clarify, ...] = ()
    figures: tuple[Figure, ...] = ()
    # Facts named only to say they are not the applicant's: against another said instead ("不是优势企业，是示范
    #企业") or someone else's ("合作方拿了银奖"); nothing is recorded for them, and what answers the message
    # neither pays them nor lists them beside another.
    denied: frozenset[str] = frozenset()
