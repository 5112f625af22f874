"""Security: forged webhook requests, staff commands from anyone else, the token in logs, user text as
HTML, and what ``/forget`` leaves behind.

Each test drives the real bot (in process, or ``python -m bot``) through the fake Bot API on
loopback; the PostgreSQL ones get a fresh schema, dropped afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from bot.channels.telegram.runtime import webhook_secret
from bot.storage.crypto import Sealer
from bot.storage.factory import open_settings_store, open_store
from bot.storage.postgres import PgSessionStore
from fakes.bot_api import FakeBotApi, free_port
from fakes.processes import ProcessHarness, bot_process, outputs
from fakes.stores import BACKENDS, pg_schema, pg_url
from fakes.telegram_bot import (
    ERROR_NOTICE,
    STAFF,
    WAIT,
    Harness,
    UpdateLog,
    bot_harness,
    buttons_of,
    webhook_bot,
)
from fakes.telegram_html import assert_telegram_html
from fakes.users import BY_BUTTONS, answer_by_buttons
from knowledge.loader import DATA_DIR
from pg import PG_URL

pytestmark = pytest.mark.slow

JSON = dict[str, Any]
PAYLOAD = "<b>x</b> & <script>"
ESCAPED = "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;"


# -- the webhook ------------------------------------------------------------------------------------

async def test_the_webhook_refuses_every_request_without_the_right_secret(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    secret = "s3cret-Token_1"
    async with bot_harness(tmp_path, WEBHOOK_URL=f"{base}/telegram/hook", WEBHOOK_SECRET=secret,
                           WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=port) as bot:
        await bot.start()
        chat = bot.chat(1301)
        wrong_secrets: list[str | None] = [None, "", "wrong", secret.upper(), secret + "x", secret[:-1],
                                           "s3cret-token_1", bot.fake.token]
        forged: list[int] = []

        async def post(client: httpx.AsyncClient, path: str, header: str | None, method: str = "POST") -> int:
            update = bot.fake.user_message(chat.chat_id, "/forget", enqueue=False)
            forged.append(update["update_id"])
            headers = {"X-Telegram-Bot-Api-Secret-Token": header} if header is not None else {}
            response = await client.request(method, f"{base}{path}", json=update, headers=headers)
            return response.status_code

        async with httpx.AsyncClient(trust_env=False, timeout=WAIT) as client:
            # The webhook's path, however it is spelt: 403 unless the secret is exactly right.
            for path in ("/telegram/hook", "/telegram/hook/", "/telegram/hook?x=1"):
                for header in wrong_secrets:
                    assert await post(client, path, header) == 403, (path, header)
            # Any other path has no webhook behind it, with or without the secret; a GET is no update.
            for path in ("/", "/telegram", "/telegram/hook/x", "/TELEGRAM/HOOK", "/telegram/hook.php",
                         f"/bot{bot.fake.token}/telegram/hook", "/%2e%2e/telegram/hook"):
                for header in (None, "wrong", secret):
                    status = await post(client, path, header)
                    assert status in (403, 404), (path, header, status)
            for header in (None, secret):
                assert await post(client, "/telegram/hook", header, method="GET") in (403, 405)

        # The real Telegram, after all that: processed, and the only thing the chat ever saw.
        update = bot.fake.user_message(chat.chat_id, "/start", enqueue=False)
        assert await bot.fake.post_webhook(f"{base}/telegram/hook", update, secret_token=secret) == 200
        await bot.processed(update)
        [greeting] = chat.new()
        assert "石家庄市知识产权政策助手" in greeting["text"]
        assert not bot.updates.done & set(forged)
        assert len(bot.fake.calls_of("sendMessage")) == 1


# -- staff commands ---------------------------------------------------------------------------------

async def test_staff_commands_do_not_exist_for_anyone_else(tmp_path: Path) -> None:
    async with bot_harness(tmp_path) as bot:
        await bot.start()
        user, group = bot.chat(1501), bot.chat(-100_1501, user_id=1502, chat_type="supergroup")
        name = bot.fake.bot_user["username"]

        # What an unknown command gets, in a private chat and in a group: the reference.
        [unknown] = await user.send("/nosuchcommand")
        [unknown_args] = await user.send("/nosuchcommand 7")
        [unknown_group] = await group.send(f"/nosuchcommand@{name}")
        assert unknown["text"] == unknown_args["text"]

        for command in ("/stats", "/stats 7", "/stats 2025-01-01 2025-01-31", "/reload", "/STATS", "/Reload",
                        f"/stats@{name}", f"/reload@{name} now"):
            [reply] = await user.send(command)
            assert (reply["text"], reply["reply_markup"]) == (unknown["text"], unknown["reply_markup"]), command
            [reply] = await group.send(command if "@" in command else f"{command.split()[0]}@{name}")
            assert reply["text"] == unknown_group["text"], command
        await user.send("/help")
        # Not even a button can reach them.
        await user.send("/start")
        mid, _ = user.keyboard()
        for data in ("stats", "/stats", "reload", "m|stats", "a|stats|7"):
            await user.press_data(mid, data)

        everything = "\n".join(t or "" for t in user.texts() + group.texts())
        for staff_only in ("使用统计", "知识库已重新加载", "新的知识库有错误"):
            assert staff_only not in everything
        assert "/stats" not in everything and "/reload" not in everything  # not in /help or anywhere
        for commands in bot.fake.commands.values():  # nor in the command menu
            assert not {"stats", "reload"} & {c["command"] for c in commands}
        assert not [line for line in bot.updates.lines if "update failed" in line]

        # The staff member gets them (and they do work: the refusals above are about who asks).
        staff = bot.chat(STAFF)
        [stats] = await staff.send("/STATS")
        assert stats["text"].startswith("<b>使用统计</b>")


# -- the token in logs and error messages -----------------------------------------------------------

def assert_no_token(token: str, text: str, where: str) -> None:
    secret = token.partition(":")[2]
    for form in (token, secret, token.replace(":", "%3A")):
        assert form.lower() not in text.lower(), f"the token is in {where}:\n{text}"


async def test_the_token_never_reaches_the_logs_of_a_full_run(tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        token = fake.token
        leaky = f"at /bot{token}/sendMessage"  # errors that quote the token, as a proxy might
        bot = ProcessHarness(fake, tmp_path, UpdateLog(), {"LOG_LEVEL": "DEBUG"})
        try:
            await bot.launch()
            chat = bot.chat(1601)
            await chat.send("/start")

            fake.fail_next("sendMessage", status=429, retry_after=1, description=f"Too Many Requests: {leaky}")
            fake.fail_next("sendMessage", status=500, description=f"Internal Server Error {leaky}")
            assert "<b>问题 1</b>" in (await chat.send("/assess"))[-1]["text"]

            fake.fail_next("editMessageText", status=400, description=f"Bad Request: cannot edit {leaky}")
            fake.fail_next("sendMessage", status=400, description=f"Bad Request: boom {leaky}")
            shown = await chat.press("企业")  # BadRequest in the handler: the error handler's turn
            assert ERROR_NOTICE in shown[-1]["text"]

            junk = _answer_once_with(fake, "sendMessage", {"message_id": "junk", "token": token})
            await chat.send("是")  # Telegram's echo of a reply is never read: a malformed one breaks nothing
            assert junk.done()

            fake.fail_next("answerCallbackQuery", status=500, times=4, description=f"Internal {leaky}")
            await chat.send("/assess")
            result = await answer_by_buttons(chat, BY_BUTTONS)
            assert "<b>测评结果</b>" in result[-1]["text"]
        finally:
            await bot.stop()
            print(bot.dump())
            print("\n".join(bot.stderr))
        failures = [line for line in bot.stderr if "update failed" in line]
        assert len(failures) == 1 and "<token>" in failures[0]  # the BadRequest quoted it: redacted
        assert any("Traceback" in line for line in bot.stderr)  # the tracebacks are logged, redacted
        assert_no_token(token, "\n".join(bot.stderr), "the process's stderr")
        sent = "\n".join(json.dumps(params, ensure_ascii=False) for _, params in fake.calls)
        assert_no_token(token, sent, "what the bot sent to Telegram")


def _answer_once_with(fake: FakeBotApi, method: str, result: JSON) -> asyncio.Future[None]:
    """The next ``method`` call gets ``result`` as its (malformed) result; later ones are normal.

    (The fake has no public hook for a malformed success, so this wraps its own handler.)
    """
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    normal = fake._handlers[method.lower()][1]

    def once(params: JSON) -> Any:
        if done.done():
            return normal(params)
        done.set_result(None)
        return result

    fake.register(method, once)
    return done


async def test_a_rejected_token_is_reported_without_the_token(tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        rejected = "987654321:AAWrongTokenWrongTokenWrongToken_12345"
        async with bot_process(tmp_path, fake, TELEGRAM_BOT_TOKEN=rejected, LOG_LEVEL="DEBUG") as process:
            out, log = await outputs(process)
    print(log)
    assert process.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in log and "rejected" in log
    assert_no_token(rejected, log + out, "the output of a refused start")


# -- user text is HTML-escaped ----------------------------------------------------------------------

async def test_user_text_is_always_escaped(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    shutil.copytree(DATA_DIR, kb_dir)
    async with bot_harness(tmp_path / "data", IPBOT_KB_DIR=kb_dir) as bot:
        await bot.start()
        chat = bot.chat(1701)
        await chat.send(f"/start {PAYLOAD}")  # a deep link nobody made
        await chat.send("/assess")
        await chat.send(PAYLOAD)  # as the answer to a question
        await chat.send(f"{PAYLOAD} 质押贷款贴息最多能拿多少？")  # as a side question in the assessment
        await chat.send(f"我们拿了专利银奖 {PAYLOAD}")
        await chat.send("/cancel")
        await chat.send(PAYLOAD)  # as a question outside the assessment
        await chat.send(f"/nosuchcommand {PAYLOAD}")
        origin = {"type": "hidden_user", "sender_user_name": PAYLOAD, "date": 1_700_000_000}
        await chat.send(f"客户说：{PAYLOAD} 我们去年拿了专利银奖，质押贷款付息80万", forward_origin=origin)
        await chat.send(f"{PAYLOAD} pledge loan interest subsidy cap?", forward_origin=origin)
        mid, _ = chat.keyboard()
        await chat.press_data(mid, PAYLOAD[:60])  # a forged button
        english = bot.chat(1702, language_code="en")
        await english.send(f"What is {PAYLOAD} the patent award?")
        group = bot.chat(-100_1701, user_id=1703, chat_type="supergroup")
        name = bot.fake.bot_user["username"]
        await group.send(f"/ask@{name} {PAYLOAD}")
        inline = bot.fake.inline_query(1704, PAYLOAD)
        await bot.processed(inline)
        # The bot quotes none of the above. It does quote the knowledge base's errors to staff, and a
        # file is text from outside too: a key named like the payload, in a new facts.yaml.
        facts = (kb_dir / "facts.yaml").read_text(encoding="utf-8")
        forged = facts.replace("- id: entity_type\n", f'- id: entity_type\n  "{PAYLOAD}": 1\n', 1)
        (kb_dir / "facts.yaml").write_text(forged, encoding="utf-8")
        refused = await bot.chat(STAFF).send("/reload")
        assert ESCAPED in refused[0]["text"]

        html: list[str] = []
        for method, params in bot.fake.calls:
            if method in ("sendMessage", "editMessageText") and params.get("parse_mode") == "HTML":
                html.append(params["text"])
            if method == "answerInlineQuery":
                html += [r["input_message_content"]["message_text"] for r in params["results"]]
        assert len(html) >= 14  # (the forged button gets a pop-up, not a message)
        assert not [p for p in bot.fake.calls_of("answerCallbackQuery") if PAYLOAD in (p.get("text") or "")]
        for text in html:
            assert_telegram_html(text)
            assert "<script>" not in text and "<b>x</b>" not in text and " & " not in text
        assert not [line for line in bot.updates.lines if "update failed" in line]
        for params in bot.fake.calls_of("sendMessage"):
            for b in buttons_of(params.get("reply_markup")):
                assert "<script>" not in b["text"]


# -- /forget ----------------------------------------------------------------------------------------

USER, OTHER, GROUP = 7_654_321, 7_654_399, -100_765_432


@pytest.mark.parametrize("backend", BACKENDS)
async def test_forget_leaves_nothing_behind_in_the_store(backend: str, tmp_path: Path) -> None:
    async with contextlib.AsyncExitStack() as stack:
        overrides: dict[str, Any] = {}
        schema = None
        if backend == "postgres":
            schema = await stack.enter_async_context(pg_schema())
            overrides["DATABASE_URL"] = pg_url(schema, "ipbot-forget")
        bot = await stack.enter_async_context(bot_harness(tmp_path, **overrides))
        await bot.start()
        await _use_then_forget(bot, before=lambda: _dump_store(bot, schema))

        full = await _dump_store(bot, schema)
        hashed = Sealer(bot.settings.id_secret()).hash
        # What /forget keeps on purpose: the hashed key of each session deleted (the chat's and the
        # user's group session) with the id of the /forget and when, so that an older update replayed
        # later into any of them cannot bring anything back (README: what /forget guarantees).
        rows = [line.removeprefix("input_marks: ").split(" | ") for line in full.splitlines()
                if line.startswith("input_marks:")]
        assert {row[0] for row in rows} == {hashed(f"tg:{USER}"), hashed(f"tg:{GROUP}:{USER}")}, rows
        assert len({row[1] for row in rows}) == 1 and rows[0][1].isdigit(), rows
        dump = "\n".join(line for line in full.splitlines() if not line.startswith("input_marks:"))
        for trace in (str(USER), f"tg:{USER}", f"tg-user:{USER}", f"tg:{GROUP}", hashed(f"tg:{USER}"),
                      hashed(f"tg-user:{USER}"), hashed(f"tg:{GROUP}:{USER}")):
            assert trace not in dump, f"{trace} left in the store:\n{dump}"
        assert hashed(f"tg-user:{OTHER}") in dump  # someone else's data is still there: the dump is real
        assert str(OTHER) not in dump  # though only hashed
        assert "assessment_finished" in dump  # and the counters, without anyone's id


async def test_forget_leaves_no_bytes_in_the_sqlite_files(tmp_path: Path) -> None:
    async with bot_harness(tmp_path) as bot:
        await bot.start()
        path = make_url(bot.settings.store_url()).database
        assert path
        hashed = Sealer(bot.settings.id_secret()).hash
        # Another reader holds a snapshot across the /forget, keeping the old pages in the log.
        data_keys: list[bytes] = []
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as reader:

            async def before() -> str:
                data_keys.extend(k for (k,) in reader.execute(
                    "SELECT data_key FROM session_keys WHERE key = ?", (hashed(f"tg:{USER}"),)))
                reader.execute("BEGIN")  # a snapshot from before the /forget, held across it
                reader.execute("SELECT count(*) FROM sessions").fetchone()
                return await _dump_store(bot, None)

            await _use_then_forget(bot, before=before)
            reader.execute("COMMIT")
        assert data_keys, "USER's session had a key"
        await bot.chat(OTHER).send("/start")  # the next save retries the checkpoint the reader blocked
        files = sorted(tmp_path.glob("ipbot.db*"))
        assert files
        for file in files:  # while the bot runs, as an attacker with a copy of the disk would see it
            raw = file.read_bytes()
            for trace in (f"tg-user:{USER}", str(USER), "enterprise", "entity_type", "石家庄"):
                assert trace.encode() not in raw, (file.name, trace)
            assert data_keys[0] not in raw, f"{file.name}: the deleted session's key is still on disk"
            # (The chat's hashed key stays, in its input mark: no id, and nothing it could decrypt.)


async def _use_then_forget(bot: Harness, before: Callable[[], Awaitable[str]] | None = None) -> None:
    """USER assesses in private and in a group, asks a question, then forgets; OTHER does the same
    but does not forget. ``before`` dumps the store before the /forget, to show USER was in it."""
    me, other = bot.chat(USER), bot.chat(OTHER)
    group = bot.chat(GROUP, user_id=USER, chat_type="supergroup")
    name = bot.fake.bot_user["username"]
    for chat in (me, other):
        await chat.send("/assess")
        await answer_by_buttons(chat, BY_BUTTONS)
        await chat.send("质押贷款贴息最多能拿多少？")
    await group.send(f"/assess@{name}")
    await group.send(f"/lang@{name}")
    if before is not None:
        dump = await before()
        assert Sealer(bot.settings.id_secret()).hash(f"tg-user:{USER}") in dump  # USER's sessions, hashed
        assert str(USER) not in dump and "enterprise" not in dump  # no id, no answer readable
    await me.send("/forget")  # asks first
    [done] = await me.press("确认删除")
    assert done["text"] == "已删除您在本助手的全部记录。"


async def _dump_store(bot: Harness, schema: str | None) -> str:
    """Every row of every table of the bot's database (its schema on PostgreSQL), as text."""
    lines: list[str] = []
    if schema is None:  # the embedded SQLite file, read with the standard library
        path = make_url(bot.settings.store_url()).database
        assert path
        with contextlib.closing(sqlite3.connect(path)) as db:
            tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            assert {"sessions", "usage_stats"} <= set(tables), tables
            for table in tables:
                for row in db.execute(f'SELECT * FROM "{table}"'):
                    lines.append(f"{table}: " + " | ".join(str(v) for v in row))
        return "\n".join(lines)
    async with open_store(PG_URL, schema=schema) as store:
        assert isinstance(store, PgSessionStore)
        async with store.connection() as conn:
            tables = [r[0] for r in await conn.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema)]
            assert {"sessions", "usage_stats"} <= set(tables), tables
            for table in tables:
                for row in await conn.fetch(f'SELECT * FROM "{schema}"."{table}"'):
                    lines.append(f"{table}: " + " | ".join(str(v) for v in row))
    return "\n".join(lines)


