"""What kind of question it is: a yes/no one, a procedure one, or only an introduction of the asker."""

from __future__ import annotations

import re

from eligibility.ask.cues import Cues
from eligibility.matcher import MatchResult


def is_yes_no(cues: Cues, text: str) -> bool:
    """Whether a (normalised) question asks for a yes or a no ("银奖是30万吗", "is it capped at …"):
    some clause of it does ("还有效吗？到什么时候" asks both: yes or no, then the date)."""
    return bool(yes_no_clauses(cues, text))


def yes_no_clauses(cues: Cues, text: str) -> list[str]:
    """The clauses of a (normalised) question that ask for a yes or a no."""
    # a full stop before a space ends a sentence too ("We are in Zhengding. Are we eligible?"), never 1.5亿's
    clauses = [c for c in re.split(r"[?？,，。;；!！]+(?=.)|\.\s+", text) if c.strip()]
    asked = [c for c in clauses if _yes_no_clause(cues, c)]
    if not asked and cues.hearsay.search(text):
        # "听说贴息能给70%", "网上说驰名商标奖100万": a rumour with a figure or a claim word is a claim to confirm
        asked = [c for c in clauses if (cues.claim_word.search(c) or cues.ceiling_any.search(c))
                 and not asks_open(cues, c)]
    return asked


def asks_procedure_yes_no(cues: Cues, text: str) -> bool:
    """"Is there a form to download for …?", "申请要盖公章吗": the yes or no asked is about a step of applying,
    which the policy does not set (so no "有" for the subsidy the clause names)."""
    return any(cues.procedure.search(c) for c in yes_no_clauses(cues, text))


def asks_open(cues: Cues, text: str) -> bool:
    """Whether a clause asks an open question ("多少", "几个", "what"): the 几 of a time before now ("前几年就评上的…
    还能领10万吗", "几年前") asks no number."""
    return bool(cues.open_question.search(cues.time_ago.sub(" ", text)))


def _yes_no_clause(cues: Cues, text: str) -> bool:
    if asks_open(cues, text) and not cues.confirm.search(text):
        return False
    # "Total for interest of 400k …?", "一共多少？": a sum asked with a rising tone is no yes/no question
    return bool(cues.yes_no_zh.search(text) or cues.yes_no_en.search(text) or cues.yes_no_tag.search(text)
                or (_INTONATION.search(text) and cues.claim_word.search(text) and not cues.total.search(text)))


# A statement that ends in a question mark right after a character: read as asked with a rising tone.
_INTONATION = re.compile(r"[\u4e00-\u9fff0-9a-z%)）]\s*[?？]+\s*$")


def is_procedure(cues: Cues, text: str) -> bool:
    """Whether a (normalised) question asks how, when or where to apply, for materials or a contact."""
    return bool(cues.procedure.search(text))


def only_introduces(cues: Cues, result: MatchResult, text: str) -> bool:
    """"我们是县市场监管局，帮企业问": the only term found is the asker's own name for themselves and
    nothing is asked: the answer asks what they want to know, it quotes no provision."""
    hits = [h for h in result.hits if h.benefits]
    if not hits or cues.asking.search(text):
        return False
    return all(cues.self_before.search(text[:h.start]) for h in hits)
