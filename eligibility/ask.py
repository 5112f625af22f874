"""One free-text question in, one structured answer out: which benefit, how much, and what is missing.

The matcher says what the question is about; this module adds what the question itself settles:
the user's figures (read by eligibility.language, with their roles: a hotline or a year is never money)
turned into the amount with the policy's caps (compute_amount), the award tier named in words (金奖, silver),
user gave none ("how much interest did you pay?"). Rendering into sentences is the channel's job.

Whole answers (issue 13): every benefit or tier a question names is a ``Part`` answered on its own
line, and a "一共/total" question gets the sum with the no-double-subsidy rule (``not_with``)
applied; a question about how, when or where to apply is flagged ``procedure`` (the policy sets
none of it, and the answer must say so instead of inventing a step); a yes/no question gets a
``verdict`` decided from what the policy says (a figure compared with the rule, the applicant or a
condition checked, once-only, the same matter twice), or none when the text does not settle it.

Pure: no I/O, no clock; the KnowledgeBase comes in through the Matcher, a date only as an argument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from typing import Literal

from eligibility.amounts import compute_amount, nominal_amount, percentage_of
from eligibility.evaluate import assess, policy_validity
from eligibility.language import Clarify, Figure, Note, understand
from eligibility.matcher import Matcher, MatchResult, Scored, english_words
from eligibility.parsing import find_amounts, normalize
from eligibility.results import Amount, Facts, FactValue, Reason, Validity
from knowledge.models import (
    Benefit,
    Fact,
    FixedAmount,
    KnowledgeBase,
    Lang,
    OutOfScope,
    PercentageAmount,
    RangeAmount,
    Text,
    UpToAmount,
)

# Words right before a figure that make it the ceiling the user asks about ("最高补100万吗").
_CEILING_CUE = re.compile(r"(最高|最多|上限|封顶|不超过|至多|补到|拿到|at most|cap of|up to|maximum)\S{0,2}\s*$")
_CEILING_ANY = re.compile(r"最高|最多|上限|封顶|不超过|至多|cap|at most|up to|maximum|limit")
MAX_OFFERED = 3

# General provisions the answer treats specially (their ids are part of the knowledge-base contract).
PROCEDURE_ENTRY = "application_procedure"
VALIDITY_ENTRY = "validity_and_implementation"
DOUBLE_ENTRY = "no_double_subsidy"

# Question forms (how a question is asked, not what it is about, so they stay here beside the other
# question cues): several things at once, a sum, a yes/no question, once-only, other levels of government.
_SEVERAL_CUE = re.compile(r"和|与|及|跟|、|，|,|；|;|各|分别|都|一共|合计|加起来|总共|共计|加一起|两个|两项|三个"
                          r"|还|又|既|差多少|区别|一样|加上|外加|同时|以及|比"
                          r"|\b(than|compared|higher|lower|more|less)\b"
                          r"|\b(and|both|each|total|plus|together|combined|or|versus|vs|as well as|along with|"
                          r"in addition to|also)\b")
_TOTAL_CUE = re.compile(r"一共|合计|加起来|总共|共计|加一起|加在一起|总额|总计"
                        r"|\b(total|altogether|combined|in all|sum)\b")
_YES_NO_ZH = re.compile(r"(吗|吧|么|嘛)\s*[？?。!！~～]*\s*$|吗[？?，,]"
                        r"|是不是|对吗|对吧|对不对|是吧|能不能|可不可以|可以不|有没有|是否|行不行|算不算|会不会"
                        r"|([\u4e00-\u9fff])不\2|(不|没|没有)\s*[？?。~～]*\s*$")  # 奖不奖, 需不需要; …申请不, …10万没
_YES_NO_EN = re.compile(r"^\s*(is|are|does|do|can|could|will|would|has|have|was|were|should|may|am|must|need|"
                        r"shall|did|isn'?t|aren'?t|doesn'?t|don'?t|won'?t|can'?t)\b")
# How, when or where to apply, what to hand in, whom to call: the policy sets none of it, so such a
# question gets the honest procedure answer whatever benefit it names.
_PROCEDURE_FORM = re.compile(
    r"(怎么|怎样|如何|咋)(申请|申报|报|办|领|提交|操作)|(去|到|在)哪(里|儿)?(申请|申报|报|办|交|提交|领|下载)"
    r"|(什么时候|啥时候|何时|几月份?)(开始)?(申请|申报|受理|报|截止)|(申请|申报|受理)(时间|期限|截止|入口|流程)"
    r"|(什么时候|啥时候|何时|多久|多长时间)(能|可以|才能|会|才)?(发|到账|拨付|兑现|下来|批下来|给钱)|到账|拨付|发放时间"
    r"|(网上|线上|在线)(能|可以)?(申报|申请|办|提交)|(提供|提交|准备|上传)(哪些|什么)?.{0,12}(合同|凭证|证明|材料|资料|发票|报告)"
    r"|\bwhen\b.*\b(paid|pay|payout|disburse|arrive|receive)"
    r"|(在哪|哪里|哪儿)(里)?(发布|公布|查|看|找)|申报通知|(交|递交|送|报送)(纸质)?(的)?(材料|资料)|纸质|线下"
    r"|(申请|申报|受理)\S{0,6}(几月|什么时候|啥时候|何时|哪天|时间)|(材料|资料)\S{0,4}(交|递交|送|报送|提交)"
    r"|哪个处|哪个科|多久能批|多长时间能批|审批要多久|(批|审批|审核)下来"
    r"|\bhow long (does|will|would|do)\b.*\b(take|approv\w*|process\w*|review)|\bapproval\b"
    r"|(申请|申报|提交|准备|要|哪些|什么)(的)?(材料|资料)|申请表|手续|找谁|找哪个|哪个科室|科室|处室|窗口|联系电话|咨询电话"
    r"|(申请|申报)\S{0,6}(要不要|需不需要|需要先|要先|得先|必须先)|找\S{0,10}(局|部门|处|科|窗口|中心)(就行|就可以|办|申报|申请)"
    r"|\b(register|sign up for) an account\b|申报表|申请书|申报书|模板|范本|样表|一式几份|登录|登陆|答辩|公章|盖章"
    r"|\b(template|portal|log ?in|official seal|stamp|by (e-?mail|post)|copies)\b"
    r"|\bhow (do|can|should|would|to) (i |we |you |one )?(apply|claim|submit|file)\b"
    r"|\bwhere (do|can|should|to|is|are|would)\b.*\b(apply|submit|hand|file|office|application)"
    r"|\bwhen (do|can|should|is|are|will|does)\b.*\b(apply|submit|deadline|open|application)"
    r"|\b(deadline|paperwork|phone number|application form|application process|application procedure)\b"
    r"|\b(phone|telephone|hotline|contact)\b|\bnumber (i|we|you) (can|could|should) (call|ring)\b"
    r"|\bwho (do|can|should|would) (i|we) (call|ring|contact|ask|talk to)\b"
    r"|\b(documents?|materials?) (do|does|are|is|should|must) (i|we|you)\b")
# What a procedure question naming no benefit must say to be about this policy ("申请护照" is not).
_MONEY_WORD = re.compile(r"补|奖|资助|资金|贴息|扶持|\b(subsid\w*|rewards?|grants?|fund\w*|money|bonus)\b")
_THIS_POLICY = re.compile(r"这些|这个|这项|此项|本政策|该政策|上述"
                          r"|\b(these|this|the (subsidy|subsidies|reward|rewards|money))\b")
_APPLYING_ONLY = re.compile(r"申报|受理|材料|资料|\b(application|applications)\b")
# Money already had elsewhere, asked to be had again here ("已经拿过省里的贴息了，还能拿吗").
_STACK_CUE = re.compile(r"已经拿|拿过|拿了|领过|领了|获得过|享受过|还能|还可以|再拿|再申请|同时|叠加|兼得|重复"
                        r"|\b(already|again|both|as well|also|stack|on top)\b")
_TWICE_CUE = re.compile(r"重复|两次|再拿|同时|叠加|兼得|twice|double|both|again|stack")
_ONCE_CUE = re.compile(r"一次性|只奖一次|只给一次|one-off|one off|once|one-time|one time")
_OTHER_LEVELS = re.compile(r"省|国家|中央|区里|县里|别的地方|其他地方"
                           r"|provinc|national|central|other (cities|places|levels)")

Verdict = Literal["yes", "no", "maybe"]
# Where the asker is, as the language layer reads it: inside the city, outside it (a branch in the city
# read as outside), or unclear (asked). A question only about that is answered about it, not refused.
PlaceReading = Literal["in_city", "elsewhere", "elsewhere_branch", "unclear"]
PLACES_SUBJECT = "other_places"  # maybe: competitive, a range, or conditions unknown


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
    #                    agency
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
CLAIM_ROLES = ("amount", "principal", "other", "policy")


def read_question(kb: KnowledgeBase, question: str) -> QuestionReading:
    """The one place ask reads facts and figures from text: the language layer."""
    r = understand(kb, question)
    facts: Facts = dict(r.facts)  # several award levels stay a list: the engine pays them as a range
    unsure: list[str] = []
    text = normalize(question)
    for fact in kb.facts.values():
        if fact.type != "choice" or not fact.multiple:
            continue
        counted = level_counts(fact, text)
        value = facts.get(fact.id)
        layer_counts = [f.value for f in r.figures if f.role == "count" and f.value is not None]
        if isinstance(value, list) and set(value) == {lv for lv, _ in counted}:
            facts[fact.id] = [lv for lv, n in counted for _ in range(n)]  # the layer's levels, each counted
        elif any(n > 1 for _, n in counted):
            if isinstance(value, str) and len(counted) == 1 and counted[0][0] == value \
                    and counted[0][1] in layer_counts:
                facts[fact.id] = [value] * counted[0][1]  # the layer's level and its count figure
            else:
                facts.pop(fact.id, None)  # a count the layer did not read: asked, never paid as one award
                unsure.append(fact.id)
    return QuestionReading(facts, r.figures, tuple(_as_typed(c, text) for c in r.clarify), r.notes, tuple(unsure))


# The characters a figure as typed runs over: digits, numerals, units and range words ("三四十万", "30到40万").
_NUMERAL_RUN = re.compile(r"[0-9０-９一二三四五六七八九十两百千万亿几多来余.,~～\-到至]*$")


def _as_typed(c: Clarify, text: str) -> Clarify:
    """A clarifying question quotes the figure as the user typed it: the layer's figure text widened to the
    whole run of numerals it stands in ("三四十万" is quoted whole, not as "四十万")."""
    figure = c.params.get("figure")
    if c.key != "lang.ask.amount_range" or not isinstance(figure, str) or not figure or figure not in text:
        return c
    at = text.find(figure)
    run = _NUMERAL_RUN.search(text[:at])
    lead = run.group(0).lstrip(",.到至~～-") if run else ""
    if not lead:
        return c
    return replace(c, params={**c.params, "figure": lead + figure})


_COUNT_WORDS = {"一": 1, "两": 2, "二": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
                "十": 10, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_COUNT_BEFORE = re.compile(r"(\d+|[一两二俩三四五六七八九十]|\b(?:a|an|one|two|three|four|five)\b)\s*(?:个|项|枚|次)?"
                           r"\s*(?:外观设计|中国专利|专利)?\s*$")


def level_counts(fact: Fact, text: str) -> list[tuple[str, int]]:
    """Each level of a multiple-choice fact the (normalised) text names, with the number word before it
    ("两个银奖一个优秀奖" -> [(silver, 2), (excellent, 1)]); 1 where no number word stands before it."""
    out: dict[str, int] = {}
    at: dict[str, int] = {}
    for option in fact.options:
        if option.id == "none":
            continue
        for label in (option.label.zh, option.label.en, *option.aliases):
            norm = normalize(label).strip()
            if not norm:
                continue
            pattern = re.escape(norm) if re.search(r"[\u4e00-\u9fff]", norm) else rf"\b{re.escape(norm)}s?\b"
            for m in re.finditer(pattern, text):
                before = _COUNT_BEFORE.search(text[max(0, m.start() - 12):m.start()])
                n = 1
                if before:
                    word = before.group(1)
                    n = int(word) if word.isdigit() else _COUNT_WORDS.get(word, 1)
                out[option.id] = out.get(option.id, 0) + max(n, 1)
                at.setdefault(option.id, m.start())
            if option.id in out:
                break
    return sorted(out.items(), key=lambda kv: at[kv[0]])


def ask(matcher: Matcher, question: str, *, use_figures: bool = True, today: date | None = None,
        validity: Validity | None = None) -> AskResult:
    """Answer one question: the benefits that fit, best first, each part asked about, and a verdict.

    ``use_figures=False`` ignores the digits of the message (a complaint's hotline or dates are not
    the user's amounts); ``today`` and ``validity`` let "还有效吗" be answered (without them it is not).
    """
    kb = matcher.kb
    result = _procedure_asked(matcher, _subject_first(matcher, matcher.match(question), question), question)
    reading = read_question(kb, _plain_question(question))
    money_facts = {f.id for f in kb.facts.values() if f.type in ("money", "money_list")}
    unsure = any(c.fact in money_facts for c in reading.clarify)
    use = use_figures and not unsure
    figures = reading.money(*CLAIM_ROLES) if use else ()
    text = normalize(question)
    yes_no = is_yes_no(text)
    place = _place(result, reading)
    if result.subject is not None and result.subject.id != PLACES_SUBJECT:
        place = None  # another subject refused (taxes, a lawsuit): its own reply, not the place
    if place in ("in_city", "unclear") and result.refused and result.subject is not None \
            and result.subject.id == PLACES_SUBJECT and result.ranked \
            and _support(result) >= matcher.params.min_score:
        result = replace(result, refused=False, subject=None)  # "在石家庄注册，母公司在北京": in the city
    if result.refused and result.subject is not None and result.subject.near_miss \
            and _OTHER_LEVELS.search(text) and _STACK_CUE.search(text):
        # "已经拿过省里的贴息了，还能拿吗": whether the city's money stacks with another level's is the
        # no-double-subsidy provision's question (what the text says, and that it says nothing of other levels)
        double = Scored(kb.benefit(DOUBLE_ENTRY), matcher.params.min_score)
        result = replace(result, refused=False, subject=None, confidence=max(result.confidence, 0.5),
                         ranked=(double, *(s for s in result.ranked if s.benefit.id != DOUBLE_ENTRY)))
    if not result.refused and result.ranked and _only_introduces(result, text):
        return AskResult(question, result.lang, (), result.ranked, result.confidence, True, None, (), None,
                         introduced=True)
    if result.refused or not result.ranked:
        verdict = None
        if yes_no and result.subject is not None and result.subject.near_miss and place is None:
            verdict = YesNo("no", "elsewhere" if result.subject.id == PLACES_SUBJECT else "no_clause")
        stated = reading.facts.get("entity_type") if result.subject is None or place is not None else None
        # "我们是律所，能申请什么", "what does the policy offer universities": only a question about what is
        # open to a type lists the entries ("帮我推荐一家商标代理公司" names a type but asks for no list)
        offer = bool(_OFFER_CUE.search(text)) or _only_describes(kb, text)
        entity = stated if isinstance(stated, str) and offer else None
        if entity is None and result.subject is None and offer:
            entity = _asked_applicant(kb, text, cue=_OFFER_CUE)
        open_to = tuple(b for b in kb.benefits if not b.is_info and entity is not None
                        and b.applicants != "any" and entity in b.applicants) if entity != "enterprise" else ()
        return AskResult(question, result.lang, (), result.ranked, result.confidence, True, result.subject,
                         figures, None, yes_no=yes_no, verdict=verdict, clarify=reading.clarify, notes=reading.notes,
                         place=place, open_to=open_to, entity_type=entity if open_to else None)
    # "我的电话138…，利息60万能补多少": the customer's own number given, no contact asked for
    own_contact = any(f.role == "phone" for f in reading.figures) and not _CONTACT_ASKED.search(text)
    procedure = any(PROCEDURE_ENTRY in h.benefits and not (own_contact and _CONTACT_WORD.search(h.term))
                    for h in result.hits) \
        or is_procedure(_CONTACT_WORD.sub(" ", text) if own_contact else text) \
        or result.ranked[0].benefit.id == PROCEDURE_ENTRY
    ranked = _promote_named(result, matcher) if procedure else result.ranked
    lead = ranked[0].benefit
    if procedure and lead.is_info and lead.id != PROCEDURE_ENTRY and all(
            h.kind == "fuzzy" for h in result.hits if lead.id in h.benefits):
        # "补贴什么时候到账" is not "什么时候到期": a procedure question the policy sets nothing for
        proc = Scored(kb.benefit(PROCEDURE_ENTRY), max(ranked[0].score, matcher.params.min_score))
        ranked = (proc, *(s for s in ranked if s.benefit.id != PROCEDURE_ENTRY))
    # "我们是发起单位…": the entry the asker names as their own role comes first
    own = [s for s in ranked[:MAX_OFFERED] if _asker_is(result, s.benefit.id, text)]
    if len(own) == 1 and own[0] is not ranked[0]:
        ranked = (own[0], *(s for s in ranked if s is not own[0]))
    best = ranked[0]
    offered = [best]
    for s in ranked[1:MAX_OFFERED]:
        if s.score >= matcher.params.runner_up_ratio * best.score:
            offered.append(s)
    facts = dict(reading.facts)
    # "最高100万对吧": a figure asked about as the ceiling is the user's guess, not their own base
    ceiling_guess = yes_no and bool(_CEILING_ANY.search(text))
    answer = _several(best.benefit, reading) or amount_for(
        kb, best.benefit, question, _own_for(best.benefit, reading) if use and not ceiling_guess else ())
    parts = _parts(kb, result, ranked, question, reading if use else None, reading)
    alone = _one_role_asked(kb, result, parts, text, question)
    if alone is not None:  # "证券化融资2亿，发起单位能拿多少": the role asked about is the answer
        parts = ()
        answer = alone.answer
        chosen = next(s for s in ranked if s.benefit.id == alone.benefit.id)
        ranked = (chosen, *(s for s in ranked if s is not chosen))
        best, offered = chosen, [chosen]
    parts, role_unsure = _role_unsure(kb, result, parts, text, reading.figures)
    clarify = reading.clarify + role_unsure
    if role_unsure and answer.from_figures and any(p.benefit.id == best.benefit.id and p.answer.amount is None
                                                   for p in parts):
        answer = AmountAnswer(None, depends_on=answer.depends_on or tuple(answer.facts))
    asked_about = _asked_applicant(kb, _without_terms(result, text)) if yes_no else None
    if asked_about is not None:
        facts.setdefault("entity_type", asked_about)
    elif isinstance(facts.get("entity_type"), str) and _type_only_in_terms(kb, result, text, str(facts["entity_type"])):
        facts.pop("entity_type")  # "联盟需要备案吗": 联盟 names the entry, not the asker
    # first rule: before any amount, each benefit is assessed with the facts the question states (of the
    # applicant: "我们是代理机构，帮客户问" says who asks, not who applies)
    applicant = {k: v for k, v in facts.items() if k not in _ASKER_FACTS} if _PROXY_CUE.search(text) else facts
    answer = _ruled_out(kb, best.benefit, answer, applicant)
    parts = tuple(replace(p, answer=_ruled_out(kb, p.benefit, p.answer, applicant)) for p in parts)
    total = _total(kb, parts) if parts and _TOTAL_CUE.search(text) else None
    counts = tuple(f.value for f in reading.figures if f.role == "count" and f.value is not None)
    years = tuple(f.value for f in reading.figures if f.role == "year" and f.value is not None)
    if not years and best.benefit.id == VALIDITY_ENTRY:  # "still valid in 2029?": a year, whatever role it got
        years = tuple(int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", text))[:1]
    unsettled = best.benefit.amount.kind == "tiered" and best.benefit.amount.by in reading.several_unsure
    percents = tuple(f.value for f in reading.figures if f.role == "percent" and f.value is not None)
    included = yes_no and (_named_as_included(result, best.benefit.id, text) or _all_its_terms(result, best.benefit.id,
                                                                                              text))
    # "两个银奖…吗" with the count unread: asked first
    verdict = _verdict(kb, best.benefit, answer, text, figures, facts, today, validity, counts, years, percents,
                       included) if yes_no and not unsettled else None
    if yes_no and answer.ruled_out is not None and (verdict is None or verdict.verdict != "no"):
        verdict = answer.ruled_out  # "利息付了0元能补吗": the stated facts already say no
    if verdict is not None and verdict.reason == "same_matter":
        verdict = _same_matter(kb, parts) or verdict
    elif yes_no and not unsettled and (verdict is None or verdict.reason in ("exists", "applicant_ok")) \
            and _TWICE_CUE.search(text) and len({p.benefit.id for p in parts}) >= 2:
        # "驰名商标和地理标志能同时拿吗": two entries asked about together are a question of the same matter,
        # not of who may apply ("示范企业和优势企业能同时拿吗" names no asker in 企业)
        verdict = _same_matter(kb, parts) or YesNo("no", "same_matter")
    return AskResult(question, result.lang, tuple(offered), ranked, result.confidence, False, None,
                     figures, answer, parts, total, procedure, yes_no, verdict, facts,
                     asks_ceiling=bool(_CEILING_ANY.search(text)) and not answer.from_figures,
                     clarify=clarify, notes=reading.notes, policy_meta=bool(_POLICY_META.search(text)))


# Who issued the policy, its document number: policy.yaml's metadata answers it.
_POLICY_META = re.compile(r"哪个(部门|单位|机关)(发|出|印发|发布|制定)|谁(发|出|印发|发布)的"
                          r"|(发文|印发|发布)(单位|机关|部门)"
                          r"|文号|字号|\b(who issued|issued by|document number|issuing (body|authority|office))\b")


# The asker saying who they are before a name ("我们是县市场监管局"), and words that ask something.
_SELF_BEFORE = re.compile(r"(我们是|我是|我司是|本单位是|我单位是|这里是|咱们是)[\u4e00-\u9fff]{0,4}$")
_ASKING = re.compile(r"[?？]|吗|么|呢|多少|几|哪|什么|啥|怎|如何|能否|是否|可否|能不能|可不可以|有没有|请问"
                     r"|\b(what|which|how|when|where|who|why|can|could|is|are|does|do)\b")


def _only_introduces(result: MatchResult, text: str) -> bool:
    """"我们是县市场监管局，帮企业问": the only term found is the asker's own name for themselves and
    nothing is asked: the answer asks what they want to know, it quotes no provision."""
    hits = [h for h in result.hits if h.benefits]
    if not hits or _ASKING.search(text):
        return False
    return all(_SELF_BEFORE.search(text[:h.start]) for h in hits)


# Asking for someone else ("帮客户问", "on behalf of a client"): the asker's own type and place are not
# the applicant's.
_PROXY_CUE = re.compile(r"帮(客户|企业|别人|朋友|他们|人)|替(客户|企业|别人)|代(客户|企业)|客户(的|问|咨询|想)"
                        r"|\b(for a client|for our client|on behalf of|our client|a client)\b")
_ASKER_FACTS = ("entity_type", "in_city")


# Contact words, and a contact asked for (not the customer's own number given).
_CONTACT_WORD = re.compile(r"联系电话|咨询电话|电话号码|手机号|电话|联系方式|\b(phone number|phone|telephone|mobile|"
                           r"contact|call|hotline)\b")
_CONTACT_ASKED = re.compile(r"电话(号码)?(是|为)?(多少|是什么|几号|有吗|有没有)|(电话|联系方式)\s*[?？]"
                            r"|怎么联系|如何联系|联系谁|找谁"
                            r"|(给|留|发|告诉)(我|我们|个|一下)?.{0,4}(电话|联系方式)|(有|要)(没有)?.{0,4}(电话|联系方式)"
                            r"|\b(what is the|what's the|give me the|is there a) (phone|contact|hotline)"
                            r"|\bhow (can|do|should) (i|we) (contact|call|reach)"
                            r"|\bwho (do|can|should) (i|we) (call|contact)")


# The asker naming their own role next to an entry's term: "我们是发起单位", "发起单位是我们".
_ROLE_BEFORE = re.compile(r"(作为|我们是|我司是|我们作为|本单位是|我单位是|咱们是)\s*$")
_ROLE_AFTER = re.compile(r"^\s*(是我们|是我司|是本单位|就是我们)")


def _role_unsure(kb: KnowledgeBase, result: MatchResult, parts: tuple[Part, ...], text: str,
                 figures: tuple[Figure, ...]) -> tuple[tuple[Part, ...], tuple[Clarify, ...]]:
    """Two roles of one matter (a ``resolve: flag`` group: the originator and the financed enterprise of one
    issue) asked together, the figure read for one while the asker names themselves as the other: which
    one the figure is for is unsure, so it is asked, never computed (first rule)."""
    by_id = {p.benefit.id: p for p in parts}
    out = list(parts)
    asks: list[Clarify] = []
    for group in kb.exclusions():
        if group.resolve != "flag":
            continue
        members = [by_id[b] for b in group.benefits if b in by_id]
        if len(members) != 2:
            continue
        computed = [m for m in members if m.answer.from_figures and m.answer.amount is not None]
        if len(computed) != 1:
            continue
        a = computed[0]
        other = next(m for m in members if m is not a)
        if not _asker_is(result, other.benefit.id, text) or _asker_is(result, a.benefit.id, text):
            continue
        fa, fb = _base_fact(a.benefit), _base_fact(other.benefit)
        if fa is None or fb is None:
            continue
        value = a.answer.facts.get(fa)
        amount = value[0] if isinstance(value, list) and value else value
        figure = next((f.text for f in figures if f.value == amount), str(amount))  # as the user wrote it
        out[out.index(a)] = replace(a, answer=AmountAnswer(None, depends_on=(fa,)))
        la, lb = kb.facts[fa].label, kb.facts[fb].label
        asks.append(Clarify(fa, "ask.clarify.which_fact",
                            {"figure": figure, "a_zh": lb.zh, "a_en": lb.en, "b_zh": la.zh, "b_en": la.en}))
    return tuple(out), tuple(asks)


# What follows a role asked about as the subject of the question ("发起单位能拿多少", "发起单位奖多少").
_ASKED_AFTER = re.compile(r"^\s*(能|可以|可|会|一共|总共)?(拿|得|领|获|获得|奖|补|给|奖励|补助|补贴)?"
                          r"[^\s，,。？?]{0,2}多少"
                          r"|^\s*(能|可以)(拿|得|领|获得|申请)|^\s*(can|could|will|would|gets?)\b")
# Words that join two things asked together: then both roles are asked about, not one.
_JOINED = re.compile(r"和|与|及|跟|、|各|分别|都|也|一共|合计|加起来|既|又|同时|还有|以及"
                     r"|\b(and|both|each|plus|as well as|total)\b")


def _one_role_asked(kb: KnowledgeBase, result: MatchResult, parts: tuple[Part, ...], text: str,
                    question: str) -> Part | None:
    """Two roles of one matter (a ``resolve: flag`` group: the originator and the financed enterprise of
    one issue) matched, one of them named as the subject asked about ("证券化融资2亿，发起单位能拿多少奖励")
    and nothing joining the other to it (also, 也): the financing named is that issue's, so the role asked about is
    answered with it, alone. None otherwise (both asked, or neither)."""
    if len(parts) != 2 or _JOINED.search(text):
        return None
    by_id = {p.benefit.id: p for p in parts}
    for group in kb.exclusions():
        if group.resolve != "flag" or not all(b in by_id for b in group.benefits) or len(group.benefits) != 2:
            continue
        asked = [b for b in group.benefits if any(
            not h.english and h.benefits == (b,) and _ASKED_AFTER.search(text[h.end:]) for h in result.hits)]
        if len(asked) != 1:
            return None
        a, other = by_id[asked[0]], by_id[next(b for b in group.benefits if b != asked[0])]
        fa, fb = _base_fact(a.benefit), _base_fact(other.benefit)
        value = other.answer.facts.get(fb) if fb is not None else None
        if a.answer.amount is not None or fa is None or not other.answer.from_figures or value is None:
            return a if a.answer.amount is not None else None
        items: list[object] = list(value) if isinstance(value, list) else [value]
        figures = tuple(x for x in items if isinstance(x, int) and not isinstance(x, bool))
        return replace(a, answer=amount_for(kb, a.benefit, question, figures))
    return None


def _base_fact(b: Benefit) -> str | None:
    return b.amount.of if isinstance(b.amount, PercentageAmount) else None


def _asker_is(result: MatchResult, benefit_id: str, text: str) -> bool:
    """Whether the question names the asker as ``benefit_id``'s applicant ("发起单位是我们")."""
    for h in result.hits:
        if h.english or benefit_id not in h.benefits or len(h.benefits) != 1:
            continue
        if _ROLE_BEFORE.search(text[:h.start]) or _ROLE_AFTER.search(text[h.end:]):
            return True
    return False


def _support(result: MatchResult) -> float:
    """The evidence for the best benefit: its terms at full weight."""
    return sum(h.weight for h in result.hits if result.ranked and result.ranked[0].benefit.id in h.benefits)


def _place(result: MatchResult, reading: QuestionReading) -> PlaceReading | None:
    """Where the asker is, when the question says it (or is refused for naming another place)."""
    if any(c.fact == "in_city" for c in reading.clarify):
        return "unclear"
    in_city = reading.facts.get("in_city")
    if in_city is True:
        return "in_city"
    if in_city is False:
        branch = any(n.fact == "in_city" and n.params.get("branch") for n in reading.notes)
        return "elsewhere_branch" if branch else None  # another place alone: the near miss's own reply
    return None


def _same_matter(kb: KnowledgeBase, parts: tuple[Part, ...]) -> YesNo | None:
    """"同一个专利拿了专利奖又做产业化，能重复拿吗": the text forbids a double subsidy for the same matter
    but does not say whether two different clauses are one matter; only a knowledge-base group read as
    one matter (``resolve: higher``) settles it."""
    ids = list(dict.fromkeys(p.benefit.id for p in parts))
    if len(ids) < 2:
        return None
    for group in kb.exclusions():
        if group.resolve == "higher" and sum(1 for b in ids if b in group.benefits) >= 2:
            return None
    return YesNo("maybe", "matter_unsettled", (("a", ids[0]), ("b", ids[1])))


def _own_for(b: Benefit, reading: QuestionReading) -> tuple[int, ...]:
    """The user's own figures for ``b``'s amount: those tied to its fact first."""
    rule = b.amount
    return reading.own(rule.of if rule.kind == "percentage" else None)


_CAN_CUE = re.compile(r"能|可以|可不可以|能不能|有资格|符合|算不算|\b(can|could|eligible|qualify|apply|get)\b")


# "给高校的政策有哪些", "what does the policy offer universities": which entries an applicant type may claim.
_OFFER_CUE = re.compile(r"给|对|面向|针对|能申请|可以申请|能报|能拿|有哪些|有什么|哪些|什么政策|什么补贴|申请啥|能干啥"
                        r"|啥政策|\b(offer\w*|available|open to|eligible|apply for)\b")


def _only_describes(kb: KnowledgeBase, text: str) -> bool:
    """"开发区管委会", "我们是律所": a message that only says what the asker is (asks what is open to it)."""
    rest = text
    for t in kb.vocabulary.applicants.types:
        for w in sorted((normalize(x) for x in t.words), key=len, reverse=True):
            if not w.isascii():
                rest = rest.replace(w, "")
    left = [c for c in rest if re.match(r"[\u4e00-\u9fff]", c) and c not in "我们咱是的家个一位单司"]
    return len(left) <= 2 and len(rest) < len(text)


def _asked_applicant(kb: KnowledgeBase, text: str, cue: re.Pattern[str] = _CAN_CUE) -> str | None:
    """The applicant a yes/no question asks about ("律所能申请吗", "can a university …"), from the
    applicant vocabulary; unlike a statement about the asker it needs no "我们是"."""
    if not cue.search(text):
        return None
    found: list[str] = []
    for t in kb.vocabulary.applicants.types:
        for w in t.words:
            word = normalize(w)
            hit = re.search(_plural(word), text) if word.isascii() else word in text
            if hit:
                found.append(t.entity_type)
                break
    distinct = list(dict.fromkeys(found))
    if len(distinct) > 1 and "enterprise" in distinct:
        distinct.remove("enterprise")
    return distinct[0] if len(distinct) == 1 else None


def _type_only_in_terms(kb: KnowledgeBase, result: MatchResult, text: str, entity_type: str) -> bool:
    """Whether every word naming ``entity_type`` in the question lies inside a term of an entry (the 联盟 of
    "联盟需要备案吗" names the alliance entry; it does not say who asks)."""
    covered = {i for h in result.hits if h.benefits and not h.english for i in range(h.start, h.end)}
    found = False
    for t in kb.vocabulary.applicants.types:
        if t.entity_type != entity_type:
            continue
        for w in t.words:
            word = normalize(w)
            if word.isascii() or not word:
                continue
            for m in re.finditer(re.escape(word), text):
                found = True
                if not all(i in covered for i in range(m.start(), m.end())):
                    return False
    return found


def _without_terms(result: MatchResult, text: str) -> str:
    """The question with the benefits' own terms blanked: 企业 of 示范企业, "enterprise" of "advantage
    enterprise" name an entry, not the asker."""
    chars = list(text)
    for h in result.hits:
        if h.benefits and not h.english:
            chars[h.start:h.end] = " " * (h.end - h.start)
    out = "".join(chars)
    for h in result.hits:
        if h.benefits and h.english:
            pattern = r"\W+".join(rf"\b{re.escape(w)}\w*" for w in h.term.split())
            out = re.sub(pattern, lambda m: " " * len(m.group(0)), out)
    return out


def _plural(word: str) -> str:
    """A pattern for an English word and its plural ("service agency" / "service agencies")."""
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return rf"\b{re.escape(word[:-1])}(y|ies)\b"
    return rf"\b{re.escape(word)}(s|es)?\b"


def final_provisions(kb: KnowledgeBase) -> frozenset[str]:
    """Entries that each quote a sentence of the policy's last paragraph ("以上政策自发布之日起实施…").

    They split one clause (validity, no double subsidy, implementing rules), so a question expecting one
    of them is answered right by another: the same clause is quoted and the reader gets the whole.
    """
    general = kb.policy.clauses.get("general")
    if general is None:
        return frozenset()
    tail = general.text[general.text.find("以上政策"):].replace(" ", "")
    return frozenset(b.id for b in kb.benefits if b.ref == "general" and b.source.replace(" ", "") in tail)


_A_NOT_A = re.compile(r"([\u4e00-\u9fff])不\1")
_TRAILING_NOT = re.compile(r"(没有|不|没)(\s*[？?。~～]*\s*)$")


def _plain_question(question: str) -> str:
    """The question with its yes/no forms made plain, the same length, before the language layer reads
    facts from it: "奖不奖", "要不要" and a trailing "…不", "…没" ask, they deny nothing."""
    # 是不是, 能不能, 有没有 … are the language layer's own question words; the others are made plain
    out = _A_NOT_A.sub(lambda m: m.group(0) if m.group(1) in "是能可有会对行算" else m.group(1) + "吗 ", question)
    return _TRAILING_NOT.sub(lambda m: "吗" + " " * (len(m.group(1)) - 1) + m.group(2), out)


def is_yes_no(text: str) -> bool:
    """Whether a (normalised) question asks for a yes or a no ("银奖是30万吗", "is it capped at …"):
    some clause of it does ("还有效吗？到什么时候" asks both: yes or no, then the date)."""
    return any(_yes_no_clause(c) for c in re.split(r"[?？,，。;；!！]+(?=.)", text) if c.strip())


def _yes_no_clause(text: str) -> bool:
    if re.search(r"多少|几|哪|什么|怎么|如何|谁|how much|how many|what|which|when|where|who", text) \
            and not re.search(r"是不是|对吗|对吧|对不对|是吧|是.{0,12}吗", text):
        return False
    # "Total for interest of 400k …?", "一共多少？": a sum asked with a rising tone is no yes/no question
    return bool(_YES_NO_ZH.search(text) or _YES_NO_EN.search(text) or _YES_NO_TAG.search(text)
                or (_INTONATION.search(text) and _CLAIM_WORD.search(text) and not _TOTAL_CUE.search(text)))


# A statement turned into a question: "…, right?", "is it true that …", "银奖真的有30万？".
_YES_NO_TAG = re.compile(r"(^|\s)(right|correct|true|is that right|is that correct|isn'?t it|aren'?t they|yes or no)"
                         r"\s*[?？]+\s*$|\b(is it true|am i right|is that so)\b")
_INTONATION = re.compile(r"[\u4e00-\u9fff0-9a-z%)）]\s*[?？]+\s*$")
_CLAIM_WORD = re.compile(r"\d|真的|确实|没错|封顶|最高|最多|上限|一次性|只有|必须")


def is_procedure(text: str) -> bool:
    """Whether a (normalised) question asks how, when or where to apply, for materials or a contact."""
    return bool(_PROCEDURE_FORM.search(text))


def _procedure_asked(matcher: Matcher, result: MatchResult, question: str) -> MatchResult:
    """"办理这些补贴找哪个科室": a procedure question that names nothing the policy does not cover is
    about applying under this policy, so it is answered with the procedure entry, not refused."""
    if not result.refused or result.subject is not None or any(h.subjects for h in result.hits):
        return result
    text = normalize(question)
    applying = _applying_here(result, text)
    if not is_procedure(text) and not applying:
        return result
    # "办理这些补贴找哪个科室", "在哪交申报材料": this policy's money, or applying with no other subject.
    # "创业补贴怎么申请" names money the policy does not hold, "离婚手续怎么办" no application: refused.
    # "奖补怎么领": money named bare is this policy's own
    about_this = bool(_THIS_POLICY.search(text)) or _own_money(text) or applying \
        or (not _MONEY_WORD.search(text) and bool(_APPLYING_ONLY.search(text)))
    if not about_this or _other_money(result, text):  # "种粮补贴怎么申请": another scheme's money
        return result
    entry = Scored(matcher.kb.benefit(PROCEDURE_ENTRY), matcher.params.min_score)
    ranked = (entry, *(s for s in result.ranked if s.benefit.id != PROCEDURE_ENTRY))
    return replace(result, refused=False, ranked=ranked, confidence=max(result.confidence, 0.5))


# "申报需要提前准备什么", "what should we prepare before applying": applying named with no object of its own.
_APPLY_WORD = re.compile(r"申报|申请|\b(apply|applying|application|applications)\b")
_APPLY_OBJECT_ZH = re.compile(r"(申报|申请)([\u4e00-\u9fff]{2})")
_APPLY_WHAT = re.compile(r"(申请|申报|报)(什么|哪些|啥|哪个|哪几|哪一)|\b(what|which)\b.{0,30}\bapply for\b")
_APPLY_FOR_EN = re.compile(r"\bapply(?:ing)? for (?:a |an |the |our |my )?([a-z]+)")
_APPLICATION_OF_EN = re.compile(r"\b([a-z]+) applications?\b")
_APPLY_NEXT = re.compile(r"^(的|时|要|需|是|之|前|后|书|表|材料|资料|流程|什么|啥|几|多|怎|吗|了|过|单位|条件|时间"
                         r"|方式|还|和|或|人|就|能|可|得|应|都|一|这|那|项目)")
_APPLICATION_LEAD = re.compile(r"^(the|an|a|our|my|your|this|that|each|every|online|paper|full|whole|first|subsidy|"
                               r"reward|grant|funding|of|for|to|in|on|do|does|is|are|can|when|where|how|what)$")


def _applying_here(result: MatchResult, text: str) -> bool:
    """Whether a question asks about applying as such: 申报 / 申请 / "apply" with no object of their own that
    no term of the policy explains ("申请护照", "申报科技项目", "apply for a visa", "job application")."""
    if not _APPLY_WORD.search(text) or _APPLY_WHAT.search(text):
        return False  # "县政府能申请什么": what is open to the asker, not how to apply
    covered = {i for h in result.hits if h.benefits and not h.english for i in range(h.start, h.end)}
    for m in _APPLY_OBJECT_ZH.finditer(text):
        if not _APPLY_NEXT.match(m.group(2)) and not any(i in covered for i in range(m.start(2), m.end(2))):
            return False
    for m_app in _APPLICATION_OF_EN.finditer(text):
        if not _APPLICATION_LEAD.match(m_app.group(1)) and not _MONEY_WORD.search(m_app.group(1)):
            return False
    m_en = _APPLY_FOR_EN.search(text)
    return m_en is None or bool(_MONEY_WORD.search(m_en.group(1)))


def _subject_first(matcher: Matcher, result: MatchResult, question: str) -> MatchResult:
    """Procedure words say how to ask, not what about: they never outvote a subject the policy does not
    cover ("怎么申请专利" is about patent application fees, not about how to apply for a subsidy)."""
    if result.refused or not result.ranked or result.ranked[0].benefit.id != PROCEDURE_ENTRY:
        return result
    named = [s for s in result.ranked if s.benefit.id != PROCEDURE_ENTRY]
    if named and sum(h.weight for h in result.hits if named[0].benefit.id in h.benefits) >= matcher.params.min_score:
        return result  # a benefit is named: it is answered, with the procedure said
    missed = matcher.near_misses_in(question)
    if not missed:  # "注册公司需要什么材料": a subject outside IP, with procedure words only
        named_subjects = [sid for h in result.hits for sid in h.subjects]
        missed = [s for s in matcher.kb.out_of_scope if s.id in named_subjects][:1]
    if not missed and (_other_money(result, normalize(question)) or _other_procedure(result, normalize(question))):
        return replace(result, refused=True, subject=None, confidence=0.8)
    if not missed:
        return result
    return replace(result, refused=True, subject=missed[0], confidence=0.9)


# "创业补贴怎么申请": money named by words no term of the policy explains is another scheme's money.
_NAMED_MONEY = re.compile(r"([\u4e00-\u9fff]{2,})(补贴|补助|奖励|资助|贴息|奖金|扶持资金|专项资金)")
_GENERIC_QUALIFIER = re.compile(r"(这些|这个|这项|那些|那个|相关|有关|各项|各类|以上|上面|上述|政策|市里|市级|"
                                r"我们|你们|咱们|申请|申报|领取|怎么|如何|的|领|拿)$")


_BARE_LEAD = re.compile(r"(这些|这个|这项|那些|那个|相关|有关|各项|各类|以上|上面|上述|政策|本政策|市里|市级"
                        r"|我们|你们|咱们|的|请问|你好|您好|想问|问一下|问下|[\s，,。?？!！:：])*")


def _own_money(text: str) -> bool:
    """"奖补怎么领", "这些补贴什么时候到账": the money is named bare, with nothing before it but words that
    point at this policy, so it is this policy's money."""
    m = _MONEY_WORD.search(text)
    return m is not None and _BARE_LEAD.fullmatch(text[:m.start()]) is not None


def _other_money(result: MatchResult, text: str) -> bool:
    """Whether a question matched only by procedure words asks about money of another scheme."""
    covered = {i for h in result.hits if not h.english for i in range(h.start, h.end)}
    for m in _NAMED_MONEY.finditer(text):
        qualifier = m.group(1)
        if any(i in covered for i in range(m.start(1), m.end(1))) or _GENERIC_QUALIFIER.search(qualifier):
            continue
        return True
    return False


# "离婚手续怎么办", "落户流程": a procedure named after a matter no term of the policy explains.
_NAMED_PROCEDURE = re.compile(r"([\u4e00-\u9fff]{2})(的)?(手续|流程|程序)")
_APPLYING_QUALIFIER = re.compile(r"申请|申报|办理|领取|兑现|拨付|奖补|补贴|奖励|资助|政策|相关|有关|哪些|什么|需要|要办"
                                 r"|具体|整个")


def _other_procedure(result: MatchResult, text: str) -> bool:
    """Whether a question matched only by procedure words asks how to do something else (a divorce, a
    passport): the two characters naming the procedure are covered by no term and say nothing of applying."""
    covered = {i for h in result.hits if not h.english for i in range(h.start, h.end)}
    for m in _NAMED_PROCEDURE.finditer(text):
        qualifier = m.group(1)
        if any(i in covered for i in range(m.start(1), m.end(1))) or _APPLYING_QUALIFIER.search(qualifier):
            continue
        return True
    return False


def _promote_named(result: MatchResult, matcher: Matcher) -> tuple[Scored, ...]:
    """"驰名商标去哪申请": the benefit named is the answer, with the procedure said; the procedure
    entry itself only answers a procedure question that names nothing else."""
    others = [s for s in result.ranked if s.benefit.id != PROCEDURE_ENTRY]
    if not others:
        return result.ranked
    # a clause of the policy named in the question comes before a general provision that only shares
    # words of the asking ("马德里的奖励什么时候能发下来" is about the Madrid reward, not the validity)
    named = [s for s in others if not s.benefit.is_info
             and sum(h.weight for h in result.hits if s.benefit.id in h.benefits) >= matcher.params.min_score]
    proc = [s for s in result.ranked if s.benefit.id == PROCEDURE_ENTRY]
    if named:
        others = [*named, *(s for s in others if s not in named)]
    support = sum(h.weight for h in result.hits if others[0].benefit.id in h.benefits)
    if support < matcher.params.min_score:
        return result.ranked
    return (*others, *proc)


def _several(b: Benefit, reading: QuestionReading) -> AmountAnswer | None:
    """Several awards of a tiered benefit ("两个银奖一个优秀奖"): the engine's range (the knowledge base's
    reading of how several are paid); a count the layer did not settle is asked, never paid as one."""
    rule = b.amount
    if rule.kind != "tiered":
        return None
    if rule.by in reading.several_unsure:
        return AmountAnswer(None, depends_on=(rule.by,))
    levels = reading.facts.get(rule.by)
    if not isinstance(levels, list) or len(levels) < 2:
        return None
    facts: Facts = {rule.by: [str(x) for x in levels]}
    amount, reasons = compute_amount(rule, facts)
    return AmountAnswer(amount, tuple(reasons), facts)


def _parts(kb: KnowledgeBase, result: MatchResult, ranked: tuple[Scored, ...], question: str,
           reading: QuestionReading | None, levels: QuestionReading | None = None) -> tuple[Part, ...]:
    """The benefits (or tiers) a question names together ("示范企业和优势企业各奖多少"); () for one."""
    text = normalize(question)
    if not _SEVERAL_CUE.search(text):
        return ()
    order = {s.benefit.id: i for i, s in enumerate(ranked)}
    min_weight = 1.6
    named: list[str] = []
    for h in sorted(result.hits, key=lambda h: h.start):
        if len(h.benefits) == 1 and h.weight >= min_weight and h.benefits[0] not in named:
            named.append(h.benefits[0])
    for h in sorted(result.hits, key=lambda h: h.start):
        if len(h.benefits) > 1 and h.weight >= min_weight and not any(b in named for b in h.benefits):
            # "the provincial GI zone … the national one": a sibling of a part already named comes first
            refs = {kb.benefit(b).ref for b in named}
            named.append(min(h.benefits, key=lambda b: (kb.benefit(b).ref not in refs, order.get(b, 99))))
    chosen = [b for b in named if not kb.benefit(b).is_info]  # general provisions are answered whole
    parts: list[Part] = []
    for bid in chosen:
        b = kb.benefit(bid)
        several = _several(b, levels) if levels is not None else None
        if several is not None:
            parts.append(Part(b, None, several))
            continue
        if b.amount.kind == "tiered":
            tiers = tiers_named(kb.facts[b.amount.by], text)
            if len(tiers) == 1:
                facts1: Facts = {b.amount.by: tiers[0]}
                amount1, reasons1 = compute_amount(b.amount, facts1)
                parts.append(Part(b, tiers[0], AmountAnswer(amount1, tuple(reasons1), facts1)))
                continue
            if len(tiers) > 1:
                for tier in tiers:
                    facts: Facts = {b.amount.by: tier}
                    amount, reasons = compute_amount(b.amount, facts)
                    parts.append(Part(b, tier, AmountAnswer(amount, tuple(reasons), facts)))
                continue
        parts.append(Part(b, None, amount_for(kb, b, question, _figures_for(kb, b, text, reading, len(chosen)))))
    return tuple(parts) if len(parts) > 1 else ()


def _figures_for(kb: KnowledgeBase, b: Benefit, text: str, reading: QuestionReading | None,
                 n_parts: int) -> tuple[int, ...]:
    """With several parts, a figure goes to a percentage benefit only when tied to its fact (the layer's
    cue, or a cue word next to it); never the first figure of the message by default."""
    if reading is None or b.amount.kind != "percentage":
        return ()
    if n_parts == 1:
        return _own_for(b, reading)
    tied = tuple(f.value for f in reading.figures if f.value is not None and f.role == "amount"
                 and f.fact == b.amount.of)
    if tied:
        return tied
    # A figure the layer tied to another fact (the originator's issue) is never this part's base.
    free = [f.value for f in reading.figures if f.value is not None and f.role in OWN_ROLES
            and f.fact in (None, b.amount.of) and not (f.role == "other" and f.approximate)]
    cued = _cued(kb.facts[b.amount.of], text, free)
    return (cued[0],) if len(cued) == 1 else ()


def _total(kb: KnowledgeBase, parts: tuple[Part, ...]) -> Total:
    """Each part's amount summed, with the no-double-subsidy groups of the knowledge base applied.

    A group (``policy.no_double_subsidy.exclusions``) whose members are asked together keeps one
    payment: a conditional (sure) member before a competitive one, then the higher amount. With
    ``resolve: higher`` the others are left out; with ``resolve: flag`` they count from 0 to their full
    amount (the text does not settle it). A part still waiting for the user's figure leaves the total open.
    """
    by_benefit = {p.benefit.id: p for p in parts}
    left_out: dict[str, str] = {}
    flagged: set[str] = set()
    for group in kb.exclusions():
        members = [by_benefit[b] for b in group.benefits if b in by_benefit]
        if len(members) < 2:
            continue
        if any(m.answer.amount is None for m in members):
            continue  # the sum stays open anyway: pending below
        kept = max(members, key=lambda m: (m.benefit.award.mode == "conditional", _high(m)))
        for m in members:
            if m is not kept:
                (left_out.__setitem__(m.key, kept.key) if group.resolve == "higher" else flagged.add(m.key))
    counted: list[str] = []
    pending: list[str] = []
    amount = Amount(0, 0)
    ruled: list[str] = []
    for p in parts:
        if p.key in left_out:
            continue
        if p.answer.ruled_out is not None:
            ruled.append(p.key)
            continue
        if p.answer.amount is None:
            pending.append(p.key)
            continue
        counted.append(p.key)
        amount = amount + (Amount(0, p.answer.amount.max) if p.key in flagged else p.answer.amount)
    excluded = tuple(left_out.items())
    return Total(None if pending or not counted else amount, tuple(counted), excluded, tuple(pending),
                 tuple(ruled))


def _high(part: Part) -> int:
    return part.answer.amount.max if part.answer.amount is not None else 0


def _verdict(kb: KnowledgeBase, b: Benefit, answer: AmountAnswer, text: str, figures: tuple[int, ...],
             facts: Facts, today: date | None, validity: Validity | None,
             counts: tuple[int, ...] = (), years: tuple[int, ...] = (),
             percents: tuple[int, ...] = (), included: bool = False) -> YesNo | None:
    """Yes or no from what the policy says, or None when the text does not settle the question.

    A plain yes needs every condition known to hold: a competitive item (chosen on merit within a
    quota) or several awards (a range) is a "maybe" with the reason; so is an amount whose conditions
    the question leaves open ("前提是须为出口企业")."""
    quota = _quota_verdict(b, text, counts)
    if quota is not None:  # the numbers of the quota ("每年选1到2个") are not amounts claimed
        quota_numbers = {int(str(quota.param("claimed_min"))), int(str(quota.param("claimed_max")))}
        figures = tuple(f for f in figures if f not in quota_numbers)
    if quota is not None and (quota.verdict == "no" or not figures):
        return quota  # "每年支持10个吗": the quota asked about; a wrong quota is a no whatever the amount
    rate = _rate_verdict(b, percents)
    if rate is not None and (rate.verdict == "no" or not figures):
        return rate  # "按3%算吗": the rate asked about against the rule's
    basis = _basis_verdict(kb, b, text)
    if basis is not None and (basis.verdict == "no" or not figures):
        return basis  # "是按贷款本金算的吗": what the percentage is taken of
    v = _plain_verdict(kb, b, answer, text, figures, facts, today, validity, years, included)
    if v is None or v.reason not in ("amount_same", "amount_differs", "applicant_ok"):
        return v
    if v.reason != "applicant_ok" and b.award.mode == "competitive" and b.award.quota is not None:
        count = counts[0] if len(counts) == 1 and counts[0] > 1 and quota is None else None
        # "每个企业给20万吗" asks the rule for each item, even where the words also read as the asker's case
        described = any(k != "entity_type" for k in facts) and not _EACH.search(text)
        getting = bool(_GETTING.search(text)) or described or count is not None
        # "能拿20万吧": whether the asker gets it is decided on merit; "每个是50万吗" asks the rule itself
        return YesNo("maybe" if getting else v.verdict, "competitive", (*v.params, ("count", count)))
    if v.reason != "applicant_ok" and answer.amount is not None and answer.amount.min != answer.amount.max \
            and b.amount.kind == "tiered":
        return YesNo("maybe", "several", v.params)
    if v.verdict == "yes":
        open_ = [c.label for c in b.conditions if c.label is not None and c.fact not in facts
                 and c.fact != "entity_type" and c.fact not in answer.facts]
        stated = any(k != "entity_type" for k in facts)  # the asker describes their own case
        if open_ and v.reason == "amount_same" and stated and not _CEILING_ANY.search(text):
            return YesNo("maybe", "if_conditions", (*v.params, ("labels_zh", "、".join(x.zh for x in open_)),
                                                    ("labels_en", "; ".join(x.en for x in open_))))
    return v


def _plain_verdict(kb: KnowledgeBase, b: Benefit, answer: AmountAnswer, text: str, figures: tuple[int, ...],
                   facts: Facts, today: date | None, validity: Validity | None,
                   years: tuple[int, ...] = (), included: bool = False) -> YesNo | None:
    if b.id == DOUBLE_ENTRY or (b.id == VALIDITY_ENTRY and _TWICE_CUE.search(text)):
        return None if _OTHER_LEVELS.search(text) else YesNo("no", "same_matter")
    if b.id == VALIDITY_ENTRY and len(years) == 1 and validity is not None \
            and re.search(r"还能|还可以|能不能|可以|有效|still|can|valid", text):
        # "2028年还能申请吗": the year against the end day (assumed when the text gives no date)
        inside = years[0] <= validity.valid_until.year
        return YesNo("yes" if inside else "no", "year_in" if inside else "year_out", (("year", years[0]),))
    if b.id == VALIDITY_ENTRY and _AGENCY_CUE.search(text):
        named = _agency_named(kb, text)
        if named is not None:  # "市场监管局是主管部门吗": the implementing agencies the text names
            return YesNo("yes" if named else "no", "agency")
    if b.id == VALIDITY_ENTRY:
        if today is None or validity is None or not re.search(r"有效|到期|过期|失效|valid|force|expir", text):
            return None
        return YesNo("yes", "in_force") if validity.in_force(today) else YesNo("no", "out_of_force")
    if b.is_info:
        return None
    if "entity_type" in facts and b.applicants != "any" and facts["entity_type"] not in b.applicants:
        return YesNo("no", "applicant_not", (("type", str(facts["entity_type"])),))
    failed = _failed_condition(kb, b, facts)
    if failed is not None:
        return YesNo("no", failed[0], failed[1])
    required = _required(b, text, kb)
    if required is not None:
        return required
    rule = b.amount
    if rule.kind == "percentage" and rule.cap is not None and rule.cap_scope and _CEILING_ANY.search(text):
        asked = [scope for scope, cue in _SCOPE_CUES.items() if cue.search(text)]
        if asked and not _CAP_FIGURE.search(text):  # "Is the cap per year?": the scope, not the user's figure
            same = rule.cap_scope in asked
            return YesNo("yes" if same else "no", "cap_scope", (("actual_max", rule.cap), ("scope", rule.cap_scope)))
    exceed = _exceed_verdict(b, text)
    if exceed is not None:
        return exceed
    if figures and answer.from_figures and answer.amount is not None:
        claimed = _claims(figures, {**facts, **answer.facts})
        if claimed:  # "利息180万，贴息是不是90万": the figure asked about against what the user's figures give
            a, c = answer.amount, claimed[0]
            same = a.min <= c <= a.max
            return YesNo("yes" if same else "no", "amount_same" if same else "amount_differs",
                         (("claimed", c), ("actual_min", a.min), ("actual_max", a.max)))
    if figures and not answer.from_figures:
        return _amount_verdict(b, answer, text, figures)
    claimed = _claims(figures, {**facts, **answer.facts})
    if claimed and b.amount.kind == "percentage" and _CEILING_ANY.search(text):
        return _amount_verdict(b, answer, text, tuple(claimed))
    if "entity_type" in facts and b.applicants != "any":
        return YesNo("yes", "applicant_ok", (("type", str(facts["entity_type"])),))
    once_unsaid = b.award.frequency == "once" and "一次性" not in b.source.replace(" ", "")
    if (_ONCE_CUE.search(text) or _YEARLY_CUE.search(text)) and once_unsaid:
        return YesNo("maybe", "once_unsaid")  # the once-only is the knowledge base's reading of 新增/取得
    if _ONCE_CUE.search(text):
        once = b.award.frequency == "once"
        return YesNo("yes" if once else "no", "once" if once else "not_once")
    if _YEARLY_CUE.search(text) and b.award.frequency is not None:
        # "每年都能拿吗": yearly entries yes; a one-off no; paid per event: each new one, not every year as such
        f = b.award.frequency
        return YesNo("yes" if f == "yearly" else "no" if f == "once" else "maybe",
                     {"yearly": "yearly", "once": "once", "per_event": "per_event"}[f])
    review = _review_verdict(b, text)
    if review is not None:
        return review
    if included:
        return YesNo("yes", "included")
    if (re.search(r"有没有|有.{0,8}吗|is there|are there|any ", text) or _A_NOT_A.search(text)) \
            and _SUPPORT_WORD.search(text):
        return YesNo("yes", "exists")  # "贯标有补贴吗": the clause exists; never "有" for what we do not hold
    return None


# "每个/每家/each": the rule per item is asked about, not what the asker will get.
_EACH = re.compile(r"每个|每家|每项|每一个|每期|\b(each|per|every)\b")
# "每年支持8个": a count asked about as the yearly quota.
_QUOTA_CUE = re.compile(r"(每年|一年|年度).{0,6}(支持|选|择优|评|资助|奖)?.{0,4}"
                        r"\d+\s*(到|至|-|—|–|~)?\s*\d*\s*(个|家|项)"
                        r"|\d+\s*(个|家|项).{0,4}(每年|一年)"
                        r"|\b(per year|a year|each year|every year|annually|yearly)\b.*\b\d+\b"
                        r"|\b\d+\b.*\b(projects?|enterprises?|compan(y|ies)|firms?|platforms?|stations?|places|winners|"
                        r"organi[sz]ations?|bases?|spaces?|markets?|alliances?|institutions?)\b.*"
                        r"\b(per year|a year|each year|every year|annually|yearly)\b")


_COUNT_SPAN = re.compile(r"(\d+)\s*(?:到|至|-|—|–|~|to)\s*(\d+)\s*(?:个|家|项|projects?|enterprises?|places)")


# "是不是主管部门", "in charge of": who implements the policy, asked about.
_AGENCY_CUE = re.compile(r"主管|负责|牵头|管这个|管理这个|归.{0,4}管|实施|制定"
                         r"|\b(in charge|responsible|implement\w*|runs?)\b")


def _agency_named(kb: KnowledgeBase, text: str) -> bool | None:
    """Whether the agency a question names is one the policy names to make the implementing rules
    (True), another bureau (False), or no agency is named (None)."""
    zh_names = [re.sub(r"^市", "", n) for n in re.split(r"会同|和|、", normalize(kb.policy.implementing_agencies.zh))]
    zh_names += [n.replace("监督管理", "监管") for n in zh_names]
    if any(n and n in text for n in zh_names):
        return True
    words = set(english_words(text))
    for phrase in re.split(r",|\bwith\b", normalize(kb.policy.implementing_agencies.en)):
        key = english_words(phrase)[-2:]
        if key and all(w in words for w in key):
            return True
    if re.search(r"[\u4e00-\u9fff]{1,6}(局|厅|委员会|委)(?!.{0,2}(的|是))?", text) \
            or re.search(r"\b(bureau|department|commission|ministry)\b", text):
        return False
    return None


# "每年都能拿吗", "every year": how often an entry pays, asked about.
_YEARLY_CUE = re.compile(r"每年都|年年|每年可以|每年能|每年还能|每年都能|\b(every year|each year|annually|yearly|"
                         r"again next year)\b")
# "要专家评审吗", "is it competitive": how the money is decided, asked about.
_EXPERT_CUE = re.compile(r"专家评审|专家评|\bexpert (review|panel|assessment)|\breviewed by experts\b")
_COMPETE_CUE = re.compile(r"评审|评选|评比|择优|竞争|比选|名额|\b(competitive|compete|competition|selected|chosen|"
                          r"selection|merit|review)\b")


def _review_verdict(b: Benefit, text: str) -> YesNo | None:
    """"专业化平台要专家评审吗", "is the Madrid reward competitive": the entry's award mode against the question."""
    if b.is_info or b.award.mode == "supported":
        return None
    competitive = b.award.mode == "competitive"
    if _EXPERT_CUE.search(text):
        if b.award.expert_review:
            return YesNo("yes", "review")
        return YesNo("maybe", "review_unsaid") if competitive else YesNo("no", "no_review")
    if _COMPETE_CUE.search(text):
        return YesNo("yes", "competitive_rule") if competitive else YesNo("no", "no_review")
    return None


# "外观设计金奖也算中国专利奖吗", "does a design award count": whether something is part of an entry.
_INCLUDED_CUE = re.compile(r"也算|算不算|算是|算吗|属于|包括在|包含在|在不在|\b(count|counts|included|qualify as)\b")


def _named_as_included(result: MatchResult, benefit_id: str, text: str) -> bool:
    """Whether what the question asks to be included is itself one of the entry's own terms: the words
    before "也算/count" are covered by the entry's terms (外观设计金奖 is a term of the China Patent Award)."""
    m = _INCLUDED_CUE.search(text)
    if m is None:
        return False
    if re.search(r"[\u4e00-\u9fff]", text[:m.start()]):
        asked = [i for i in range(m.start()) if re.match(r"[\u4e00-\u9fff]", text[i])
                 and text[i] not in "也是的吗呢吧这那个种"]
        covered = {i for h in result.hits if not h.english and benefit_id in h.benefits for i in range(h.start, h.end)}
        return bool(asked) and sum(1 for i in asked if i in covered) >= 0.6 * len(asked)
    before = len(english_words(text[:m.start()]))
    return any(h.english and benefit_id in h.benefits and h.start < before for h in result.hits)


_FILLER = "也是的吗呢吧这那个种可以能不能否会请问一下我们你们"


def _all_its_terms(result: MatchResult, benefit_id: str, text: str) -> bool:
    """"著作权质押贷款可以贴息吗": a can-question about money whose every word is a term of the entry (著作权质押 is
    a 知识产权质押 of one kind): the clause covers what is asked."""
    if not _CAN_CUE.search(text) or not _SUPPORT_WORD.search(text) or not re.search(r"[\u4e00-\u9fff]", text):
        return False
    asked = [i for i, c in enumerate(text) if re.match(r"[\u4e00-\u9fff]", c) and c not in _FILLER]
    covered = {i for h in result.hits if not h.english and benefit_id in h.benefits for i in range(h.start, h.end)}
    return len(asked) >= 4 and all(i in covered for i in asked)


# "必须是出口企业吗", "只有出口企业才能拿吗", "must the company be an exporter": a condition asked about.
_REQUIRE_CUE = re.compile(r"必须|一定要|非得|要求|只有.{0,16}才|只能|要是.{0,16}才|得是|须为|需要是|是不是要|限于|仅限"
                          r"|只奖励|只给|只对|只限|仅对|仅奖励"
                          r"|\b(must|have to|has to|need to be|needs to be|required|requirement|only for|only if|"
                          r"restricted to|limited to)\b")


def _condition_core(label: Text) -> tuple[str, tuple[str, ...]]:
    """The words a condition's label names the requirement by: "须为出口企业" -> 出口企业, "must be an
    exporter" -> (exporter,)."""
    zh = re.sub(r"^(须为|须是|必须为|必须是|必须|须|应为|应当)", "", normalize(label.zh)).strip()
    en = re.sub(r"^(must (be|have|hold|run)( an| a| the)?|must)\s+", "", normalize(label.en)).strip()
    return zh, tuple(english_words(en))


def _shared_core(kb: KnowledgeBase, core: str, text: str) -> str | None:
    """The longest run that a condition's words and the question share, when few conditions of the knowledge
    base hold it: four characters or more held by at most two ("认证证书" of 取得…认证证书; not "知识产权"),
    or two or three held by this one alone ("出口" of 须为出口企业)."""
    for size in range(len(core), 1, -1):
        for i in range(len(core) - size + 1):
            run = core[i:i + size]
            if run in text and _condition_spread(kb, run) <= (2 if size >= 4 else 1):
                return run
    return None


def _condition_spread(kb: KnowledgeBase, run: str) -> int:
    """How many benefits have a condition whose label holds ``run``."""
    return sum(1 for b in kb.benefits if any(run in normalize(label.zh) for label in _condition_labels(kb, b)))


def _condition_labels(kb: KnowledgeBase, b: Benefit) -> list[Text]:
    """Each condition's label, or its fact's where the condition has none."""
    out: list[Text] = []
    for c in b.conditions:
        fact = kb.facts.get(c.fact)
        label = c.label or (fact.label if fact is not None else None)
        if label is not None:
            out.append(label)
    return out


def _required(b: Benefit, text: str, kb: KnowledgeBase | None = None) -> YesNo | None:
    """A condition of ``b`` the question names: negated ("non-exporters", "非出口企业") it is a no; asked
    as a requirement ("必须是出口企业吗") it is a yes, with the condition said."""
    words = english_words(text)
    labels = [c.label for c in b.conditions if c.label is not None] if kb is None else _condition_labels(kb, b)
    for label in labels:
        zh, en = _condition_core(label)
        negated = asked = False
        shared = _shared_core(kb, zh, text) if kb is not None and zh not in text else None
        if len(zh) >= 2 and zh in text:
            asked = True
            negated = bool(re.search(rf"(非|不是|并非){re.escape(zh)}", text))
        elif shared is not None:
            asked = True
            negated = bool(re.search(rf"(非|不是|并非|没有|没){re.escape(shared)}", text))
        elif en:
            for i in range(len(words) - len(en) + 1):
                if all(_same_word(a, b) for a, b in zip(words[i:i + len(en)], en, strict=True)):
                    asked = True
                    negated = i > 0 and words[i - 1] in ("non", "not")
                    break
        if not asked:
            continue
        params = (("label_zh", label.zh), ("label_en", label.en))
        if negated:
            return YesNo("no", "condition_fails", params)
        if _REQUIRE_CUE.search(text):
            return YesNo("yes", "condition_required", params)
        if kb is not None and _NEED_CUE.search(text) and _own_run(kb, b, zh, text) is not None:
            # "联盟需要备案吗": a word of the condition beyond the entry's own name, asked as needed
            return YesNo("yes", "condition_required", params)
    return None


# Asking whether something is needed ("需要备案吗", "要不要备案"): a requirement when it names a condition.
_NEED_CUE = re.compile(r"需要|需不需要|要不要|需|得先|要先|\b(need|needs|needed)\b")


def _own_run(kb: KnowledgeBase, b: Benefit, core: str, text: str) -> str | None:
    """A run of two or more characters of a condition's words in the question that is not part of the
    entry's own title or summary terms ("备案" of 产业知识产权联盟…已备案, not "联盟") and that few
    conditions hold."""
    own = normalize(b.title.zh) + normalize(b.short_title.zh if b.short_title else "")
    for size in range(len(core), 1, -1):
        for i in range(len(core) - size + 1):
            run = core[i:i + size]
            if run in text and run not in own and _condition_spread(kb, run) <= 3:
                return run
    return None


_EXCEED_CUE = re.compile(r"超过|超出|多于|高于|突破|\b(more than|exceed\w*|over|above|beyond)\b")


def _exceed_verdict(b: Benefit, text: str) -> YesNo | None:
    """"贴息一年能不能超过100万", "can it be more than 3 million": a figure asked to be passed against the
    most the rule pays (a cap, or the top of a fixed or ranged amount): at or above it no, below it yes."""
    m = _EXCEED_CUE.search(text)
    if m is None:
        return None
    amounts = find_amounts(text[m.end():m.end() + 16])
    if len(amounts) != 1:
        return None
    rule = b.amount
    most: int | None = None
    if isinstance(rule, PercentageAmount) and rule.cap is not None:
        most = int(rule.cap)
    elif isinstance(rule, FixedAmount):
        most = rule.value
    elif isinstance(rule, RangeAmount | UpToAmount):
        most = rule.max
    if most is None:
        return None
    over = amounts[0] < most
    return YesNo("yes" if over else "no", "exceed_yes" if over else "exceed_no",
                 (("claimed", amounts[0]), ("actual_max", most)))


def _same_word(a: str, b: str) -> bool:
    """Stems of one word family: equal, or one the other's head of five letters or more (export, exporter)."""
    return a == b or (min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a)))


