"""End to end: the real Application, built by the composition root, against the fake Bot API.

The bot talks to :class:`FakeBotApi` through ``TELEGRAM_API_BASE_URL`` with real long polling (or
a real webhook), keeps its sessions in a real SQLite file, and is stopped and rebuilt on that file
to show that a restart loses nothing. A test waits for the bot's one log line per update, so no
test sleeps or guesses; every wait has a timeout.

Each chat keeps a transcript that is printed when a test ends; pytest shows it for failing tests.
"""

from __future__ import annotations

import logging
import re
import shutil
import signal
from pathlib import Path

import pytest

from bot.storage.factory import open_settings_store
from fakes.bot_api import FakeBotApi, free_port
from fakes.processes import bot_process, outputs
from fakes.telegram_bot import STAFF, WAIT, BusinessChat, Harness, bot_harness, buttons_of, edit, popups, sqlite_rows
from fakes.users import (
    BY_BUTTONS,
    BY_TYPING,
    RESULT_TITLE,
    answer_by_buttons,
    answer_by_typing,
    assert_silver_award_result,
    has_result,
)
from knowledge.loader import load_knowledge_base

pytestmark = pytest.mark.slow


async def test_start_greets_and_registers_commands_in_both_languages(bot: Harness) -> None:
    zh, en = bot.chat(101), bot.chat(102, language_code="en-GB")
    [greeting] = await zh.send("/start")
    assert "石家庄市知识产权政策助手" in greeting["text"]
    assert [b["text"] for b in buttons_of(greeting["reply_markup"])] == ["自助测评", "问个问题", "浏览政策条款",
                                                                          "语言 / Language"]
    [hello] = await en.send("/start")
    assert hello["text"].startswith("Hello! I am the Shijiazhuang IP-policy assistant.")
    expected = ["start", "assess", "ask", "clauses", "lang", "help", "cancel", "forget"]
    for code in ("zh", "en", ""):
        assert [c["command"] for c in bot.fake.commands[code]] == expected
    assert bot.fake.commands["en"][1]["description"].startswith("Self-assessment")
    assert "自助测评" in bot.fake.commands["zh"][1]["description"]
    # The profile before the first message, in both languages...
    profile = bot.fake.profile  # type: ignore[attr-defined]
    assert "石家庄" in profile[("description", "zh")] and "Shijiazhuang" in profile[("description", "en")]
    assert len(profile[("short_description", "")]) <= 120 and profile[("short_description", "")] == \
        profile[("short_description", "zh")]
    # ...and the staff commands only in staff chats (the default menu has none of them).
    assert [c["command"] for c in profile[("commands", STAFF, "")]][-2:] == ["stats", "reload"]
    assert "Usage statistics" in profile[("commands", STAFF, "en")][-2]["description"]
    assert not {"stats", "reload"} & {c["command"] for code in ("zh", "en", "") for c in bot.fake.commands[code]}


async def test_full_self_assessment_by_buttons(bot: Harness) -> None:
    chat = bot.chat(201)
    await chat.send("/start")
    shown = await chat.press("自助测评")
    # the introduction and the first question arrive as one message, which the answers then edit
    assert "开始自助测评" in shown[0]["text"] and "<b>问题 1</b>" in shown[0]["text"]
    question_message = shown[0]["message_id"]

    result = await answer_by_buttons(chat, BY_BUTTONS)
    assert_silver_award_result(result)

    # One message per question, edited in place as the user answers; only the result is new.
    edits = [e for e in bot.fake.messages_to(chat.chat_id) if e["method"] == "editMessageText"]
    assert edits and {e["message_id"] for e in edits} == {question_message}
    assert len(bot.fake.calls_of("answerCallbackQuery")) == sum(t.startswith("user presses") for t in chat.transcript)
    # Every callback is short and carries only a question id and an option.
    for params in bot.fake.calls_of("sendMessage") + bot.fake.calls_of("editMessageText"):
        for b in buttons_of(params.get("reply_markup")):
            assert len(b["callback_data"].encode()) <= 64

    # The follow-up buttons work: why not, then change an answer and see the new total.
    why = await chat.press("不符合的原因")
    assert "不符合的项目及原因" in why[0]["text"]


