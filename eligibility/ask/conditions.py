"""The conditions a question names: a condition of the entry asked as required, negated, or its words covered
by the entry's own terms ("外观设计金奖也算吗"). Used by the verdicts (verdicts.py)."""

from __future__ import annotations

import re

from eligibility.ask.cues import Cues
from eligibility.ask.model import YesNo
from eligibility.matcher import MatchResult, english_words
from eligibility.parsing import normalize
from eligibility.results import Facts
from knowledge.models import Benefit, KnowledgeBase, Text


def named_as_included(cues: Cues, result: MatchResult, benefit_id: str, text: str) -> bool:
    """Whether what the question asks to be included is itself one of the entry's own terms: the words
    before "也算/count" are covered by the entry's terms (外观设计金奖 is a term of the China Patent Award)."""
    m = cues.included.search(text)
    if m is None:
        return False
    if re.search(r"[\u4e00-\u9fff]", text[:m.start()]):
        asked = [i for i in range(m.start()) if re.match(r"[\u4e00-\u9fff]", text[i])
                 and text[i] not in cues.words.included_filler_chars]
        covered = {i for h in result.hits if not h.english and benefit_id in h.benefits for i in range(h.start, h.end)}
        return bool(asked) and sum(1 for i in asked if i in covered) >= 0.6 * len(asked)
    before = len(english_words(text[:m.start()]))
    return any(h.english and benefit_id in h.benefits and h.start < before for h in result.hits)


def all_its_terms(cues: Cues, result: MatchResult, benefit_id: str, text: str) -> bool:
    """"著作权质押贷款可以贴息吗": a can-question about money whose every word is a term of the entry (著作权质押 is
    a 知识产权质押 of one kind): the clause covers what is asked."""
    if not cues.can.search(text) or not cues.support.search(text) or not re.search(r"[\u4e00-\u9fff]", text):
        return False
    asked = [i for i, c in enumerate(text) if re.match(r"[\u4e00-\u9fff]", c) and c not in cues.words.can_filler_chars]
    covered = {i for h in result.hits if not h.english and benefit_id in h.benefits for i in range(h.start, h.end)}
    return len(asked) >= 4 and all(i in covered for i in asked)


def _condition_core(cues: Cues, label: Text) -> tuple[str, tuple[str, ...]]:
    """The words a condition's label names the requirement by: "须为出口企业" -> 出口企业, "must be an
    exporter" -> (exporter,)."""
    zh = cues.condition_prefix_zh.sub("", normalize(label.zh)).strip()
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
    return sum(1 for b in kb.benefits if any(run in normalize(label.zh) for label in condition_labels(kb, b)))


def condition_labels(kb: KnowledgeBase, b: Benefit) -> list[Text]:
    """Each condition's label, or its fact's where the condition has none."""
    out: list[Text] = []
    for c in b.conditions:
        fact = kb.facts.get(c.fact)
        label = c.label or (fact.label if fact is not None else None)
        if label is not None:
            out.append(label)
    return out


def required(kb: KnowledgeBase, cues: Cues, b: Benefit, text: str) -> YesNo | None:
    """A condition of ``b`` the question names: negated ("non-exporters", "非出口企业") it is a no; asked
    as a requirement ("必须是出口企业吗") it is a yes, with the condition said."""
    words = english_words(text)
    labels = condition_labels(kb, b)
    # "有没有贯标补贴": the 没有 of a question word negates nothing
    unasked = text
    for phrase in cues.words.yes_no_phrases:
        unasked = unasked.replace(phrase, " " * len(phrase))
    for label in labels:
        zh, en = _condition_core(cues, label)
        negated = asked = False
        shared = _shared_core(kb, zh, text) if zh not in text else None
        if len(zh) >= 2 and zh in text:
            asked = True
            negated = bool(cues.negated(zh).search(unasked))
        elif shared is not None:
            asked = True
            negated = bool(cues.negated(shared, shared=True).search(unasked))
        elif en:
            for i in range(len(words) - len(en) + 1):
                if all(_same_word(a, b) for a, b in zip(words[i:i + len(en)], en, strict=True)):
                    asked = True
                    negated = i > 0 and words[i - 1] in cues.words.negations_en
                    break
            else:
                # "Must the IP alliance be filed?": a word of the condition that is not the entry's own name and
                # few conditions hold (fil of "filed and meets the national guidelines"), asked as a requirement
                at = _distinct_word_at(kb, b, en, words)
                if at is not None and (cues.require.search(text) or cues.need.search(text)):
                    asked = True
                    negated = any(w in cues.words.negations_en for w in words[max(0, at - 3):at])
        if not negated and _negated_run(cues, zh, unasked):  # "不出口的企业", "联盟没备案": negated right before
            asked = negated = True
        if not asked:
            continue
        params = (("label_zh", label.zh), ("label_en", label.en))
        if negated:
            return YesNo("no", "condition_fails", params)
        if cues.require.search(text):
            return YesNo("yes", "condition_required", params)
        if cues.need.search(text) and _own_run(kb, b, zh, text) is not None:
            # "联盟需要备案吗": a word of the condition beyond the entry's own name, asked as needed
            return YesNo("yes", "condition_required", params)
    return None


