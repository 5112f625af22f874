"""Help-desk forwards: a reply staff can paste as it is, and notes for the staff.

The paste holds no bot command, no bot self-reference, no card label and no empty heading; the copy
button carries exactly the paste; the notes are in the staff's language, without empty sections; a
complaint is acknowledged first and its digits never become money. `ipbot helpdesk` gives the same,
one JSON object per stdin line.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import AsyncIterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram.render import keyboard
from bot.dialog.helpdesk import COPY_TEXT_LIMIT, HelpDesk
from bot.dialog.model import Reply
from bot.present.i18n import Catalog
from bot.present.report import Renderer
from dialog_helpers import TODAY
from eligibility.evaluate import policy_validity
from fakes.bot_api import FakeBotApi
from fakes.in_process import BOT_USERNAME, InProcessBot, settings_for
from knowledge.models import KnowledgeBase, Lang

SITUATION = "我们是生物医药企业，去年拿了专利银奖，今年质押贷款付息80万，能拿多少补贴？"
# What the customer must never see in a paste: commands, the bot speaking of itself, data-card labels.
CARD_LABELS = ("规则：", "申请主体：", "条件：", "方式：", "原文（", "原文：", "金额：",
               "Rule:", "Who may apply:", "How:", "Text (", "Amount:")
SELF = ("本助手", "this assistant", "I can")


@pytest.fixture(scope="module")
def desk(kb: KnowledgeBase) -> HelpDesk:
    return HelpDesk(kb, Renderer(kb, Catalog.load()), policy_validity(kb))


def two_messages(desk: HelpDesk, message: str, staff: Lang = "zh") -> tuple[Reply, str]:
    replies = desk.replies(message, staff, TODAY)
    assert len(replies) >= 2
    return replies[0], "\n".join(r.text for r in replies[1:])


def assert_pasteable(paste: str) -> None:
    assert not re.search(r"(?<!\S)/[a-z]+", paste), paste
    assert not any(w in paste for w in SELF), paste
    assert not any(w in paste for w in CARD_LABELS), paste
    assert not re.search(r"[：:]\s*$", paste), paste  # no heading left hanging
    assert "<" not in html.unescape(paste).replace("《", "")  # prose, no markup


def assert_no_empty_heading(notes: str) -> None:
    lines = notes.split("\n")
    for i, line in enumerate(lines):
        if re.search(r"[：:]$", line):
            assert i + 1 < len(lines) and lines[i + 1].strip(), f"empty section after {line!r}"


@pytest.mark.parametrize("message", [
    SITUATION,
    "驰名商标奖励去哪里申请，要交哪些材料？",
    "软件著作权登记有补贴吗",
    "国家知识产权示范企业和优势企业各奖多少",
    "银奖是30万吗",
    "What is the cap on the pledge-loan interest subsidy?",
    "/start",
    "今天天气怎么样",
    "怎么注册公司",
    "保定市知识产权质押贷款贴息是多少",
    "What about tax refunds?",
])
def test_the_paste_is_customer_prose_and_the_button_copies_exactly_it(desk: HelpDesk, message: str) -> None:
    first, notes = two_messages(desk, message)
    paste = html.unescape(first.text)
    assert_pasteable(paste)
    [[button]] = first.buttons
    assert button.copy_text == paste
    assert len(paste) <= COPY_TEXT_LIMIT
    assert_no_empty_heading(notes)
    assert notes.startswith("<b>客户咨询")  # the staff's language, whatever the customer wrote


def test_the_notes_hold_refs_facts_assessment_and_questions(desk: HelpDesk) -> None:
    first, notes = two_messages(desk, SITUATION)
    assert "40万元" in first.text and "30万元" in first.text  # both parts answered in the paste
    assert "依据：" in notes and "（四）1" in notes and "（二）" in notes and "匹配把握" in notes
    assert "主营产业：生物医药健康" in notes and "80万元" in notes
    assert "初步测算（假设注册在石家庄市" in notes  # the assumption made, to be confirmed
    assert "知识产权质押贷款贴息 40万元" in notes
    assert "测算依据的假设" in notes
    assert "建议向客户确认" in notes and "贵单位是否注册在石家庄市" in notes  # in the customer's wording


def test_an_out_of_scope_forward_has_no_empty_assessment(desk: HelpDesk) -> None:
    first, notes = two_messages(desk, "我们是企业，想问问高新技术企业认定有奖励吗")
    assert "不在本政策范围内" in notes
    assert "初步测算" not in notes and "建议向客户确认" not in notes
    assert "高新技术企业" in html.unescape(first.text)


def test_a_complaint_is_acknowledged_and_its_digits_are_not_money(desk: HelpDesk) -> None:
    f = desk.forward("等了两个月还没人回复，我要打12345投诉！去年质押贷款利息40万的贴息什么时候发？", "zh", TODAY)
    assert f.paste.startswith("您好，抱歉让您久等了")
    assert "20万元" not in f.paste and "12345" not in f.paste  # no figure computed from the message
    assert f.result is not None and f.result.amount is None
    assert "政策原文没有公布联系电话" in f.paste  # the contact only if the knowledge base holds one


def test_procedure_is_said_honestly(desk: HelpDesk) -> None:
    f = desk.forward("什么时候申报、要什么材料、找谁", "zh", TODAY)
    assert "政策原文没有规定申报时间" in f.paste and "市市场监督管理局会同市财政局" in f.paste
    assert "下一步" not in f.paste


@pytest.mark.parametrize("message", ["贴息怎么申请，要带什么", "专利导航项目怎么申报",
                                     "去年利息付了20万，贴息怎么申请"])
def test_a_procedure_question_naming_an_entry_is_pasted_procedure_first(desk: HelpDesk, message: str) -> None:
    """The card's convention (topic application_procedure, the entry as subject): the text sets no step, said
    first; then the entry named and its amount; no step of our own, no command, no figures asked for."""
    paste = desk.forward(message, "zh", TODAY).paste
    assert_pasteable(paste)
    procedure, entry = paste.find("政策原文没有规定申报时间"), paste.find("根据《")
    assert 0 <= procedure < entry, paste
    assert paste.count("政策原文没有规定申报时间") == 1 and "下一步" not in paste
    assert "方便的话请告诉我们" not in paste
    assert not re.search(r"(第[一二三]步|首先|然后|登录|提交至|前往)", paste), paste


def test_languages_customer_for_the_paste_staff_for_the_notes(desk: HelpDesk) -> None:
    first, notes = two_messages(desk, "Can a university get the China Patent Award reward?", staff="zh")
    assert first.text.startswith("Hello") and notes.startswith("<b>客户咨询")
    first, notes = two_messages(desk, "/start", staff="zh")
    assert first.text.startswith("您好") and "没有可回答的问题" in notes
    first, notes = two_messages(desk, "银奖是30万吗", staff="en")
    assert first.text.startswith("您好") and notes.startswith("<b>Customer query")


def test_a_paste_too_long_for_the_copy_button_says_so(desk: HelpDesk) -> None:
    message = "我们是出口企业，去年拿了中国专利金奖、银奖和优秀奖，又新增为国家知识产权示范企业和优势企业，" \
              "还取得了马德里国际注册、驰名商标和地理标志，商标品牌指导站、产业知识产权联盟、知识产权培训基地也都有，" \
              "请问每一项分别奖多少、一共能拿多少？"
    replies = desk.replies(message, "zh", TODAY)
    paste = html.unescape(replies[0].text)
    assert len(paste) > COPY_TEXT_LIMIT
    assert replies[0].buttons == ()
    assert "无法一键复制" in "\n".join(r.text for r in replies[1:])


def test_the_copy_button_is_rendered_as_a_copy_text_button(desk: HelpDesk) -> None:
    first, _ = two_messages(desk, "银奖是30万吗")
    markup = keyboard(first.buttons)
    assert markup is not None
    [[button]] = markup["inline_keyboard"]
    assert button == {"text": "复制回复", "copy_text": {"text": html.unescape(first.text)}}


# -- Telegram: the forward sends two messages; a caption is read like text -----------------------------
@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    fake = FakeBotApi(bot_username=BOT_USERNAME)
    async with InProcessBot(fake, settings_for(fake, tmp_path)) as in_process:
        yield in_process


ORIGIN = {"type": "hidden_user", "sender_user_name": "王经理", "date": 1_700_000_000}


async def test_a_forward_gets_the_paste_then_the_notes(bot: InProcessBot) -> None:
    sent = await bot.say(91, "银奖是30万吗", forward_origin=ORIGIN)
    assert len(sent) == 2
    paste, notes = sent
    [[button]] = paste["reply_markup"]["inline_keyboard"]
    assert button["copy_text"]["text"] == html.unescape(paste["text"])
    assert paste["text"].startswith("您好！是的") and notes["text"].startswith("<b>客户咨询")


async def test_a_forwarded_photo_caption_is_read_like_text(bot: InProcessBot) -> None:
    raw: dict[str, Any] = bot.fake.user_message(92, "x", forward_origin=ORIGIN, enqueue=False)
    message = raw["message"]
    del message["text"]
    message["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
    message["caption"] = "这张证书是中国驰名商标，能奖多少？"
    calls = await bot.feed(raw)
    texts = [p["text"] for m, p in calls if m == "sendMessage"]
    assert "50万元" in texts[0] and "客户咨询" in texts[1]


# -- ipbot helpdesk ---------------------------------------------------------------------------------
class Ctx:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.catalog = Catalog.load()
        self.renderer = Renderer(kb, self.catalog)
        self.validity = policy_validity(kb)


def test_cli_one_message(kb: KnowledgeBase) -> None:
    import argparse

    from bot import helpdesk_cli

    out = StringIO()
    args = argparse.Namespace(text=[SITUATION], lang="zh", json=True)
    assert helpdesk_cli.run(Ctx(kb), args, out, today=TODAY) == 0
    data = json.loads(out.getvalue())
    assert set(data) == {"message", "facts", "refs", "assessment", "paste", "ask_customer", "confidence"}
    assert data["facts"]["pledge_loan_interest_paid_yuan"] == 800_000
    assert "4.1" in data["refs"] and 0 <= data["confidence"] <= 1
    pledge = [b for b in data["assessment"]["benefits"] if b["id"] == "pledge_loan_interest"]
    assert pledge[0]["status"] == "eligible" and pledge[0]["amount"] == {"min": 400_000, "max": 400_000}
    assert_pasteable(data["paste"])


def test_cli_stdin_batch_reports_a_bad_line_and_goes_on(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    from bot import helpdesk_cli

    lines = ["驰名商标奖多少", "", '{"message": 5}', '{"message": "What is the pledge loan cap?", "lang": "en"}',
             "今天天气怎么样"]
    monkeypatch.setattr(sys, "stdin", StringIO("\n".join(lines) + "\n"))
    out = StringIO()
    assert helpdesk_cli.run(Ctx(kb), argparse.Namespace(text=[], lang=None, json=True), out, today=TODAY) == 2
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert len(rows) == len(lines)  # output line N answers input line N, a blank one too
    assert rows[0]["refs"] == ["3"] and "50万元" in rows[0]["paste"]
    assert rows[1] == {"line": 2, "error": "empty line"}
    assert rows[2] == {"line": 3, "error": rows[2]["error"]} and "message" in rows[2]["error"]
    assert rows[3]["paste"].startswith("Hello") and rows[3]["refs"] == ["4.1"]
    assert rows[4]["refs"] == [] and rows[4]["assessment"] is None


def test_an_unsure_figure_is_asked_of_the_customer_not_computed(desk: HelpDesk) -> None:
    f = desk.forward("用专利质押贷了1000万，利率3.65%，一年的利息能补多少", "zh", TODAY)
    assert f.clarify and f.result is not None and f.result.amount is None
    assert "×" not in f.paste and "万元（" not in f.paste  # no computation in the paste
    assert "？" in f.paste  # the paste asks the customer instead
    notes = "\n".join(desk.notes(f, "zh", copyable=True))
    assert "未计算金额" in notes


def test_a_principal_is_never_the_interest(desk: HelpDesk) -> None:
    f = desk.forward("客户说贷了1000万，利率3.65%，一年的利息能补多少", "zh", TODAY)
    assert f.result is not None and f.result.amount is None and "×" not in f.paste
    assert any("利息" in q for q in f.ask_customer)  # the interest actually paid is asked


# -- the review's findings: the complaint cue, the notes never contradicting the paste ------------------

@pytest.mark.parametrize("message", ["我的电话13831112345，质押贷款利息60万能补多少", "利息123450元，质押贷款贴息多少"])
def test_the_digits_12345_are_not_a_complaint(desk: HelpDesk, message: str) -> None:
    f = desk.forward(message, "zh", TODAY)
    assert not f.complaint and "抱歉" not in f.paste


def test_a_hotline_mention_is_a_complaint(desk: HelpDesk) -> None:
    assert desk.forward("再不处理我就打12345了", "zh", TODAY).complaint


@pytest.mark.parametrize("message", ["我们在石家庄注册的，母公司在北京，质押贷款利息60万",
                                     "注册在石家庄，但工厂在廊坊"])
def test_the_paste_never_refuses_a_company_the_notes_place_in_the_city(desk: HelpDesk, message: str) -> None:
    first, notes = two_messages(desk, message)
    paste = html.unescape(first.text)
    assert "只适用于石家庄" not in paste and "不在本政策范围内" not in notes
    assert_pasteable(paste)


def test_paste_and_notes_state_the_same_amount(desk: HelpDesk) -> None:
    first, notes = two_messages(desk, "利息：1,200,000元")
    paste = html.unescape(first.text)
    if "60万元" in paste:
        assert "120万元" in notes  # the figure the paste computed from is a fact in the notes
    else:
        assert "？" in paste and "建议向客户确认" in notes


def test_an_english_paste_is_not_capitalised_after_a_comma(desk: HelpDesk) -> None:
    f = desk.forward("How and when to apply for the pledge loan interest subsidy?", "en", TODAY)
    assert "policy, " in f.paste and not re.search(r"policy, [A-Z][a-z]", f.paste), f.paste


def test_several_awards_are_a_range_in_the_paste_and_the_notes(desk: HelpDesk) -> None:
    first, notes = two_messages(desk, "我们拿了两个银奖一个优秀奖，总共多少")
    paste = html.unescape(first.text)
    assert "30万元—70万元" in paste and "范围" in paste
    assert "银奖、银奖、优秀奖" in notes


def test_a_name_after_the_comma_keeps_its_capital(desk: HelpDesk) -> None:
    f = desk.forward("How much is the China Patent Award silver?", "en", TODAY)
    assert "china Patent" not in f.paste and "China Patent" in f.paste, f.paste


# Issue 13 §7, checked on the kinds of question the answerer now tells apart: a quota, a rate, a condition
# as a requirement, a procedure known by its form only, parts with a total, English near misses, a caption.
KINDS = [
    "我司去年获得中国专利奖银奖，市里奖励多少？",
    "Does an Excellence Award from the China Patent Awards get anything from the city?",
    "高价值专利组合每年支持10个项目吗",
    "证券化融资补助是按3%算吗",
    "是不是只有出口企业才能拿马德里的奖励",
    "办理这些补贴找哪个科室",
    "Where is the office to hand in the application?",
    "质押贷款利息付了60万，另外还通过证券化融资2000万，两项补贴一共多少",
    "我们去年同时新增了国家知识产权示范企业和优势企业，一共能拿多少",
    "Is there a subsidy for trademark renewal fees?",
    "创业补贴怎么申请",
    "政策现在还有效吗",
    "等了两个月了补贴还没到账，到底什么时候发？",
]


@pytest.mark.parametrize("staff", ["zh", "en"])
@pytest.mark.parametrize("message", KINDS)
def test_every_kind_of_forward_gives_a_pasteable_reply_and_staff_notes(desk: HelpDesk, message: str,
                                                                     staff: Lang) -> None:
    first, notes = two_messages(desk, message, staff=staff)
    paste = html.unescape(first.text)
    assert_pasteable(paste)
    assert paste == desk.forward(message, staff, TODAY).paste
    if len(paste) <= COPY_TEXT_LIMIT:
        [[button]] = first.buttons
        assert button.copy_text == paste
    else:  # too long for the Bot API's copy button: the message itself is copied, and the notes say so
        assert not first.buttons and str(COPY_TEXT_LIMIT) in notes
    assert_no_empty_heading(notes)
    assert notes.startswith("<b>客户咨询" if staff == "zh" else "<b>Customer query")
    assert not any(w in notes for w in ("下一步", "Next step"))  # the notes invent no step either


def test_a_tier_amount_reads_as_prose_in_the_paste(desk: HelpDesk) -> None:
    zh = desk.forward("我司去年获得中国专利奖银奖，市里奖励多少？", "zh", TODAY).paste
    assert "银奖的金额为30万元" in zh and "金额：" not in zh
    en = desk.forward("Does an Excellence Award from the China Patent Awards get anything from the city?", "zh",
                      TODAY).paste
    assert "The amount for the excellence award is 100,000 yuan" in en and "Amount:" not in en


def test_a_totals_forward_gives_each_part_and_the_sum_with_the_same_matter_rule(desk: HelpDesk) -> None:
    paste = desk.forward("我们去年同时新增了国家知识产权示范企业和优势企业，一共能拿多少", "zh", TODAY).paste
    assert "10万元" in paste and "5万元" in paste and "合计：10万元" in paste
    assert "同一事项" in paste  # the exclusion said, not silently applied


@pytest.mark.parametrize(("message", "staff", "why"), [
    ("客户：我们不是石家庄的企业，去年拿了专利奖金奖", "zh", "石家庄市行政区域内"),
    ("我们公司在郑州，质押贷款利息40万", "zh", "石家庄市行政区域内"),
    ("我们是高校，质押贷款利息50万能补吗", "en", "不包括高校"),
])
def test_no_amount_is_pasted_where_the_customers_facts_rule_the_benefit_out(desk: HelpDesk, message: str,
                                                                             staff: Lang, why: str) -> None:
    first, notes = two_messages(desk, message, staff)
    paste = html.unescape(first.text)
    assert_pasteable(paste)
    assert why in paste and "不适用" in paste
    assert "金额为" not in paste and "可获" not in paste and "进一步测算" not in paste
    assert ("客户所述情况已排除" if staff == "zh" else "Ruled out by the customer's own facts") in html.unescape(notes)
    assert "40万元 × 50%" not in notes and "20万元" not in notes and "25万元" not in notes


def test_a_clarifying_question_names_the_item_and_quotes_the_range_as_typed(desk: HelpDesk) -> None:
    several = html.unescape(two_messages(desk, "质押贷款利息30到40万")[0].text)
    assert "这一项" not in several and "“知识产权质押贷款当年实际支付利息”" in several
    ranged = html.unescape(two_messages(desk, "质押贷款利息三四十万")[0].text)
    assert "“三四十万”是个范围" in ranged


def test_the_customers_own_phone_number_asks_for_no_contact(desk: HelpDesk) -> None:
    paste = html.unescape(two_messages(desk, "我的电话13831112345，质押贷款利息60万能补多少")[0].text)
    assert "30万元" in paste and "联系电话" not in paste and "申报时间" not in paste
    asked = html.unescape(two_messages(desk, "质押贷款贴息的咨询电话是多少")[0].text)
    assert "没有公布联系电话" in asked


def test_who_the_customer_is_alone_gets_a_question_back_not_a_provision(desk: HelpDesk) -> None:
    first, notes = two_messages(desk, "我们是县市场监管局，帮企业问")
    paste = html.unescape(first.text)
    assert "有效期" not in paste and "想了解哪一项" in paste
    assert "还没有提出具体问题" in notes


def test_when_the_money_arrives_is_a_procedure_question(desk: HelpDesk) -> None:
    paste = html.unescape(two_messages(desk, "补贴什么时候到账")[0].text)
    assert "拨付时间" in paste and "有效期" not in paste


@pytest.mark.parametrize("message", ["你好", "谢谢", "thanks a lot"])
def test_a_forwarded_greeting_asks_what_the_customer_wants(desk: HelpDesk, message: str) -> None:
    """A bare greeting or thanks is no out-of-scope question: the paste asks what the customer wants to know."""
    f = desk.forward(message, "zh", TODAY)
    assert f.result is None and "不在" not in f.paste and "outside" not in f.paste
    assert_pasteable(f.paste)


def test_a_pick_one_question_in_the_paste_names_the_options(desk: HelpDesk) -> None:
    """The customer sees no buttons: "请从选项中选一个" is followed by the options themselves."""
    f = desk.forward("客户说他们拿了专利奖，忘了是银奖还是优秀奖", "zh", TODAY)
    assert "请从选项中选一个：金奖、银奖、优秀奖" in f.paste
    assert f.ask_customer and "金奖、银奖、优秀奖" in f.ask_customer[0]
    assert_pasteable(f.paste)


@pytest.mark.parametrize(("message", "opening"), [
    ("客户很生气，说上次我们说能补40万，结果审核没通过，要投诉", "您好，抱歉给您带来不便。"),
    ("客户说急！明天就截止了，质押贴息去哪交材料", "您好，理解您的着急。"),
])
def test_the_paste_acknowledges_what_the_customer_complains_of(desk: HelpDesk, message: str, opening: str) -> None:
    f = desk.forward(message, "zh", TODAY)
    assert f.complaint and f.paste.startswith(opening) and "久等" not in f.paste


@pytest.mark.parametrize("message", ["客户问马德里奖励10万是税前吗",
                                     "客户问：我们去年新增了国家知识产权示范企业，奖励10万到账了吗",
                                     "客户是合作社，取得了地理标志专用标志使用核准，问能拿1万吗"])
def test_the_paste_never_says_yes_to_what_the_text_does_not_settle(desk: HelpDesk, message: str) -> None:
    """Tax, whether the money arrived, an applicant the text never names: the figure is the premise only."""
    f = desk.forward(message, "zh", TODAY)
    assert "是的" not in f.paste and "本助手" not in f.paste



def test_the_paste_states_no_amount_for_a_year_after_the_validity(desk: HelpDesk) -> None:
    """The customer applies in 2028 (after the assumed end): the paste says so and states no 15万."""
    f = desk.forward("客户说他们2028年申请，去年专利质押贷款利息30万", "zh", TODAY)
    assert "已过政策有效期" in f.paste and "15万元" not in f.paste


# -- the audit's G1, G2, G10, G14: notes, bad bytes, the paste's copy ---------------------------------------

def test_cli_stdin_batch_reports_a_line_of_bad_bytes(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stdin is decoded line by line: bad bytes are a bad line, never echoed; the output stays UTF-8."""
    import argparse
    from io import BytesIO, TextIOWrapper

    from bot import helpdesk_cli

    raw = "驰名商标奖多少\n".encode() + b"\xff\xfe\x80\n" + '{"message": "\\ud800"}\n今天天气怎么样\n'.encode()
    monkeypatch.setattr(sys, "stdin", TextIOWrapper(BytesIO(raw), encoding="utf-8", errors="strict"))
    out = StringIO()
    assert helpdesk_cli.run(Ctx(kb), argparse.Namespace(text=[], lang=None, json=True), out, today=TODAY) == 2
    out.getvalue().encode("utf-8")  # no lone surrogate: writable as UTF-8
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert len(rows) == 4 and "50万元" in rows[0]["paste"]
    assert rows[1] == {"line": 2, "error": "not valid UTF-8 text"}
    assert rows[2]["line"] == 3 and "Unicode" in rows[2]["error"]
    assert rows[3]["refs"] == []