async def test_full_self_assessment_by_typing(bot: Harness) -> None:
    chat = bot.chat(301)
    shown = await chat.send("/assess")
    assert "<b>问题 1</b>" in shown[-1]["text"]
    # A typed "back" on the second question undoes the first answer.
    await chat.send("企业")
    assert chat.question_id() == "in_city"
    back = await chat.send("上一题")
    assert "已撤销上一题的回答" in back[0]["text"]
    assert chat.question_id() == "entity_type"

    result = await answer_by_typing(chat, BY_TYPING)
    assert_silver_award_result(result)
    # typed answers never edit: the conversation reads top to bottom
    assert all(e["method"] == "sendMessage" for e in bot.fake.messages_to(chat.chat_id))


async def test_side_question_mid_flow_then_the_assessment_goes_on(bot: Harness) -> None:
    chat = bot.chat(401)
    await chat.send("/assess")
    await chat.send("企业")
    assert chat.question_id() == "in_city"

    shown = await chat.send("质押贷款贴息最多能拿多少？")
    [reply] = (e["text"] for e in shown)  # the answer, "continue", and the question: one message
    answer, _, question = reply.partition("继续测评")
    assert "知识产权质押贷款贴息" in answer and "（四）1" in answer and "100万元" in answer
    assert "/assess" not in reply  # the user is in the assessment: no "send /assess" in its middle
    # The current question is asked again, with its buttons...
    assert "<b>问题 2</b>" in question
    assert chat.question_id() == "in_city"
    # ...and the assessment continues from there.
    await chat.press("是")
    assert chat.question_id() not in (None, "in_city", "entity_type")


    chat = bot.chat(501)
    await chat.send("/assess")
    first_mid, first_buttons = chat.keyboard()
    # « 上一题 on question 1: a pop-up on the button, nothing in the chat.
    assert await chat.press("« 上一题") == []
    assert popups(bot)[-1] == "已经是第一题了"
    yes_or_enterprise = next(b for b in first_buttons if b["text"] == "企业")
    await chat.press("企业")
    assert chat.question_id() == "in_city"

    # A double tap (the first question's button again, after the message moved on)...
    shown = await chat.press_data(first_mid, yes_or_enterprise["callback_data"], "企业 (double tap)")
    assert shown == [] and "已经答过了" in popups(bot)[-1]
    assert chat.question_id() == "in_city"
    # ...a forged one, and one on a message Telegram no longer shows to the bot: the same, never an error.
    shown = await chat.press_data(first_mid, "a|no_such_question|9", "forged")
    assert shown == [] and "已经答过了" in popups(bot)[-1]
    shown = await chat.press_data(99_999, "a|in_city|y", "on a vanished message")
    assert shown and chat.question_id() != "in_city"  # that press was for the current question
    assert not [line for line in bot.updates.lines if "update failed" in line]


async def test_forwarded_customer_message_gets_a_helpdesk_reply(bot: Harness) -> None:
    staff = bot.chat(601)
    await staff.send("/assess")
    await staff.press("企业")
    before = staff.question_id()

    origin = {"type": "hidden_user", "sender_user_name": "王经理", "date": 1_700_000_000}
    situation = "我们是生物医药企业，去年拿了专利银奖，今年质押贷款付息80万"
    shown = await staff.send(situation, forward_origin=origin)
    reply = "\n".join(e["text"] for e in shown)
    assert "客户咨询" in shown[1]["text"]  # the staff notes come second
    assert "40万元" in shown[0]["text"]  # first the ready-to-paste answer (80万 × 50%), with its copy button
    assert shown[0]["reply_markup"]["inline_keyboard"][0][0]["copy_text"]["text"]
    assert "依据：" in reply and "（四）1" in reply and "匹配把握" in reply  # the references and a confidence
    assert "生物医药健康" in reply and "银奖" in reply and "80万元" in reply  # the facts it stated
    assert "建议向客户确认" in reply  # what is still unknown
    assert "注册在石家庄市" in reply
    # it answers the forwarded message, and leaves the staff member's own assessment alone
    forwarded_id = staff.last_update["message"]["message_id"]
    [sent] = [p for p in bot.fake.calls_of("sendMessage", chat_id=staff.chat_id) if p.get("reply_parameters")]
    assert sent["reply_parameters"]["message_id"] == forwarded_id
    assert staff.question_id() == before

    origin_user = {"type": "user", "sender_user": {"id": 77, "is_bot": False, "first_name": "Li"},
                   "date": 1_700_000_000}
    shown = await staff.send("What is the cap on the pledge-loan interest subsidy?", forward_origin=origin_user)
    assert shown[0]["text"].startswith("Hello")  # an English message gets an English paste
    notes = shown[1]["text"]  # and the notes in the staff member's language
    assert "客户咨询" in notes and "（四）1" in notes and "匹配把握" in notes