# "按贷款本金算的吗", "is it based on the loan amount": what a percentage is taken of, asked about.
_BASIS_ZH = re.compile(r"按(?:照)?(.{1,14}?)(?:来|的)?(?:算|计算|计|核算|为基数|给)")
_BASIS_EN = re.compile(r"\b(?:based on|calculated on|calculated from|computed on|worked out on|percentage of|"
                       r"share of|paid on)\s+(?:the\s+|our\s+)?([a-z][a-z ]{2,40})")


def _basis_verdict(kb: KnowledgeBase, b: Benefit, text: str) -> YesNo | None:
    """The quantity a yes/no question names as the base of a percentage against the rule's ``of``: the
    words of the base fact say yes; the words of another figure (the principal, another fact's cue) no."""
    rule = b.amount
    if rule.kind != "percentage":
        return None
    m = _BASIS_ZH.search(text) or _BASIS_EN.search(text)
    if m is None:
        return None
    named = m.group(1)
    base = kb.facts.get(rule.of)
    own = [normalize(c) for c in (base.figure_cues if base is not None else ())]
    if any(_cue_in(c, named) for c in own):
        return YesNo("yes", "basis_same")
    others = [normalize(w) for w in kb.vocabulary.figures.principal] + [
        normalize(c) for f in kb.facts.values() if f.id != rule.of for c in f.figure_cues]
    hit = next((c for c in others if c not in own and _cue_in(c, named)), None)
    if hit is None:
        return None
    return YesNo("no", "basis_differs", (("claimed_base", named.strip()),))