@pytest.mark.parametrize(("message", "paste_says", "notes_say"), [
    ("客户说他们每个月付质押贷款利息2万，能补多少", ["12万元", "按每个月2万、一年约24万元计算。"],
     ["24万元", "客户说“每个月2万”，已按一年约24万元计算。"]),
    ("客户说质押贷款利息一年大概30来万，能贴多少", ["约15万元", "您说的“30来万”是约数，按30万元估算，结果也是约数。"],
     ["客户说的“30来万”是约数，按30万元估算，测算结果也是约数。"]),
])
def test_the_paste_and_the_notes_say_what_was_read_into_the_figure(desk: HelpDesk, message: str,
                                                                  paste_says: list[str],
                                                                  notes_say: list[str]) -> None:
    first, notes = two_messages(desk, message)
    paste = html.unescape(first.text)
    assert_pasteable(paste)
    assert all(x in paste for x in paste_says), paste
    assert all(x in html.unescape(notes) for x in notes_say), notes


def test_english_customer_and_staff_see_the_period_and_the_approximation(desk: HelpDesk) -> None:
    first, notes = two_messages(desk, "We pay about 20,000 yuan of pledge loan interest each month, what subsidy?",
                                staff="en")
    paste = html.unescape(first.text)
    assert "about 120,000 yuan" in paste and "Read as 20,000 yuan per month: about 240,000 yuan a year." in paste
    assert "is approximate, so the result is approximate too." in paste
    notes = html.unescape(notes)
    assert 'The customer said "20,000 yuan per month": read as about 240,000 yuan a year.' in notes
    assert "so the estimate is approximate too." in notes


