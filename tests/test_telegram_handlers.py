"""Fast checks of the Telegram channel, in process: no sockets, no polling loop.

The real Application is built by the composition root with an in-process :class:`BaseRequest`
that hands each Bot API call straight to the :class:`FakeBotApi` logic; updates come from the
fake's factory and go through ``Application.process_update``, so when a call returns, every reply
has been sent. Then: the pure parts (the update processor, the statistics, rendering) on their own,
and properties of everything the dialog core can produce (callback data, length, HTML).
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import warnings
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from telegram import InlineKeyboardMarkup, Update

from bot.channels.telegram.app import build_application
from bot.channels.telegram.identity import parse_command
from bot.channels.telegram.processor import PerChatUpdateProcessor, UpdateDone
from bot.channels.telegram.render import MAX_TEXT, fit, keyboard, tg_text, utf16_len
from bot.channels.telegram.reporting import describe
from bot.channels.telegram.runtime import ConfigError, webhook_kwargs, webhook_secret
from bot.channels.telegram.staff import stats_period
from bot.dialog.callbacks import code_of
from bot.dialog.model import ButtonInput, CommandInput, Input, Reply, SessionState, TextInput
from bot.redact import RedactingFilter, Redactor
from bot.services import PolicyRuntime, build_runtime
from bot.settings import Settings
from bot.storage.factory import open_store
from bot.storage.stats import MemoryStats, assessment_events, open_stats
from eligibility.questionnaire import question_by_id
from fakes.bot_api import FakeBotApi
from fakes.in_process import BOT_USERNAME, InProcessBot, settings_for
from fakes.telegram_bot import STAFF, TODAY, buttons_of
from fakes.telegram_html import assert_telegram_html
from knowledge.models import Fact
from pg import PG_URL, create_pg_schema, drop_pg_schema

JSON = dict[str, Any]
GROUP = -100_555


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[InProcessBot]:
    fake = FakeBotApi(bot_username=BOT_USERNAME)
    async with InProcessBot(fake, settings_for(fake, tmp_path)) as in_process:
        yield in_process


# -- groups -----------------------------------------------------------------------------------------

async def test_in_groups_the_bot_answers_commands_mentions_and_replies_only(bot: InProcessBot) -> None:
    assert await bot.say(GROUP, "大家好，今天开会", chat_type="supergroup") == []
    assert await bot.say(GROUP, "/help@other_bot", chat_type="supergroup") == []

    [helped] = await bot.say(GROUP, "/help", chat_type="supergroup")
    assert helped["text"].startswith("使用方法")
    [helped] = await bot.say(GROUP, f"/help@{BOT_USERNAME}", chat_type="supergroup")
    assert helped["text"].startswith("使用方法")

    mention = bot.fake.user_message(GROUP, f"@{BOT_USERNAME} /assess 怎么用", chat_type="supergroup",
                                    enqueue=False)
    mention["message"]["entities"] = [{"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}]
    calls = await bot.feed(mention)
    sent = [p for m, p in calls if m == "sendMessage"]
    assert sent, bot.transcript
    assert sent[0]["reply_parameters"]["message_id"] == mention["message"]["message_id"]

    # A reply to one of the bot's messages is for the bot; a reply to someone else's is not.
    bot_message = bot.fake.messages_to(GROUP)[-1]["message_id"]
    assert await bot.say(GROUP, "是", chat_type="supergroup", reply_to_message=bot_message)
    people = bot.fake.user_message(GROUP, "随便聊聊", chat_type="supergroup", enqueue=False)
    assert await bot.say(GROUP, "同意", chat_type="supergroup",
                         reply_to_message=people["message"]["message_id"]) == []
    # Forwarded messages in a group are the group's business.
    origin = {"type": "hidden_user", "sender_user_name": "某人", "date": 1_700_000_000}
    assert await bot.say(GROUP, "我们拿了专利银奖", chat_type="supergroup", forward_origin=origin) == []


async def test_private_chats_answer_everything_and_explain_non_text(bot: InProcessBot) -> None:
    sticker = bot.fake.user_message(42, "x", enqueue=False)
    del sticker["message"]["text"]
    sticker["message"]["sticker"] = {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1,
                                     "height": 1, "is_animated": False, "is_video": False}
    calls = await bot.feed(sticker)
    [notice] = [p for m, p in calls if m == "sendMessage"]
    assert notice["text"].startswith("抱歉，我只能读文字消息")


async def test_a_forwarded_command_is_a_customer_message_not_a_command(bot: InProcessBot) -> None:
    await bot.say(43, "/assess")
    origin = {"type": "user", "sender_user": {"id": 5, "is_bot": False, "first_name": "客户"}, "date": 1}
    paste, notes = await bot.say(43, "/forget 我们拿了专利银奖", forward_origin=origin)
    assert paste["text"].startswith("您好") and notes["text"].startswith("<b>客户咨询")
    [resumed] = (await bot.say(43, "/assess"))[:1]
    assert resumed["text"].startswith("继续您上次的测评")  # nothing was forgotten


# -- staff ------------------------------------------------------------------------------------------

async def test_staff_commands_are_unknown_commands_for_everyone_else(bot: InProcessBot) -> None:
    for command in ("/stats", "/reload"):
        [reply] = await bot.say(7, command)
        assert reply["text"] == "没有这个命令。发送 /help 查看可用命令。"
    [stats] = await bot.say(STAFF, "/stats")
    assert stats["text"].startswith("<b>使用统计</b> 2025-05-03 至 2025-06-01")
    [stats] = await bot.say(STAFF, "/stats 2025-01-01 2025-01-31", language_code="en")
    assert stats["text"].startswith("<b>Usage</b> 2025-01-01 to 2025-01-31 (31 days)")
    [reloaded] = await bot.say(STAFF, "/reload")
    assert reloaded["text"].startswith("知识库已重新加载")


def test_stats_period_arguments() -> None:
    today = date(2025, 6, 1)
    assert stats_period([], today) == (date(2025, 5, 3), today)
    assert stats_period(["1"], today) == (today, today)
    assert stats_period(["0"], today) == (today, today)
    assert stats_period(["2025-01-01", "2025-01-31"], today) == (date(2025, 1, 1), date(2025, 1, 31))
    assert stats_period(["2025-02-01", "2025-01-31"], today) is None
    assert stats_period(["soon"], today) is None
    assert stats_period(["1", "2", "3"], today) is None


# -- rendering through Telegram -------------------------------------------------------------------

async def test_refused_html_is_resent_as_plain_text(bot: InProcessBot) -> None:
    bot.fake.fail_next("sendMessage", status=400,
                       description="Bad Request: can't parse entities: unsupported start tag")
    calls = await bot.feed(bot.fake.user_message(8, "/start", enqueue=False))
    first, second = [p for m, p in calls if m == "sendMessage"]
    assert first["parse_mode"] == "HTML" and "parse_mode" not in second
    assert second["text"].startswith("您好！")
    assert buttons_of(second["reply_markup"])  # the menu survives


async def test_an_unchanged_edit_is_not_sent_again(bot: InProcessBot) -> None:
    await bot.say(9, "/assess")
    question = bot.fake.messages_to(9)[-1]
    enterprise = next(b for b in buttons_of(question["reply_markup"]) if b["text"] == "企业")
    bot.fake.fail_next("editMessageText", status=400, description="Bad Request: message is not modified")
    calls = await bot.feed(bot.fake.press_button(9, question["message_id"], enterprise["callback_data"],
                                                 enqueue=False))
    assert [m for m, _ in calls] == ["answerCallbackQuery", "editMessageText"]


async def test_inline_cards_follow_the_users_language(bot: InProcessBot) -> None:
    calls = await bot.feed(bot.fake.inline_query(11, "", language_code="en", enqueue=False))
    [(method, answer)] = calls
    assert method == "answerInlineQuery" and answer["is_personal"] is True
    assert 1 <= len(answer["results"]) <= 10
    assert all(re.search(r"[A-Za-z]", r["title"]) for r in answer["results"])


async def test_long_helpdesk_messages_are_answered_within_limits(bot: InProcessBot) -> None:
    origin = {"type": "channel", "chat": {"id": -100_777, "type": "channel", "title": "客户群"},
              "message_id": 5, "date": 1_700_000_000}
    long = "我们是生物医药企业，去年拿了专利银奖，今年质押贷款付息80万。" * 120
    sent = await bot.say(12, long[:4000], forward_origin=origin)
    assert sent and all(utf16_len(p["text"]) <= MAX_TEXT for p in sent)
    for p in sent:
        assert_telegram_html(p["text"])


# -- the update processor ---------------------------------------------------------------------------

def _update(update_id: int, chat_id: int) -> Update:
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "chat": {"id": chat_id, "type": "private"}, "text": "x"}}, None)


async def test_processor_serialises_a_chat_and_runs_chats_side_by_side() -> None:
    log: list[tuple[str, int, int]] = []
    running: dict[int, int] = {}
    peak = {"all": 0}
    done: list[UpdateDone] = []

    async def work(update_id: int, chat_id: int, seconds: float) -> None:
        running[chat_id] = running.get(chat_id, 0) + 1
        assert running[chat_id] == 1, "two updates of one chat at once"
        peak["all"] = max(peak["all"], sum(running.values()))
        log.append(("start", chat_id, update_id))
        await asyncio.sleep(seconds)
        log.append(("end", chat_id, update_id))
        running[chat_id] -= 1

    processor = PerChatUpdateProcessor(2, on_done=done.append)
    async with processor:
        jobs = [(1, 100, 0.03), (2, 100, 0.0), (3, 200, 0.02), (4, 100, 0.01), (5, 300, 0.02), (6, 200, 0.0)]
        tasks = [asyncio.create_task(processor.process_update(_update(u, c), work(u, c, s))) for u, c, s in jobs]
        async with asyncio.timeout(5):
            await asyncio.gather(*tasks)
        assert processor.chats_in_flight == 0  # idle locks are dropped
    for chat in (100, 200, 300):
        starts = [u for kind, c, u in log if kind == "start" and c == chat]
        assert starts == sorted(starts), f"chat {chat} out of order: {starts}"
    assert peak["all"] == 2  # two chats at once, never more than the cap
    assert sorted(d.update.update_id for d in done if isinstance(d.update, Update)) == [1, 2, 3, 4, 5, 6]
    assert all(d.took_s >= 0 and d.waited_s >= 0 for d in done)


async def test_a_flooding_chat_does_not_take_the_other_chats_slots() -> None:
    processor = PerChatUpdateProcessor(2, max_pending=64)
    gate = asyncio.Event()
    order: list[int] = []

    async def flood(update_id: int) -> None:
        await gate.wait()
        order.append(update_id)

    async def quick(update_id: int) -> None:
        order.append(update_id)

    async with processor:
        tasks = [asyncio.create_task(processor.process_update(_update(i, 1), flood(i))) for i in range(1, 21)]
        other = asyncio.create_task(processor.process_update(_update(99, 2), quick(99)))
        async with asyncio.timeout(5):
            await other  # not stuck behind chat 1's twenty updates
            gate.set()
            await asyncio.gather(*tasks)
    assert order[0] == 99 and order[1:] == list(range(1, 21))


def test_processor_limits_are_checked() -> None:
    with pytest.raises(ValueError, match="max_concurrent"):
        PerChatUpdateProcessor(0)
    with pytest.raises(ValueError, match="max_pending"):
        PerChatUpdateProcessor(8, max_pending=4)


# -- statistics --------------------------------------------------------------------------------------

def _state(mode: str, history: int = 0, facts: bool = True) -> JSON:
    return {"v": 1, "mode": mode, "history": [{"q": f"q{i}", "set": {}} for i in range(history)],
            "facts": {"in_city": True} if facts else {}}


def test_assessment_events_from_state_changes() -> None:
    started, finished = [("assessment_started", "")], [("assessment_finished", "")]
    assert assessment_events(None, _state("assess", 0, facts=False)) == started
    assert assessment_events(_state("idle"), _state("assess")) == started
    assert assessment_events(_state("done", 5), _state("assess", 0, facts=False)) == started  # restart
    assert assessment_events(_state("assess", 4), _state("assess", 0, facts=False)) == started  # restart
    assert assessment_events(_state("assess", 3), _state("assess", 4)) == []  # an answer
    assert assessment_events(_state("assess", 3), _state("assess", 2)) == []  # back
    assert assessment_events(_state("done", 5), _state("assess", 4)) == []  # back from the result
    assert assessment_events(_state("assess", 5), _state("done", 6)) == finished
    assert assessment_events(_state("done", 6), _state("done", 7)) == []  # an answer changed
    assert assessment_events(_state("assess", 2), None) == []  # forgotten


@pytest.mark.parametrize("backend", ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_stats_count_per_day_and_kind(backend: str, tmp_path: Path) -> None:
    """The same counts in memory, in the embedded store's SQLite file and in PostgreSQL."""
    schema = await create_pg_schema() if backend == "postgres" else None
    store = open_store(PG_URL, schema=schema) if schema else open_store(f"sqlite:///{tmp_path / 's.db'}")
    stats = MemoryStats() if backend == "memory" else open_stats(store)
    try:
        await stats.record(date(2025, 5, 1), [("question", ""), ("benefit", "pledge_loan_interest"),
                                              ("question", ""), ("unanswered", "")])
        await stats.record(date(2025, 5, 2), [("benefit", "pledge_loan_interest"), ("benefit", "china_patent_award"),
                                              ("assessment_started", "")])
        await stats.record(date(2025, 6, 1), [("question", "")])
        await stats.record(date(2025, 5, 2), [("not a kind", "x")])  # type: ignore[list-item]
        summary = await stats.summary(date(2025, 5, 1), date(2025, 5, 31))
    finally:
        await store.close()
        if schema:
            await drop_pg_schema(schema)
    assert summary.totals == {"question": 2, "unanswered": 1, "benefit": 3, "assessment_started": 1}
    assert summary.benefits == [("pledge_loan_interest", 2), ("china_patent_award", 1)]


