"""Tests for the fake Telegram Bot API, driven by a real python-telegram-bot Application."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from fakes.bot_api import FakeBotApi, free_port

CHAT = 4242
KEYBOARD = {
    "inline_keyboard": [
        [
            {"text": "资格自测", "callback_data": "check"},
            {"text": "政策列表", "callback_data": "policies"},
        ]
    ]
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("资格自测", callback_data="check"),
                InlineKeyboardButton("政策列表", callback_data="policies"),
            ]
        ]
    )
    await update.effective_message.reply_text("欢迎使用知识产权政策助手", reply_markup=markup)


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(f"你选择了：{query.data}")


def build_app(fake: FakeBotApi) -> Application:  # type: ignore[type-arg]
    app = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CallbackQueryHandler(_button))
    return app


@contextlib.asynccontextmanager
async def polling(app: Application) -> AsyncIterator[None]:  # type: ignore[type-arg]
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield
        finally:
            await app.updater.stop()
            await app.stop()


async def test_start_button_edit_roundtrip_with_polling(fake: FakeBotApi) -> None:
    app = build_app(fake)
    async with polling(app):
        fake.user_message(CHAT, "/start")
        [sent] = await fake.wait_for_calls("sendMessage", chat_id=CHAT, timeout=3)
        assert sent["chat_id"] == CHAT
        assert sent["text"] == "欢迎使用知识产权政策助手"
        assert sent["reply_markup"] == KEYBOARD

        [shown] = fake.messages_to(CHAT)
        assert shown["reply_markup"] == KEYBOARD
        fake.press_button(CHAT, shown["message_id"], "policies")

        [answer] = await fake.wait_for_calls("answerCallbackQuery", timeout=3)
        [edit] = await fake.wait_for_calls("editMessageText", chat_id=CHAT, timeout=3)
        assert edit["message_id"] == shown["message_id"]
        assert edit["text"] == "你选择了：policies"
        assert answer["callback_query_id"]

    called = [name for name, _ in fake.calls]
    assert called[:2] == ["getMe", "deleteWebhook"]
    assert "getUpdates" in called
    assert fake.texts_to(CHAT) == ["欢迎使用知识产权政策助手", "你选择了：policies"]
    # editing without reply_markup drops the keyboard, as on Telegram
    current = fake.message(CHAT, shown["message_id"])
    assert current is not None and "reply_markup" not in current
    # the cleanup getUpdates on stop confirmed everything
    assert fake.pending_updates == []


async def test_user_message_shape(fake: FakeBotApi) -> None:
    update = fake.user_message(CHAT, "/start deep", enqueue=False)
    message = update["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"]["language_code"] == "zh-hans"
    assert message["chat"] == {"id": CHAT, "type": "private", "first_name": f"User{CHAT}"}
    assert fake.pending_updates == []
    parsed = Update.de_json(update, None)
    assert parsed.effective_message is not None
    assert parsed.effective_message.text == "/start deep"

    group = fake.user_message(-100123, "hello", chat_type="supergroup", reply_to_message=message)
    assert group["message"]["chat"]["type"] == "supergroup"
    assert "entities" not in group["message"]
    assert group["message"]["reply_to_message"]["text"] == "/start deep"
    assert group["update_id"] > update["update_id"]


async def test_form_params_are_decoded(fake: FakeBotApi) -> None:
    app = build_app(fake)
    async with app:
        message = await app.bot.send_message(
            CHAT,
            "123",
            reply_markup=InlineKeyboardMarkup.from_button(InlineKeyboardButton("a", callback_data="1")),
        )
        assert message.text == "123"
        assert message.from_user is not None and message.from_user.is_bot
        assert message.reply_markup is not None
        second = await app.bot.send_message(CHAT, "again")
        assert second.message_id == message.message_id + 1
        assert await app.bot.send_chat_action(CHAT, "typing")
        assert await app.bot.delete_message(CHAT, second.message_id)
        with pytest.raises(BadRequest, match="not modified"):
            await app.bot.edit_message_text(
                "123", CHAT, message.message_id, reply_markup=message.reply_markup
            )

        assert await app.bot.set_my_commands([BotCommand("start", "开始")], language_code="zh")
        assert await app.bot.get_my_commands(language_code="zh") == (BotCommand("start", "开始"),)
        assert await app.bot.get_my_commands() == ()

    [sent, _] = fake.calls_of("sendMessage")
    assert sent["chat_id"] == CHAT
    assert sent["text"] == "123"  # free text stays a string
    assert sent["reply_markup"] == {"inline_keyboard": [[{"text": "a", "callback_data": "1"}]]}
    assert fake.commands == {"zh": [{"command": "start", "description": "开始"}]}


async def test_get_updates_long_poll_and_offset(fake: FakeBotApi) -> None:
    app = build_app(fake)
    async with app:
        assert await app.bot.get_updates(timeout=1) == ()  # a long poll with nothing to hand out

        poll = asyncio.create_task(app.bot.get_updates(timeout=3))
        await fake.wait_for_calls("getUpdates", 2, timeout=2)
        first = fake.user_message(CHAT, "hi")
        fake.inline_query(7, "专利")
        updates = await asyncio.wait_for(poll, timeout=2)  # woken by the update, long before its 3 s
        assert [u.update_id for u in updates] == [first["update_id"], first["update_id"] + 1]
        assert updates[1].inline_query is not None and updates[1].inline_query.query == "专利"

        # updates stay until confirmed through offset
        assert len(await app.bot.get_updates(timeout=0)) == 2
        assert len(await app.bot.get_updates(offset=updates[1].update_id, timeout=0)) == 1
        assert await app.bot.get_updates(offset=updates[1].update_id + 1, timeout=0) == ()
        assert fake.pending_updates == []


async def test_stop_releases_pending_long_poll() -> None:
    fake = FakeBotApi()
    await fake.start()
    app = build_app(fake)
    async with app:
        poll = asyncio.create_task(app.bot.get_updates(timeout=4))
        await fake.wait_for_calls("getUpdates", timeout=2)
        await asyncio.wait_for(fake.stop(), timeout=2)
        assert await asyncio.wait_for(poll, timeout=2) == ()


async def test_retry_after_is_surfaced(fake: FakeBotApi, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without PTB_TIMEDELTA, PTB 22 warns (PTBDeprecationWarning) while *constructing* RetryAfter,
    # which filterwarnings=error turns into an exception instead of RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    fake.fail_next("sendMessage", status=429, retry_after=3)
    app = build_app(fake)
    async with app:
        with pytest.raises(RetryAfter) as caught:
            await app.bot.send_message(CHAT, "hello")
        assert caught.value.retry_after == dtm.timedelta(seconds=3)
        # only the next call fails
        message = await app.bot.send_message(CHAT, "hello")
        assert message.text == "hello"

        fake.fail_next("sendMessage", status=500, times=2)
        for _ in range(2):
            with pytest.raises(NetworkError, match="Internal Server Error"):
                await app.bot.send_message(CHAT, "x")

        fake.delay_next("sendChatAction", 0.3)
        loop = asyncio.get_running_loop()
        started = loop.time()
        assert await app.bot.send_chat_action(CHAT, "typing")
        assert loop.time() - started >= 0.3

    assert len(fake.calls_of("sendMessage", chat_id=CHAT)) == 4  # failed attempts are recorded
    assert fake.texts_to(CHAT) == ["hello"]


async def test_unknown_method_and_bad_token(fake: FakeBotApi) -> None:
    app = build_app(fake)
    async with app:
        with pytest.raises(BadRequest, match="does not implement"):
            await app.bot.do_api_request("frobnicateChat", api_kwargs={"chat_id": CHAT})
    async with httpx.AsyncClient(trust_env=False, timeout=3) as client:
        response = await client.post(f"{fake.base_url}{fake.token}/noSuchMethod", data={"a": "1"})
        assert response.status_code == 400
        body = response.json()
        assert body["ok"] is False and body["error_code"] == 400
        wrong = await client.post(f"{fake.base_url}999:nope/getMe")
        assert wrong.status_code == 401
    assert ("frobnicateChat", {"chat_id": CHAT}) in fake.calls


async def test_webhook_mode_checks_secret(fake: FakeBotApi) -> None:
    app = build_app(fake)
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1", port=port, url_path="hook", webhook_url=url, secret_token="s3cret"
        )
        try:
            assert fake.webhook_url == url
            assert fake.webhook_secret_token == "s3cret"

            update = fake.user_message(CHAT, "/start", enqueue=False)
            assert await fake.post_webhook(url, update, secret_token="s3cret") == 200
            [sent] = await fake.wait_for_calls("sendMessage", chat_id=CHAT, timeout=3)
            assert sent["reply_markup"] == KEYBOARD

            rejected = fake.user_message(CHAT, "/start", enqueue=False)
            assert await fake.post_webhook(url, rejected) == 403
            assert await fake.post_webhook(url, rejected, secret_token="wrong") == 403
            await asyncio.sleep(0.1)
            assert len(fake.calls_of("sendMessage")) == 1
        finally:
            await app.updater.stop()
            await app.stop()


async def test_the_webhook_gets_every_update_again_until_it_answers_2xx() -> None:
    """As Telegram does: an update not answered 2xx (or not at all) is delivered again, in order per chat."""
    from aiohttp import web

    answers = [500, 503, 0, 200, 200, 200]  # 0: the connection is dropped without an answer
    seen: list[tuple[int, str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        update = await request.json()
        seen.append((update["update_id"], request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        status = answers.pop(0) if answers else 200
        if status == 0:
            assert request.transport is not None
            request.transport.close()
        return web.Response(status=status or 200)

    server = web.Application()
    server.router.add_post("/hook", hook)
    runner = web.AppRunner(server)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with FakeBotApi(deliver_webhooks=True, redelivery_delay_s=0.01) as fake:
            first = fake.user_message(CHAT, "one")
            second = fake.user_message(CHAT, "two")
            async with httpx.AsyncClient(trust_env=False) as client:
                url = f"{fake.base_url}{fake.token}/setWebhook"
                response = await client.post(url, json={"url": f"http://127.0.0.1:{port}/hook", "secret_token": "s"})
                assert response.json()["ok"]
            async with asyncio.timeout(10):
                while fake.pending_updates:
                    await asyncio.sleep(0.01)
            ids = [uid for uid, _ in seen]
            # the first update four times (500, 503, dropped, 200), and only then the second: one chat, in order
            assert ids == [first["update_id"]] * 4 + [second["update_id"]]
            assert {secret for _, secret in seen} == {"s"}
            assert fake.deliveries[first["update_id"]] == 4 and fake.deliveries[second["update_id"]] == 1
    finally:
        await runner.cleanup()
