"""What the reliability section of the README promises: replays after ``/forget`` into the user's other
sessions and of Telegram Business updates change nothing; "saved" is said only after a commit; idle
sessions and old input marks are swept; backpressure at ``IPBOT_MAX_PENDING``.

Store tests run against every store (PostgreSQL: a fresh schema on the server of ``tests/pg.py``,
dropped afterwards); the end-to-end ones drive the real bot through the fake Bot API on loopback.
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "true")  # before PTB is imported: see tests/test_fake_bot_api.py

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from bot.channels.telegram.runtime import webhook_secret
from bot.dialog.model import CommandInput, TextInput
from bot.services import Conversations, PolicyRuntime, build_runtime
from bot.settings import Settings
from bot.storage.base import SessionStore, State, StoredSession, StoreUnavailableError
from bot.storage.factory import open_settings_store, open_store
from bot.storage.memory import MemorySessionStore
from dialog_helpers import TODAY
from fakes.bot_api import FakeBotApi, free_port
from fakes.telegram_bot import Harness, bot_harness, make_settings, watching_updates, webhook_bot
from pg import PG_URL, create_pg_schema, drop_pg_schema

JSON = dict[str, Any]
USER = "tg-user:6101"
PRIVATE, GROUP, BUSINESS = "tg:6101", "tg:-1006102:6101", "tg-biz:bc-6103"


@pytest.fixture(scope="module")
def engine() -> PolicyRuntime:
    return build_runtime(Settings())


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SessionStore]:
    schema = None
    if request.param == "memory":
        opened: SessionStore = MemorySessionStore()
    elif request.param == "sqlite":
        opened = open_store(f"sqlite:///{tmp_path / 'sessions.db'}")
    else:
        schema = await create_pg_schema()
        opened = open_store(PG_URL, schema=schema)
    try:
        async with opened:
            yield opened
    finally:
        if schema is not None:
            await drop_pg_schema(schema)


# -- G1: /forget leaves a mark in every session it deletes ---------------------------------------------

async def test_an_old_update_replayed_into_the_users_other_sessions_after_forget_changes_nothing(
        engine: PolicyRuntime, store: SessionStore) -> None:
    talk = Conversations(engine, store)
    # The user assesses in a group (updates 100, 101) and has a business connection's settings (102).
    await talk.turn(GROUP, CommandInput("assess"), TODAY, user_key=USER, input_id="100")
    await talk.turn(GROUP, TextInput("企业"), TODAY, user_key=USER, input_id="101")
    await store.save(BUSINESS, {"v": 1, "off": []}, None, user_key=USER)
    await talk.turn(PRIVATE, CommandInput("assess"), TODAY, user_key=USER, input_id="103")

    forgot = await talk.turn(PRIVATE, CommandInput("forget"), TODAY, user_key=USER, input_id="110")
    assert forgot.after is None
    for key in (PRIVATE, GROUP, BUSINESS):
        assert await store.load(key) is None, key
        assert await store.input_mark(key) == "110", key  # each session deleted keeps the /forget's id

    # Old updates replayed (a network's or an attacker's) into the group: nothing comes back.
    for input_id, inp in (("101", TextInput("企业")), ("100", CommandInput("assess")),
                          ("105", TextInput("是"))):
        replayed = await talk.turn(GROUP, inp, TODAY, user_key=USER, input_id=input_id)
        assert not replayed.applied and replayed.replies == [], input_id
        assert await store.load(GROUP) is None, input_id
    # A new update after the /forget is a new conversation, as it should be.
    fresh = await talk.turn(GROUP, CommandInput("assess"), TODAY, user_key=USER, input_id="111")
    assert fresh.applied and await store.load(GROUP) is not None


async def test_a_user_deleted_without_a_mark_leaves_no_mark(store: SessionStore) -> None:
    """Erasure for other reasons (no update id to order by) keeps nothing, as before."""
    await store.save(GROUP, {"n": 1}, None, user_key=USER)
    assert await store.delete_user(USER) == 1
    assert await store.input_mark(GROUP) is None
    # And a mark only for the sessions deleted: someone else's session is neither deleted nor marked.
    await store.save("tg:6199", {"n": 2}, None, user_key="tg-user:6199")
    await store.save(BUSINESS, {"v": 1}, None, user_key=USER)
    assert await store.delete_user(USER, mark="120") == 1
    assert await store.input_mark(BUSINESS) == "120"
    assert await store.input_mark("tg:6199") is None
    assert await store.load("tg:6199") is not None


# -- G2: business updates are ordered too ---------------------------------------------------------------

class Desk:
    """A staff member's business connection and one customer's chat in it; keeps every update sent."""

    def __init__(self, bot: Harness, staff: int, customer: int, connection: str) -> None:
        self.bot, self.staff, self.customer, self.connection = bot, staff, customer, connection
        self.notes, self.chat = bot.chat(staff), bot.chat(customer)
        self._ids = iter(range(1, 10_000))

    def _user(self, user_id: int, name: str) -> JSON:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "zh-hans"}

    async def connect(self, *, enabled: bool = True) -> JSON:
        update = self.bot.fake.make_update("business_connection", {
            "id": self.connection, "user": self._user(self.staff, "王"), "user_chat_id": self.staff,
            "date": 1_700_000_000, "is_enabled": enabled, "rights": {"can_reply": True}})
        await self.bot.processed(update)
        return update

    async def say(self, text: str, *, by_staff: bool = False) -> JSON:
        who = (self.staff, "王") if by_staff else (self.customer, "李经理")
        update = self.bot.fake.make_update("business_message", {
            "message_id": next(self._ids), "date": 1_700_000_000,
            "chat": {"id": self.customer, "type": "private", "first_name": "李经理"},
            "from": self._user(*who), "text": text, "business_connection_id": self.connection})
        await self.bot.processed(update)
        return update


QUESTION = "马德里商标注册有奖励吗？"


@pytest.mark.slow
async def test_replayed_business_updates_change_nothing_and_a_question_is_answered_once(tmp_path: Path) -> None:
    async with webhook_bot(tmp_path) as (bot, post):
        async def _replayed(update: JSON) -> None:  # delivered again, id and all; answered once handled
            assert await post(update) == 200

        desk = Desk(bot, staff=961_001, customer=961_777, connection="bc-61")
        connected = await desk.connect()
        off = await desk.say("/bot_off", by_staff=True)
        await desk.say("/bot_on", by_staff=True)
        asked = await desk.say(QUESTION)
        answers = len(bot.fake.messages_to(desk.customer))
        assert answers == 1, desk.chat.dump()
        notes = len(bot.fake.messages_to(desk.staff))

        # A redelivered customer question is not answered again, nor noted to the staff again.
        await _replayed(asked)
        assert len(bot.fake.messages_to(desk.customer)) == answers
        assert len(bot.fake.messages_to(desk.staff)) == notes
        # An old /bot_off replayed after /bot_on does not turn the bot off in that chat.
        await _replayed(off)
        async with open_settings_store(bot.settings) as store:
            settings = await store.load("tg-biz:bc-61")
        assert settings is not None and settings.state["off"] == [], settings.state
        await desk.say("马德里商标注册有奖励吗？？")
        assert len(bot.fake.messages_to(desk.customer)) == answers + 1  # still answering there

        # Revoked: an old business_connection replayed after it does not bring the settings back.
        await desk.connect(enabled=False)
        notes = len(bot.fake.messages_to(desk.staff))
        await _replayed(connected)
        async with open_settings_store(bot.settings) as store:
            assert await store.load("tg-biz:bc-61") is None
        assert len(bot.fake.messages_to(desk.staff)) == notes  # no "connected" note either
        await desk.say(QUESTION)
        assert len(bot.fake.messages_to(desk.customer)) == answers + 1  # revoked: nothing at all
        # A new connection (a newer update) is a connection again.
        await desk.connect()
        await desk.say(QUESTION)
        assert len(bot.fake.messages_to(desk.customer)) == answers + 2
        assert not [line for line in bot.updates.lines if "update failed" in line]


# -- G4: "saved" only after a commit ----------------------------------------------------------------

class OutageStore(MemorySessionStore):
    """A store that can be taken down: every read and write fails as an unreachable database does."""

    down = False

    def _check(self) -> None:
        if self.down:
            raise StoreUnavailableError("the database is down (test)")

    async def load(self, key: str) -> StoredSession | None:
        self._check()
        return await super().load(key)

    async def save(self, key: str, state: State, expected_version: int | None, *, user_key: str = "") -> int:
        self._check()
        return await super().save(key, state, expected_version, user_key=user_key)

    async def input_mark(self, key: str) -> str | None:
        self._check()
        return await super().input_mark(key)


class Told:
    """The bot as the error handler uses it: what it sent, by chat."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        self.sent.append((chat_id, text))