# -- logging ---------------------------------------------------------------------------------------

def test_redactor_removes_the_token_in_any_case_and_hashes_chats() -> None:
    token = "123456789:AAFakeTokenForIpbotTests_0123456789"
    redact = Redactor(token)
    assert redact(f"POST /bot{token}/getMe") == "POST /bot<token>/getMe"
    assert redact(f"Boom at /bot{token.lower()}/x") == "Boom at /bot<token>/x"
    assert redact("123456789%3AAAFakeTokenForIpbotTests_0123456789") == "<token>"
    assert redact.chat(42) == Redactor(token).chat(42) != Redactor(token + "x").chat(42)
    assert "42" not in redact.chat(42) and len(redact.chat(42)) == 12


def test_the_logging_filter_keeps_the_token_out_of_messages_and_tracebacks() -> None:
    token = "123456789:AAFakeTokenForIpbotTests_0123456789"
    record: logging.LogRecord
    try:
        raise RuntimeError(f"url https://api.telegram.org/bot{token}/getUpdates failed")
    except RuntimeError as exc:
        record = logging.LogRecord("httpx", logging.ERROR, __file__, 1, "request %s", (f"/bot{token}/x",),
                                   (type(exc), exc, exc.__traceback__))
    assert RedactingFilter(Redactor(token)).filter(record)
    formatted = logging.Formatter().format(record)
    assert token.partition(":")[2] not in formatted
    assert formatted.count("<token>") >= 2