# -- replays, shared sender ids, ownership ----------------------------------------------------------

async def test_replayed_old_updates_of_every_kind_change_nothing(tmp_path: Path) -> None:
    async with webhook_bot(tmp_path) as (bot, post):
        chat = bot.chat(8101)
        await chat.send("/forget")
        old_forget = chat.last_update
        sent: list[JSON] = [old_forget]
        for text in ("/assess", "企业", "是"):
            await chat.send(text)
            sent.append(chat.last_update)
        mid, buttons = chat.keyboard()
        tick = next(b for b in buttons if b["text"].endswith("国家知识产权示范企业"))
        press = bot.fake.press_button(chat.chat_id, mid, tick["callback_data"])
        await bot.processed(press)
        chat.new()
        sent.append(press)  # a tick: applied twice it would be undone
        await chat.send("上一题")  # back to in_city: replayed, it would go back once more
        sent.append(chat.last_update)
        async with open_settings_store(bot.settings) as store:
            before = await store.load(f"tg:{chat.chat_id}")
        assert before is not None and before.state["facts"].get("entity_type") == "enterprise"
        messages = len(bot.fake.messages_to(chat.chat_id))

        # Every old update again, the last one included, and out of order: the /forget first.
        for update in [old_forget, *reversed(sent[1:])]:
            assert await post(update) == 200  # answered only once handled
        async with open_settings_store(bot.settings) as store:
            after = await store.load(f"tg:{chat.chat_id}")
        # The dialog's state is untouched; only the channel's note of which message shows the live keyboard
        # may move to the question shown again for the last update.
        notes = {"ui_msg", "ui_turn", "ui_edited", "answer_msg"}
        assert after is not None and {k: v for k, v in after.state.items() if k not in notes} == \
            {k: v for k, v in before.state.items() if k not in notes}
        # Only the last one (a redelivery: its reply may have been lost) shows the question again.
        assert len(bot.fake.messages_to(chat.chat_id)) <= messages + 1

        # After a real /forget (asked, then confirmed), old updates replayed cannot bring anything back either.
        await chat.send("/forget")
        await chat.press("确认删除")
        for update in sent[1:]:
            assert await post(update) == 200
        async with open_settings_store(bot.settings) as store:
            assert await store.load(f"tg:{chat.chat_id}") is None