def _cue_in(cue: str, text: str) -> bool:
    if re.search(r"[\u4e00-\u9fff]", cue):
        return len(cue) >= 2 and cue in text
    return re.search(rf"\b{re.escape(cue)}", text) is not None


# "每年8个平台", "8 service platforms a year": a count with its unit, when the language layer read no count.
_COUNT_NEAR = re.compile(r"(\d+)\s*(?:个|家|项|(?:[a-z]+\s)?(?:projects?|enterprises?|companies|platforms?|stations?|"
                         r"places|organi[sz]ations?|bases?|spaces?|markets?|institutions?|alliances?|winners))")


def _quota_verdict(b: Benefit, text: str, counts: tuple[int, ...]) -> YesNo | None:
    """The yearly quota a yes/no question states ("每年支持8个吗", "每年选1到2个") against the rule's."""
    q = b.award.quota
    if q is None or not _QUOTA_CUE.search(text):
        return None
    span = _COUNT_SPAN.search(text)
    if span is not None:  # "1到2个": one range, whatever the figures read of it
        counts = (int(span.group(1)), int(span.group(2)))
    if not counts:
        counts = tuple(int(n) for n in _COUNT_NEAR.findall(text))
    if not counts or len(counts) > 2:
        return None
    low, high = min(counts), max(counts)
    params = (("claimed_min", low), ("claimed_max", high))
    if (low, high) == (q.min, q.max):
        return YesNo("yes", "quota_same", params)
    if low == high and q.min <= low <= q.max:
        return YesNo("maybe", "quota_range", params)  # "每年选6个吗" of 6—10: within it, not the rule
    return YesNo("no", "quota_differs", params)