def _negated_run(cues: Cues, core: str, text: str) -> bool:
    """Whether a negation stands right before two characters of a condition's words ("没备案" of 已备案)."""
    if len(core) < 2:
        return False
    for m in cues.negated_any.finditer(text):
        run = text[m.end():m.end() + 2]
        if len(run) == 2 and text[m.start():m.end() + 2] not in core:  # 非诉 of 非诉解决机构
            # "没备案" of 已备案; "没获奖" of 获得中国专利奖 (the verb and its object, in the condition's order)
            first = core.find(run[0])
            apart = first >= 0 and _is_han(run[1]) and core.find(run[1], first + 1) > first \
                and text[m.start():m.end() + 1] not in core  # 非诉 of 非诉解决机构 is a name
            if run in core or apart:
                return True
    return False


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


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


def _distinct_word_at(kb: KnowledgeBase, b: Benefit, core: tuple[str, ...], words: list[str]) -> int | None:
    """Where the question holds a word of a condition's English words that the entry's own title lacks and the
    labels of at most two entries hold, or None."""
    title = english_words(normalize(b.title.en)) + english_words(normalize(b.short_title.en if b.short_title else ""))
    for w in core:
        if len(w) < 3 or any(_same_word(w, t) for t in title) or _english_spread(kb, w) > 2:
            continue
        at = next((i for i, q in enumerate(words) if _same_word(q, w) or (len(w) == 3 and q.startswith(w))), None)
        if at is not None:
            return at
    return None


def _english_spread(kb: KnowledgeBase, word: str) -> int:
    """How many benefits have a condition whose English label holds ``word``."""
    return sum(1 for x in kb.benefits if any(any(_same_word(word, t) for t in english_words(normalize(label.en)))
                                             for label in condition_labels(kb, x)))


def _same_word(a: str, b: str) -> bool:
    """Stems of one word family: equal, or one the other's head of five letters or more (export, exporter)."""
    return a == b or (min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a)))


def describes_case(kb: KnowledgeBase, cues: Cues, b: Benefit, facts: Facts, text: str) -> bool:
    """Whether the question states a fact of the asker's own case beyond the applicant type. The entry's own
    condition read from its name as the subject of a claim ("高价值专利组合培育给50万对吧", "听说马德里商标注册奖10万")
    describes no case: the words before each of its mentions are only a hearsay lead or punctuation."""
    conditions = {c.fact for c in b.conditions}
    names = [normalize(n) for n in (b.title.zh, b.short_title.zh if b.short_title else "",
                                    *kb.vocabulary.benefits.get(b.id, ())) if n and not n.isascii()]
    for k, value in facts.items():
        if k == "entity_type":
            continue
        words = kb.vocabulary.facts.get(k)
        if k not in conditions or value is not True or words is None:
            return True
        at = [m.start() for w in words.mentions if w and not w.isascii()
              for m in re.finditer(re.escape(normalize(w)), text)]
        if not at or not all(names_subject(cues, names, text, i) for i in at):
            return True
    return False


# Between an entry's name and the figure claimed of it: a claim word or two ("给", "奖", "是不是"), no clause break.
_CLAIM_GAP = re.compile(r"[^\d，,。；;！!？?\s]{0,4}\d")


def names_subject(cues: Cues, names: list[str], text: str, at: int) -> bool:
    """Whether a mention at ``at`` stands in the entry's name as the subject of a claim: before it only a hearsay
    lead ("听说") and words of the name (专业化 of 专业化服务平台), after the name a claim word and the figure
    ("高价值专利组合培育给50万对吧"); "贯标证书拿了，给5万是吧" says what the asker did."""
    lead = cues.hearsay.sub("", text[:at]).strip(" ，,。:：")
    if lead and not any(lead in n for n in names):
        return False
    start = at - len(lead)
    end = start
    while end < len(text) and any(text[start:end + 1] in n for n in names):
        end += 1
    return end > at and _CLAIM_GAP.match(text, end) is not None
