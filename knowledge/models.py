"""Typed shape of the knowledge base: the policy, its fact catalogue and its benefits.

The YAML files under ``knowledge/data`` are parsed into these models once, at the door; code
after that trusts the types. Every amount and condition of the policy lives in the data, never here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, ClassVar, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, model_validator

Lang = Literal["zh", "en"]
FactType = Literal["bool", "choice", "money", "money_list", "number"]
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
    short: Text | None = None  # the button label on a phone (kb check: SHORT_LABEL_LIMITS); else ``label``
    aliases: list[str] = []
    # Read when a user says it ("我们是个体工商户"), not offered as a button: applicants the text never
    # names, kept apart so the guided question stays short (``UnnamedApplicant`` says how they are read).
    volunteered: bool = False


class Fact(Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: FactType
    label: Text
    short: Text | None = None  # its button in a "tick all that apply" question, on a phone
    question: Text
    options: list[Option] = []
    # A choice fact that may hold several values, one per event of the year ([gold, silver] for two
    # awards); one value stays valid input.
    multiple: bool = False
    # The time window the bot assumes where the text says "新取得", "上一年度新增", "获批" without one;
    # stated in the question and shown as an assumption of every benefit that tests this fact.
    window: Text | None = None
    # A yes/no fact that sums up these (no transfer work at all): answered false, each of them is
    # false too; answered true, they are asked.
    summary_of: list[str] = []
    # A number fact's bounds (a count of items from 1, a year): a value outside is refused at the door.
    minimum: int | None = None
    maximum: int | None = None
    # A year fact read against the policy's validity: ``application`` (the year applied in: a year outside
    # the validity is out of force, one the validity only partly covers is undetermined) or ``event``
    # (the year something paid was done: outside the validity, undetermined with the entry's reading).
    year_of: Literal["application", "event"] | None = None
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
        if self.multiple and self.type != "choice":
            raise ValueError("only a choice fact may hold several values (multiple: true)")
        if (self.type == "number") != (self.minimum is not None and self.maximum is not None):
            raise ValueError("a number fact, and only one, has its bounds (minimum and maximum)")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("minimum is above maximum")
        if self.year_of is not None and self.type != "number":
            raise ValueError("year_of is for a number fact holding a year")
        if any(o.volunteered for o in self.options) and all(o.volunteered for o in self.options):
            raise ValueError("a choice fact needs at least one option offered as a button")
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
    # Set when the test is our reading, not the text's (an applicant list the text does not name,
    # the applicant's industry standing for the patent's field): a value outside it leaves the
    # benefit undetermined with this reading said, never ineligible.
    reading: Text | None = None
    # Tested only when the fact is said ("地理标志是县政府申请的"): unsaid, it is neither missing nor
    # asked, so the guided questionnaire never grows by it.
    when_said: bool = False

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        ops = [n for n in ("equals", "in_", "not_in", "gt", "any_gt") if getattr(self, n) is not None]
        if len(ops) != 1:
            raise ValueError("a condition needs exactly one of: equals, in, not_in, gt, any_gt")
        return self


class DatedValue(Model):
    """One value of an amount, rate, cap or quota and the day from which it holds (a revision adds
    one, history is kept); ``reference`` names the document that set it."""

    since: date
    value: float = Field(ge=0)
    reference: str | None = None


# A number of the policy: a plain value, or its values by the date from which each holds.
Dated = Annotated[float, Field(ge=0)] | list[DatedValue]


def value_at(dated: Dated, on: date | None) -> float:
    """The value in force on ``on`` (the latest one when ``on`` is None; the first before it holds)."""
    if not isinstance(dated, list):
        return dated
    current = dated[0].value
    for entry in dated:
        if on is None or entry.since <= on:
            current = entry.value
    return current


def change_dates(dated: Dated) -> list[date]:
    return [d.since for d in dated] if isinstance(dated, list) else []


def _check_dated(name: str, dated: Dated) -> None:
    if isinstance(dated, list):
        if not dated:
            raise ValueError(f"{name}: a dated value needs at least one {{since, value}}")
        days = [d.since for d in dated]
        if days != sorted(set(days)):
            raise ValueError(f"{name}: dated values must be in order of their since dates, each date once")


class Quota(Model):
    min_dated: Dated = Field(alias="min")
    max_dated: Dated = Field(alias="max")
    unit: Text

    @model_validator(mode="after")
    def _valid(self) -> Quota:
        for name in ("min_dated", "max_dated"):
            _check_dated(name.removesuffix("_dated"), getattr(self, name))
        if any(value_at(self.min_dated, d) < 1 for d in [None, *change_dates(self.min_dated)]):
            raise ValueError("a quota is at least 1")
        return self

    @property
    def min(self) -> int:
        return int(value_at(self.min_dated, None))

    @property
    def max(self) -> int:
        return int(value_at(self.max_dated, None))

    def at(self, on: date) -> Quota:
        return self.model_copy(update={"min_dated": value_at(self.min_dated, on),
                                       "max_dated": value_at(self.max_dated, on)})


class Award(Model):
    """How the money is given: on conditions, competitively within a yearly quota, not at all, or
    ``supported``: a direction the policy supports whose amount and procedure the implementing rules
    will set (counted in no total)."""

    mode: Literal["conditional", "competitive", "supported", "info"]
    expert_review: bool = False
    frequency: Literal["once", "yearly", "per_event"] | None = None
    quota: Quota | None = None


class _DatedAmount(Model):
    """An amount rule whose numbers may be dated: ``at(day)`` gives the rule in force that day, with
    plain numbers; the properties read the latest values (for cards and answers without a date)."""

    _dated_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _valid_dates(self) -> _DatedAmount:
        for name in self._dated_fields:
            value = getattr(self, name)
            if value is not None:
                _check_dated(name.removesuffix("_dated"), value)
        return self

    def change_dates(self) -> list[date]:
        return sorted({d for n in self._dated_fields if getattr(self, n) is not None
                       for d in change_dates(getattr(self, n))})

    def at(self, on: date) -> _DatedAmount:
        update = {n: value_at(getattr(self, n), on) for n in self._dated_fields if getattr(self, n) is not None}
        return self.model_copy(update=update) if update else self


class ItemCount(Model):
    """A text that pays per item ("每个指导站给予 2 万元", "对新认定的中国驰名商标…给予 50 万元") and the
    fact holding how many the applicant has. Said, the count makes the amount a range: from one item
    (``min``: one selected, or paid once) to each item paid (``max``: at most ``most`` items, the
    yearly quota), with ``reading`` shown; unsaid, the amount is one item's."""

    fact: str
    most: int | None = Field(default=None, ge=1)  # a competitive entry's yearly quota: no more are chosen
    reading: Text  # "{n}" is the count said


