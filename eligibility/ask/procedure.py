"""Procedure questions (how, when, where to apply; materials; contacts): the policy sets none of it, so such a
question is answered honestly with the procedure entry, unless it asks about another scheme or matter."""

from __future__ import annotations

import re
from dataclasses import replace

from eligibility.ask.cues import Cues, cues_of
from eligibility.ask.kinds import is_procedure, is_yes_no
from eligibility.ask.model import PROCEDURE_ENTRY
from eligibility.matcher import Matcher, MatchResult, Scored, english_words
from eligibility.parsing import normalize


def procedure_asked(matcher: Matcher, result: MatchResult, question: str, describes_asker: bool = False) -> MatchResult:
    """"办理这些补贴找哪个科室": a procedure question that names nothing the policy does not cover is
    about applying under this policy, so it is answered with the procedure entry, not refused."""
    if not result.refused or result.subject is not None or any(h.subjects for h in result.hits):
        return result
    cues = cues_of(matcher.kb)
    text = normalize(question)
    applying = _applying_here(cues, result, text)
    if not is_procedure(cues, text) and (not applying or (is_yes_no(cues, text) and describes_asker)):
        return result  # "我们在正定县，能申请吗": whether the asker may apply, answered by the place or type said
    # "办理这些补贴找哪个科室", "在哪交申报材料": this policy's money, or applying with no other subject.
    # "创业补贴怎么申请" names money the policy does not hold, "离婚手续怎么办" no application: refused.
    # "奖补怎么领": money named bare is this policy's own
    about_this = bool(cues.this_policy.search(text)) or _own_money(cues, text) or applying \
        or (not cues.money.search(text) and bool(cues.applying_only.search(text))) or _bare(cues, text)
    if not about_this or _other_money(cues, result, text):  # "种粮补贴怎么申请": another scheme's money
        return result
    entry = Scored(matcher.kb.benefit(PROCEDURE_ENTRY), matcher.params.min_score)
    ranked = (entry, *(s for s in result.ranked if s.benefit.id != PROCEDURE_ENTRY))
    return replace(result, refused=False, ranked=ranked, confidence=max(result.confidence, 0.5))


# The object of applying, as grammar: the two characters after 申报/申请, the noun after "apply for" or before
# "application" ("申请护照", "apply for a visa", "job application"): another matter unless a term explains it.
_APPLY_OBJECT_ZH = re.compile(r"(申报|申请)([\u4e00-\u9fff]{2})")
_APPLY_FOR_EN = re.compile(r"\bapply(?:ing)? for (?:a |an |the |our |my )?([a-z]+)")
_APPLICATION_OF_EN = re.compile(r"\b([a-z]+) applications?\b")


def _applying_here(cues: Cues, result: MatchResult, text: str) -> bool:
    """Whether a question asks about applying as such: 申报 / 申请 / "apply" with no object of their own that
    no term of the policy explains ("申请护照", "申报科技项目", "apply for a visa", "job application")."""
    if not cues.apply_word.search(text) or cues.apply_what.search(text):
        return False  # "县政府能申请什么": what is open to the asker, not how to apply
    covered = {i for h in result.hits if h.benefits and not h.english for i in range(h.start, h.end)}
    for m in _APPLY_OBJECT_ZH.finditer(text):
        if not cues.apply_next.match(m.group(2)) and not any(i in covered for i in range(m.start(2), m.end(2))):
            return False
    if _other_object(cues, result, text):
        return False
    for m_app in _APPLICATION_OF_EN.finditer(text):
        if not cues.application_lead.match(m_app.group(1)) and not cues.money.search(m_app.group(1)):
            return False
    m_en = _APPLY_FOR_EN.search(text)
    return m_en is None or bool(cues.money.search(m_en.group(1)))


def _other_object(cues: Cues, result: MatchResult, text: str) -> bool:
    """"护照怎么申请", "签证怎么办理": the thing to apply for is named before how, and no term of the policy (nor
    its money, nor a word pointing at it) explains it."""
    covered = {i for h in result.hits if h.benefits and not h.english for i in range(h.start, h.end)}
    for m in cues.object_before.finditer(text):
        lead = m.group(1)
        if not any(i in covered for i in range(m.start(1), m.end(1))) and not cues.money.search(lead) \
                and lead not in cues.words.how_leads and not cues.generic_qualifier.search(lead) \
                and not cues.applying_qualifier.search(lead):
            return True
    return False


def subject_first(matcher: Matcher, result: MatchResult, question: str) -> MatchResult:
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
    cues, text = cues_of(matcher.kb), normalize(question)
    if not missed and (_other_money(cues, result, text) or _other_procedure(cues, result, text)
                       or _other_object(cues, result, text)):
        return replace(result, refused=True, subject=None, confidence=0.8)
    if not missed:
        return result
    return replace(result, refused=True, subject=missed[0], confidence=0.9)


def _bare(cues: Cues, text: str) -> bool:
    """"需要准备哪些文件", "今年什么时候报", "What materials should we prepare?": a procedure question made of
    procedure words and words that name nothing (questions.yaml how_leads, particles) asks, in this bot, about
    applying under this policy ("离婚要带什么证件" names another matter: 离婚 is left over)."""
    if not cues.procedure.search(text):
        return False
    rest = cues.bare_words.sub(" ", cues.procedure.sub(" ", text))
    return not _CJK.search(rest) and not english_words(rest)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _own_money(cues: Cues, text: str) -> bool:
    """"奖补怎么领", "这些补贴什么时候到账": the money is named bare, with nothing before it but words that
    point at this policy, so it is this policy's money."""
    m = cues.money.search(text)
    return m is not None and cues.bare_lead.fullmatch(text[:m.start()]) is not None


def _other_money(cues: Cues, result: MatchResult, text: str) -> bool:
    """Whether a question matched only by procedure words asks about money of another scheme."""
    return _names_another(cues.named_money, cues.generic_qualifier, result, text)


def _other_procedure(cues: Cues, result: MatchResult, text: str) -> bool:
    """Whether a question matched only by procedure words asks how to do something else (a divorce, a
    passport): the two characters naming the procedure are covered by no term and say nothing of applying."""
    return _names_another(cues.named_procedure, cues.applying_qualifier, result, text)


def _names_another(named: re.Pattern[str], ours: re.Pattern[str], result: MatchResult, text: str) -> bool:
    """Whether ``named`` finds a qualifier (its group 1) that no matched term covers and ``ours`` does not
    claim for this policy: the question is about another scheme's money or procedure."""
    covered = {i for h in result.hits if not h.english for i in range(h.start, h.end)}
    for m in named.finditer(text):
        if any(i in covered for i in range(m.start(1), m.end(1))) or ours.search(m.group(1)):
            continue
        return True
    return False


def promote_named(result: MatchResult, matcher: Matcher) -> tuple[Scored, ...]:
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