def _rate_verdict(b: Benefit, percents: tuple[int, ...]) -> YesNo | None:
    """The rate a yes/no question states ("按3%算吗", "50% of the interest?") against the rule's."""
    rule = b.amount
    if rule.kind != "percentage" or len(percents) != 1:
        return None
    same = Fraction(percents[0], 100) == Fraction(str(rule.rate))
    return YesNo("yes" if same else "no", "rate_same" if same else "rate_differs", (("claimed", percents[0]),))


# A figure given as the cap itself ("capped at 2 million a year?"): then the figure is what is asked about.
_CAP_FIGURE = re.compile(r"(capped at|cap of|cap is|up to|at most|maximum of|最高|最多|上限是?|封顶|不超过|至多)\s*"
                         r"[\d一二三四五六七八九十两百千]")
# How a cap question names the cap's scope (the values of ``cap_scope`` in the knowledge base).
_SCOPE_CUES = {
    "per_enterprise_per_year": re.compile(r"每年|一年|年度|per year|a year|each year|annual|yearly"),
    "per_issue": re.compile(r"每期|一期|per issue|each issue|an issue"),
    "per_enterprise": re.compile(r"累计|总共|一共|in total|overall|lifetime|altogether"),
}


# The asker asks whether they will get the money, not what the rule says ("能拿20万吧", "can we get").
_GETTING = re.compile(r"能拿|能得|能领|能获|能补|可以拿|可以得|可以领|拿到|给我们|我们能|咱们|"
                      r"\b(can we|could we|will we|would we|do we get|shall we|we get)\b")