@pytest.mark.parametrize(("message", "word"), [
    ("我们注册在保定，石家庄这边有个研发中心，能申请吗", "在石家庄有研发中心的"),
    ("公司注册在邢台，在石家庄设了个办事处", "在石家庄有办事处的"),
])
def test_the_branch_is_named_in_the_customers_word(desk: HelpDesk, message: str, word: str) -> None:
    paste = desk.forward(message, "zh", TODAY).paste
    assert word in paste and "设分公司" not in paste
    assert_pasteable(paste)


def test_an_english_branch_is_named_neutrally_and_the_place_capitalised(desk: HelpDesk) -> None:
    paste = desk.forward("We are registered in Tianjin and have a sales office in Shijiazhuang, can we apply?",
                         "zh", TODAY).paste
    assert "registered in Tianjin with a branch or office in Shijiazhuang" in paste


@pytest.mark.parametrize(("label", "command", "lang"), [
    ("自助测评", "/assess", "zh"), ("浏览政策条款", "/assess", "zh"), ("问个问题", "/assess", "zh"),
    ("帮助", "/assess", "zh"), ("Self-assessment", "/assess", "en"), ("Browse the clauses", "/assess", "en"),
    ("转人工", "/human", "zh"), ("talk to a human", "/human", "en"),
])
def test_a_forwarded_menu_label_is_treated_like_the_forwarded_command(desk: HelpDesk, label: str, command: str,
                                                                      lang: Lang) -> None:
    assert desk.forward(command, "zh", TODAY).result is None
    f = desk.forward(label, "zh", TODAY)
    assert f.result is None and f.customer_lang == lang
    assert f.paste == desk.forward(command, lang, TODAY).paste  # what the command gets, in the customer's words
    assert "不在" not in f.paste and "outside" not in f.paste
    notes = "\n".join(desk.notes(f, "zh", copyable=True))
    if command == "/human":  # a person asked for: the contacts rule, never "which subsidy"
        assert "市市场监督管理局会同市财政局" in f.paste or "Administration for Market Regulation" in f.paste
        assert "哪一项" not in f.paste and "Which of" not in f.paste and "人工" in notes
    else:
        assert "没有可回答的问题" in notes