ANONYMOUS_ADMIN = 1087968824  # GroupAnonymousBot: every anonymous admin of every group
CHANNEL_BOT = 136817688


async def test_shared_sender_ids_are_no_user_and_forget_acts_in_that_chat_only(tmp_path: Path) -> None:
    async with bot_harness(tmp_path) as bot:
        await bot.start()
        group_a, group_b, channel = -100_801, -100_802, -100_803
        sent: list[JSON] = []
        for group in (group_a, group_b):
            sender = {"id": group, "type": "supergroup", "title": f"group {group}"}
            sent.append(bot.fake.user_message(group, "/start", user_id=ANONYMOUS_ADMIN, chat_type="supergroup",
                                              sender_chat=sender))
        post = {"id": channel, "type": "channel", "title": "linked channel"}
        sent.append(bot.fake.user_message(group_a, "/start", user_id=CHANNEL_BOT, chat_type="supergroup",
                                          sender_chat=post))
        for update in sent:
            await bot.processed(update)
        async with open_settings_store(bot.settings) as store:
            for key in (f"tg:{group_a}:c{group_a}", f"tg:{group_b}:c{group_b}", f"tg:{group_a}:c{channel}"):
                assert await store.load(key) is not None, key
            assert await store.load(f"tg:{group_a}:{ANONYMOUS_ADMIN}") is None

        forget = bot.fake.user_message(group_b, "/forget", user_id=ANONYMOUS_ADMIN, chat_type="supergroup",
                                       sender_chat={"id": group_b, "type": "supergroup", "title": "b"})
        await bot.processed(forget)
        async with open_settings_store(bot.settings) as store:
            assert await store.load(f"tg:{group_b}:c{group_b}") is None
            # The other group's anonymous admins, and the channel's posts, keep their sessions.
            assert await store.load(f"tg:{group_a}:c{group_a}") is not None
            assert await store.load(f"tg:{group_a}:c{channel}") is not None