SAVED, NOT_SAVED = "您的回答都已保存", "您刚才的回答没有保存"


async def test_an_edit_that_fails_during_an_outage_is_not_called_saved(engine: PolicyRuntime) -> None:
    from telegram import Chat as TgChat
    from telegram import Message, Update, User

    from bot.channels.telegram.handlers import Handlers, Services
    from bot.redact import Redactor

    store = OutageStore()
    services = Services(today=lambda: TODAY)
    services.attach(engine, store)
    services.conversations.outage_s = 0.2  # the outage outlasts the ride-out at once
    handlers = Handlers(services, engine_factory=lambda: engine, redactor=Redactor("1:test"))
    chat, user = TgChat(6201, TgChat.PRIVATE), User(6201, "李", False, language_code="zh-hans")
    # The user answered the first question with message 5; the session says so.
    await services.conversations.turn("tg:6201", CommandInput("assess"), TODAY, user_key="tg-user:6201",
                                      input_id="1")
    before = await store.load("tg:6201")
    assert before is not None
    await store.save("tg:6201", {**before.state, "answer_msg": 5}, before.version)

    # During an outage the user corrects that answer: the edit cannot even read the session.
    store.down = True
    edit = Update(7, edited_message=Message(5, datetime(2025, 6, 1, tzinfo=UTC), chat, from_user=user,
                                            text="高校"))
    bot = Told()
    context: Any = SimpleNamespace(bot=bot, error=None)
    with pytest.raises(StoreUnavailableError) as failed:
        await handlers.edited(edit, context)
    context.error = failed.value
    await handlers.error(edit, context)
    [(to, text)] = bot.sent
    assert to == 6201 and NOT_SAVED in text and SAVED not in text, text
    store.down = False
    stored = await store.load("tg:6201")
    assert stored is not None and stored.state["facts"] == {}  # indeed nothing of the correction was saved