@pytest.mark.parametrize("command", ["/human", "/human@ipbot_bot", "/contact"])
def test_a_forwarded_request_command_for_a_person_gets_the_contacts_rule(desk: HelpDesk, command: str) -> None:
    """A forwarded "/human" got "请问您想了解哪一项支持政策？": the command's name is read as the typed word is."""
    f = desk.forward(command, "zh", TODAY)
    assert f.human and f.result is None and "市市场监督管理局会同市财政局" in f.paste and "哪一项" not in f.paste
    assert not any(c.isdigit() for c in f.paste)


def test_a_complaint_that_names_no_clause_is_not_refused(desk: HelpDesk) -> None:
    first, notes = two_messages(desk, "客户说补贴等了三个月还没到账，到底什么时候发")
    paste = html.unescape(first.text)
    assert paste.startswith("您好，抱歉") and "不在" not in paste and "范围" not in paste
    assert "拨付时间" in paste and "市市场监督管理局会同市财政局" in paste
    assert "不在本政策范围内" not in notes and notes.count("客户在投诉或催办") == 1


def test_an_out_of_scope_subject_is_not_said_twice_in_the_notes(desk: HelpDesk) -> None:
    _, notes = two_messages(desk, "客户问高新技术企业认定有没有奖励")
    assert notes.count("不在本政策范围内") == 1 and "。）。" not in notes


def test_the_notes_list_what_the_paste_answered_that_waits_on_a_fact(desk: HelpDesk) -> None:
    """No "预计可获得：0元" under a list whose paste states 75万: the pending item, with what it waits on."""
    first, notes = two_messages(desk, "客户说：质押贷款利息付了150万，还做了专利导航项目，能拿多少")
    assert "75万元" in html.unescape(first.text)
    assert "知识产权质押贷款贴息 75万元（待确认：申请主体类型）" in notes
    assert "预计可获得：<b>0元</b>" not in notes and "未计入合计" in notes


