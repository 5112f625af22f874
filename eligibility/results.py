"""What an assessment returns: verdicts, amounts, reasons as codes with parameters.

Reasons are data, not sentences: channels render them in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from knowledge.models import Benefit, Text

# list[str]: a multiple choice fact, one value per event (two awards in a year: ["gold", "silver"]).
FactValue = bool | int | str | list[int] | list[str]
Facts = dict[str, FactValue]
# supported: a direction the policy supports; amount and procedure are left to the implementing
# rules, so it is counted in no total.
Status = Literal["eligible", "competitive", "supported", "undetermined", "ineligible", "info"]
ValidityState = Literal["not_started", "in_force", "expired"]


@dataclass(frozen=True, slots=True)
class Amount:
    """Yuan; min == max for a fixed sum, min 0 where the policy only sets a ceiling."""

    min: int
    max: int

    def __add__(self, other: Amount) -> Amount:
        return Amount(self.min + other.min, self.max + other.max)

    def to_json(self) -> dict[str, int]:
        return {"min": self.min, "max": self.max}


ZERO = Amount(0, 0)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a verdict was reached. ``code`` picks the message; ``params`` fill it."""

    code: str
    fact: str | None = None
    label: Text | None = None
    value: FactValue | None = None
    params: tuple[tuple[str, int | str], ...] = ()

    def param(self, name: str) -> int | str | None:
        return dict(self.params).get(name)


@dataclass(frozen=True, slots=True)
class Validity:
    """The days the policy is in force, both included; ``assumed`` when the publication date is not
    known and the window is the knowledge base's reading."""

    valid_from: date | None
    valid_until: date
    assumed: bool

    def in_force(self, on: date) -> bool:
        return self.state(on) == "in_force"

    def state(self, on: date) -> ValidityState:
        if self.valid_from is not None and on < self.valid_from:
            return "not_started"
        return "expired" if on > self.valid_until else "in_force"


@dataclass(frozen=True, slots=True)
class BenefitResult:
    benefit: Benefit
    status: Status
    amount: Amount | None
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...] = ()
    assumptions: tuple[Text, ...] = ()

    @property
    def id(self) -> str:
        return self.benefit.id


@dataclass(frozen=True, slots=True)
class Assessment:
    as_of: date
    validity: Validity
    results: tuple[BenefitResult, ...]
    eligible_total: Amount = ZERO
    competitive_total: Amount = ZERO
    assumptions: tuple[Text, ...] = field(default=())

    @property
    def policy_in_force(self) -> bool:
        return self.validity.in_force(self.as_of)

    @property
    def policy_state(self) -> ValidityState:
        return self.validity.state(self.as_of)

    def result(self, benefit_id: str) -> BenefitResult:
        for r in self.results:
            if r.benefit.id == benefit_id:
                return r
        raise KeyError(benefit_id)

    def by_status(self, status: Status) -> list[BenefitResult]:
        return [r for r in self.results if r.status == status]