async def test_inline_query_offers_answer_cards(bot: Harness) -> None:
    update = bot.fake.inline_query(701, "")
    await bot.processed(update)
    [answer] = bot.fake.calls_of("answerInlineQuery")
    results = answer["results"]
    assert 1 <= len(results) <= 10
    for card in results:
        assert card["type"] == "article" and card["title"]
        content = card["input_message_content"]
        assert content["parse_mode"] == "HTML" and "<b>" in content["message_text"]
        assert "（" in content["message_text"]  # the clause reference

    update = bot.fake.inline_query(701, "贴息")
    await bot.processed(update)
    answer = bot.fake.calls_of("answerInlineQuery")[-1]
    assert 1 <= len(answer["results"]) <= 10
    first = answer["results"][0]
    assert first["title"] == "知识产权质押贷款贴息"
    assert "（四）1" in first["input_message_content"]["message_text"]  # the clause reference
    for card in answer["results"]:
        assert card["input_message_content"]["parse_mode"] == "HTML"
    assert not [line for line in bot.updates.lines if "update failed" in line]


async def test_deep_links_open_a_topic_or_a_clause(bot: Harness) -> None:
    chat = bot.chat(801)
    shown = await chat.send("/start topic_finance")
    assert "知识产权金融" in shown[0]["text"]
    assert "<b>问题 1</b>" in shown[-1]["text"]

    other = bot.chat(802)
    shown = await other.send("/start clause_4_1")
    texts = [e["text"] for e in shown]
    assert texts and all("（四）1" in t for t in texts)
    assert any("质押" in t for t in texts)
    assert all("原文：" in t for t in texts)  # the verbatim text of the clause


async def test_a_clause_deep_link_sends_one_message(bot: Harness) -> None:
    chat = bot.chat(803)
    [one] = await chat.send("/start clause_4_1")  # clause 4.1 holds three benefits
    assert "（四）1" in one["text"] and "原文：" in one["text"]
    for title in ("知识产权证券化产品发起单位奖励", "通过知识产权证券化融资的企业补助", "知识产权质押贷款贴息"):
        assert title in one["text"]
    assert one["text"].count("原文：") == 1  # the verbatim text once
    labels = [b["text"] for b in buttons_of(one["reply_markup"])]
    assert "质押贷款贴息" in labels  # the short labels, one per benefit
    [single] = await chat.send("/start clause_2")  # a clause of one benefit: its card
    assert "中国专利奖获奖奖励" in single["text"]


async def test_changing_an_answer_by_tapping(bot: Harness) -> None:
    chat = bot.chat(804)
    await chat.send("/assess")
    assert_silver_award_result(await answer_by_buttons(chat, BY_BUTTONS))
    [answers] = await chat.press("修改答案")
    # Nine answers: grouped by topic first, each group a tap away (edited in place).
    assert [b["text"] for b in buttons_of(answers["reply_markup"])][-1] == "查看结果"
    [group] = await chat.press_starting("奖项与示范称号")
    assert group["method"] == "editMessageText" and "中国专利奖（或外观设计奖）：银奖" in group["text"]
    await chat.press("银奖")  # the answer "中国专利奖…: 银奖"
    assert chat.question_id() == "china_patent_award_last_year"
    shown = await chat.press("金奖")
    result = "\n".join(e["text"] for e in shown)
    assert "预计金额从" in result and "中国专利奖获奖奖励：50万元" in result
    assert "主菜单" not in result and "自助测评" not in result

    # 不确定 in the same flow: the answer is unknown again, and the result says so.
    await chat.press("修改答案")
    await chat.press_starting("奖项与示范称号")
    await chat.press("金奖")
    shown = await chat.press("不确定")
    result = "\n".join(e["text"] for e in shown)
    assert RESULT_TITLE in result and "预计金额从" in result
    assert "中国专利奖获奖奖励" in result.split("❔ 还不能确定：")[1]