def test_a_part_said_without_one_of_its_conditions_names_it(desk: HelpDesk) -> None:
    paste = desk.forward("客户说拿了马德里国际注册，还新认定了驰名商标，一共能拿多少", "zh", TODAY).paste
    assert "马德里国际商标注册奖励的条件还有：须为出口企业" in paste
    assert_pasteable(paste)


def _sentences(paste: str) -> list[str]:
    return [x.strip() for x in re.split(r"(?<=[。！？])|(?<=[.!?])\s+", paste) if x.strip()]


# Every kind of forward the help desk gets: a complaint, English, a caption, several benefits, a refused one,
# a yes/no, a quota, a procedure, an approximate and a monthly figure, a branch elsewhere, a label typed.
EVERY_KIND = [
    "我们是律所，维权援助能拿多少",
    "律师事务所给小微企业免费维权，有什么奖补",
    "维权援助两个项目能拿60万吗",
    "高价值专利组合每年支持几个项目",
    "商标品牌指导站每年支持几个，每个多少",
    "专利导航项目怎么申报",
    "政策现在还有效吗",
    "客户投诉：等了半年贴息还没发，太慢了",
    "[图片] 这是我们新拿的地理标志证书，奖多少",
    "客户说利息一年四十来万，还有马德里注册，一共多少",
    "每个季度付利息6万，能补多少",
    "我们注册在沧州，在石家庄设了分公司，能申请吗",
    "我们是高校，质押贷款利息50万能补吗",
    "软件著作权登记有补贴吗",
    "自助测评",
    "How many legal aid projects are supported each year and how much each?",
    "We have a trademark guidance station, what do we get?",
    "We were waiting for three months for the interest subsidy, this is ridiculous",
    "Can a university apply for the pledge loan interest subsidy?",
]


@pytest.mark.parametrize("staff", ["zh", "en"])
@pytest.mark.parametrize("message", EVERY_KIND)
def test_no_sentence_of_a_paste_is_said_twice(desk: HelpDesk, message: str, staff: Lang) -> None:
    first, notes = two_messages(desk, message, staff=staff)
    paste = html.unescape(first.text)
    assert_pasteable(paste)
    sentences = _sentences(paste)
    assert len(sentences) == len(set(sentences)), paste
    for b in desk.kb.benefits:  # a quota is given once ("每年择优5个项目" not in the summary and again after it)
        q = b.award.quota
        if q is not None and q.min != q.max:
            n = desk.r.cat.t("zh", "quota", min=q.min, max=q.max)
            assert len(re.findall(rf"每年[^，。；\d]{{0,4}}{n}(?!\d)", paste)) <= 1, paste
    assert_no_empty_heading(notes)


@pytest.mark.parametrize("message", ["What does a trademark guidance station receive?",
                                     "How much is the interest subsidy on a pledge loan?"])
def test_an_english_paste_does_not_repeat_the_title_as_the_summarys_heading(desk: HelpDesk, message: str) -> None:
    paste = desk.forward(message, "en", TODAY).paste
    assert not re.search(r"(stations|loans): (Trademark brand guidance stations|IP pledge loans):", paste), paste
    assert_pasteable(paste)


def test_a_complaint_is_not_asked_for_the_figures_it_gave(desk: HelpDesk) -> None:
    """An apology, then what the text sets; never "方便的话请告诉我们" the interest the customer just named."""
    paste = desk.forward("客户投诉说好的贴息一直没发下来，他们利息差不多50万", "zh", TODAY).paste
    assert paste.startswith("您好，抱歉") and "方便的话请告诉我们" not in paste and "25万" not in paste
    assert "拨付时间" in paste


def _notes_text(desk: HelpDesk, message: str, staff: Lang = "zh") -> tuple[str, str]:
    f = desk.forward(message, staff, TODAY)
    notes = html.unescape(re.sub(r"<[^>]+>", "", "\n".join(desk.notes(f, staff, copyable=True))))
    return f.paste, notes


def test_the_notes_state_the_pastes_total_and_what_in_it_is_to_be_confirmed(desk: HelpDesk) -> None:
    """F9/F120: the paste sums an item whose applicant type the customer has not said; the staff notes then
    give the same total as the customer reads, naming the item still to be confirmed, never only a smaller
    '预计可获得' the customer never sees."""
    paste, notes = _notes_text(desk, "客户来电：去年质押贷款利息30万，驰名商标也新认定了，一共能拿多少")
    assert_pasteable(paste)
    assert "合计：65万元" in paste, paste
    assert "预计可获得：50万元" in notes, notes
    assert "回复中的合计为65万元，其中含待确认的项目：知识产权质押贷款贴息。" in notes, notes


def test_an_english_staff_note_states_the_pastes_total(desk: HelpDesk) -> None:
    paste, notes = _notes_text(desk, "客户来电：去年质押贷款利息30万，驰名商标也新认定了，一共能拿多少", "en")
    assert "合计：65万元" in paste
    assert "The reply's total is 650,000 yuan; it includes items still to be confirmed: " in notes, notes


def test_no_total_line_when_the_paste_sums_only_what_is_eligible(desk: HelpDesk) -> None:
    paste, notes = _notes_text(desk, "客户说：我司为石家庄注册企业，去年质押贷款利息30万，驰名商标也新认定了，一共多少")
    assert "合计：65万元" in paste and "预计可获得：65万元" in notes, notes
    assert "回复中的合计" not in notes, notes


def test_an_unsure_year_leaves_the_customers_amounts_computed_and_is_asked_once(desk: HelpDesk) -> None:
    """F122: a year that may not be the previous one is asked about once (not once per award it touches),
    and the customer's interest and financing figures are still computed, as `ipbot ask` computes them."""
    message = ("客户留言：我司为石家庄注册企业。2024年度：1）获得中国专利奖优秀奖；2）新增国家知识产权示范企业；"
               "3）质押贷款利息共计40万元；4）知识产权证券化融资1000万元。请问合计多少？")
    f = desk.forward(message, "zh", TODAY)
    assert_pasteable(f.paste)
    assert "20万元" in f.paste and "30万元" in f.paste, f.paste   # 40万×50%, 1000万×3%
    assert f.paste.count("您说的“2024”是申请的上一年吗？") == 1, f.paste
    assert len(f.ask_customer) == len(set(f.ask_customer)), f.ask_customer
    _paste, notes = _notes_text(desk, message)
    assert notes.count("您说的“2024”是申请的上一年吗？") == 2, notes   # the clarify line and question 1, once each
    assert "未计算金额" not in notes and "客户给出的金额已照算" in notes, notes


def test_an_unsure_money_figure_still_computes_nothing(desk: HelpDesk) -> None:
    f = desk.forward("客户说：利息大概30万还是40万记不清了，能补多少", "zh", TODAY)
    assert not re.search(r"1[05]万元|20万元", f.paste), f.paste
    _paste, notes = _notes_text(desk, "客户说：利息大概30万还是40万记不清了，能补多少")
    if "含义不明" in notes:
        assert "未计算金额" in notes, notes