class FixedAmount(_DatedAmount):
    kind: Literal["fixed"]
    value_dated: Dated = Field(alias="value")
    count: ItemCount | None = None
    _dated_fields: ClassVar[tuple[str, ...]] = ("value_dated",)

    @property
    def value(self) -> int:
        return int(value_at(self.value_dated, None))


class RangeAmount(_DatedAmount):
    kind: Literal["range"]
    min_dated: Dated = Field(alias="min")
    max_dated: Dated = Field(alias="max")
    count: ItemCount | None = None
    _dated_fields: ClassVar[tuple[str, ...]] = ("min_dated", "max_dated")

    @model_validator(mode="after")
    def _ordered(self) -> RangeAmount:
        for day in [None, *self.change_dates()]:
            if value_at(self.min_dated, day) > value_at(self.max_dated, day):
                raise ValueError("min is above max")
        return self

    @property
    def min(self) -> int:
        return int(value_at(self.min_dated, None))

    @property
    def max(self) -> int:
        return int(value_at(self.max_dated, None))


class UpToAmount(_DatedAmount):
    kind: Literal["up_to"]
    max_dated: Dated = Field(alias="max")
    _dated_fields: ClassVar[tuple[str, ...]] = ("max_dated",)

    @property
    def max(self) -> int:
        return int(value_at(self.max_dated, None))


class SeveralEvents(Model):
    """How several events of a multiple fact in one year are paid: the reading as a range."""

    min: Literal["highest", "each"]
    max: Literal["highest", "each"]


class TieredAmount(_DatedAmount):
    kind: Literal["tiered"]
    by: str
    tiers_dated: dict[str, Dated] = Field(alias="tiers")
    several: SeveralEvents | None = None

    @model_validator(mode="after")
    def _valid_tiers(self) -> TieredAmount:
        for name, value in self.tiers_dated.items():
            _check_dated(f"tiers.{name}", value)
        return self

    @property
    def tiers(self) -> dict[str, int]:
        return {k: int(value_at(v, None)) for k, v in self.tiers_dated.items()}

    def change_dates(self) -> list[date]:
        return sorted({d for v in self.tiers_dated.values() for d in change_dates(v)})

    def at(self, on: date) -> TieredAmount:
        return self.model_copy(update={"tiers_dated": {k: value_at(v, on) for k, v in self.tiers_dated.items()}})


class PercentageAmount(_DatedAmount):
    kind: Literal["percentage"]
    rate_dated: Dated = Field(alias="rate")
    of: str
    cap_dated: Dated | None = Field(default=None, alias="cap")
    cap_scope: Literal["per_issue", "per_enterprise", "per_enterprise_per_year"] | None = None
    _dated_fields: ClassVar[tuple[str, ...]] = ("rate_dated", "cap_dated")

    @model_validator(mode="after")
    def _rate_is_a_fraction(self) -> PercentageAmount:
        for day in [None, *self.change_dates()]:
            if not 0 < value_at(self.rate_dated, day) <= 1:
                raise ValueError("rate is a fraction above 0 and at most 1 (0.02 for 2%)")
        return self

    @property
    def rate(self) -> float:
        return value_at(self.rate_dated, None)

    @property
    def cap(self) -> int | None:
        return None if self.cap_dated is None else int(value_at(self.cap_dated, None))


class NoAmount(_DatedAmount):
    kind: Literal["none"]


def item_count(rule: object) -> ItemCount | None:
    """The per-item count of an amount rule, if it pays per item."""
    count = getattr(rule, "count", None)
    return count if isinstance(count, ItemCount) else None


AmountRule = Annotated[
    FixedAmount | RangeAmount | UpToAmount | TieredAmount | PercentageAmount | NoAmount,
    Field(discriminator="kind"),
]


class EventYear(Model):
    """The fact holding the year the paid thing was done (interest paid in 2021) and what is said when
    that year is not wholly within the validity: the text does not say it reaches back or beyond."""

    fact: str
    reading: Text