async def test_an_answered_question_loses_its_buttons(bot: Harness) -> None:
    chat = bot.chat(805)
    await chat.send("/assess")
    first, _ = chat.keyboard()
    await chat.send("企业")  # typed: a new message asks the next question
    second, _ = chat.keyboard()
    assert second != first and chat.buttons(first) == []  # the answered question's keyboard is gone
    assert chat.buttons(second)
    await chat.press("是")  # tapped: the same message, edited
    assert chat.keyboard()[0] == second
    result = await answer_by_typing(chat, BY_TYPING)
    assert has_result(result)
    # After the result, no question message offers buttons; only the result does.
    keyboards = [e["message_id"] for e in bot.fake.messages_to(chat.chat_id) if chat.buttons(e["message_id"])]
    assert set(keyboards) == {result[-1]["message_id"]}


async def test_a_finished_assessment_is_not_shown_to_the_next_person_unasked(bot: Harness) -> None:
    chat = bot.chat(806)
    await chat.send("/assess")
    await answer_by_buttons(chat, BY_BUTTONS)
    [offer] = await chat.send("/assess")
    assert not has_result([offer]) and "上次的测评已经完成" in offer["text"]
    assert [b["text"] for b in buttons_of(offer["reply_markup"])] == ["查看上次结果", "重新开始"]
    assert has_result(await chat.press("查看上次结果"))
    [offer] = await chat.send("/start topic_finance")  # a topic deep link: the same offer
    assert not has_result([offer]) and "上次的测评已经完成" in offer["text"]
    shown = await chat.press("重新开始")
    assert "<b>问题 1</b>" in shown[-1]["text"] and "知识产权金融" in shown[0]["text"]
    async with open_settings_store(bot.settings) as store:
        stored = await store.load("tg:806")
    assert stored is not None and stored.state["facts"] == {}  # the earlier answers are gone


async def test_after_a_failed_send_the_next_message_gets_the_open_question(bot: Harness) -> None:
    chat = bot.chat(807)
    await chat.send("/assess")
    assert chat.question_id() == "entity_type"
    # Telegram fails the reply (past any retry): the answer was applied and saved all the same.
    bot.fake.fail_next("sendMessage", status=400, description="Bad Request: chat is busy")
    [notice] = await chat.send("企业")
    assert "您的回答已保存" in notice["text"] and "请稍后再发一次" not in notice["text"]
    # The user sends the answer again: it is not read as the answer to the question they never saw.
    shown = await chat.send("企业")
    text = "\n".join(e["text"] for e in shown)
    assert "下一题没能发给您" in text and "贵单位是否注册在石家庄市" in text
    assert "没看懂" not in text
    async with open_settings_store(bot.settings) as store:
        stored = await store.load("tg:807")
    assert stored is not None and stored.state["facts"] == {"entity_type": "enterprise"}
    await chat.press("是")  # and the assessment goes on from there
    assert chat.question_id() == "group:achievements"


async def test_in_a_group_the_assessment_moves_to_a_private_chat(bot: Harness) -> None:
    alice = bot.chat(-100_555, chat_type="supergroup", user_id=71)
    bob = bot.chat(-100_555, chat_type="supergroup", user_id=72)
    [moved] = await alice.send("/assess@ipbot_test_bot")
    assert "私聊" in moved["text"] and "<b>问题" not in moved["text"]
    [button] = buttons_of(moved["reply_markup"])
    assert button == {"text": "私聊继续", "url": "https://t.me/ipbot_test_bot?start=assess"}
    [sent] = [p for p in bot.fake.calls_of("sendMessage", chat_id=-100_555)]
    assert sent["reply_parameters"]["message_id"] == alice.last_update["message"]["message_id"]

    # The menu in the group: Alice's buttons are hers; Bob's tap gets a pop-up, not a message.
    [menu] = await alice.send("/start")
    bob.new()  # Bob sees the group as it is
    assert await bob.press_data(menu["message_id"], "m|clauses", "浏览政策条款 (Bob)") == []
    assert popups(bot)[-1].startswith("这是其他成员的对话")
    # Alice's own tap on 自助测评 also moves to the private chat, topic deep links too.
    alice.new()
    [moved] = await alice.press("自助测评")
    assert buttons_of(moved["reply_markup"])[0]["url"].endswith("?start=assess")
    [moved] = await alice.send("/start topic_finance")
    assert buttons_of(moved["reply_markup"])[0]["url"].endswith("?start=topic_finance")

    # The deep link opens the private chat at question 1.
    private = bot.chat(71)
    shown = await private.send("/start assess")
    assert "<b>问题 1</b>" in shown[-1]["text"]