def test_several_items_get_one_numbered_line_each_in_the_order_asked(desk: HelpDesk) -> None:
    """F122: a customer's 1）2）3）: one line per item, in their order, then the total and the
    no-double-subsidy rule on a line of their own."""
    paste = desk.forward("客户留言：我司为石家庄注册企业，1）质押贷款利息付了20万；2）驰名商标新认定；"
                         "3）国家知识产权示范企业新认定。请问合计多少？", "zh", TODAY).paste
    assert_pasteable(paste)
    lines = paste.split("\n")
    assert lines[1:] == ["根据《石家庄市促进知识产权高质量发展若干支持政策》：",
                         "1. 知识产权质押贷款贴息：10万元；",
                         "2. 中国驰名商标奖励：50万元；",
                         "3. 国家知识产权示范企业奖励：10万元。",
                         "合计：70万元。按“同一企业同一事项不享受重复奖补”：以上各项不是同一事项，分别计算。"], paste


def test_an_english_list_keeps_each_title_capitalised(desk: HelpDesk) -> None:
    paste = desk.forward("Customer asks: 1) we paid 400k interest on an IP pledge loan; 2) we got a China Patent "
                         "Gold Award; 3) we became a national IP demonstration enterprise. What is the total?",
                         "en", TODAY).paste
    assert_pasteable(paste)
    assert "\n1. Interest subsidy on IP pledge loans: 200,000 yuan;\n" in paste, paste
    assert "\nTotal: 800,000 yuan. No double subsidy for the same matter" in paste, paste


def test_two_items_stay_one_sentence(desk: HelpDesk) -> None:
    paste = desk.forward("客户说：利息付了150万，还有个专利导航项目，能拿多少", "zh", TODAY).paste
    assert "\n" not in paste and "知识产权质押贷款贴息：75万元；专利导航项目" in paste, paste


def test_a_complaints_hotline_digits_are_not_asked_about_as_money(desk: HelpDesk) -> None:
    """'12345也投诉过了': the hotline is not the customer's interest; the paste never asks whether it is."""
    f = desk.forward("客户说：打了好多次电话没人接，12345都投诉了，我们的贴息到底谁在管", "zh", TODAY)
    assert_pasteable(f.paste)
    assert f.paste.startswith("您好，抱歉") and "12345" not in f.paste, f.paste
    assert not any("12345" in q for q in f.ask_customer), f.ask_customer
    assert "12345" not in "".join(str(v) for v in f.facts.values()), f.facts


def test_the_staff_are_asked_only_what_the_items_asked_about_wait_on(desk: HelpDesk) -> None:
    """A patent award asked about by a firm in the city: nothing about Madrid (the questionnaire's next item);
    a geographical indication asked about: the city asked, not the applicant type it does not need."""
    f = desk.forward("客户问：我们是藁城区的企业，去年获得了中国专利奖优秀奖，奖励多少？", "zh", TODAY)
    assert not any("马德里" in q for q in f.ask_customer), f.ask_customer
    g = desk.forward("客户问：我们新核准了一个地理标志，能奖多少？", "zh", TODAY)
    city = "贵单位是否注册在石家庄市行政区域内（含各县市区、高新区、循环化工园区）？"
    assert g.ask_customer == (city,), g.ask_customer


def test_each_years_interest_is_named_back_and_the_year_asked_never_one_figure_picked(desk: HelpDesk) -> None:
    """F44: interest given for several years: no single figure is silently used; the paste names each year's
    figure, says the subsidy is worked out per year (the text caps it per year) and asks which year."""
    f = desk.forward("客户问：2022年贷款利息60万，2023年70万，每年能补多少", "zh", TODAY)
    assert_pasteable(f.paste)
    said = "您提到了几个年度的金额（2022年60万、2023年70万）。补贴按年度分别计算，每年分别适用上限；"
    assert said in f.paste, f.paste
    assert 600000 not in f.facts.values() and 2022 not in f.facts.values(), f.facts  # no one year picked
    assert not re.search(r"3[05]万元", f.paste), f.paste   # neither 60万×50% nor 70万×50% picked
    assert f.paste.count("请告诉我们") == 1, f.paste          # asked once, not again as "具体金额取决于…"
    assert f.ask_customer[0].startswith("您提到了几个年度的金额（2022年60万、2023年70万）"), f.ask_customer


def test_several_figures_of_an_amount_without_a_yearly_cap_are_asked_as_before(desk: HelpDesk) -> None:
    f = desk.forward("客户问：2022年证券化融资500万，2023年融资800万，补多少", "zh", TODAY)
    assert "补贴按年度分别计算" not in f.paste, f.paste


def test_each_year_cued_with_its_own_word_is_asked_the_same_way(desk: HelpDesk) -> None:
    f = desk.forward("客户说：2021年质押贷款利息50万，2022年质押贷款利息55万，分别补多少", "zh", TODAY)
    assert f.paste.startswith("您好！您提到了几个年度的金额（2021年50万、2022年55万）。"), f.paste
    assert "25万元" not in f.paste and "27.5万元" not in f.paste, f.paste


def test_an_english_items_sentence_does_not_capitalise_the_second_item(desk: HelpDesk) -> None:
    paste = desk.forward("The customer paid 200k interest on an IP pledge loan and got a China Patent Gold Award. "
                         "How much in total?", "en", TODAY).paste
    assert_pasteable(paste)
    assert "interest subsidy on IP pledge loans: 100,000 yuan; reward for China Patent Award winners (Gold)" in paste, \
        paste


@pytest.mark.parametrize(("message", "lang", "said"), [
    ("客户说：我司是出口企业，新取得了4件马德里国际注册，奖励多少", "zh", "金额为10万元—40万元。您说有4件马德里注册："),
    ("Customer, an exporter, got 3 Madrid registrations last year. How much?", "en",
     "The amount is 100,000 yuan–300,000 yuan. You said 3 Madrid registrations:")])
def test_several_madrid_registrations_get_the_same_range_and_reading_as_ask(
        desk: HelpDesk, message: str, lang: Lang, said: str) -> None:
    """F10/F49: the count rule of `ipbot ask` (the lower bound once, the upper bound each registration, the
    text silent), never the flat 10万 of one registration."""
    paste = desk.forward(message, lang, TODAY).paste
    assert_pasteable(paste)
    assert said in paste, paste


def test_last_years_and_this_years_interest_are_both_named_never_one_used(desk: HelpDesk) -> None:
    f = desk.forward("客户说：我们去年利息付了70万，今年又付了30万，能补多少", "zh", TODAY)
    assert_pasteable(f.paste)
    assert "您提到了几个年度的金额（去年70万、今年30万）。" in f.paste, f.paste
    assert not re.search(r"(35|15)万元", f.paste), f.paste


@pytest.mark.parametrize("message", ["客户问：2022年贷款利息60万，2023年70万，每年能补多少",
                                     "质押贷款利息2023年80万，2024年120万，分别能补多少",
                                     "我们去年利息付了60万，今年预计80万，能补多少",
                                     "客户：去年利息80万，前年利息60万，大前年40万"])
def test_several_years_interest_is_asked_by_the_per_year_question_alone(desk: HelpDesk, message: str) -> None:
    """The per-year question names each year's figure; the layer's own question about one of them ("您说的60万
    是几年的合计还是一年的？", "您说的120万是…吗？") is not asked beside it, in the paste or the notes."""
    f = desk.forward(message, "zh", TODAY)
    assert_pasteable(f.paste)
    assert "补贴按年度分别计算" in f.paste, f.paste
    assert "几年的合计" not in f.paste and "吗？" not in f.paste, f.paste
    assert len(f.ask_customer) == 1 and f.ask_customer[0].startswith("您提到了几个年度的金额"), f.ask_customer
    assert not any(isinstance(v, int) and v >= 10_000 for v in f.facts.values()), f.facts