class Benefit(Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    ref: str
    topic: str
    title: Text
    short_title: Text | None = None  # the button label on a phone (kb check: SHORT_LABEL_LIMITS)
    summary: Text
    source: str = Field(min_length=1)
    applicants: list[str] | Literal["any"]
    # Set when the text names no applicant and ``applicants`` is our reading of who applies (the
    # phrase fills "政策未写明申请主体，按…理解"): another type is undetermined, not ineligible.
    applicant_reading: Text | None = None
    conditions: list[Condition] = []
    amount: AmountRule
    award: Award
    assumptions: list[Text] = []
    aliases: list[str] = []
    event_year: EventYear | None = None
    # "同一企业同一事项不享受重复奖补": not paid when one of these (the same matter, a higher award)
    # is also due.
    not_with: list[str] = []

    @property
    def is_info(self) -> bool:
        return self.award.mode == "info"

    def amount_at(self, on: date) -> AmountRule:
        """The amount rule in force on ``on`` (dated values resolved to plain ones)."""
        return self.amount.at(on)  # type: ignore[return-value]

    def change_dates(self) -> list[date]:
        """Days on which one of this benefit's numbers changes (revisions of the policy)."""
        quota = self.award.quota
        dates = set(self.amount.change_dates())
        if quota is not None:
            dates |= {*change_dates(quota.min_dated), *change_dates(quota.max_dated)}
        return sorted(dates)


class OutOfScope(Model):
    """A subject people ask about that this policy does not cover, and how to say so."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    near_miss: bool = False  # about IP, but not in this policy
    # About who the asker is (a company not registered, an individual business): never a side note beside a
    # figure ("我们没注册公司，利息付了20万" is refused, not paid as an enterprise's interest).
    about_applicant: bool = False
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
    """"自发布之日起实施，有效期5年" without the publication date: the date when known, else the widest
    window the document number allows, each with the assumption shown to the user."""

    years: int = Field(ge=1)
    published_on: date | None = None  # IPBOT_POLICY_PUBLISHED_ON overrides it
    earliest_start: date  # a 〔2022〕 document cannot be in force before 1 January 2022
    latest_published_on: date  # ... nor published after 31 December 2022
    assumed_valid_until: date  # the last day in force if published on latest_published_on
    assumption: Text
    # The fact holding the year applied in (a year fact, year_of: application), and what is said when
    # the validity covers that year only in part (2027: the policy ends during it at the latest).
    application_year: str | None = None
    partial_year: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Validity:
        if not self.earliest_start <= self.latest_published_on < self.assumed_valid_until:
            raise ValueError("expected earliest_start <= latest_published_on < assumed_valid_until")
        return self


def last_day_in_force(published_on: date, years: int) -> date:
    """"自发布之日起实施，有效期N年": from the day of publication to the day before its N-th anniversary
    (published 2022-12-31, five years: the last day is 2027-12-30)."""
    try:
        anniversary = published_on.replace(year=published_on.year + years)
    except ValueError:  # 29 February: the anniversary falls on 1 March
        anniversary = published_on.replace(year=published_on.year + years, month=3, day=1)
    return anniversary - timedelta(days=1)


RoundingMode = Literal["half_up", "down"]


class Rounding(Model):
    """Whole yuan, rounded the same way wherever a figure arrives or an amount is paid."""

    figures: RoundingMode  # a figure a user gives (0.5 and "0.5元" alike)
    payments: RoundingMode  # a percentage of a figure


class Exclusion(Model):
    """Benefits that are "同一事项" for one applicant: "不享受重复奖补"."""

    benefits: list[str] = Field(min_length=2)
    # higher: only the higher payment is kept; flag: both are shown, the lower one counted from 0
    # and an assumption tells the user that one of them may not be paid.
    resolve: Literal["higher", "flag"]
    assumption: Text


class UnnamedApplicant(Model):
    """An applicant the text never names (个人, 个体工商户, 合作社): where an entry's
    applicants are the text's and include one of ``near`` (a 个体工商户 where the text says "企业"), or are
    our reading of a silent text, the entry is undetermined with ``reading`` said, never a flat no; an
    entry open to any organisation is undetermined too unless ``organisation`` (a 个人 is none)."""

    organisation: bool
    near: list[str] = []
    reading: Text
    # Where the text names one of ``near``, what that name is read as ("原文所写“企业”为依法登记的企业"):
    # said in the reason "按…理解；贵单位（个体工商户）不在此理解之内".
    phrase: Text | None = None


class NoDoubleSubsidy(Model):
    # A competitive entry is only a chance: it never displaces a conditional (sure) payment.
    competitive_displaces_conditional: bool = False
    exclusions: list[Exclusion] = []


class Policy(Model):
    id: str
    title: Text
    document_number: str
    issuer: Text
    implementing_agencies: Text
    validity: Validity
    rounding: Rounding
    no_double_subsidy: NoDoubleSubsidy = NoDoubleSubsidy()
    common_conditions: list[Condition] = []
    common_assumptions: list[Text] = []
    # Entity types the text never names, by entity_type option, and what an entry open to any
    # organisation ("applicants: any") reads as for them.
    unnamed_applicants: dict[str, UnnamedApplicant] = {}
    any_applicant_reading: Text | None = None
    disclaimer: Text
    topics: dict[str, Text]
    clauses: dict[str, Clause]


class Translations(Model):
    """Unofficial renderings of every quoted clause into one language, shown below the verbatim Chinese.

    Only the Chinese text has legal force; ``unofficial: true`` is required so no file can claim otherwise,
    and ``notice`` is shown with every rendering. ``clauses`` maps a benefit id to its ``source`` rendered.
    """

    lang: Literal["en"]
    unofficial: Literal[True]
    notice: Text
    clauses: dict[str, str]


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

IntentId = Literal["assess", "ask", "menu", "clauses", "help", "greeting", "thanks", "human", "back", "restart",
                   "cancel", "lang_zh", "lang_en", "lang"]


class OtherLevels(Model):
    """A level word written right before a title or award ("省级" + "优势企业", "河北省" + "专利金奖",
    "provincial" + "patent award"): a provincial or city title is not the national one the policy pays."""

    levels: list[str] = []
    titles: list[str] = []

    def words(self) -> list[str]:
        return [f"{lv} {t}" if lv.isascii() and t.isascii() else f"{lv}{t}"
                for lv in self.levels for t in self.titles if lv.isascii() == t.isascii()]


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
    # A correction only standing alone between a figure and its replacement ("80万？不，是60万"): "80万不是60万" is
    # no correction, so these are kept apart from ``corrections``.
    corrections_alone: list[str] = []
    # Words between a figure and the correction word that still introduce it ("原来说80万，现在更正为60万",
    # "利息80万，后来又说记错了是70万").
    correction_leads: list[str] = []
    # "利息不是80万，是50万": a figure after one of ``not_it`` and then one of ``instead``: the second is the figure.
    not_it: list[str] = []
    # A tag question after a statement asks it ("The maker space award is 200,000 yuan, right?").
    tag_questions: list[str] = []
    instead: list[str] = []
    clause_breaks: list[str] = []
    # Between the items of a list ("马德里和驰名商标都没有", "专利导航、风险预警"): a negation reaches along it.
    list_joiners: list[str] = []
    # A tick-all answer naming all ("全都有", "马德里没有，其他都有") or all but some ("除了马德里都有").
    all_words: list[str] = []
    except_words: list[str] = []
    # What the user asks about, not a fact ("想了解贯标补贴"); words that look like cues but are not.
    inquiries: list[str] = []
    # A supposition ("如果我们拿了金奖", "万一利息付了100万"): what follows, to the end of the sentence, states nothing.
    suppositions: list[str] = []
    achieved: list[str] = []
    # "正在搞", "打算报": a yes only to the questions that ask about work going on or planned
    # (``yes_when`` of the fact in vocabulary/facts.yaml).
    ongoing: list[str] = []
    # Right before a mention only ("在贯标", "还在贯标"): under way, like ``ongoing``.
    ongoing_before: list[str] = []
    # Right after the mention, a word that makes the 在 before it a place ("在贯标学习平台注册了"), not work under way.
    ongoing_where: list[str] = []
    planned: list[str] = []
    # Not (yet) the fact: applied for, wanted, or in another year ("申请了马德里但还没批", "前年拿了金奖").
    pending: list[str] = []
    neutral: list[str] = []
    # Trailing particles and punctuation, never part of an answer or a command ("是的呀~", "不弄了"): one
    # character each.
    particles: list[str] = []
    # A bare denial after a list ("马德里注册跟驰名商标，我们都还没有"): the words naming the list ("这两样") and the
    # one-character adverbs before the denial ("都", "也").
    these: list[str] = []
    still: list[str] = []
    # In a correction between two figures: a filler before the correction word ("哦", "嗯"), and the words after
    # it that say what it is ("是", "应该是", "改为", "it's"), tried in the order written.
    correction_fillers: list[str] = []
    correction_is: list[str] = []
    # Another level's title or award ("省级优势企业", "河北省专利金奖"): no mention of the national one.
    other_levels: OtherLevels = OtherLevels()


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
    # A clause that is these words and a description ("其实是研究所", "就是企业"): the applicant speaks of itself.
    leads: list[str] = []
    client_cues: list[str] = []
    # Words naming the applicant's clients ("客户"): when a client cue holds one ("给客户做专利导航", "我们代理的
    # 客户"), a clause opened by one ("客户是生物医药企业") speaks of the clients; otherwise a help-desk forward's
    # "客户是…" introduces the applicant.
    client_words: list[str] = []
    # Someone else: what follows in the clause is not the applicant's ("朋友公司拿了银奖").
    others: list[str] = []
    # Others only as a party to a figure ("合作的那家药企利息付了80万"): what follows them is still read.
    parties: list[str] = []
    # Someone else paid ("老板个人付的"), or paid part back ("银行给我们返了10万"): a party to the figure, like
    # ``parties`` (whose actual payment is asked).
    payers: list[str] = []
    refunds: list[str] = []
    # The other side of a deal, right before a description ("受让了高校…", "从研究院买了", "bought from"); and of a
    # partnership ("我们和河北大学合作": ``together`` counts with ``partnered`` after the description).
    dealt_with: list[str] = []
    together: list[str] = []
    partnered: list[str] = []
    # Between a description and the applicant's, it names the owner ("学校下属的研究院"); the counters allowed after.
    owned: list[str] = []
    owned_counters: list[str] = []
    # A clause that disowns the one before it ("这个不是我们的", "not ours"): its opening words, the words that may
    # follow the speaker's pronoun, and pronouns of its own ("ours", "us") besides ``first_person``.
    disowning_leads: list[str] = []
    ours_tails: list[str] = []
    ours_words: list[str] = []
    # Their pronouns ("他们", "they"): a clause right after one about someone else that opens with one is theirs too.
    their_words: list[str] = []
    # Entity types that serve clients: one describing itself so ("我们是代理机构") speaks of its clients as 客户.
    serving_types: list[str] = []
    # After a fact named: someone else's ("金奖是人家的"): not the applicant's.
    theirs_after: list[str] = []
    # The speaker itself ("我们", "本所", "we"): unlike a forward's "客户是…", which introduces the applicant.
    first_person: list[str] = []
    types: list[ApplicantType] = []


class PeriodWords(Model):
    period: Literal["month", "quarter", "half_year", "year"]
    factor: int = Field(ge=1)
    words: list[str] = Field(min_length=1)


class YearWords(Model):
    """Several years in one figure ("2023-2024年利息40万", "23年和24年", "22年到现在", "贷了3年"): a
    yearly amount is asked about, never read as one year's."""

    # Between two years, a span: "2023-2024年", "23年和24年", "2022到2024年".
    span_joiners: list[str] = []
    # After a year, a span up to now: "22年到现在", "2021年至今".
    to_now: list[str] = []
    # A count of years ("贷了3年"): the count followed by one of these units, unless followed by one of
    # ``not_after`` ("2022年度", "3年期").
    duration_units: list[str] = []
    not_after: list[str] = []


class OriginatorPair(Model):
    """A fact of the originator of an issue and the fact of the enterprise it finances."""

    originator: str
    financed: str


class CountedAll(Model):
    """Things a count fact counts only when the message says all of them meet its condition ("3个产业知识产权
    联盟都备案了": the alliances counted are the filed ones; "3个联盟，1个备案了" counts no filed alliances)."""

    things: list[str]
    all: list[str]


class FractionWords(Model):
    """Words for a share of a figure ("一半", "half"): a percentage, never an amount."""

    percent: int = Field(gt=0, le=100)
    words: list[str]


class YearPart(Model):
    """One part of a year ("上半年", "Q1") and the set of parts it belongs to: a set told whole makes a year."""

    part: str
    of: Literal["halves", "quarters"]
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
    # Money received or a subsidy's name next to a figure ("到账5000万", "贴息80w"): the figure may be the
    # user's own amount or a payment; with the user's cue or one money fact named, it is asked about.
    received: list[str] = []
    phone: list[str] = []
    # Other money a company states ("营收8000万", "注册资本1000万", "担保费3万"): never a fact's amount, even
    # as the answer to a money question (then the bot asks whether the figure is the amount asked).
    other_quantities: list[str] = []
    # Another currency next to a figure ("10万美元", "$50k"): never read as yuan; asked about.
    foreign_currencies: list[str] = []
    # A sign before a figure that makes it negative ("利息-50万"): an amount cannot be; asked about.
    minus_signs: list[str] = []
    # A share in words ("一半", "half"): a percentage, like "50%", never an amount.
    fractions: list[FractionWords] = []
    # Marks of the yuan written before a figure ("人民币", "RMB", "CNY", "¥"): "利息：RMB 150,000" is one
    # clause, the label and its figure (a colon before a figure does not cut a clause).
    currency_marks: list[str] = []
    # The year before the application ("去年"): the year the policy's "上一年度" reads.
    last_year: list[str] = []
    # Other years in words ("今年", "前年"): "不是去年，是今年" corrects the year, it answers no "no".
    other_years: list[str] = []
    # Pinyin-homophone slips people make typing on phones ("至押" for 质押, "利习" for 利息): each typed form is
    # read as the word meant, before anything else; the same length, so positions in the message keep.
    misspellings: dict[str, str] = {}
    # Right before a figure, a count left open ("几十万", "数百万"); inside it after a round power of ten, "over"
    # ("一百多万", "十多万": anywhere up to twice it): a range, asked about.
    vague_numerals: list[str] = []
    over_marks: list[str] = []
    # A payment not made yet ("明年要付", "预计要付", "还没付"): not the interest actually paid; asked about.
    unpaid: list[str] = []
    # Between two figures, alternatives ("30还是35万"): not one figure; asked about.
    alternatives: list[str] = []
    # Between two figures, the ends of a range ("十到十五万"): not one figure; asked about.
    range_joiners: list[str] = []
    years: YearWords = YearWords()
    # Words counting a securitisation's issues ("两期", "3单"): fewer figures than issues asks for each.
    issue_counters: list[str] = []
    # "每期", "each": one figure said for each of the issues counted.
    issue_each: list[str] = []
    # A head count ("300人", "200 employees"): it describes the applicant, it answers no yes/no question.
    headcount: list[str] = []
    # One of several sharing a figure ("产品规模是3个亿 我们只是其中一家"): any amount told is asked about.
    one_of: list[str] = []
    # Words counting awards ("两个银奖", "银奖2项"): a multiple-choice fact holds one level per award.
    award_counters: list[str] = []
    # Counts in words the numeral reader does not read ("two silver awards").
    count_words: dict[str, int] = {}
    # Parts of a year that together make it ("上半年30万，下半年40万"): their figures add up to the year's.
    year_parts: list[YearPart] = []
    # Between a count and the thing a count fact counts ("2个商标品牌指导站", "两件驰名商标"): the counter words.
    item_counters: list[str] = []
    # Words allowed between the counter and the thing ("3个新的地理标志"); anything else makes it no count.
    item_modifiers: list[str] = []
    # Between the thing and a count after it ("指导站建了2个", "马德里注册5件").
    item_verbs: list[str] = []
    # An originator's own sentence: the financing words are the issue's, not a financed enterprise's.
    originators: list[OriginatorPair] = []
    # Before a subject-less verb of the originator ("还发起了一期", "去年发起了两期"): still the speaker's own deed.
    lead_adverbs: list[str] = []
    # Two adjacent numerals that make a range ("七八万", "三四十万"): not one figure; asked about.
    numeral_ranges: list[str] = []
    # Right after a bare number, the mark of an item of a numbered list ("1）质押贷款利息…", "2、"): an ordinal.
    list_markers: list[str] = []
    # An issue or payment named by its ordinal and corrected ("第二期记错了是7000万"): the counters after the
    # ordinal, and the figure's names that may follow ("第二期的融资额").
    ordinal_units: list[str] = []
    ordinal_figures: list[str] = []
    # A figure per payment ("每次付3万", "each payment 50k") with no period said: asked, never the year's.
    per_payment: list[str] = []
    # A clause opening with one of these gives another figure as an alternative ("30万吧，也可能是40万"): asked.
    alternative_leads: list[str] = []
    compared_years: list[str] = []  # "比去年少了一半": a yearly figure told against another year's
    compared_others: list[str] = []  # "比他们多付20万": a figure told against someone else's, a difference
    actually_paid: list[str] = []  # "实际只付了60万": the interest actually paid, after a nominal one
    # A part of a figure told apart ("其中手续费5万", "including a 50k fee", "200k of it"): the whole is asked
    # about. ``of_which`` stands before the part's figure, ``of_which_after`` right after it.
    of_which: list[str] = []
    of_which_after: list[str] = []
    # After the counter of a count said after the thing, the generic noun counted ("维权援助申报了8个项目").
    item_nouns: list[str] = []
    # A count of a generic thing that becomes the counted one ("两个商标同时被认定为驰名商标"): the generic nouns,
    # the adverbs that may follow them and the links to the thing counted.
    item_kinds: list[str] = []
    item_adverbs: list[str] = []
    item_links: list[str] = []
    # Per count fact: things counted only with a word saying all of them meet the fact's condition.
    counted_all: dict[str, CountedAll] = {}
    # Years in words, from the current year ("去年": -1, "今年": 0): an award's or title's year against the
    # application's ("今年获得…" is for next year's application).
    year_offsets: dict[str, int] = {}
    # Before a year in words, the application ("applying this year", "apply next year").
    apply_leads: list[str] = []
    # The facts whose clause says "上一年度": one of the application's own year is for next year's application.
    last_year_facts: list[str] = []
    # Beside a count, the policy's yearly quota ("每年只选5个", "only 5 are chosen a year"): not the applicant's.
    quota_marks: list[str] = []


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
    # A money fact's figure above this is confirmed with the user, never computed from ("利息800000万": 80亿 of
    # interest is a slip more likely than a loan).
    plausible_max: int | None = Field(default=None, gt=0)
    # In free text a mention states the fact true only with one of these in the message: "我们是产业知识产权联盟"
    # names the alliance, not that it is filed (备案); a no needs none.
    requires: list[str] = []
    # A ``number`` fact that counts things: the things ("商标品牌指导站"); "2个商标品牌指导站" is the count 2.
    counted: list[str] = []
    # A ``number`` fact that is a year (``year_of``): the words right after the year that make it this
    # fact's ("2028年申请", "2021年付的利息"); any other year is no fact.
    year_cues: list[str] = []
    # The words right before such a year ("apply in 2028", "申请年度是2028"): the year is this fact's.
    year_leads: list[str] = []


def _cue_word(word: str) -> str:
    """A cue word as questions.yaml writes it: no edge spaces; ``*`` only at an end of an English word."""
    if not word or word != word.strip():
        raise ValueError(f"{word!r}: a cue word is not empty and has no spaces at its ends")
    core = word.strip("*")
    if not core or "*" in core:
        raise ValueError(f"{word!r}: '*' stands only at the start or end of a word")
    if core != word and not core.isascii():
        raise ValueError(f"{word!r}: '*' (any ending) is for English words; Chinese matches anywhere already")
    return word


def _cue_chars(chars: str) -> str:
    if not chars or len(set(chars)) != len(chars) or any(c.isspace() for c in chars):
        raise ValueError(f"{chars!r}: a string of distinct characters, no spaces")
    return chars


CueWord = Annotated[str, AfterValidator(_cue_word)]
CueChars = Annotated[str, AfterValidator(_cue_chars)]


class QuestionCues(Model):
    """How a question is asked (vocabulary/questions.yaml): the words of each question form, one list each.

    The file's comments say what each list is for; eligibility/ask/cues.py strings them into its grammar.
    Every list is required, so a misspelt name is reported at the door instead of silently matching nothing.
    """

    several: list[CueWord]
    total: list[CueWord]
    joined: list[CueWord]
    several_parts: list[CueWord]
    several_part_units: list[CueWord]
    ceiling: list[CueWord]
    ceiling_before: list[CueWord]
    no_ceiling: list[CueWord]
    cap_figure: list[CueWord]
    scope_per_year: list[CueWord]
    scope_per_issue: list[CueWord]
    scope_overall: list[CueWord]
    exceed: list[CueWord]
    question_particles: list[CueWord]
    yes_no_phrases: list[CueWord]
    trailing_negations: list[CueWord]
    open_question: list[CueWord]
    confirm: list[CueWord]
    auxiliaries: list[CueWord]
    tag_questions: list[CueWord]
    tag_phrases: list[CueWord]
    claim_words: list[CueWord]
    hearsay: list[CueWord]
    exists: list[CueWord]
    support: list[CueWord]
    can: list[CueWord]
    offer: list[CueWord]
    self_before: list[CueWord]
    self_filler_chars: CueChars
    asking: list[CueWord]
    proxy: list[CueWord]
    role_before: list[CueWord]
    role_after: list[CueWord]
    asked_may: list[CueWord]
    asked_get: list[CueWord]
    asked_may_apply: list[CueWord]
    asked_get_apply: list[CueWord]
    asked_en: list[CueWord]
    asked_claim: list[CueWord] = []
    examples_closers: list[CueWord] = []
    chosen_after_count: list[CueWord] = []
    getting: list[CueWord]
    each: list[CueWord]
    procedure: list[CueWord]
    how: list[CueWord]
    how_verbs: list[CueWord]
    where_to: list[CueWord]
    where_verbs: list[CueWord]
    when: list[CueWord]
    when_start: list[CueWord]
    when_verbs: list[CueWord]
    applying: list[CueWord]
    applying_facets: list[CueWord]
    how_soon: list[CueWord]
    how_soon_may: list[CueWord]
    payout: list[CueWord]
    online: list[CueWord]
    may: list[CueWord]
    online_verbs: list[CueWord]
    hand_in: list[CueWord]
    which: list[CueWord]
    documents: list[CueWord]
    papers: list[CueWord]
    where_at: list[CueWord]
    publish_verbs: list[CueWord]
    send: list[CueWord]
    send_any: list[CueWord]
    when_day: list[CueWord]
    approve: list[CueWord]
    papers_lead: list[CueWord]
    apply_zh: list[CueWord]
    need_first: list[CueWord]
    offices: list[CueWord]
    office_go: list[CueWord]
    en_payout: list[CueWord]
    en_how_long_aux: list[CueWord]
    en_wait: list[CueWord]
    en_how_aux: list[CueWord]
    en_persons: list[CueWord]
    en_apply: list[CueWord]
    en_where_aux: list[CueWord]
    en_where_objects: list[CueWord]
    en_when_aux: list[CueWord]
    en_when_objects: list[CueWord]
    money: list[CueWord]
    this_policy: list[CueWord]
    applying_only: list[CueWord]
    apply_word: list[CueWord]
    apply_what: list[CueWord]
    apply_next: list[CueWord]
    application_lead: list[CueWord]
    money_nouns: list[CueWord]
    generic_qualifiers: list[CueWord]
    bare_lead: list[CueWord]
    procedure_nouns: list[CueWord]
    applying_qualifiers: list[CueWord]
    contact: list[CueWord]
    contact_words: list[CueWord]
    contact_asks: list[CueWord]
    contact_give: list[CueWord]
    contact_en: list[CueWord]
    contact_en_objects: list[CueWord]
    stack: list[CueWord]
    twice: list[CueWord]
    once: list[CueWord]
    other_levels: list[CueWord]
    yearly: list[CueWord]
    still: list[CueWord]
    validity: list[CueWord]
    agency: list[CueWord]
    agency_en_offices: list[CueWord]
    agency_zh_offices: list[CueWord]
    policy_meta: list[CueWord]
    policy_meta_who: list[CueWord]
    policy_meta_verbs: list[CueWord]
    expert: list[CueWord]
    compete: list[CueWord]
    included: list[CueWord]
    included_filler_chars: CueChars
    can_filler_chars: CueChars
    city_words: list[CueWord]
    lenders: list[CueWord]
    lender_self: list[CueWord]
    lender_self_words: list[CueWord]
    lender_gap_stops: CueChars
    lender_borrowing: list[CueWord]
    borrowers_figures: list[str]
    lender_reading: Text
    again_received: list[CueWord]
    not_obtained: list[CueWord]
    requirement_filler_chars: CueChars
    require: list[CueWord]
    require_around: list[CueWord]
    require_then: list[CueWord]
    need: list[CueWord]
    condition_prefixes_zh: list[CueWord]
    negations_zh: list[CueWord]
    negations_zh_shared: list[CueWord]
    negations_en: list[CueWord]
    quota_years: list[CueWord]
    quota_verbs: list[CueWord]
    count_units_zh: list[CueWord]
    count_units_en: list[CueWord]
    en_years: list[CueWord]
    guarantee: list[CueWord]
    uniform: list[CueWord]
    prepaid: list[CueWord]
    post_funded: list[CueWord]
    more_words: list[CueWord]
    beneficiary_before: list[CueWord]
    self_ref: list[CueWord]
    recency: list[CueWord]
    selected: list[CueWord]
    lapsed: list[CueWord]
    recency_in_text: list[CueWord]
    level_national: list[CueWord]
    level_provincial: list[CueWord]
    level_municipal: list[CueWord]
    level_county: list[CueWord]
    less_words: list[CueWord]
    natural_persons: list[CueWord]
    paid_out: list[CueWord]
    rewarded_zh: list[CueWord]
    reward_verbs_en: list[CueWord]
    confirm_tails: list[CueWord]
    not_done: list[CueWord]
    only: list[CueWord]
    how_leads: list[CueWord]
    now: list[CueWord]
    foreign_applicants: list[CueWord]
    highest_asked: list[CueWord]
    # A time before now said in words, with how many years back at least ("前年": 2): an event that long ago is
    # no entry's 上一年度 (ask9).
    years_ago: dict[CueWord, int] = {}
    # What a duration is asked of ("有效期是3年吧"): the policy's validity in years (ask9).
    duration: list[CueWord] = []
    # Characters of a consequence asked ("补贴会不会被收回") that name nothing: never the act the clause lacks (ask9).
    consequence_filler_chars: CueChars = ""
    # Words before the act asked ("会被收回", "要退吗"): the act is what the last of them is followed by (ask9).
    consequence_leads: list[CueWord] = []
    # Several enterprises each asking ("5家子公司…每家都能拿吗"): 同一企业同一事项 is said of one enterprise (ask9).
    several_enterprises: list[CueWord] = []


class Vocabulary(Model):
    polarity: Polarity | None = None
    intents: Intents = Intents()
    applicants: Applicants = Applicants()
    figures: FigureWords = FigureWords()
    facts: dict[str, FactWords] = {}
    benefits: dict[str, list[str]] = {}
    questions: QuestionCues | None = None


class Place(Model):
    name: str
    aliases: list[str] = Field(min_length=1)
    # Decides in_city only with a registration cue or as the answer to where the applicant is registered:
    # countries are named for trademarks and markets too ("马德里注册了美国和日本").
    registered_only: bool = False


class UnknownPlaces(Model):
    """A place the knowledge base does not know ("注册在某某县"): the bot asks, never guesses in_city."""

    # Before the place's name: "注册在", "位于", "在".
    leads: list[str] = []
    # A place's name ends with one of these ("县", "市", "区").
    suffixes: list[str] = []
    # Names ending so that are no place ("园区", "市场", "本市").
    not_places: list[str] = []
    # Asked where the applicant is registered, an answer with one of these names somewhere ("我们在城南那边").
    vague: list[str] = []
    # After a place of the city: near it, maybe outside it ("石家庄周边"); asked.
    near: list[str] = []
    # After a place: everywhere but it ("在石家庄以外", "正定县外"); a place of the city so named is not the city.
    beyond: list[str] = []
    # Words that start like one of ``beyond`` but say something else ("石家庄外贸公司", "外观设计").
    beyond_not: list[str] = []
    # Another party whose place a place may be ("北京的银行", "客户在北京"): not the applicant's registration.
    other_parties: list[str] = []
    # A unit of the applicant's own group placed somewhere ("子公司在邢台", "our subsidiary is in Xingtai"): a legal
    # person of its own, so where it is leaves open which unit applies when the applicant's place differs: asked.
    subsidiaries: list[str] = []
    # Where the applicant sells ("出口到美国", "销往北京"): a place right after one of these is a market.
    markets: list[str] = []
    # A count of others right after a place ("石家庄几所高校"): those others' place, not the applicant's.
    several: list[str] = []
    # A street named after a place ("中山东路" holds 山东, "裕华路"): the address's street, not a city or province.
    street_after: list[str] = []
    # An institution named after a place ("Tianjin University"): its name, not the applicant's place.
    names_after: list[str] = []
    # What a place names when one of these follows it ("河北省的X政策", "北京的规定"): a place's policy or body, not
    # where the applicant is registered.
    topics_after: list[str] = []
    # Around another party's place ("客户在北京", "北京那边的银行", "合作方的总部在北京"): before ``other_parties``,
    # a place's word and a linking word ("市", "那边"; "的", "一家"); after them, their body, a count and the verb
    # that places them ("总部", "有家", "在", "位于", "are in").
    party_place_words: list[str] = []
    party_links: list[str] = []
    party_bodies: list[str] = []
    party_some: list[str] = []
    party_verbs: list[str] = []
    # Between the applicant (or a registration word) and a place, the words that put the applicant there ("我们在
    # 高新区的创客空间"): the place is the applicant's, not a thing's named after it.
    sits: list[str] = []
    # Right before a place, the other side of a deal or a partnership ("跟河北大学合作", "从石家庄铁道大学受让").
    partner_links: list[str] = []


class Places(Model):
    """Where applicants say they are registered; the registration place decides in_city."""

    city: Place | None = None
    inside: list[Place] = []
    outside: list[Place] = []
    # Too wide to decide ("河北" holds Shijiazhuang and other cities): asked about.
    ambiguous: list[Place] = []
    registration_cues: list[str] = []
    branch_cues: list[str] = []
    unknown: UnknownPlaces = UnknownPlaces()


class KnowledgeBase(Model):
    """The whole policy as data, cross-checked by the loader."""

    policy: Policy
    facts: dict[str, Fact]
    benefits: list[Benefit]
    out_of_scope: list[OutOfScope] = []
    question_groups: list[QuestionGroup] = []
    translations: dict[str, Translations] = {}  # by language; knowledge/data/translations/*.yaml


    contacts: list[Contact] = []  # knowledge/data/contact.yaml; empty: the bot holds no contact details
    vocabulary: Vocabulary = Vocabulary()
    places: Places = Places()
    _memo: dict[str, object] = PrivateAttr(default_factory=dict)
    _conditions: dict[str, list[Condition]] = PrivateAttr(default_factory=dict)
    _by_id: dict[str, Benefit] = PrivateAttr(default_factory=dict)
    _change_dates: tuple[date, ...] = PrivateAttr(default=())

    def model_post_init(self, context: object, /) -> None:
        self._by_id = {b.id: b for b in self.benefits}
        self._conditions = {b.id: self._build_conditions(b) for b in self.benefits}
        self._change_dates = tuple(sorted({d for b in self.benefits for d in b.change_dates()}))

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

    def translation(self, benefit_id: str, lang: Lang) -> str | None:
        """The unofficial rendering of a benefit's quoted clause in ``lang`` (None for Chinese or none kept)."""
        t = self.translations.get(lang)
        return t.clauses.get(benefit_id) if t is not None else None

    def conditions_of(self, benefit: Benefit) -> list[Condition]:
        """All conditions of a money benefit: the policy's common ones, the applicant type, its own."""
        return self._conditions[benefit.id]

    def exclusions(self) -> list[Exclusion]:
        """The no-double-subsidy groups of policy.yaml (which entries are the same matter)."""
        return self.policy.no_double_subsidy.exclusions

    def change_dates(self) -> tuple[date, ...]:
        """Every day on which a dated number of the policy changes, in order (worked out once)."""
        return self._change_dates

    def all_conditions(self) -> dict[str, list[Condition]]:
        """Benefit id -> its conditions, for loops over every benefit (one lookup of the table)."""
        return self._conditions

    def _build_conditions(self, benefit: Benefit) -> list[Condition]:
        if benefit.is_info:
            return []
        conds = list(self.policy.common_conditions)
        if benefit.applicants != "any":
            conds.append(Condition(fact="entity_type", reading=benefit.applicant_reading,
                                   **{"in": list(benefit.applicants)}))
        conds.extend(benefit.conditions)
        return conds
