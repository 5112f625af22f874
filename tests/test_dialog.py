"""Scripted conversations with the dialog core: typed and tapped answers, corrections, back,
side questions, volunteered facts and bad input. No transport is involved."""

from __future__ import annotations

import itertools
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.dialog.core import Dialog, SideAnswer
from bot.dialog.model import ButtonInput, SessionState
from bot.dialog.views import Views
from bot.present.report import Renderer
from dialog_helpers import TODAY, Chat
from eligibility.evaluate import assess
from eligibility.profile import validate_facts
from eligibility.questionnaire import question_by_id, ticks
from eligibility.results import Facts, Validity
from knowledge.models import KnowledgeBase, Lang

PROFILES = yaml.safe_load((Path(__file__).parents[1] / "bench" / "profiles.yaml").read_text(encoding="utf-8"))


def fake_answerer(text: str, lang: Lang) -> SideAnswer:
    """Stands in for the free-text answerer: knows one question, refuses the rest."""
    if "贴息" in text or "interest" in text:
        return SideAnswer("贴息上限：每家企业每年不超过100万元（（四）1）。", True, ("4.1",),
                          ("pledge_loan_interest",), 0.9)
    return SideAnswer("本助手只解答石家庄市知识产权政策。", False)


@pytest.fixture
def dialog(kb: KnowledgeBase, renderer: Renderer, validity: Validity) -> Dialog:
    return Dialog(kb, renderer, validity, fake_answerer)


def typed_answer(kb: KnowledgeBase, chat: Chat, truth: Facts) -> str:
    """What a person who knows these facts would type to the current question."""
    q = question_by_id(kb, chat.state.current or "", chat.state.typed_facts(), TODAY, chat.dialog.validity,
                       skipped=chat.state.skipped)
    assert q is not None, chat.log()
    if q.kind == "multi":
        labels = [next(o.label.zh for o in q.options if o.value == f) for f in ticks(q, truth)]
        return "、".join(labels) or "都没有"
    fact = q.facts[0]
    if fact not in truth:
        return "不确定"
    v = truth[fact]
    if q.kind == "bool":
        return "是的" if v else "没有"
    if q.kind == "choice":
        return next(o.label.zh for o in q.options if o.value == v)
    if q.kind == "money":
        return f"{v / 10000:g}万" if isinstance(v, int) and v % 10000 == 0 and v else str(v)
    assert isinstance(v, list)
    return "，".join(f"{x / 10000:g}万" for x in v) or "没有"


def run_to_result(kb: KnowledgeBase, chat: Chat, truth: Facts, limit: int = 40) -> None:
    chat.command("assess")
    for _ in range(limit):
        if chat.state.mode == "done":
            return
        chat.say(typed_answer(kb, chat, truth))
    raise AssertionError("no result after 40 answers\n" + chat.log())


@pytest.mark.parametrize("profile", PROFILES, ids=[p["name"][:60] for p in PROFILES])
def test_typed_self_assessment_reaches_the_same_result_as_assess(profile: dict[str, Any], kb: KnowledgeBase,
                                                                 dialog: Dialog, validity: Validity) -> None:
    truth = validate_facts(kb, profile["facts"])
    chat = Chat(dialog)
    run_to_result(kb, chat, truth)
    got = assess(kb, chat.state.typed_facts(), TODAY, validity)
    want = assess(kb, truth, TODAY, validity)
    assert [(r.id, r.status, r.amount) for r in got.results] == [(r.id, r.status, r.amount) for r in want.results], \
        chat.log()
    assert chat.state.asked <= 15, chat.log()
    assert "测评结果" in chat.text()


def market_operator_by_buttons(dialog: Dialog) -> Chat:
    """A national standardised market's operator taps its way to the result (国家级, then none of the rest)."""
    chat = Chat(dialog)
    chat.command("start")
    chat.press("自助测评")
    chat.press("市场开办方")
    chat.press("是")
    for _ in range(10):
        if chat.state.mode == "done":
            break
        labels = [b.label for b in chat.buttons()]
        if "国家级" in labels:
            chat.press("国家级")
        elif any("都没有" in x for x in labels):
            chat.press("都没有")
        elif "没有" in labels:
            chat.press("没有")
        else:
            chat.press("否")
    assert chat.state.mode == "done", chat.log()
    return chat


def test_buttons_only_self_assessment_for_a_market_operator(dialog: Dialog) -> None:
    chat = market_operator_by_buttons(dialog)
    assert "国家级知识产权规范化市场奖补" in chat.text()
    assert "择优" in chat.text()


@pytest.mark.parametrize("typed", ["结果呢？", "结果呢", "看看结果", "show me the result"])
def test_the_result_asked_for_in_words_is_shown_again(dialog: Dialog, typed: str) -> None:
    """After the result, "结果呢？" (a particle and a question mark round the view's name) shows it again."""
    chat = market_operator_by_buttons(dialog)
    replies = chat.say(typed)
    assert any("国家级知识产权规范化市场奖补" in r.text for r in replies), chat.log()