_SUPPORT_WORD = re.compile(r"补|奖|支持|资助|扶持|贴息|资金|政策|钱"
                           r"|funding|fund|subsid|reward|grant|support|money|award")


def _claims(figures: tuple[int, ...], facts: Facts) -> list[int]:
    """The figures of a question that are not the user's own amounts: what the user asks to have confirmed."""
    own = {v for v in facts.values() if isinstance(v, int) and not isinstance(v, bool)}
    own |= {x for v in facts.values() if isinstance(v, list) for x in v if isinstance(x, int)}
    return [f for f in figures if f not in own]


def _amount_verdict(b: Benefit, answer: AmountAnswer, text: str, figures: tuple[int, ...]) -> YesNo | None:
    """"银奖是30万吗": the figure asked about against what the rule pays (or its ceiling)."""
    rule = b.amount
    claimed = figures[0]
    if rule.kind == "percentage":
        if rule.cap is None:
            return None
        same = claimed == rule.cap
        return YesNo("yes" if same else "no", "amount_same" if same else "amount_differs",
                     (("claimed", claimed), ("actual_max", rule.cap)))
    actual = answer.amount or nominal_amount(rule)
    if rule.kind == "tiered" and answer.amount is None:
        same = claimed in rule.tiers.values()
        return YesNo("yes" if same else "no", "amount_same" if same else "amount_differs", (("claimed", claimed),))
    if actual is None:
        return None
    same = actual.min <= claimed <= actual.max if actual.min != 0 else claimed == actual.max
    return YesNo("yes" if same else "no", "amount_same" if same else "amount_differs",
                 (("claimed", claimed), ("actual_min", actual.min), ("actual_max", actual.max)))