def test_describe_names_the_kind_of_update() -> None:
    fake = FakeBotApi()
    assert describe(Update.de_json(fake.user_message(1, "/start topic_x", enqueue=False), None)) == "command:start"
    assert describe(Update.de_json(fake.user_message(1, "hello", enqueue=False), None)) == "text"
    assert describe(Update.de_json(fake.press_button(1, 1, "m|assess", enqueue=False), None)) == "button"
    assert describe(Update.de_json(fake.inline_query(1, "q", enqueue=False), None)) == "inline"
    origin = {"type": "hidden_user", "sender_user_name": "x", "date": 1}
    assert describe(Update.de_json(fake.user_message(1, "hi", forward_origin=origin, enqueue=False), None)) \
        == "forward"
    assert describe(object()) == "other"


def test_parse_command() -> None:
    assert parse_command("/start topic_finance", "ipbot") == ("start", "topic_finance")
    assert parse_command("/Start@IPBot  clause_4_1 ", "ipbot") == ("start", "clause_4_1")
    assert parse_command("/help@other_bot", "ipbot") is None
    assert parse_command("/", "ipbot") is None
    assert parse_command("/a-b", "ipbot") is None


# -- settings ------------------------------------------------------------------------------------------

def test_webhook_settings(tmp_path: Path) -> None:
    fake = FakeBotApi()
    settings = settings_for(fake, tmp_path, WEBHOOK_URL="https://bot.example.org/tg/hook",
                                       WEBHOOK_PORT=8443)
    kwargs = webhook_kwargs(settings)
    assert kwargs["url_path"] == "tg/hook" and kwargs["port"] == 8443
    derived = kwargs["secret_token"]
    assert re.fullmatch(r"[0-9a-f]{64}", derived) and fake.token not in derived
    assert webhook_secret(settings) == derived  # the same in every replica
    bad = settings_for(fake, tmp_path, WEBHOOK_URL="https://x/h", WEBHOOK_SECRET="no spaces!")
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        webhook_kwargs(bad)
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        build_application(settings_for(fake, tmp_path, TELEGRAM_BOT_TOKEN=None))