@pytest.mark.parametrize(("message", "why"), [
    ("我们是个人发明人，能申请贯标奖补吗", "不包括个人"),
    ("我们不是出口企业，马德里注册了1件，能拿10万吗", "须为出口企业"),
    ("2028年申请质押贴息还可以吗", "已过政策有效期"),
])
def test_a_ruled_out_case_is_said_once_with_no_amount_and_no_quota(desk: HelpDesk, message: str, why: str) -> None:
    """"不可以。" and then why, once, in the line that says no amount is computed (the verdict and that line
    said the same twice); no "名额有限" for a quota the customer cannot compete for; no self-reference, and no
    bracket or quote left open by a clause cut as said before."""
    paste = desk.forward(message, "zh", TODAY).paste
    assert_pasteable(paste)
    assert paste.startswith("您好！不可以。") and paste.count(why) == 1 and "不计算金额" in paste, paste
    assert "名额有限" not in paste, paste
    for opens, closes in ("（）", "“”"):
        assert paste.count(opens) == paste.count(closes), paste


def test_a_case_the_text_does_not_settle_is_not_ruled_out_in_the_notes(desk: HelpDesk) -> None:
    """An individual business asking about patent navigation: "不一定" in the paste, said once; the notes do not
    call it "已排除" (ruled out by the customer's facts)."""
    f = desk.forward("我们是个体工商户，可以申请专利导航项目吗", "zh", TODAY)
    notes = "\n".join(desk.notes(f, "zh", copyable=True))
    assert f.paste.startswith("您好！不一定。") and "因此不按它计算金额" not in f.paste, f.paste
    assert "已排除" not in notes and "原文未作规定" in notes, notes


def test_the_notes_say_the_customers_amounts_were_computed_only_when_there_are_some(desk: HelpDesk) -> None:
    """An unsure place and no amount given: the notes do not claim "客户给出的金额已照算"."""
    f = desk.forward("帮客户查下：河北的一所大学，去年新入选TISC，另外对外许可了几件专利", "zh", TODAY)
    notes = "\n".join(desk.notes(f, "zh", copyable=True))
    assert "需向客户确认" in notes and "金额已照算" not in notes, notes
    g = desk.forward("客户：我们是河北的企业，质押贷款利息付了60万", "zh", TODAY)
    assert "金额已照算" in "\n".join(desk.notes(g, "zh", copyable=True)), g  # the interest is computed


@pytest.mark.parametrize(("message", "staff"), [("客户问：能推荐个代理机构帮我们申报吗", "zh"),
                                                ("Can you recommend an agency to help us apply?", "en")])
def test_a_reply_of_the_knowledge_base_is_pasted_in_the_help_desks_words(desk: HelpDesk, message: str,
                                                                         staff: Lang) -> None:
    """"本助手不推荐具体的代理机构" is the bot speaking of itself; the staff send "我们不推荐…"."""
    paste = desk.forward(message, staff, TODAY).paste
    assert_pasteable(paste)
    assert ("我们不推荐" if staff == "zh" else "We do not recommend") in paste, paste


def test_a_no_on_the_applicant_is_not_followed_by_a_quota_or_an_offer_to_estimate(desk: HelpDesk) -> None:
    """"不可以。…不包括企业" and then "名额有限，不保证入选。如方便，请告诉我们…进一步测算" told a company it could
    still compete and be estimated for an item it cannot apply for."""
    paste = desk.forward("客户问：我们开展维权援助，是公司不是律所，能申请吗", "zh", TODAY).paste
    assert_pasteable(paste)
    assert paste.startswith("您好！不可以。") and "不包括企业" in paste, paste
    assert "名额有限" not in paste and "进一步测算" not in paste, paste


@pytest.mark.parametrize(("message", "staff"), [("我们去年获得了金奖和外观设计银奖，一共能拿多少", "zh"),
                                                ("我们拿了金奖和银奖，另外利息60万，一共多少", "zh"),
                                                ("We won a gold and a silver China Patent Award last year. How much?",
                                                 "en")])
def test_several_awards_are_pasted_without_the_cards_amount_label(desk: HelpDesk, message: str, staff: Lang) -> None:
    """"金额：50万元—80万元（这是一个范围…）" is the card's label; the paste says "金额为…"."""
    paste = desk.forward(message, staff, TODAY).paste
    assert_pasteable(paste)
    assert ("金额为50万元—80万元" if staff == "zh" else "The amount is 500,000 yuan–800,000 yuan") in paste, paste


def test_an_items_own_closing_bracket_is_kept_in_the_paste(desk: HelpDesk) -> None:
    """The part line without its ref stripped every trailing bracket: "…per enterprise (read as in total." """
    paste = desk.forward("securitisation: how much does the originator get and how much does the financed company get?",
                         "en", TODAY).paste
    assert_pasteable(paste)
    assert "per enterprise (read as in total)" in paste and paste.count("(") == paste.count(")"), paste


def test_a_count_in_a_several_item_paste_gets_its_reading(desk: HelpDesk) -> None:
    """"中国驰名商标奖励：50万元—150万元" alone reads as a sure upper bound: the count's reading says why it is a
    range (the text pays once and is silent on several), as a one-item paste does."""
    paste = desk.forward("客户：我们有2件马德里，3件驰名商标", "zh", TODAY).paste
    assert_pasteable(paste)
    assert "50万元—150万元" in paste and "您说有3件商标新认定为中国驰名商标" in paste, paste
    assert "您说有2件马德里注册" in paste, paste


def test_a_total_never_counts_competitive_items_as_won(desk: HelpDesk) -> None:
    """G30: "合计：140万元—150万元" counted two expert-reviewed projects as won. What is paid without selection
    (金奖 50万 + 贴息 30万) is said apart from what the competitive projects add at most if chosen (70万), in
    the paste and in the notes' word on the paste's total."""
    message = "我们是企业，在长安区，去年拿了金奖，申报了高价值专利组合项目，还做了专利导航，利息付了60万，一共能拿多少"
    f = desk.forward(message, "zh", TODAY)
    assert_pasteable(f.paste)
    assert "140万元" not in f.paste and "合计：" not in f.paste, f.paste
    assert "不经择优评审的项目合计80万元" in f.paste and "如入选最多再得70万元（合计最多150万元）" in f.paste, f.paste
    notes = html.unescape("\n".join(desk.notes(f, "zh", copyable=True)))
    assert "140万元" not in notes and "回复中不经择优评审的项目合计80万元" in notes, notes


def test_what_two_competitive_items_pay_together_is_their_sum_if_both_are_chosen(desk: HelpDesk) -> None:
    paste = desk.forward("培训基地和创客空间 加一块能给多少", "zh", TODAY).paste
    assert "合计：30万元。其中择优评审的项目按入选计算，入选不保证。" in paste, paste