def test_back_undoes_exactly_the_last_answer(dialog: Dialog) -> None:
    chat = Chat(dialog)
    chat.command("assess")
    chat.say("企业")
    chat.say("是")
    assert chat.state.facts == {"entity_type": "enterprise", "in_city": True}
    chat.say("上一题")
    assert chat.state.facts == {"entity_type": "enterprise"}, chat.log()
    assert "石家庄" in chat.text()
    chat.press("上一题")
    assert chat.state.facts == {}
    assert "哪类单位" in chat.text()


def test_bad_input_is_reasked_with_examples_and_loses_nothing(dialog: Dialog) -> None:
    chat = Chat(dialog)
    chat.command("assess")
    chat.say("企业")
    before = dict(chat.state.facts)
    for junk in ["asdfgh", "🙂🙂", "\x00\x07", "%%%%啊" * 50, "x" * 100_000]:
        chat.say(junk)
        assert chat.state.facts == before, chat.log()
        assert chat.state.current == "in_city"
    assert "没看懂" in chat.log()


def test_a_side_question_is_answered_and_the_questionnaire_resumes(dialog: Dialog) -> None:
    chat = Chat(dialog)
    chat.command("assess")
    chat.say("企业")
    chat.say("贴息上限多少？")
    assert "100万元" in chat.text()
    assert "继续测评" in chat.text()
    assert chat.state.current == "in_city"
    assert chat.state.facts == {"entity_type": "enterprise"}


def test_volunteered_facts_are_taken_and_not_asked_again(kb: KnowledgeBase, dialog: Dialog) -> None:
    chat = Chat(dialog)
    chat.command("assess")
    chat.say("企业")
    chat.say("对了我们今年还拿了马德里注册，也是出口企业")
    assert chat.state.facts.get("new_madrid_registration") is True, chat.log()
    assert chat.state.facts.get("is_exporter") is True
    assert "已记下" in chat.log()
    chat.say("是")  # in Shijiazhuang
    q = question_by_id(kb, chat.state.current or "", chat.state.typed_facts(), TODAY, dialog.validity)
    assert q is not None and "new_madrid_registration" not in q.facts


def test_not_sure_leaves_the_fact_unknown_and_moves_on(dialog: Dialog) -> None:
    chat = Chat(dialog)
    chat.command("assess")
    chat.say("不知道")
    assert "entity_type" not in chat.state.facts
    assert chat.state.current == "in_city"


def test_changing_an_answer_from_the_summary_shows_the_difference(kb: KnowledgeBase, dialog: Dialog) -> None:
    truth = validate_facts(kb, {"entity_type": "enterprise", "in_city": True, "pledge_loan_interest_paid_yuan": 600000,
                                "china_patent_award_last_year": "none"})
    chat = Chat(dialog)
    run_to_result(kb, chat, truth)
    assert "30万元" in chat.text()
    chat.press("修改答案")
    chat.press("知识产权金融")  # many answers: by topic first
    chat.press("知识产权质押贷款")
    chat.say("80万")
    assert "从 30万元 变为 40万元" in chat.text(), chat.log()
    assert chat.state.facts["pledge_loan_interest_paid_yuan"] == 800000


def test_a_stale_button_gets_a_popup_and_changes_nothing(dialog: Dialog) -> None:
    chat = Chat(dialog)
    chat.command("assess")
    old = chat.buttons()[0].data
    chat.say("企业")
    chat.send(ButtonInput(old))
    assert "已经答过了" in chat.text()
    assert chat.state.facts == {"entity_type": "enterprise"}
    chat.send(ButtonInput("a|forged|999"))
    chat.send(ButtonInput("t|group:nope|x"))
    chat.send(ButtonInput("\x00" * 200))
    assert chat.state.facts == {"entity_type": "enterprise"}


def test_english_is_switched_on_and_kept(dialog: Dialog) -> None:
    chat = Chat(dialog)
    chat.command("start")
    chat.press("Language")
    chat.press("Self-assessment")
    assert "What kind of organisation" in chat.text()
    chat.say("company")
    assert chat.state.facts == {"entity_type": "enterprise"}
    assert "Shijiazhuang" in chat.text()


def test_topic_flow_asks_only_about_finance(kb: KnowledgeBase, dialog: Dialog) -> None:
    chat = Chat(dialog)
    chat.command("start", "topic_finance")
    chat.say("企业")
    chat.say("是")
    chat.say("知识产权质押贷款")
    chat.say("50万")
    assert chat.state.mode == "done", chat.log()
    assert "25万元" in chat.text()
    finance = {c.fact for b in kb.benefits if b.topic == "finance" for c in kb.conditions_of(b)}
    assert set(chat.state.facts) <= finance | {"entity_type", "in_city"}