# -- rendering ----------------------------------------------------------------------------------------

def test_fit_splits_on_line_ends_counting_utf16_units() -> None:
    assert fit("短消息") == ["短消息"]
    lines = [f"第{i}行：知识产权质押贷款贴息 😀" for i in range(400)]
    parts = fit("\n".join(lines))
    assert len(parts) > 1 and all(utf16_len(p) <= MAX_TEXT for p in parts)
    assert "\n".join(parts) == "\n".join(lines)  # nothing lost, cut only between lines
    overlong = "a" * 4093 + "&amp;" + "b" * 10
    cut = fit(overlong)
    assert cut[0] == "a" * 4093 and cut[1].startswith("&amp;")  # never inside an entity
    assert all(utf16_len(p) <= 100 for p in fit("😀" * 120, limit=100))


# -- everything the dialog can produce -----------------------------------------------------------------

def check_reply(reply: Reply) -> None:
    assert reply.text.strip(), "empty message"
    for part in fit(reply.text):
        assert utf16_len(part) <= MAX_TEXT
    assert utf16_len(reply.text) <= MAX_TEXT, "the core should split its own long texts"
    assert_telegram_html(reply.text)
    for row in reply.buttons:
        for b in row:
            if b.url is not None or b.share is not None:  # a link or a share: no callback
                assert (b.url or "").startswith("https://t.me/") or b.share
                continue
            assert 1 <= len(b.data.encode()) <= 64, f"callback data {b.data!r} is {len(b.data.encode())} bytes"
            assert code_of(b.data) is not None, f"callback data {b.data!r} has no known code"
            assert b.label.strip()
    markup = keyboard(reply.buttons)
    if markup is not None:  # the Bot API's InlineKeyboardMarkup, as PTB reads it
        assert InlineKeyboardMarkup.de_json(markup, None).to_dict() == markup