async def test_inline_mode_pages_and_opens_the_bot(bot: Harness) -> None:
    first = bot.fake.inline_query(702, "")
    await bot.processed(first)
    answer = bot.fake.calls_of("answerInlineQuery")[-1]
    assert len(answer["results"]) == 10 and answer["next_offset"] == "10"
    assert answer["button"] == {"text": "打开助手做自助测评", "start_parameter": "assess"}
    for card in answer["results"]:
        assert "/assess" not in card["input_message_content"]["message_text"]
        [opener] = buttons_of(card["reply_markup"])
        assert opener["url"] == "https://t.me/ipbot_test_bot?start=assess"
    seen = {card["id"] for card in answer["results"]}
    pages = 1
    while answer["next_offset"]:  # Telegram asks for the next page with the offset it was given
        payload = {"id": f"q{pages}", "from": {"id": 702, "is_bot": False, "first_name": "U", "language_code": "zh"},
                   "query": "", "offset": answer["next_offset"], "chat_type": "sender"}
        bot.fake._open_queries.add(f"q{pages}")
        update = bot.fake.make_update("inline_query", payload)
        await bot.processed(update)
        answer = bot.fake.calls_of("answerInlineQuery")[-1]
        assert answer["results"] and not seen & {card["id"] for card in answer["results"]}
        seen |= {card["id"] for card in answer["results"]}
        pages += 1
    cards = len(load_knowledge_base().benefits)
    assert pages == -(-cards // 10) and len(seen) == cards  # every clause card, ten at a time

    # A clause card in the chat offers to share it through inline mode.
    chat = bot.chat(703)
    [card] = await chat.send("/start clause_2")
    share = [b for b in buttons_of(card["reply_markup"]) if "switch_inline_query" in b]
    assert share == [{"text": "分享", "switch_inline_query": "中国专利奖"}]


async def test_editing_the_latest_answer_corrects_it(bot: Harness) -> None:
    chat = bot.chat(808)
    await chat.send("/assess")
    await chat.send("企业")
    answered = chat.last_update["message"]["message_id"]
    assert chat.question_id() == "in_city"
    shown = await edit(chat, answered, "高校")
    text = "\n".join(e["text"] for e in shown)
    assert "按您修改后的消息" in text and "<b>问题 2</b>" in text
    async with open_settings_store(bot.settings) as store:
        stored = await store.load("tg:808")
    assert stored is not None and stored.state["facts"] == {"entity_type": "university"}

    await chat.send("是")  # a later answer: the first message is no longer the latest
    assert await edit(chat, answered, "企业") == []
    async with open_settings_store(bot.settings) as store:
        stored = await store.load("tg:808")
    assert stored is not None and stored.state["facts"]["entity_type"] == "university"


async def test_telegram_business_answers_confident_customer_questions_and_leaves_the_rest(bot: Harness) -> None:
    desk = BusinessChat(bot, staff=950_001, customer=950_777)
    await desk.connect()
    assert "已连接您的商业账号" in desk.notes.texts()[-1] and "/bot_off" in desk.notes.texts()[-1]

    # A confident answer goes to the customer, on the staff member's behalf; the notes to the staff.
    [answer] = await desk.say("马德里商标注册有奖励吗？")
    assert "马德里国际商标注册奖励" in answer["text"] and "10万元" in answer["text"]
    [sent] = [p for p in bot.fake.calls_of("sendMessage", chat_id=950_777)]
    assert sent["business_connection_id"] == "bc-1" and "/" not in sent["text"]
    assert "已替您回复客户" in desk.notes.texts()[-2] or "已替您回复客户" in "\n".join(desk.notes.texts()[-3:])

    # Not sure (a figure the bot has to ask about): nothing to the customer, a note to the staff.
    assert await desk.say("质押贷款利息付了四五十万，能补多少？") == []
    assert any("没有把握" in t for t in desk.notes.texts()[-3:])
    # A greeting, and the staff member's own words: the human's.
    notes_before = len(desk.notes.texts())
    assert await desk.say("你好") == []
    assert await desk.say("马德里商标注册有奖励吗？", by_staff=True) == []
    assert len(desk.notes.texts()) == notes_before
    # Edits and deletions need nothing undone.
    assert await desk.say("马德里商标注册有奖励吗？？", kind="edited_business_message") == []
    deleted = bot.fake.make_update("deleted_business_messages", {
        "business_connection_id": "bc-1", "chat": {"id": 950_777, "type": "private", "first_name": "李经理"},
        "message_ids": [1, 2]})
    await bot.processed(deleted)

    # /bot_off in this chat keeps the bot out of it; /bot_on lets it back.
    assert await desk.say("/bot_off", by_staff=True) == []
    assert "不再介入" in desk.notes.texts()[-1]
    assert await desk.say("马德里商标注册有奖励吗？") == []
    await desk.say("/bot_on", by_staff=True)
    assert len(await desk.say("马德里商标注册有奖励吗？")) == 1

    # Revoked: everything stops, the settings are gone.
    await desk.connect(enabled=False)
    assert "已断开" in desk.notes.texts()[-1]
    assert await desk.say("马德里商标注册有奖励吗？") == []
    async with open_settings_store(bot.settings) as store:
        assert await store.load("tg-biz:bc-1") is None
    assert not [line for line in bot.updates.lines if "update failed" in line]


async def test_telegram_business_without_the_right_to_reply_only_takes_notes(bot: Harness) -> None:
    desk = BusinessChat(bot, staff=950_002, customer=950_778, connection="bc-2")
    await desk.connect(can_reply=False)
    assert "没有回复消息的权限" in desk.notes.texts()[-1]
    assert await desk.say("马德里商标注册有奖励吗？") == []
    assert any("您没有允许我回复" in t for t in desk.notes.texts()[-3:])


async def test_forget_deletes_the_session(bot: Harness) -> None:
    chat = bot.chat(901)
    await chat.send("/assess")
    await chat.press("企业")
    # /forget asks first, with a button; "keep" keeps everything.
    [ask] = await chat.send("/forget")
    assert "确定要删除" in ask["text"]
    assert [b["text"] for b in buttons_of(ask["reply_markup"])] == ["确认删除", "保留"]
    [kept] = await chat.press("保留")
    assert kept["method"] == "editMessageText" and kept["text"] == "好的，您的记录都保留着。"
    async with open_settings_store(bot.settings) as store:
        assert await store.load("tg:901") is not None
    await chat.send("/forget")
    [done] = await chat.press("确认删除")
    assert done["method"] == "editMessageText" and done["text"] == "已删除您在本助手的全部记录。"
    assert not buttons_of(done["reply_markup"])
    async with open_settings_store(bot.settings) as store:
        assert await store.load("tg:901") is None
    owners = [owner for (owner,) in sqlite_rows(bot.settings.store_url(), "select user_key from sessions")]
    assert "tg-user:901" not in owners
    shown = await chat.send("/assess")
    assert "<b>问题 1</b>" in shown[-1]["text"]  # a fresh start


async def test_restart_in_the_middle_of_an_assessment_continues_where_it_was(bot: Harness) -> None:
    chat = bot.chat(1001)
    await chat.send("/assess")
    await chat.press("企业")
    await chat.press("是")
    asked = chat.question_id()
    assert asked == "group:achievements"
    mid, _ = chat.keyboard()

    await bot.stop()
    # While the bot is down the user ticks an option; Telegram keeps the update for the new process.
    update = bot.fake.press_button(chat.chat_id, mid, next(
        b["callback_data"] for b in chat.buttons(mid) if b["text"].endswith("国家知识产权示范企业")))
    chat.transcript.append(f"user presses [国家知识产权示范企业] on #{mid} while the bot is down")
    await bot.start()
    await bot.processed(update)
    shown = chat.new()
    assert shown and shown[0]["method"] == "editMessageText"
    assert any(b["text"] == "✅ 国家知识产权示范企业" for b in chat.buttons(mid))

    await chat.press("完成 ✓")
    result = await answer_by_buttons(chat, BY_BUTTONS)
    assert_silver_award_result(result)


async def test_error_is_logged_without_the_token_and_the_answers_are_kept(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    chat = bot.chat(1101)
    await chat.send("/assess")
    # The edit fails (so the reply is sent instead), then the send fails with the token in the error.
    bot.fake.fail_next("editMessageText", status=400, description="Bad Request: message to edit not found")
    bot.fake.fail_next("sendMessage", status=400, description=f"Bad Request: boom at /bot{bot.fake.token}/x")
    with caplog.at_level(logging.INFO):
        shown = await chat.press("企业")
    failures = [r for r in caplog.records if r.getMessage().startswith("update failed")]
    assert len(failures) == 1
    logged = failures[0].getMessage()
    assert "update_id=" in logged and "BadRequest" in logged
    # (The Bot API transport is aiohttp's, which logs no request URL; the redactor filters every
    # handler besides, see test_telegram_handlers. Here: no record carries the token.)
    ours = "\n".join(caplog.handler.format(r) for r in caplog.records)
    secret = bot.fake.token.partition(":")[2].lower()
    assert secret not in ours.lower()
    assert "<token>" in logged
    assert shown[-1]["text"].startswith("抱歉，处理您的消息时出了点问题：回复没能发出。您的回答已保存")

    # The answer was saved before the failed reply: /assess resumes at the next question.
    shown = await chat.send("/assess")
    assert "继续您上次的测评" in shown[0]["text"]
    assert chat.question_id() == "in_city"


async def test_the_admin_chat_hears_of_a_failed_update_without_user_text_or_token(tmp_path: Path) -> None:
    async with bot_harness(tmp_path, IPBOT_ADMIN_CHAT_ID=-100_777) as bot:
        await bot.start()
        chat = bot.chat(1102)
        bot.fake.fail_next("sendMessage", status=400, description=f"Bad Request: boom at /bot{bot.fake.token}/x")
        await chat.send("我们公司的秘密数字是123456")
        [alert] = bot.fake.texts_to(-100_777)
        assert "failed" in alert and "BadRequest" in alert and "text" in alert
        assert "123456" not in alert and "秘密" not in alert and "1102" not in alert
        assert bot.fake.token.partition(":")[2] not in alert


async def test_flood_control_is_retried(bot: Harness) -> None:
    chat = bot.chat(1201)
    bot.fake.fail_next("sendMessage", status=429, retry_after=1)
    [greeting] = await chat.send("/start")
    assert "石家庄市知识产权政策助手" in greeting["text"]
    assert len(bot.fake.calls_of("sendMessage", chat_id=chat.chat_id)) == 2  # refused once, then sent


async def test_webhook_mode_checks_the_secret(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    async with bot_harness(tmp_path, WEBHOOK_URL=url, WEBHOOK_SECRET="s3cret-Token_1", WEBHOOK_LISTEN="127.0.0.1",
                           WEBHOOK_PORT=port) as bot:
        await bot.start()
        assert bot.fake.webhook_url == url
        assert bot.fake.webhook_secret_token == "s3cret-Token_1"
        assert not bot.fake.calls_of("getUpdates")
        chat = bot.chat(1301)

        update = bot.fake.user_message(chat.chat_id, "/start", enqueue=False)
        assert await bot.fake.post_webhook(url, update, secret_token="s3cret-Token_1") == 200
        await bot.processed(update)
        [greeting] = chat.new()
        assert "石家庄市知识产权政策助手" in greeting["text"]

        forged = bot.fake.user_message(chat.chat_id, "/forget", enqueue=False)
        assert await bot.fake.post_webhook(url, forged) == 403
        assert await bot.fake.post_webhook(url, forged, secret_token="wrong") == 403
        # a real update after the forged ones is processed; the forged ones never were
        later = bot.fake.user_message(chat.chat_id, "/help", enqueue=False)
        assert await bot.fake.post_webhook(url, later, secret_token="s3cret-Token_1") == 200
        await bot.processed(later)
        assert forged["update_id"] not in bot.updates.done
        assert len(chat.new()) == 1


async def test_reload_keeps_the_old_knowledge_base_when_the_new_one_is_invalid(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    shutil.copytree(Path(__file__).parents[1] / "knowledge" / "data", kb_dir)
    async with bot_harness(tmp_path / "data", IPBOT_KB_DIR=kb_dir) as bot:
        await bot.start()
        staff, user = bot.chat(STAFF), bot.chat(1401)
        await user.send("/assess")

        (kb_dir / "facts.yaml").write_text("facts: [this is: not, a: fact catalogue\n", encoding="utf-8")
        [refused] = await staff.send("/reload")
        assert refused["text"].startswith("新的知识库有错误，未加载，仍在使用原来的版本")
        assert "facts.yaml" in refused["text"]
        await user.press("企业")  # the old knowledge base still answers
        assert user.question_id() == "in_city"

        shutil.copy(Path(__file__).parents[1] / "knowledge" / "data" / "facts.yaml", kb_dir / "facts.yaml")
        [done] = await staff.send("/reload")
        assert done["text"].startswith("知识库已重新加载")
        await user.press("是")  # sessions survive the swap
        assert user.question_id() == "group:achievements"

        # Not staff: /reload and /stats are unknown commands.
        [unknown] = await user.send("/reload")
        assert unknown["text"] == "没有这个命令。发送 /help 查看可用命令。"


async def test_stats_count_questions_and_assessments_without_user_ids(bot: Harness) -> None:
    user = bot.chat(1501)
    await user.send("/assess")
    await answer_by_buttons(user, BY_BUTTONS)
    await user.send("质押贷款贴息最多多少？")
    await user.send("明天会下雨吗")  # not about the policy: an unanswered question
    origin = {"type": "hidden_user", "sender_user_name": "客户", "date": 1_700_000_000}
    await user.send("专利银奖奖励多少钱", forward_origin=origin)

    staff = bot.chat(STAFF)
    [stats] = await staff.send("/stats")
    text = stats["text"]
    assert "2025-05-03 至 2025-06-01（30 天）" in text
    assert "提问：3（其中未能回答：1）" in text
    assert "自助测评：开始 1，完成 1" in text
    assert "转发的客户咨询：1" in text
    assert "知识产权质押贷款贴息 （四）1：1 次" in text
    assert "中国专利奖获奖奖励 （二）：1 次" in text
    columns = [c[1] for c in sqlite_rows(bot.settings.store_url(), "pragma table_info(usage_stats)")]
    rows = sqlite_rows(bot.settings.store_url(), "select * from usage_stats")
    assert columns == ["day", "kind", "item", "count"]
    assert rows and not any(str(user.chat_id) in " ".join(map(str, row)) for row in rows)

    [week] = await staff.send("/stats 7")
    assert "2025-05-26 至 2025-06-01（7 天）" in week["text"]
    [usage] = await staff.send("/stats soon")
    assert usage["text"].startswith("用法")

    # Typed in a group, the figures go to the staff member privately, nothing to the group.
    group = -100_1501
    await bot.processed(bot.fake.user_message(group, "/stats", user_id=STAFF, chat_type="supergroup"))
    assert not bot.fake.messages_to(group)
    assert "提问：3" in bot.fake.messages_to(STAFF)[-1]["text"]


async def test_the_bot_process_polls_answers_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    async with FakeBotApi() as fake, bot_process(tmp_path, fake) as process:
        await fake.wait_for_calls("getUpdates", timeout=30)
        fake.user_message(4242, "/start")
        [sent] = await fake.wait_for_calls("sendMessage", chat_id=4242, timeout=WAIT)
        assert "石家庄市知识产权政策助手" in sent["text"]
        process.send_signal(signal.SIGTERM)
        out, log = await outputs(process, WAIT)
    print(log)
    assert process.returncode == 0, log
    assert fake.token.partition(":")[2] not in log.lower() and fake.token not in out
    [line] = [ln for ln in log.splitlines() if "update id=" in ln]
    assert "kind=command:start" in line and "chat=4242" not in line and re.search(r"ms=\d", line)
    assert (tmp_path / "data" / "ipbot.db").exists()  # the sessions' SQLite file


async def test_the_bot_process_refuses_an_invalid_knowledge_base(tmp_path: Path) -> None:
    (tmp_path / "kb").mkdir()
    async with FakeBotApi() as fake, bot_process(tmp_path, fake, IPBOT_KB_DIR=str(tmp_path / "kb")) as process:
        _, err = await outputs(process)
    assert process.returncode == 2
    assert "knowledge base is invalid" in err
    assert "Traceback" not in err
