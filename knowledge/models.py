"""Typed shape of the knowledge base: the policy, its fact catalogue and its benefits.

The YAML files under ``knowledge/data`` are parsed into these models once, at the door; code
after that trusts the types. Every amount and condition of the policy lives in the data, never here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

Lang = Literal["zh", "en"]
FactType = Literal["bool", "choice", "money", "money_list"]
Scalar = bool | int | str
_T = TypeVar("_T")
_MEMO_MAX = 64


class Model(BaseModel):
    """Strict base: unknown keys are typos a policy officer wants to hear about."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(Model):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


class Option(Model):
    id: str
    label: Text
    aliases: list[str] = []


class Fact(Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: FactType
    label: Text
    question: Text
    options: list[Option] = []
    # Lower asks earlier; facts without it are ordered by what they can still settle.
    ask_first: int | None = None
    # Phrases in free text that state this fact (true, or the figure for a money fact):
    # "拿了马德里注册" -> new_madrid_registration; "质押贷款付息80万" -> pledge_loan_interest_paid_yuan.
    mentions: list[str] = []
    # Words next to the figure that is this fact's value when a question carries several figures
    # ("贷款1000万，付了40万利息": 利息 marks the interest, not the principal).
    figure_cues: list[str] = []

    @model_validator(mode="after")
    def _options_match_type(self) -> Fact:
        if self.type == "choice" and not self.options:
            raise ValueError("a choice fact needs options")
        if self.type != "choice" and self.options:
            raise ValueError(f"a {self.type} fact takes no options")
        return self

    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]


class Condition(Model):
    """One test on one fact; exactly one operator is set."""

    fact: str
    equals: Scalar | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    not_in: list[str] | None = None
    gt: float | None = None
    any_gt: float | None = None
    label: Text | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        ops = [n for n in ("equals", "in_", "not_in", "gt", "any_gt") if getattr(self, n) is not None]
        if len(ops) != 1:
            raise ValueError("a condition needs exactly one of: equals, in, not_in, gt, any_gt")
        return self


class Quota(Model):
    min: int = Field(ge=1)
    max: int = Field(ge=1)
    unit: Text


class Award(Model):
    """How the money is given: on conditions, competitively within a yearly quota, or not at all."""

    mode: Literal["conditional", "competitive", "info"]
    expert_review: bool = False
    frequency: Literal["once", "yearly", "per_event"] | None = None
    quota: Quota | None = None


class FixedAmount(Model):
    kind: Literal["fixed"]
    value: int = Field(ge=0)


class RangeAmount(Model):
    kind: Literal["range"]
    min: int = Field(ge=0)
    max: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> RangeAmount:
        if self.min > self.max:
            raise ValueError("min is above max")
        return self


class UpToAmount(Model):
    kind: Literal["up_to"]
    max: int = Field(ge=0)


class TieredAmount(Model):
    kind: Literal["tiered"]
    by: str
    tiers: dict[str, int]


class PercentageAmount(Model):
    kind: Literal["percentage"]
    rate: float = Field(gt=0, le=1)
    of: str
    cap: int | None = Field(default=None, ge=0)
    cap_scope: Literal["per_issue", "per_enterprise", "per_enterprise_per_year"] | None = None


class NoAmount(Model):
    kind: Literal["none"]


AmountRule = Annotated[
    FixedAmount | RangeAmount | UpToAmount | TieredAmount | PercentageAmount | NoAmount,
    Field(discriminator="kind"),
]