def _failed_condition(kb: KnowledgeBase, b: Benefit, facts: Facts) -> tuple[str, tuple[tuple[str, object], ...]] | None:
    """The first condition of ``b`` the stated facts break (the applicant type, exporter …), if any."""
    if not facts:
        return None
    validity = policy_validity(kb)
    result = assess(kb, facts, validity.valid_until, validity).result(b.id)
    if result.status != "ineligible":
        return None
    if "entity_type" in facts and b.applicants != "any" and facts["entity_type"] not in b.applicants:
        return "applicant_not", (("type", str(facts["entity_type"])),)
    for r in result.reasons:
        if r.code == "condition_failed" and r.label is not None:
            return "condition_fails", (("label_zh", r.label.zh), ("label_en", r.label.en))
        if r.code == "condition_failed" and r.fact:
            return "condition_fails", (("fact", r.fact),)  # no label: the fact's own label names it
    return "condition_fails", ()


def ruled_out(kb: KnowledgeBase, b: Benefit, facts: Facts) -> YesNo | None:
    """Whether the facts a question states rule ``b`` out, as the engine (``assess``) decides: the
    applicant type outside the entry's list, or a condition broken ("注册地在郑州", "利息付了0元").
    Only a broken condition counts; a fact the question leaves out is unknown, never false."""
    if not facts or b.is_info:
        return None
    validity = policy_validity(kb)
    result = assess(kb, facts, validity.valid_until, validity).result(b.id)
    # a condition broken, or outside the knowledge base's reading of a silent text (the applicant list
    # of a clause that names none): no amount is stated from a reading either, the reading is said
    failed = [r for r in result.reasons if r.code in ("condition_failed", "reading_outside")]
    if result.status not in ("ineligible", "undetermined") or not failed:
        return None
    failed = [r for r in failed if r.code == "condition_failed"] or failed  # a broken condition first
    r = failed[0]
    if r.fact == "entity_type":
        return YesNo("no", "applicant_not", (("type", str(facts["entity_type"])),))
    if r.label is not None:
        return YesNo("no", "condition_fails", (("label_zh", r.label.zh), ("label_en", r.label.en)))
    return YesNo("no", "condition_fails", (("fact", r.fact or ""),))