@pytest.mark.parametrize(("message", "said", "never"), [
    ("客户：我们拿的是中国专利奖优秀奖，不是银奖，刚才说错了", "优秀奖的金额为10万元", "30万元"),
    ("客户：不是金奖，是银奖", "银奖的金额为30万元", "（金奖）"),
    ("金奖没有，拿了个优秀奖", "优秀奖的金额为10万元", "（金奖）"),
])
def test_a_denied_or_corrected_award_is_not_pasted_beside_the_customers_own(desk: HelpDesk, message: str, said: str,
                                                                            never: str) -> None:
    """G23: "不是银奖，是优秀奖" pasted "（优秀奖）：10万元；（银奖）：30万元" as if both were won."""
    paste = desk.forward(message, "zh", TODAY).paste
    assert_pasteable(paste)
    assert said in paste and never not in paste.split("分别奖励50万、30万、10万元")[-1], paste


@pytest.mark.parametrize("message", ["客户公司在北京，石家庄有分公司，分公司付了利息40万，能不能申请贴息",
                                     "我们是外地企业，利息60万能补吗"])
def test_a_customer_outside_the_city_is_told_why_and_asked_for_no_figure(desk: HelpDesk, message: str) -> None:
    """G4: "不可以。…不涉及其他地区的政策" (nobody asked about another region's policy) while the staff were told
    to ask whether the 40万 was the customer's own: the reply says whom the policy covers and why the customer is
    out, and nothing is asked about a figure that cannot count."""
    f = desk.forward(message, "zh", TODAY)
    assert_pasteable(f.paste)
    assert f.paste.startswith("您好！不可以。") and "不涉及其他地区的政策" not in f.paste, f.paste
    assert "石家庄市行政区域内的单位" in f.paste and f.paste.count("石家庄市行政区域内的单位") == 1, f.paste
    assert f.ask_customer == () and not f.clarify, f.ask_customer


@pytest.mark.parametrize(("message", "said", "fact"), [
    ("好像拿了银奖，不太确定", "好像拿了银奖", "china_patent_award_last_year"),
    ("我们可能是出口企业吧，有少量外贸，拿了马德里", "我们可能是出口企业吧", "is_exporter"),
])
def test_a_hedged_fact_is_worked_out_as_said_and_said_to_be_so(desk: HelpDesk, kb: KnowledgeBase, message: str,
                                                               said: str, fact: str) -> None:
    """G36: "好像拿了银奖" was pasted as a sure "银奖的金额为30万元": the paste says what it takes the hedge as,
    the notes say the customer hedged, and the fact's own question is the first to ask."""
    f = desk.forward(message, "zh", TODAY)
    assert_pasteable(f.paste)
    assert f"您说“{said}”，以上按" in f.paste and f.paste.count(said) == 1, f.paste
    notes = html.unescape("\n".join(desk.notes(f, "zh", copyable=True)))
    assert "客户的说法有保留" in notes, notes
    assert f.ask_customer[0] == kb.facts[fact].question.get("zh"), f.ask_customer


def test_a_plain_statement_is_not_called_hedged(desk: HelpDesk) -> None:
    f = desk.forward("我们去年拿了银奖", "zh", TODAY)
    assert "您说“" not in f.paste and not f.hedged, f.paste


@pytest.mark.parametrize(("message", "staff", "said"), [("客户：谢谢，明白了", "zh", "不客气"),
                                                        ("Customer says thanks, that's all", "en", "You are welcome")])
def test_a_forwarded_thank_you_is_answered_as_one(desk: HelpDesk, message: str, staff: Lang, said: str) -> None:
    """G33d: "谢谢，明白了" got "请问您想了解哪一项支持政策？" as if the customer had only just started."""
    f = desk.forward(message, staff, TODAY)
    assert_pasteable(f.paste)
    assert said in f.paste and "哪一项" not in f.paste and "Which of" not in f.paste, f.paste


@pytest.mark.parametrize("message", ["客户问：专利导航项目和高价值专利组合能同时申报吗",
                                     "Customer: 1) well-known trademark reward 2) Madrid 3) GI reward, how much each?"])
def test_what_only_a_question_names_is_no_fact_of_the_customers(desk: HelpDesk, message: str) -> None:
    """G26: a question about two clauses recorded both projects as the customer's, and an English list of rewards
    asked about made the notes estimate a well-known trademark the customer never said they had."""
    f = desk.forward(message, "en", TODAY)
    assert not f.facts and f.assessment is None, f.facts


def test_a_statement_beside_the_question_is_still_the_customers(desk: HelpDesk) -> None:
    f = desk.forward("我们是科研院所，能申请贯标奖补吗", "zh", TODAY)
    assert f.facts.get("entity_type") == "research_institute", f.facts


@pytest.mark.parametrize(("message", "said"), [
    ("客户想找人工", "市市场监督管理局会同市财政局"), ("客户要电话", "市市场监督管理局会同市财政局"),
    ("转人工", "市市场监督管理局会同市财政局"),
    ("Customer wants to talk to a person", "Administration for Market Regulation"),
])
def test_a_forwarded_request_for_a_person_gets_the_contacts_rule(kb: KnowledgeBase, desk: HelpDesk, message: str,
                                                                  said: str) -> None:
    """G11: "客户想找人工/要电话" got "请问您想了解哪一项支持政策？", as if the customer asked nothing. The chat's
    contacts rule: the knowledge base's contacts, else the agencies the text names; never a number made up."""
    f = desk.forward(message, "zh", TODAY)
    assert_pasteable(f.paste)
    assert f.result is None and said in f.paste and "哪一项" not in f.paste and "Which of" not in f.paste, f.paste
    assert not kb.contacts and not any(c.isdigit() for c in f.paste)
    notes = "\n".join(desk.notes(f, "zh", copyable=True))
    assert "人工" in notes and "没有可回答的问题" not in notes


def test_a_forwarded_question_about_an_unnamed_applicant_is_not_noted_out_of_scope(kb: KnowledgeBase,
                                                                                   desk: HelpDesk) -> None:
    f = desk.forward("个人发明人能申请吗", "zh", TODAY)
    reading = kb.policy.unnamed_applicants["individual"].reading.zh
    assert reading in f.paste and "本助手" not in f.paste
    notes = "\n".join(desk.notes(f, "zh", copyable=True))
    assert reading in notes and "不在本政策范围" not in notes


@pytest.mark.parametrize(("message", "kept", "denied"), [
    ("不是优势企业，是示范企业", "国家知识产权示范企业奖励", "优势企业奖励"),
    ("客户说：我们是示范企业不是优势企业，能拿多少", "国家知识产权示范企业奖励", "优势企业奖励"),
])
def test_an_entry_the_customer_says_is_not_theirs_is_neither_pasted_nor_noted(desk: HelpDesk, message: str,
                                                                              kept: str, denied: str) -> None:
    """G23: "不是优势企业，是示范企业" pasted and noted the advantage enterprise's 5万 beside the 10万."""
    f = desk.forward(message, "zh", TODAY)
    notes = "\n".join(desk.notes(f, "zh", copyable=True))
    assert_pasteable(f.paste)
    assert kept in f.paste and denied not in f.paste, f.paste
    assert kept in notes and denied not in notes, notes


@pytest.mark.parametrize(("message", "said", "never"), [
    ("interest 800k — no wait, 600k", "300,000 yuan", "400,000"),
    ("We won a China Patent Award, gold — no wait, silver. How much?", "300,000", "500,000 yuan."),
])
def test_an_english_correction_keeps_only_the_corrected_value(desk: HelpDesk, message: str, said: str,
                                                              never: str) -> None:
    """G23: "interest 800k — no wait, 600k" was paid on 800k (a dash before the correction hid it)."""
    paste = desk.forward(message, "en", TODAY).paste
    assert said in paste and never not in paste, paste