class Benefit(Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    ref: str
    topic: str
    title: Text
    summary: Text
    source: str = Field(min_length=1)
    applicants: list[str] | Literal["any"]
    conditions: list[Condition] = []
    amount: AmountRule
    award: Award
    assumptions: list[Text] = []
    aliases: list[str] = []
    # "同一企业同一事项不享受重复奖补": not paid when one of these (the same matter, a higher award)
    # is also due.
    not_with: list[str] = []

    @property
    def is_info(self) -> bool:
        return self.award.mode == "info"


class OutOfScope(Model):
    """A subject people ask about that this policy does not cover, and how to say so."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    near_miss: bool = False  # about IP, but not in this policy
    terms: list[str] = Field(min_length=1)
    reply: Text


class QuestionGroup(Model):
    """One screening question covering several yes/no or money facts: tick what applies.

    Ticked bool facts become true and unticked false; an unticked money fact becomes 0 (none),
    a ticked one stays unknown so its figure is asked next.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    question: Text
    facts: list[str] = Field(min_length=2)
    option_labels: dict[str, Text] = {}
    none_label: Text  # the "none of these" option


class Clause(Model):
    heading: str
    text: str


class Validity(Model):
    years: int = Field(ge=1)
    assumed_valid_until: date
    assumption: Text


class Policy(Model):
    id: str
    title: Text
    document_number: str
    issuer: Text
    implementing_agencies: Text
    validity: Validity
    common_conditions: list[Condition] = []
    common_assumptions: list[Text] = []
    disclaimer: Text
    topics: dict[str, Text]
    clauses: dict[str, Clause]


class Contact(Model):
    """A contact the bot may give someone asking for a person: only details the agency itself publishes."""

    name: Text
    source: str = Field(min_length=1)  # where the agency publishes the detail (a URL or a document)
    phone: str | None = None
    address: Text | None = None
    hours: Text | None = None
    url: str | None = None


# -- Vocabulary: the words people use (knowledge/data/vocabulary/*.yaml, places.yaml) -------------------
# Apart from the legal content: a policy officer adds a word without touching a clause.

IntentId = Literal["assess", "ask", "menu", "help", "greeting", "thanks", "human", "back", "restart", "cancel",
                   "lang_zh", "lang_en"]


class Polarity(Model):
    """Yes, no, none, not sure, hedges, negations and corrections: one list of each."""

    yes: list[str]
    no: list[str]
    yes_prefixes: list[str] = []
    negations: list[str]
    not_negations: list[str] = []
    question_prefixes: list[str] = []
    none: list[str]
    unknown: list[str]
    hedges: list[str] = []
    corrections: list[str] = []
    clause_breaks: list[str] = []
    # What the user asks about, not a fact ("想了解贯标补贴"); words that look like cues but are not.
    inquiries: list[str] = []
    achieved: list[str] = []
    # "正在搞", "打算报": a yes only to the questions that ask about work going on or planned
    # (``yes_when`` of the fact in vocabulary/facts.yaml).
    ongoing: list[str] = []
    planned: list[str] = []
    # Not (yet) the fact: applied for, wanted, or in another year ("申请了马德里但还没批", "前年拿了金奖").
    pending: list[str] = []
    neutral: list[str] = []


class IntentWords(Model):
    intent: IntentId
    exact: list[str] = []
    contains: list[str] = []
    # Broad words, only in a short message that is not a question and states no fact ("重测", "辛苦啦").
    keywords: list[str] = []


class ApplicantType(Model):
    entity_type: str
    words: list[str] = Field(min_length=1)


class IntentFillers(Model):
    start: list[str] = []
    end: list[str] = []


class Intents(Model):
    fillers: IntentFillers = IntentFillers()
    except_: list[str] = Field(default=[], alias="except")
    intents: list[IntentWords] = []


class Applicants(Model):
    # "我们是", "是一家": the description that follows is the applicant's (free text needs one).
    self_cues: list[str] = []
    client_cues: list[str] = []
    # Someone else: what follows in the clause is not the applicant's ("朋友公司拿了银奖").
    others: list[str] = []
    types: list[ApplicantType] = []


class PeriodWords(Model):
    period: Literal["month", "quarter", "half_year", "year"]
    factor: int = Field(ge=1)
    words: list[str] = Field(min_length=1)


class FigureWords(Model):
    principal: list[str] = []
    periods: list[PeriodWords] = []
    # Part of a year ("上半年", "三个月"): a yearly figure cannot be derived from it; asked about.
    partial_periods: list[str] = []
    yearly_facts: list[str] = []
    approximate: list[str] = []
    # "不到10万", "10万以上": a bound, not the figure; asked about.
    bounds: list[str] = []
    # "两期共融资3亿": a total, not each issue's figure; asked about for a list of issues.
    totals: list[str] = []
    policy: list[str] = []
    phone: list[str] = []


class FactWords(Model):
    """The words of one fact: its mentions in free text, its figure cues, its options' aliases."""

    mentions: list[str] = []
    yes_when: list[Literal["ongoing", "planned"]] = []
    # Words that state a yes/no fact false ("大型企业" for is_sme).
    mentions_false: list[str] = []
    figure_cues: list[str] = []
    options: dict[str, list[str]] = {}
    # In free text an option counts only with one of these in its clause ("做软件的", not "制药厂").
    context: list[str] = []


class Vocabulary(Model):
    polarity: Polarity | None = None
    intents: Intents = Intents()
    applicants: Applicants = Applicants()
    figures: FigureWords = FigureWords()
    facts: dict[str, FactWords] = {}
    benefits: dict[str, list[str]] = {}


class Place(Model):
    name: str
    aliases: list[str] = Field(min_length=1)


class Places(Model):
    """Where applicants say they are registered; the registration place decides in_city."""

    city: Place | None = None
    inside: list[Place] = []
    outside: list[Place] = []
    # Too wide to decide ("河北" holds Shijiazhuang and other cities): asked about.
    ambiguous: list[Place] = []
    registration_cues: list[str] = []
    branch_cues: list[str] = []


class KnowledgeBase(Model):
    """The whole policy as data, cross-checked by the loader."""

    policy: Policy
    facts: dict[str, Fact]
    benefits: list[Benefit]
    out_of_scope: list[OutOfScope] = []
    question_groups: list[QuestionGroup] = []
    contacts: list[Contact] = []  # knowledge/data/contact.yaml; empty: the bot holds no contact details
    vocabulary: Vocabulary = Vocabulary()
    places: Places = Places()
    _memo: dict[str, object] = PrivateAttr(default_factory=dict)
    _conditions: dict[str, list[Condition]] = PrivateAttr(default_factory=dict)
    _by_id: dict[str, Benefit] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: object, /) -> None:
        self._by_id = {b.id: b for b in self.benefits}
        self._conditions = {b.id: self._build_conditions(b) for b in self.benefits}

    def memo(self, key: str, build: Callable[[KnowledgeBase], _T]) -> _T:
        """What ``build`` derives from this knowledge base, built once (a loaded base never changes).

        The language layer compiles its vocabulary here, so a message never pays for it. A copy
        (``model_copy(update=...)``) shares the private dict, so each entry remembers its owner."""
        slot = f"{id(self)}:{key}"
        entry = self._memo.get(slot)
        if not (isinstance(entry, tuple) and entry[0] is self):
            if len(self._memo) > _MEMO_MAX:  # copies come and go (tests); a running bot has one or two
                self._memo.clear()
            entry = (self, build(self))
            self._memo[slot] = entry
        return entry[1]  # type: ignore[no-any-return]

    def benefit(self, benefit_id: str) -> Benefit:
        return self._by_id[benefit_id]

    def conditions_of(self, benefit: Benefit) -> list[Condition]:
        """All conditions of a money benefit: the policy's common ones, the applicant type, its own."""
        return self._conditions[benefit.id]

    def all_conditions(self) -> dict[str, list[Condition]]:
        """Benefit id -> its conditions, for loops over every benefit (one lookup of the table)."""
        return self._conditions

    def _build_conditions(self, benefit: Benefit) -> list[Condition]:
        if benefit.is_info:
            return []
        conds = list(self.policy.common_conditions)
        if benefit.applicants != "any":
            conds.append(Condition(fact="entity_type", **{"in": list(benefit.applicants)}))
        conds.extend(benefit.conditions)
        return conds