# -- G5: the idle-session sweep -----------------------------------------------------------------------

async def _tick() -> None:
    """Let the clock move past the last timestamp written (the stores keep microseconds)."""
    await asyncio.sleep(0.01)


async def test_idle_sessions_and_old_marks_are_deleted_and_the_rest_kept(store: SessionStore) -> None:
    await store.save("tg:6301", {"n": 1}, None, user_key="tg-user:6301")
    await store.set_input_mark("tg:6302", "100")
    await _tick()
    cutoff = datetime.now(UTC)
    await _tick()
    await store.save("tg:6303", {"n": 3}, None, user_key="tg-user:6303")
    await store.set_input_mark("tg:6304", "200")
    assert await store.delete_idle(cutoff) == 1
    assert await store.load("tg:6301") is None  # untouched since before the cutoff: gone
    assert await store.input_mark("tg:6302") is None  # and so is the mark set before it
    assert await store.load("tg:6303") is not None and await store.input_mark("tg:6304") == "200"
    # A session saved again after the cutoff is kept, whenever it was created.
    await store.save("tg:6305", {"n": 5}, None, user_key="tg-user:6305")
    await _tick()
    cutoff = datetime.now(UTC)
    stored = await store.load("tg:6305")
    assert stored is not None
    await store.save("tg:6305", {"n": 6}, stored.version)
    assert await store.delete_idle(cutoff) == 1  # only 6303
    assert await store.load("tg:6305") is not None and await store.load("tg:6303") is None
    # A session created again after the sweep gets a new key: nothing of the old one is needed.
    await store.save("tg:6301", {"n": 7}, None, user_key="tg-user:6301")
    again = await store.load("tg:6301")
    assert again is not None and again.state == {"n": 7}