@pytest.fixture(scope="module")
def engine() -> PolicyRuntime:
    settings = Settings(_env_file=None, IPBOT_KB_DIR=None, IPBOT_POLICY_PUBLISHED_ON=None)  # type: ignore[call-arg]
    return build_runtime(settings)


def _sample_value(fact: Fact) -> object:
    if fact.type == "number":
        return fact.minimum if fact.minimum is not None else 1  # a count from 1, a year from its first
    options = fact.option_ids()
    return {"bool": True, "money": 800_000, "money_list": [50_000_000]}.get(fact.type, options[0] if options else 1)


def test_every_question_clause_and_menu_fits_telegram(engine: PolicyRuntime) -> None:
    kb, dialog = engine.kb, engine.dialog
    for lang in ("zh", "en"):
        ids = [*kb.facts, *(f"group:{g.id}" for g in kb.question_groups)]
        for qid in ids:
            q = question_by_id(kb, qid, {}, TODAY, engine.validity)
            assert q is not None, qid
            check_reply(dialog.views.question(q, lang, number=99, left=99, ticked=[o.value for o in q.options]))
        for b in kb.benefits:
            check_reply(dialog.views.clause(b, lang))
        check_reply(dialog.views.clause_menu(lang))
        # "change an answer" lists every fact answered: all of them
        facts = {f.id: _sample_value(f) for f in kb.facts.values()}
        state = SessionState.from_json({"v": 1, "lang": lang, "mode": "done", "facts": facts}, kb)
        assert len(state.facts) == len(kb.facts)
        for command in ("answers", "result", "why", "help", "start", "clauses", "cancel", "nonsense"):
            replies, _ = dialog.handle(state, CommandInput(command), TODAY)
            for reply in replies:
                check_reply(reply)
        for card in dialog.inline("", lang) + dialog.inline("贴息", lang):
            assert card.title and len(card.id) <= 64
            assert_telegram_html(card.text)
            assert utf16_len(fit(card.text)[0]) <= MAX_TEXT