def test_state_survives_json_and_a_changed_knowledge_base(kb: KnowledgeBase, dialog: Dialog) -> None:
    chat = Chat(dialog)
    chat.command("assess")
    chat.say("企业")
    data = json.loads(json.dumps(chat.state.to_json(), ensure_ascii=False))
    data["facts"]["a_fact_that_was_removed"] = True
    data["facts"]["in_city"] = "not a bool any more"
    data["history"].append({"q": "gone_question", "set": {"gone": 1}})
    restored = SessionState.from_json(data, kb)
    assert restored.facts == {"entity_type": "enterprise"}
    assert SessionState.from_json({"v": 999}, kb).facts == {}
    assert SessionState.from_json(None, kb).mode == "idle"


class _HTMLCheck(HTMLParser):
    allowed = frozenset({"b", "i", "u", "s", "code", "pre", "a", "blockquote"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        assert tag in self.allowed, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, tag


def test_every_reply_fits_telegram(kb: KnowledgeBase, dialog: Dialog) -> None:
    """Messages within 4096 characters and valid HTML; callback data within 64 bytes."""
    chat = Chat(dialog)
    rich = next(p for p in PROFILES if "almost every programme" in p["name"])
    run_to_result(kb, chat, validate_facts(kb, rich["facts"]))
    chat.press("不符合的原因")
    chat.command("clauses")
    for b in kb.benefits:
        chat.send(ButtonInput(f"c|{b.id}"))
    chat.command("help")
    for line in chat.transcript:
        if line.startswith("BOT: "):
            body = line[5:].split("\n     [")[0]
            assert len(body) <= 4096
            checker = _HTMLCheck()
            checker.feed(body)
            checker.close()
            assert not checker.stack
    for step in range(200):
        for b in chat.buttons():
            assert len(b.data.encode()) <= 64, b
        if step > 3:
            break


def test_back_after_a_change_restores_the_previous_answer(kb: KnowledgeBase, dialog: Dialog) -> None:
    truth = validate_facts(kb, {"entity_type": "enterprise", "in_city": True, "pledge_loan_interest_paid_yuan": 600000})
    chat = Chat(dialog)
    run_to_result(kb, chat, truth)
    chat.press("修改答案")
    chat.press("知识产权金融")  # many answers: by topic first
    chat.press("知识产权质押贷款")
    chat.say("80万")
    chat.say("上一题")
    assert chat.state.facts["pledge_loan_interest_paid_yuan"] == 600000, chat.log()


# -- a phone screen --------------------------------------------------------------------------------

PHONE_LINES = 20  # a result's visible part, on one phone screen
_FOLDED = re.compile(r"<blockquote expandable>.*?</blockquote>", re.S)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_result_fits_one_phone_screen_without_its_folded_parts(kb: KnowledgeBase, dialog: Dialog,
                                                                     lang: Lang) -> None:
    """Every applicant of the benchmark profiles, in both languages: the visible result is at most
    about 20 lines; the assumptions, what is still open and who decides are in the expandable quote."""
    for profile in PROFILES:
        chat = Chat(dialog)
        if lang == "en":
            chat.command("lang", "en")
        run_to_result(kb, chat, validate_facts(kb, profile["facts"]))
        result = [r for r in chat.last if r.buttons]
        assert result, chat.log()
        visible = _FOLDED.sub("", result[-1].text)
        assert len(visible.splitlines()) <= PHONE_LINES, f"{profile['name']}\n{visible}"
        assert "<blockquote expandable>" in result[-1].text


def test_every_button_fits_a_phone_row(kb: KnowledgeBase, dialog: Dialog) -> None:
    """Options, clauses and answers as buttons: none wider than a phone's row (the short labels)."""
    from knowledge.loader import SHORT_LABEL_LIMITS, label_width

    chat = Chat(dialog)
    rich = next(p for p in PROFILES if "almost every programme" in p["name"])
    run_to_result(kb, chat, validate_facts(kb, rich["facts"]))
    chat.press("修改答案")
    labels = [b.label for line in [chat.buttons()] for b in line]
    chat.command("clauses")
    labels += [b.label for b in chat.buttons()]
    for step in chat.transcript:
        if step.startswith("BOT: ") and "\n     [" in step:
            labels += step.split("\n     [", 1)[1].rstrip("]").split(" | ")
    for label in labels:
        bare = label.removeprefix("✅ ").removeprefix("▫️ ")
        assert label_width(bare) <= SHORT_LABEL_LIMITS["en"], label


@pytest.mark.parametrize("profile", PROFILES, ids=[p["name"][:60] for p in PROFILES])
def test_the_remaining_questions_estimate_only_falls(profile: dict[str, Any], kb: KnowledgeBase,
                                                     dialog: Dialog) -> None:
    chat = Chat(dialog)
    run_to_result(kb, chat, validate_facts(kb, profile["facts"]))
    shown = [int(n) for n in re.findall(r"还剩约 (\d+) 题", "\n".join(chat.transcript))]
    assert shown and all(later <= earlier for earlier, later in itertools.pairwise(shown)), shown


# -- the typed-text path: contacts, typed labels, clarifications (lang-dialog) ----------------------------
def test_a_contact_in_the_knowledge_base_is_given_word_for_word(kb: KnowledgeBase, renderer: Renderer,
                                                               validity: Validity) -> None:
    from knowledge.models import Contact, Text

    contact = Contact(name=Text(zh="某某窗口", en="Some desk"), source="测试用的公开来源", phone="0311-0000000")
    with_contact = kb.model_copy(update={"contacts": [contact]})
    chat = Chat(Dialog(with_contact, Renderer(with_contact, renderer.cat), validity, fake_answerer))
    chat.say("人工客服")
    assert "某某窗口" in chat.text() and "0311-0000000" in chat.text() and "测试用的公开来源" in chat.text(), chat.log()


def test_without_contacts_no_number_is_given(dialog: Dialog) -> None:
    chat = Chat(dialog)
    chat.say("客服")
    assert "市市场监督管理局" in chat.text() and not any(ch.isdigit() for ch in chat.text()), chat.log()


def test_every_button_label_typed_does_what_the_tap_does(kb: KnowledgeBase, dialog: Dialog) -> None:
    """Each button of the menu, of a yes/no, a choice and a screening question, and of the result: its label
    typed leaves the same state as the tap, in both languages."""
    def reach(lang: Lang, answers: list[str]) -> Chat:
        chat = Chat(dialog, SessionState(lang=lang))
        chat.command("start")
        for label in answers:
            chat.press(label)
        return chat

    scripts = {"zh": [[], ["自助测评"], ["自助测评", "企业"], ["自助测评", "企业", "是"],
                      ["自助测评", "企业", "否"]],
               "en": [[], ["Self-assessment"], ["Self-assessment", "Enterprise"],
                      ["Self-assessment", "Enterprise", "Yes"], ["Self-assessment", "Enterprise", "No"]]}
    for lang, paths in scripts.items():
        for path in paths:
            for button in reach(lang, path).buttons():
                if button.data.startswith("t|"):
                    continue  # ticking is a tap only: a typed option name answers the screening question
                tapped, typed = reach(lang, path), reach(lang, path)
                tapped.send(ButtonInput(button.data))
                typed.say(button.label)
                assert typed.state.to_json() == tapped.state.to_json(), (lang, path, button, typed.log())


def test_a_pending_clarification_survives_the_store(kb: KnowledgeBase, dialog: Dialog) -> None:
    """The clarifying question lives in the session state, so a restart between the two turns loses nothing."""
    chat = Chat(dialog)
    for text in ("自助测评", "企业", "是", "都没有", "质押贷款", "贷了800万"):
        chat.say(text)
    assert (chat.state.current or "").startswith("clarify:"), chat.log()
    chat.state = SessionState.from_json(json.loads(json.dumps(chat.state.to_json())), kb)
    chat.say("利息是40万")
    assert chat.state.facts["pledge_loan_interest_paid_yuan"] == 400000, chat.log()


def test_an_english_clause_card_adds_the_unofficial_translation_below_the_chinese(dialog: Dialog,
                                                                                 kb: KnowledgeBase) -> None:
    """Issue 13: English readers get the clause verbatim in Chinese and, below it, the knowledge base's
    rendering marked unofficial; the Chinese card carries the verbatim text alone."""
    b = kb.benefit("china_patent_award")
    english, chinese = dialog.views.clause(b, "en").text, dialog.views.clause(b, "zh").text
    rendering = kb.translation(b.id, "en")
    assert rendering and rendering in english and "Unofficial translation" in english
    assert english.index("对上一年度获得中国专利奖") < english.index(rendering)
    assert rendering not in chinese and "Unofficial" not in chinese


def test_a_folded_list_of_titles_with_the_lists_own_separator_keeps_the_count(kb: KnowledgeBase, renderer: Renderer,
                                                                              validity: Validity) -> None:
    """G39: "…、全国知识产权服务品牌机构、分析评议示范机构、TISC奖励、…" read eight items as ten."""
    facts = {"entity_type": "enterprise", "in_city": True}
    replies = Views(renderer).result(assess(kb, facts, TODAY, validity), "zh")
    folded = next((line for r in replies for line in r.text.split("\n") if "原文未写明申请主体" in line), "")
    assert "TISC奖励" in folded and "TISC奖励、" not in folded and "、全国知识产权" not in folded, folded