def _ruled_out(kb: KnowledgeBase, b: Benefit, answer: AmountAnswer, stated: Facts) -> AmountAnswer:
    """``answer`` without its amount when the stated facts (with the figures it was computed from) rule
    ``b`` out: the answer then says it does not apply and why, never what it would pay."""
    v = ruled_out(kb, b, {**stated, **answer.facts})
    if v is None:
        return answer
    return AmountAnswer(None, (), answer.facts, answer.from_figures, (), v)


def amount_for(kb: KnowledgeBase, benefit: Benefit, question: str,
               figures: tuple[int, ...] | None = None) -> AmountAnswer:
    """What ``benefit`` pays for what ``question`` says: figures for percentages, words for tiers."""
    rule = benefit.amount
    text = normalize(question)
    if figures is None:
        figures = _own_for(benefit, read_question(kb, question))
    if rule.kind == "tiered":
        tier = _tier(kb.facts[rule.by], text)
        if tier is None:
            return AmountAnswer(None, depends_on=(rule.by,))
        facts: Facts = {rule.by: tier}
        amount, reasons = compute_amount(rule, facts)
        return AmountAnswer(amount, tuple(reasons), facts)
    if rule.kind == "percentage":
        base = _base(kb.facts[rule.of], rule, text, figures)
        if base is None:
            return AmountAnswer(None, depends_on=(rule.of,))
        facts = {rule.of: base}
        amount, reasons = compute_amount(rule, facts)
        return AmountAnswer(amount, tuple(reasons), facts, from_figures=True)
    return AmountAnswer(nominal_amount(rule))