_TYPED: list[Input] = [
    TextInput("是"), TextInput("否"), TextInput("不确定"), TextInput("上一题"), TextInput("80万"),
    TextInput("1,3"), TextInput("都没有"), TextInput("银奖"), TextInput("重新开始"), TextInput("结果"),
    TextInput("<b>&amp; 贴息上限多少？</b>"), TextInput("我们今年还拿了马德里注册"), TextInput("english"),
    TextInput("x" * 5000), CommandInput("assess"), CommandInput("clauses"), CommandInput("lang"),
    CommandInput("start", "topic_finance"), CommandInput("start", "clause_4_1"), CommandInput("cancel"),
    ButtonInput("a|entity_type|99"), ButtonInput("x" * 200), ButtonInput("c|no_such_benefit"),
]


def walk(engine: PolicyRuntime, seed: int, steps: int) -> Iterator[Reply]:
    """A user pressing random buttons and typing random things: every reply on the way."""
    rng = random.Random(seed)
    state = SessionState(lang=rng.choice(["zh", "en"]))
    replies, state = engine.dialog.handle(state, CommandInput("start"), TODAY)
    for _ in range(steps):
        yield from replies
        buttons = [b for r in replies for row in r.buttons for b in row]
        inp: Input = ButtonInput(rng.choice(buttons).data) if buttons and rng.random() < 0.8 else rng.choice(_TYPED)
        replies, state = engine.dialog.handle(state, inp, TODAY)
    yield from replies


@pytest.mark.parametrize("seed", range(6))
def test_random_conversations_only_produce_what_telegram_accepts(engine: PolicyRuntime, seed: int) -> None:
    seen = 0
    for reply in walk(engine, seed, 120):
        check_reply(reply)
        seen += 1
    assert seen > 120


def test_channel_texts_exist_in_both_languages(engine: PolicyRuntime) -> None:
    keys = ["tg.error", "tg.text_only", "tg.reload.refused", "tg.stats.usage", "tg.stats.none",
            *(f"tg.cmd.{c}" for c in ("start", "assess", "ask", "clauses", "lang", "help", "cancel", "forget"))]
    for lang in ("zh", "en"):
        for key in keys:
            value = tg_text(engine.catalog, lang, key)
            assert value and (lang == "zh" or not re.search(r"[\u4e00-\u9fff]{3}", value)), (lang, key)
            assert len(value) <= (256 if key.startswith("tg.cmd.") else MAX_TEXT)


def test_group_members_have_sessions_of_their_own() -> None:
    from telegram import Chat, User

    from bot.channels.telegram.identity import session_key

    group = Chat(-100, "supergroup")
    alice, bob = User(1, "A", False), User(2, "B", False)
    assert session_key(group, alice) != session_key(group, bob)
    assert session_key(Chat(1, "private"), alice) == "tg:1"


async def test_replies_raise_no_warning_even_where_warnings_are_errors(tmp_path: Path) -> None:
    # The replies go through do_api_request on purpose (see bot.channels.telegram.sending); the
    # composition root quiets PTB's advice about it for those calls only, not at import time.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fake = FakeBotApi(bot_username=BOT_USERNAME)
        async with InProcessBot(fake, settings_for(fake, tmp_path)) as in_process:
            await in_process.say(71, "/assess")
            question = fake.messages_to(71)[-1]
            enterprise = next(b for b in buttons_of(question["reply_markup"]) if b["text"] == "企业")
            calls = await in_process.feed(fake.press_button(71, question["message_id"], enterprise["callback_data"],
                                                            enqueue=False))
    assert "editMessageText" in [method for method, _ in calls]  # the pressed question, edited in place