async def test_the_sweep_deletes_idle_sessions_and_rides_out_an_outage(caplog: pytest.LogCaptureFixture) -> None:
    from bot.channels.telegram.runtime import sweep_idle_sessions

    class SweptStore(OutageStore):
        sweeps = 0

        async def delete_idle(self, before: datetime) -> int:
            self.sweeps += 1
            self._check()
            return await super().delete_idle(before)

    caplog.set_level(logging.INFO, logger="bot.channels.telegram.app")
    store = SweptStore()
    await store.save("tg:6401", {"n": 1}, None, user_key="tg-user:6401")
    await store.set_input_mark("tg:6402", "1")
    store.down = True  # the first rounds meet an outage: logged, and a later round does the work
    await _tick()
    sweeper = asyncio.create_task(sweep_idle_sessions(store, timedelta(0), every_s=0.01))
    try:
        async with asyncio.timeout(10):
            while store.sweeps < 2:
                await asyncio.sleep(0.005)
            store.down = False
            while await store.load("tg:6401") is not None:
                await asyncio.sleep(0.005)
    finally:
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper
    assert await store.input_mark("tg:6402") is None
    assert any("could not delete idle sessions: StoreUnavailableError" in r.getMessage() for r in caplog.records)
    assert any("deleted 1 session(s)" in r.getMessage() for r in caplog.records)


# -- G6: backpressure at IPBOT_MAX_PENDING --------------------------------------------------------------

PENDING = 3  # a small IPBOT_MAX_PENDING: three updates held unconfirmed at most


class HeldSends:
    """The fake Bot API's sendMessage held until released: updates stay in flight, unconfirmed."""

    def __init__(self, fake: FakeBotApi) -> None:
        self.release = asyncio.Event()
        self.held = 0
        self._changed = asyncio.Event()
        send = fake._send_message

        async def held(params: JSON) -> JSON:
            self.held += 1
            self._changed.set()
            await self.release.wait()
            return send(params)

        fake.register("sendMessage", held)

    async def until(self, n: int) -> None:
        async with asyncio.timeout(10):
            while self.held < n:
                self._changed.clear()
                await self._changed.wait()


@pytest.mark.slow
async def test_the_webhook_answers_503_with_retry_after_past_max_pending(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    async with FakeBotApi() as fake:  # the test posts the updates itself (Telegram's part)
        with watching_updates() as updates:
            settings = make_settings(fake.token, fake.base_url, tmp_path, WEBHOOK_URL=url, WEBHOOK_LISTEN="127.0.0.1",
                                     WEBHOOK_PORT=port, IPBOT_MAX_PENDING=PENDING)
            bot = Harness(fake, settings, updates)
            secret = webhook_secret(settings)
            sends = HeldSends(fake)
            await bot.start()
            try:
                async with httpx.AsyncClient(trust_env=False, timeout=10) as client:
                    async def post(update: JSON) -> httpx.Response:
                        return await client.post(url, json=update,
                                                 headers={"X-Telegram-Bot-Api-Secret-Token": secret})

                    first = [fake.user_message(6500 + i, "/start", enqueue=False) for i in range(PENDING)]
                    posted = [asyncio.create_task(post(u)) for u in first]
                    await sends.until(PENDING)  # three updates in flight, none answered yet
                    late = fake.user_message(6599, "/start", enqueue=False)
                    refused = await post(late)
                    assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 1
                    assert late["update_id"] not in updates.done  # not processed: Telegram keeps it
                    sends.release.set()
                    assert [r.status_code for r in await asyncio.gather(*posted)] == [200] * PENDING
                    assert (await post(late)).status_code == 200  # Telegram's retry, once there is room
                    assert late["update_id"] in updates.done
            finally:
                sends.release.set()
                await bot.stop()


@pytest.mark.slow
async def test_the_poller_stops_fetching_at_max_pending_and_goes_on_after(tmp_path: Path) -> None:
    async with bot_harness(tmp_path, IPBOT_MAX_PENDING=PENDING) as bot:
        sends = HeldSends(bot.fake)
        await bot.start()
        flood = [bot.fake.user_message(6600 + i, "/start") for i in range(PENDING + 2)]
        await sends.until(PENDING)
        polls = len(bot.fake.calls_of("getUpdates"))
        for _ in range(20):  # the poller's turns while full (it would poll every second, and at once
            await asyncio.sleep(0.05)  # after a batch): not one request, and no fourth update taken
        assert len(bot.fake.calls_of("getUpdates")) == polls
        assert sends.held == PENDING
        assert {u["update_id"] for u in bot.fake.pending_updates} >= {u["update_id"] for u in flood[PENDING:]}
        sends.release.set()
        async with asyncio.timeout(10):
            for update in flood:  # the rest are fetched again and processed once there is room
                await bot.updates.wait(update["update_id"])
        assert sends.held == len(flood)
        assert not [line for line in bot.updates.lines if "update failed" in line]