def _tier(fact: Fact, text: str) -> str | None:
    """The one tier the question names (银奖, "silver"); None when it names none or several."""
    found = tiers_named(fact, text)
    return found[0] if len(found) == 1 else None


def tiers_named(fact: Fact, text: str) -> list[str]:
    """Every tier the (normalised) question names, in the order they appear ("金奖和优秀奖")."""
    compact = text.replace(" ", "")
    words = english_words(text)
    word_set = set(words)
    found: dict[str, int] = {}
    for option in fact.options:
        if option.id == "none":
            continue
        for label in (option.label.zh, option.label.en, *option.aliases):
            norm = normalize(label)
            if re.search(r"[\u4e00-\u9fff]", norm):
                at = compact.find(norm.replace(" ", ""))
                hit = at >= 0
            else:
                needed = english_words(norm)
                hit = bool(needed) and all(w in word_set for w in needed)
                at = 1000 + words.index(needed[0]) if hit else -1
            if hit:
                found[option.id] = at
                break
    return sorted(found, key=lambda k: found[k])


def _base(fact: Fact, rule: PercentageAmount, text: str, figures: tuple[int, ...]) -> FactValue | None:
    """The figure(s) the percentage applies to, or None when the question gives none (or too many).

    Figures that are the user's guess of the result ("1.2亿…是360万吗") or of the ceiling are
    dropped. A principal never comes here (the language layer tells it apart): the interest actually
    paid is what the policy subsidises, and a principal × a nominal rate would be a guess of it.
    """
    if not figures:
        return None
    figs = list(figures)
    if len(figs) > 1:
        guesses = {percentage_of(rule, g)[0] for g in figs} | {int(Fraction(str(rule.rate)) * g) for g in figs}
        kept = [f for f in figs if f not in guesses]
        figs = kept or figs[:1]
    if len(figs) == 1 and rule.cap is not None and figs[0] == rule.cap and _asks_ceiling(text):
        return None
    if fact.type == "money_list":
        return figs
    if len(figs) == 1:
        return figs[0]
    if _SEVERAL.search(text):  # "两期，5000万和8000万": one fact, several parts
        return sum(figs)
    # Several figures the language layer tied to no fact ("利息不是80万，是60万"): which is the base is a
    # guess, and the first rule says ask, never compute from a guess (a cue word nearby picked 80万 here).
    return None


_SEVERAL = re.compile(r"[两二三四五六七八九几多\d]\s*[期笔次]|分别|合计|共计|一共|总共|in total|two issues|issues")


def _cued(fact: Fact, text: str, figures: list[int]) -> list[int]:
    """The figures that stand next to one of the fact's cue words (within a few characters)."""
    if not fact.figure_cues:
        return []
    cues = [normalize(c) for c in fact.figure_cues]
    out = []
    for m in re.finditer(r"[0-9一二三四五六七八九十两百千万亿.,]+(?:万|亿|元|w|k)?", text):
        window = text[max(0, m.start() - 6):m.end() + 5]
        values = find_amounts(m.group(0))
        if values and values[0] in figures and any(c in window for c in cues):
            out.append(values[0])
    return out


def _asks_ceiling(text: str) -> bool:
    """Whether the only figure is introduced as a ceiling ("最高补100万吗"), not as the user's base."""
    for m in re.finditer(r"[0-9一二三四五六七八九十两百千万亿.,]+", text):
        if _CEILING_CUE.search(text[max(0, m.start() - 8):m.start()]):
            return True
    return False
