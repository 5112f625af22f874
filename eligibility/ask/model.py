"""The answer's shape: what ``ask`` returns, and what it reads from a question before answering."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from eligibility.language import Clarify, Figure, Note
from eligibility.matcher import Scored
from eligibility.results import Amount, Facts, Reason
from knowledge.models import Benefit, Lang, OutOfScope

MAX_OFFERED = 3  # benefits offered for one question, best first

# General provisions the answer treats specially (their ids are part of the knowledge-base contract).
PROCEDURE_ENTRY = "application_procedure"
VALIDITY_ENTRY = "validity_and_implementation"
DOUBLE_ENTRY = "no_double_subsidy"
SUPERVISION_ENTRY = "performance_supervision"
PERSON = "individual"  # the entity_type option of a natural person


Verdict = Literal["yes", "no", "maybe"]


# Where the asker is, as the language layer reads it: inside the city, outside it (a branch in the city
# read as outside), or unclear (asked). A question only about that is answered about it, not refused.
PlaceReading = Literal["in_city", "elsewhere", "elsewhere_branch", "unclear"]


PLACES_SUBJECT = "other_places"  # the out-of-scope subject of places outside the city


@dataclass(frozen=True)
class AmountAnswer:
    """The amount for one benefit given what the question says."""

    amount: Amount | None
    reasons: tuple[Reason, ...] = ()
    facts: Facts = field(default_factory=dict)
    from_figures: bool = False         # computed from the user's own figures
    depends_on: tuple[str, ...] = ()   # fact ids the amount needs and the question did not give
    ruled_out: YesNo | None = None     # the stated facts rule the benefit out (engine): no amount is stated


@dataclass(frozen=True)
class Part:
    """One of several things a question asks about: a benefit, or one tier of a tiered benefit."""

    benefit: Benefit
    tier: str | None
    answer: AmountAnswer

    @property
    def key(self) -> str:
        return f"{self.benefit.id}:{self.tier}" if self.tier else self.benefit.id


@dataclass(frozen=True)
class Total:
    """The sum a "一共/total" question asks for; ``amount`` is None while a part still needs a figure."""

    amount: Amount | None
    counted: tuple[str, ...]                     # part keys summed
    excluded: tuple[tuple[str, str], ...] = ()   # (part key, the part that excludes it): no double subsidy
    pending: tuple[str, ...] = ()                # part keys whose amount needs the user's figure
    ruled_out: tuple[str, ...] = ()              # part keys the stated facts rule out: not summed


@dataclass(frozen=True)
class YesNo:
    """The verdict of a yes/no question and why, as a reason key with parameters for the renderer."""

    verdict: Verdict
    reason: str        # amount_same | amount_differs | applicant_ok | applicant_not | condition_fails | once |
    #                    not_once | no_clause | same_matter | in_force | out_of_force | exists |
    #                    quota_same | quota_differs | quota_range | rate_same | rate_differs | basis_same |
    #                    basis_differs | exceed_yes | exceed_no | condition_required |
    #                    yearly | per_event | review | review_unsaid | competitive_rule | no_review | included |
    #                    agency | competitive | several | if_conditions | cap_scope | once_unsaid | year_in |
    #                    year_out | matter_unsettled | elsewhere | not_guaranteed | person_unsaid | in_city |
    #                    supervised | info_only | total_same | total_differs | only_type | not_only_type |
    #                    amount_in_range | procedure_unsaid | post_funded | prepaid_unsaid | compared |
    #                    condition_unrequired
    params: tuple[tuple[str, object], ...] = ()

    def param(self, name: str) -> object:
        return dict(self.params).get(name)


@dataclass(frozen=True)
class AskResult:
    """The structured answer to one question; ``benefits`` is empty when it is out of scope."""

    question: str
    lang: Lang
    benefits: tuple[Scored, ...]
    ranked: tuple[Scored, ...]
    confidence: float
    refused: bool
    subject: OutOfScope | None
    figures: tuple[int, ...]
    answer: AmountAnswer | None
    parts: tuple[Part, ...] = ()      # two or more when the question asks about several things
    total: Total | None = None        # a sum was asked for
    procedure: bool = False           # how/when/where to apply, materials, deadlines, contacts
    yes_no: bool = False              # the question is a yes/no question
    verdict: YesNo | None = None      # its answer, when the policy settles it
    facts: Facts = field(default_factory=dict)   # facts a yes/no question states about the asker
    asks_ceiling: bool = False        # "上限多少": the cap is the answer, no figure of the user's is needed
    clarify: tuple[Clarify, ...] = ()  # what the language layer is unsure of: asked, never computed from
    notes: tuple[Note, ...] = ()       # what it states back ("按每月3万、一年约36万计算")
    place: PlaceReading | None = None  # a refused question about where the asker is: answered as such
    open_to: tuple[Benefit, ...] = ()  # "县政府能申请什么": the entries whose applicant list names the type
    entity_type: str | None = None
    introduced: bool = False           # "我们是县市场监管局，帮企业问": who the asker is, nothing asked yet
    policy_meta: bool = False          # "政策是哪个部门发的", "文号是多少": the issuer and document number

    @property
    def best(self) -> Benefit | None:
        return self.benefits[0].benefit if self.benefits else None

    @property
    def procedure_subject(self) -> Benefit | None:
        """"贴息怎么申请，要带什么": a procedure question that names one entry is about applying (the policy sets
        no step), with the entry named as its subject; None for any other question (parts, info entries)."""
        b = self.best
        if not self.procedure or self.refused or self.parts or b is None or b.is_info:
            return None
        return b

    @property
    def topic(self) -> str | None:
        """What the answer is about first: the procedure entry for a procedure question that names an entry
        (:attr:`procedure_subject`), else the best entry; None when refused."""
        if self.procedure_subject is not None:
            return PROCEDURE_ENTRY
        return self.best.id if self.best is not None else None

    @property
    def also(self) -> tuple[Benefit, ...]:
        """Other benefits that fit, offered after the best one (none when they are answered as parts)."""
        if self.parts:
            return ()
        return tuple(s.benefit for s in self.benefits[1:])

    @property
    def amount(self) -> Amount | None:
        return self.answer.amount if self.answer else None

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Facts the amount still needs; none when the verdict already says the asker cannot apply."""
        if self.verdict is not None and self.verdict.reason in ("applicant_not", "condition_fails"):
            return ()
        if self.parts:
            return tuple(dict.fromkeys(f for p in self.parts for f in p.answer.depends_on))
        return self.answer.depends_on if self.answer else ()

    @property
    def refs(self) -> list[str]:
        """Clause refs of the offered benefits (or parts), best first, without repeats."""
        out: list[str] = []
        for b in ([p.benefit for p in self.parts] or [s.benefit for s in self.benefits]):
            if b.ref not in out:
                out.append(b.ref)
        return out


