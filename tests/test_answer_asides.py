"""What an `ipbot ask` answer says beside the entry: a side subject the policy has no clause for, an applicant
type the text never names, and a message that is only a greeting, thanks or a request for a person."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from io import StringIO

import pytest

from bot.cli import main
from bot.present.answer import AnswerRenderer
from eligibility.ask import ask
from eligibility.matcher import Matcher
from knowledge.models import KnowledgeBase

TODAY = date(2026, 6, 1)
GUARANTEE = {"zh": "利息32万，另外担保费8万，能补多少",
             "en": "Interest 320,000 paid, plus a guarantee fee of 80,000, how much subsidy?"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_side_subject_is_said_once_after_the_amount_in_card_and_paste(matcher: Matcher, answers: AnswerRenderer,
                                                                       lang: str) -> None:
    """"利息32万，另外担保费8万": 16万 was answered, and 担保费 (no clause) was never mentioned."""
    result = ask(matcher, GUARANTEE[lang], today=TODAY)
    assert not result.refused and result.subject is not None
    reply = result.subject.reply.get(lang)
    card = answers.render(result, lang)
    lines = card.split("\n")
    assert lines.count(reply) == 1 and card.count(reply) == 1
    amount = next(i for i, x in enumerate(lines) if "160,000" in x or "16万" in x)
    assert lines.index(reply) == amount + 1
    paste = answers.paste(result, lang)
    said = ("另外，" + reply) if lang == "zh" else "Also, the policy's IP finance clauses"
    assert said in paste and paste.count("担保费" if lang == "zh" else "guarantee fees") == 1, paste
    assert "本助手" not in paste


def test_a_refused_subject_is_said_as_before(matcher: Matcher, answers: AnswerRenderer) -> None:
    result = ask(matcher, "担保费能补贴吗", today=TODAY)
    assert result.refused and result.subject is not None
    card = answers.render(result, "zh")
    assert card.count(result.subject.reply.zh) == 1 and "本助手只解答" in card
    assert "另外，" not in answers.paste(result, "zh")


@pytest.mark.parametrize(("question", "lang", "kind"), [
    ("个人发明人能申请吗", "zh", "individual"), ("Can an individual inventor apply?", "en", "individual"),
    ("个体工商户能申请什么", "zh", "individual_business"), ("合作社能申请什么", "zh", "cooperative"),
])
def test_an_applicant_type_the_text_never_names_gets_its_reading(kb: KnowledgeBase, matcher: Matcher,
                                                                 answers: AnswerRenderer, question: str, lang: str,
                                                                 kind: str) -> None:
    """It got "本助手只解答《…》相关问题", as if the question were off the policy."""
    result = ask(matcher, question, today=TODAY)
    assert result.refused and result.entity_type == kind and not result.open_to
    reading = kb.policy.unnamed_applicants[kind].reading.get(lang)
    card = answers.render(result, lang)
    assert card.split("\n")[0] == reading
    assert "本助手只解答" not in card and "only answers questions" not in card
    paste = answers.paste(result, lang)
    assert reading.rstrip("。.") in paste and "本助手" not in paste
    # the reading is the text's: without the type the refusal is as before
    assert "本助手只解答" in answers.render(replace(result, entity_type=None), "zh")


def ipbot_ask(*args: str) -> str:
    out = StringIO()
    assert main(["ask", *args], out=out) == 0
    return out.getvalue()


@pytest.mark.parametrize(("message", "said"), [
    ("你好", "您好！"), ("Hello", "Hello!"), ("谢谢", "不客气"), ("Thanks!", "You're welcome"),
    ("我要找人工", "市市场监督管理局"), ("I want to talk to a human", "Administration for Market Regulation"),
])
def test_ask_answers_a_greeting_thanks_or_a_request_for_a_person(message: str, said: str) -> None:
    """G11: `ipbot ask "你好"` got the out-of-scope refusal; the chat answers it."""
    answer = ipbot_ask(message)
    assert said in answer, answer
    assert "本助手只解答" not in answer and "only answers questions" not in answer
    assert "<b>" not in answer and "&" not in answer
    assert json.loads(ipbot_ask(message, "--json"))["answer"] == answer.rstrip("\n")


def test_a_request_for_a_person_invents_no_number(kb: KnowledgeBase) -> None:
    assert not kb.contacts  # the knowledge base holds none: no digit in the reply
    assert not any(c.isdigit() for c in ipbot_ask("我要找人工"))


def test_a_question_after_a_greeting_is_still_answered() -> None:
    answer = ipbot_ask("你好，银奖奖多少")
    assert "30万元" in answer and "不客气" not in answer