async def test_a_private_chat_update_from_someone_else_is_refused(tmp_path: Path) -> None:
    async with bot_harness(tmp_path) as bot:
        await bot.start()
        owner = bot.chat(8301)
        await owner.send("/assess")
        await owner.press("企业")
        async with open_settings_store(bot.settings) as store:
            before = await store.load("tg:8301")
        messages = len(bot.fake.messages_to(8301))
        for text in ("/forget", "/assess", "重新开始"):
            forged = bot.fake.user_message(8301, text, user_id=8302)  # chat 8301, from someone else
            await bot.processed(forged)
        async with open_settings_store(bot.settings) as store:
            after = await store.load("tg:8301")
        assert after is not None and before is not None and after.state == before.state
        assert len(bot.fake.messages_to(8301)) == messages  # not answered either
        assert owner.question_id() == "in_city"


# -- the edges: bad settings, malformed requests, slow connections, a store that cannot write ---------

async def _run_bot(tmp_path: Path, fake: FakeBotApi, timeout: float = 30, **env: str) -> tuple[int | None, str]:
    async with bot_process(tmp_path, fake, **env) as process:
        out, err = await outputs(process, timeout)
    return process.returncode, err + out


async def test_a_bad_webhook_url_is_reported_without_the_token(tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        for url in (f"ftp://example.org/{fake.token}", f"https:/{fake.token}", f"{fake.token}"):
            code, output = await _run_bot(tmp_path, fake, WEBHOOK_URL=url)
            assert code == 2, output
            assert "WEBHOOK_URL" in output and "<token>" in output, output
            assert_no_token(fake.token, output, f"the output for WEBHOOK_URL={url!r}")


async def test_a_store_that_cannot_write_stops_the_start_loudly(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into a read-only directory")  # as root (CI here): a read-only database file covers it
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o500)
    try:
        async with FakeBotApi() as fake:
            code, output = await _run_bot(tmp_path, fake)
    finally:
        data.chmod(0o700)
    assert code == 2, output
    assert "cannot write" in output or "session store" in output, output


async def test_a_read_only_database_stops_the_start_loudly(tmp_path: Path) -> None:
    """The same without a file system to refuse: the database itself opened read-only."""
    from bot.channels.telegram.runtime import ConfigError, open_checked
    from bot.storage.sqlite import SqliteSessionStore

    db = tmp_path / "ro.db"
    async with open_store(f"sqlite:///{db}") as store:
        await store.save("x", {"a": 1}, None)
    with pytest.raises(ConfigError, match="cannot write"):
        await open_checked(SqliteSessionStore(f"file:{db}?mode=ro", uri=True))


async def test_malformed_requests_cost_one_warning_line_each_at_most_and_no_traceback(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    async with bot_harness(tmp_path, WEBHOOK_URL=f"http://127.0.0.1:{port}/hook", WEBHOOK_LISTEN="127.0.0.1",
                           WEBHOOK_PORT=port) as bot:
        await bot.start()
        caplog.set_level(logging.DEBUG)
        garbage = [b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", b"GET / HTTP/1.1\r\nHost: \x00\x01\r\n\r\n",
                   b"POST /hook HTTP/1.1\r\nContent-Length: -5\r\n\r\n", b"BREW /hook HTCPCP/1.0\r\n\r\n",
                   b"POST /hook HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz\r\n"]
        for n in range(50):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(garbage[n % len(garbage)])
            await writer.drain()
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        async with httpx.AsyncClient(trust_env=False, timeout=WAIT) as client:
            for _ in range(50):  # unauthenticated, well-formed
                response = await client.post(f"http://127.0.0.1:{port}/hook", json={"update_id": 1})
                assert response.status_code == 403
        await asyncio.sleep(0.3)
    ours = [r for r in caplog.records if r.name.startswith(("bot.", "aiohttp"))]
    assert not [r for r in ours if r.exc_info or r.exc_text or "Traceback" in r.getMessage()]
    assert not [r for r in ours if r.levelno >= logging.ERROR]
    warned = [r for r in ours if r.levelno == logging.WARNING and "webhook:" in r.getMessage()]
    assert 1 <= len(warned) <= 3, [r.getMessage() for r in warned]  # rate-limited: 100 bad requests


async def test_the_webhook_closes_connections_that_never_deliver_a_request(tmp_path: Path) -> None:
    from bot.channels.telegram import webhook

    port = free_port()
    old = webhook.REQUEST_TIMEOUT_S
    webhook.REQUEST_TIMEOUT_S = 1.0
    try:
        async with bot_harness(tmp_path, WEBHOOK_URL=f"http://127.0.0.1:{port}/hook", WEBHOOK_LISTEN="127.0.0.1",
                               WEBHOOK_PORT=port) as bot:
            await bot.start()
            slow = []
            for n in range(20):  # a header that trickles in, or a body that never comes
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                secret = webhook_secret(bot.settings).encode()
                writer.write(b"POST /hook HTTP/1.1\r\nHost: x\r\n" if n % 2 else
                             b"POST /hook HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n"
                             b"X-Telegram-Bot-Api-Secret-Token: " + secret + b"\r\n\r\n{")
                await writer.drain()
                slow.append((reader, writer))
            closed = 0
            async with asyncio.timeout(20):  # closed by the server, each within a few timeouts
                for reader, writer in slow:
                    await reader.read()  # EOF once the server closes it (after a 408 for the body)
                    closed += 1
                    writer.close()
            assert closed == len(slow)
    finally:
        webhook.REQUEST_TIMEOUT_S = old


@pytest.mark.postgres
async def test_forget_leaves_nothing_readable_in_postgresql_pages(tmp_path: Path) -> None:
    """On a cluster of the test's own (pageinspect needs a superuser, and the files are read directly)."""
    import asyncpg

    from pg import OwnedCluster

    cluster = OwnedCluster().init()
    try:
        cluster.start()
        async with bot_harness(tmp_path, DATABASE_URL=cluster.url) as bot:
            await bot.start()
            sealer = Sealer(bot.settings.id_secret())
            hashed = sealer.hash(f"tg:{USER}")
            admin = await asyncpg.connect(cluster.url)
            try:
                await admin.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
                data_keys: list[bytes] = []
                wrapped_keys: list[bytes] = []  # as stored: what a copy of the heap would hold

                async def before() -> str:
                    # Every key of USER's sessions (the private chat's and the group's), wrapped as stored.
                    for key, wrapped in await admin.fetch(
                            "SELECT k.key, k.data_key FROM session_keys k JOIN sessions s ON s.key = k.key "
                            "WHERE s.user_key = $1", sealer.hash(f"tg-user:{USER}")):
                        wrapped_keys.append(bytes(wrapped))
                        data_keys.append(sealer.unwrap(key, bytes(wrapped)))
                    assert len(wrapped_keys) == 2, wrapped_keys
                    await admin.execute("CHECKPOINT")
                    heap = b"".join(await _raw_pages(admin, "session_keys"))
                    assert all(w in heap for w in wrapped_keys)  # the search below is real
                    return await _dump_pg(admin)

                await _use_then_forget(bot, before=before)
                await admin.execute("CHECKPOINT")
                pages = {table: await _raw_pages(admin, table) for table in ("sessions", "session_keys", "input_marks")}
                # No tuple of session_keys holds a key of USER's, live or dead (the rewrite after the
                # deletion left none; a plain VACUUM would leave the newest one's bytes in free space).
                items = [bytes(t["t_data"]) for page in range(len(pages["session_keys"])) for t in await admin.fetch(
                    "SELECT t_data FROM heap_page_items(get_raw_page('session_keys', $1))", page) if t["t_data"]]
                assert items and not [t for t in items if any(w in t for w in wrapped_keys)]
                # The user's old row versions are still there, dead but not vacuumed: the test is real.
                old = [tuple_ for tuple_ in await admin.fetch(
                    "SELECT t_data FROM heap_page_items(get_raw_page('sessions', 0))") if tuple_["t_data"]
                    and hashed.encode() in bytes(tuple_["t_data"])]
                assert old, "no old version of the user's session left on the page"
                data_dir = cluster.data
            finally:
                await admin.close()
        raw = b"".join(b for table in pages.values() for b in table)
        wal = b"".join(p.read_bytes() for p in Path(data_dir, "pg_wal").glob("0*"))
        for where, blob in (("pages", raw), ("WAL", wal)):
            for trace in (f"tg-user:{USER}", f"tg:{USER}", "entity_type", "enterprise", "石家庄"):
                assert trace.encode() not in blob, (where, trace)
            for data_key in data_keys:  # never in the clear, anywhere
                assert data_key not in blob, f"a deleted session's key is readable in the {where}"
        # The keys as stored (wrapped) are gone from every heap page: only the WAL, until its segments
        # are recycled, still holds them (README: what /forget cannot do).
        for wrapped in wrapped_keys:
            assert wrapped not in raw, "a deleted session's wrapped key is still in a heap page"
    finally:
        await asyncio.to_thread(cluster.remove)


async def _raw_pages(conn: Any, table: str) -> list[bytes]:
    """Every page of ``table``'s heap as stored (pageinspect's ``get_raw_page``)."""
    n = int(await conn.fetchval(f"SELECT pg_relation_size('{table}') / 8192"))
    return [bytes(await conn.fetchval("SELECT get_raw_page($1, $2)", table, i)) for i in range(n)]


async def _dump_pg(conn: Any) -> str:
    lines = []
    for table in ("sessions", "session_keys", "input_marks", "usage_stats"):
        for row in await conn.fetch(f"SELECT * FROM {table}"):
            lines.append(f"{table}: " + " | ".join(str(v) for v in row))
    return "\n".join(lines)