@dataclass(frozen=True)
class QuestionReading:
    """What the language layer reads in a question: facts about the asker, figures with their roles,
    what it is unsure of (then no money is computed from it) and what to state back."""

    facts: Facts
    figures: tuple[Figure, ...]
    clarify: tuple[Clarify, ...]
    notes: tuple[Note, ...]
    several_unsure: tuple[str, ...] = ()  # a level fact whose count ("两个银奖") the layer did not settle
    denied: frozenset[str] = frozenset()  # facts said not to be the asker's ("不是优势企业，是示范企业")

    def money(self, *roles: str) -> tuple[int, ...]:
        """Figures of these roles. A figure the layer could not tie to a fact and marked approximate
        (a range such as "四五十万", a bound such as "不到10万") is never a base to compute from."""
        return tuple(f.value for f in self.figures if f.value is not None and f.role in roles
                     and not (f.role == "other" and f.approximate))

    def own(self, fact: str | None = None) -> tuple[int, ...]:
        """The user's own amounts: for ``fact`` those the layer tied to it, else every amount-like figure."""
        if fact is not None:
            tied = tuple(f.value for f in self.figures if f.value is not None and f.role == "amount"
                         and f.fact == fact)
            if tied:
                return tied
        return self.money(*OWN_ROLES)


# The roles (eligibility.language) of figures that may be the user's own amount, and of those a yes/no
# question may claim ("银奖是30万吗"); phones, years, dates, counts and percentages are never money.
OWN_ROLES = ("amount", "other")  # a principal is never the base: the interest actually paid is asked


CLAIM_ROLES = ("amount", "principal", "other", "policy", "theirs")  # "同行说…奖5万": what another said, checked
