"""Load benchmark: the real bot, as separate OS processes, driven through the fake Bot API on loopback.

    python -m bench.load_bench [--chats 1000] [--config sqlite|postgres|both] [--rate 300] [--json]

Two configurations:

* ``sqlite`` - one bot process on a SQLite file in a temporary directory;
* ``postgres`` - two bot processes (replicas, each with its own connection pool) on PostgreSQL
  (``--pg-url``, in a fresh schema dropped at the end). This process plays the load balancer in
  front of the one webhook URL and posts a chat's updates to the replicas in turn, so every chat
  hops between them on every turn.

A bot process is the composition root as ``python -m bot`` runs it in webhook mode (settings from
the environment, ``build_application``, ``serve_webhook``), started as ``--serve-replica`` for two
reasons: ``DATABASE_URL`` cannot name a PostgreSQL schema, and PTB's overall limit of 30 messages/s
must be lifted (the fake imposes no limit, and the benchmark measures the bot, not the limiter;
``--telegram-rate-limit`` keeps it).

Each simulated chat is a person: ``/start``, ``/assess``, the questionnaire answered from one of the
40 profiles of ``bench/profiles.yaml`` (by buttons, by typing, or alternately; buttons are found by
their labels on the keyboards the bot really sent), then a free-text question. The next update is
sent only once every reply to the previous one arrived; ``--concurrency`` chats are in flight, and
together they offer ``--rate`` updates/s (the throughput target; 0: as fast as the bot answers).

What each update must get (how many messages, which buttons), the final total and the stored facts
come from the dialog core run alone on the same inputs, which is also the same-run baseline
(``Dialog.handle`` without transport or store); the total is checked against ``assess`` on the
profile's facts too. Processing times are the bot's own (``ms=`` of its per-update log line).

Every wait is bounded (``--reply-timeout``, ``--max-seconds``); only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import html
import json
import math
import os
import re
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
import yaml
from sqlalchemy.ext.asyncio import create_async_engine

from bot.channels.telegram.handlers import china_today
from bot.channels.telegram.render import messages
from bot.dialog.model import ButtonInput, CommandInput, Input, Reply, SessionState, TextInput
from bot.services import PolicyRuntime, build_runtime
from bot.settings import Settings
from bot.storage.factory import open_store
from eligibility.evaluate import assess
from eligibility.profile import validate_facts
from eligibility.questionnaire import NONE_OPTION, Question, QuestionOption, question_by_id
from eligibility.results import Facts
from tests.fakes.bot_api import FakeApiError, FakeBotApi, free_port

JSON = dict[str, Any]
Config = Literal["sqlite", "postgres"]

ROOT = Path(__file__).resolve().parents[1]
PROFILES = Path(__file__).parent / "profiles.yaml"
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SECRET = "load-bench-secret"
HOOK_PATH = "telegram/hook"
USER_LANGUAGE = "zh-hans"
CHAT_BASE = 7_000_000  # chat i is 7_000_000 + i; warm-up chats come after the measured ones
STYLES = ("buttons", "typing", "mixed")
FREE_QUESTIONS = ("贴息上限多少？", "专利银奖奖励多少钱", "马德里商标国际注册有补贴吗", "知识产权质押贷款怎么贴息")
MAX_QUESTIONS = 40
REPLY_TIMEOUT_S = 15.0

# The targets (#6, "Load").
P99_TARGET_MS: dict[Config, float] = {"sqlite": 20.0, "postgres": 50.0}
THROUGHPUT_TARGET = 300.0  # updates/s: 10x Telegram's ~30 messages/s sending limit

_TOTAL = re.compile(r"预计可获得：<b>(.*?)</b>")
_UPDATE_LINE = re.compile(
    r"bot\.channels\.telegram\.updates update id=(\d+) .*? ms=([\d.]+) wait_ms=([\d.]+) net_ms=([\d.]+)(.*)$")
_LEVEL = re.compile(r"^\S+ \S+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")


# -- the scripts: what each simulated person sends, and what the dialog core says the bot must do --

@dataclass(frozen=True, slots=True)
class Step:
    """One update: a command or text the user types, or a button the user presses.

    A button is found by its label on the keyboards the bot sent (``label``, matched like a person
    reads it: the whole text, or its end after a tick mark); ``payload`` is the callback data the
    dialog core alone put on that button, which the bot's keyboard must carry too.
    """

    kind: Literal["command", "text", "button"]
    payload: str  # the command or text typed, or the button's callback data
    replies: int  # messages the bot must send or edit in answer (sendMessage + editMessageText)
    label: str = ""


@dataclass(frozen=True)
class Script:
    profile: str
    style: str
    steps: tuple[Step, ...]
    total: str  # the eligible total as the result message shows it (HTML-escaped Renderer.amount)
    facts: dict[str, Any]  # the session's facts once the chat is over


def load_profiles(engine: PolicyRuntime) -> list[tuple[str, Facts]]:
    raw = yaml.safe_load(PROFILES.read_text(encoding="utf-8"))
    return [(str(p["name"]), validate_facts(engine.kb, p["facts"])) for p in raw]


def expected_replies(replies: Sequence[Reply], *, pressed: bool) -> int:
    """How many messages the Telegram handlers send or edit for these replies (see Handlers._send)."""
    count, edited = 0, False
    for reply in replies:
        parts = len(messages(reply))
        if reply.edit and pressed and not edited and parts == 1:
            count, edited = count + 1, True
        else:
            count += parts
    return count


def label_matches(text: str, label: str) -> bool:
    """A button's text shows ``label``: exactly, or after a tick mark ("✅ 国家知识产权示范企业")."""
    return text == label or text.endswith(" " + label)


def _truthy(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value > 0
    return isinstance(value, list) and any(x > 0 for x in value)


def _money_text(value: int) -> str:
    return f"{value / 10000:g}万" if value and value % 10000 == 0 else str(value)


Action = tuple[Literal["text", "button"], str]  # text typed, or the label of a button pressed


def answer(engine: PolicyRuntime, q: Question, truth: Facts, *, by_button: bool) -> list[Action]:
    """What a person who knows ``truth`` does with question ``q``: type an answer, or press buttons."""
    def btn(key: str) -> str:
        return engine.catalog.t("zh", key)

    def on_button(o: QuestionOption) -> str:  # a button shows the option's short label
        return engine.dialog.views.option_short(q, o.value, o.label, "zh")

    if q.kind == "multi":
        chosen = [o for o in q.options if o.value != NONE_OPTION and _truthy(truth.get(o.value))]
        if not by_button:
            return [("text", "、".join(o.label.zh for o in chosen) or "都没有")]
        if not chosen:
            return [("button", q.options[-1].label.zh)]  # the "none of these" option
        return [*(("button", on_button(o)) for o in chosen), ("button", btn("dlg.btn.done"))]
    fact = q.facts[0]
    if fact not in truth:
        return [("button", btn("dlg.btn.unsure"))] if by_button else [("text", "不确定")]
    value = truth[fact]
    if q.kind == "bool":
        return [("button", btn("dlg.btn.yes" if value else "dlg.btn.no"))] if by_button else \
            [("text", "是的" if value else "没有")]
    if q.kind == "choice":
        option = next(o for o in q.options if o.value == value)
        return [("button", on_button(option))] if by_button else [("text", option.label.zh)]
    if q.kind == "money":
        assert isinstance(value, int)
        return [("button", btn("dlg.btn.none_money"))] if by_button and value == 0 else [("text", _money_text(value))]
    assert isinstance(value, list)
    if by_button and not value:
        return [("button", btn("dlg.btn.none_money"))]
    return [("text", "，".join(_money_text(x) for x in value) or "没有")]


def _input(kind: str, payload: str) -> Input:
    if kind == "button":
        return ButtonInput(payload)
    if kind == "command":
        name, _, arg = payload[1:].partition(" ")
        return CommandInput(name, arg)
    return TextInput(payload)


def build_script(engine: PolicyRuntime, name: str, truth: Facts, style: str, question: str, today: date) -> Script:
    """Run one chat through the dialog core alone; raises if the script does not reach the right result."""
    dialog, kb = engine.dialog, engine.kb
    state = SessionState()  # a new chat of a zh-hans user: Chinese, as Conversations would start it
    steps: list[Step] = []
    buttons: list[tuple[str, str]] = []  # (label, data) of the newest keyboard

    def run(kind: Literal["command", "text", "button"], payload: str, label: str = "") -> None:
        nonlocal state, buttons
        replies, state = dialog.handle(state, _input(kind, payload), today)
        steps.append(Step(kind, payload, expected_replies(replies, pressed=kind == "button"), label))
        shown = [[(b.label, b.data) for row in r.buttons for b in row] for r in replies if r.buttons]
        if shown:
            buttons = shown[-1]

    def press(label: str) -> None:
        data = next((d for text, d in buttons if label_matches(text, label)), None)
        if data is None:
            raise RuntimeError(f"{name} ({style}): no button {label!r} in {[t for t, _ in buttons]}")
        run("button", data, label)

    run("command", "/start")
    run("command", "/assess")
    for n in range(MAX_QUESTIONS):
        if state.mode == "done":
            break
        q = question_by_id(kb, state.current or "", state.typed_facts(), today, dialog.validity,
                           topic=state.topic, skipped=state.skipped)
        if q is None:
            raise RuntimeError(f"{name}: no current question in state {state.to_json()}")
        by_button = style == "buttons" or (style == "mixed" and n % 2 == 0)
        for kind, payload in answer(engine, q, truth, by_button=by_button):
            if kind == "button":
                press(payload)
            else:
                run(kind, payload)
    if state.mode != "done":
        raise RuntimeError(f"{name} ({style}): no result after {MAX_QUESTIONS} questions")
    run("text", question)
    got = assess(kb, state.typed_facts(), today, dialog.validity)
    want = assess(kb, truth, today, dialog.validity)
    if [(r.id, r.status, r.amount) for r in got.results] != [(r.id, r.status, r.amount) for r in want.results]:
        raise RuntimeError(f"{name} ({style}): the dialog's result differs from assess on the profile")
    total = html.escape(engine.renderer.amount(want.eligible_total, "zh"))
    return Script(name, style, tuple(steps), total, state.to_json()["facts"])


def script_for(scripts: dict[tuple[int, str], Script], n_profiles: int, index: int) -> Script:
    """Chat ``index`` plays profile ``index mod 40`` in style ``(index div 40) mod 3``."""
    return scripts[(index % n_profiles, STYLES[(index // n_profiles) % len(STYLES)])]


def engine_baseline(engine: PolicyRuntime, scripts: Sequence[Script], today: date) -> list[float]:
    """``Dialog.handle`` seconds per update for these chats, with no transport and no store."""
    times: list[float] = []
    for script in scripts:
        state = SessionState()
        for step in script.steps:
            inp = _input(step.kind, step.payload)
            started = time.perf_counter()
            _, state = engine.dialog.handle(state, inp, today)
            times.append(time.perf_counter() - started)
    return times


# -- the fake Bot API, observed ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Sent:
    at: float  # perf_counter() when the fake accepted it
    message_id: int
    text: str
    markup: JSON | None


class ObservedBotApi(FakeBotApi):
    """The fake Bot API that also timestamps every message per chat and counts refusals and answers."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: defaultdict[int, list[Sent]] = defaultdict(list)
        self.arrived: defaultdict[int, asyncio.Event] = defaultdict(asyncio.Event)
        self.refused: list[str] = []  # 4xx/5xx answers
        self.answered: Counter[str] = Counter()  # answerCallbackQuery per callback query id
        for method in ("setMyDescription", "setMyShortDescription"):  # the bot's profile, set at start
            self.register(method, self._true)

    def _log_sent(self, method: str, message: JSON) -> None:
        super()._log_sent(method, message)
        chat = int(message["chat"]["id"])
        self.sent[chat].append(Sent(time.perf_counter(), int(message["message_id"]), str(message.get("text") or ""),
                                    message.get("reply_markup")))
        self.arrived[chat].set()

    async def _handle(self, token: str, method: str, params: JSON, gone: asyncio.Event) -> tuple[int, JSON]:
        try:
            status, body = await super()._handle(token, method, params, gone)
        except FakeApiError as exc:
            # Removing a keyboard that a concurrent update of the same chat (another replica) already
            # removed is a no-op Telegram answers "not modified": not an error of the bot.
            if not (method.lower() == "editmessagereplymarkup" and "not modified" in exc.description):
                self.refused.append(f"{method}: {exc.status} {exc.description}")
            raise
        if status >= 400:
            self.refused.append(f"{method}: {status} {body.get('description')}")
        elif method.lower() == "answercallbackquery":
            self.answered[str(params.get("callback_query_id"))] += 1
        return status, body

    def button(self, chat_id: int, label: str) -> tuple[int, str] | None:
        """The button labelled ``label`` on the newest keyboard in the chat that has one, as
        (message id, callback data)."""
        current: dict[int, JSON | None] = {}
        for sent in self.sent[chat_id]:  # later edits replace a message's keyboard
            current[sent.message_id] = sent.markup
        for message_id in sorted(current, reverse=True):
            for row in (current[message_id] or {}).get("inline_keyboard", []):
                for b in row:
                    if label_matches(str(b.get("text")), label) and b.get("callback_data"):
                        return message_id, str(b["callback_data"])
        return None


# -- the bot processes ---------------------------------------------------------------------------

@dataclass
class ReplicaLog:
    """What one bot process wrote: one line per update (id, ms, wait_ms), errors and warnings."""

    processed: dict[int, tuple[float, float, float]] = field(default_factory=dict)  # ms, wait_ms, net_ms
    processed_twice: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    started: asyncio.Event = field(default_factory=asyncio.Event)
    tail: list[str] = field(default_factory=list)

    def feed(self, line: str) -> None:
        self.tail = [*self.tail[-40:], line]
        match = _UPDATE_LINE.search(line)
        if match:
            update_id = int(match.group(1))
            if update_id in self.processed:
                self.processed_twice += 1
            self.processed[update_id] = (float(match.group(2)), float(match.group(3)), float(match.group(4)))
            self.cancelled += "cancelled=1" in match.group(5)
            return
        level = _LEVEL.match(line)
        if level and level.group(1) in ("ERROR", "CRITICAL"):
            self.errors.append(line)
        elif level and level.group(1) == "WARNING":
            self.warnings.append(line)
        elif "ipbot started as" in line:
            self.started.set()


class WebhookPoster:
    """POSTs updates to one webhook over kept-alive HTTP/1.1 connections, as Telegram (or the load
    balancer in front of the replicas) does.

    A few lines of asyncio instead of an HTTP client library: the driver shares the machine with the
    bot, and httpx costs several times more CPU per request than the bot's own webhook handler.
    """

    def __init__(self, port: int, path: str, secret: str) -> None:
        self.port = port
        self._head = (f"POST /{path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                      f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\nContent-Length: ").encode()
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def post(self, update: JSON) -> int:
        """Send ``update``; return the HTTP status. Raises OSError or asyncio.IncompleteReadError.

        A kept-alive connection the server closed while it was idle (the webhook closes idle ones
        after ``REQUEST_TIMEOUT_S``) fails before any answer: then the update goes again on a new
        connection, once, as HTTP clients (and Telegram) do; the bot applies an update once anyway.
        """
        body = json.dumps(update, ensure_ascii=False).encode()
        if self._idle:
            reader, writer = self._idle.pop()
            try:
                return await self._exchange(reader, writer, body)
            except (OSError, asyncio.IncompleteReadError) as exc:
                if isinstance(exc, asyncio.IncompleteReadError) and exc.partial:
                    raise
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        return await self._exchange(reader, writer, body)

    async def _exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes) -> int:
        try:
            writer.write(self._head + str(len(body)).encode() + b"\r\n\r\n" + body)
            await writer.drain()
            status = int((await reader.readuntil(b"\r\n")).split()[1])
            length, keep = 0, True
            while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "connection":
                    keep = "close" not in value.lower()
                elif name.lower() == "transfer-encoding":
                    raise OSError(f"unexpected Transfer-Encoding: {value.strip()}")
            await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        if keep:
            self._idle.append((reader, writer))
        else:
            writer.close()
        return status

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for _, writer in idle:
            writer.close()
        for _, writer in idle:
            with contextlib.suppress(OSError):
                await writer.wait_closed()


@dataclass
class Replica:
    name: str
    webhook: WebhookPoster  # where this replica's webhook listens
    process: asyncio.subprocess.Process
    log: ReplicaLog
    reader: asyncio.Task[None]


async def _read_log(stream: asyncio.StreamReader, log: ReplicaLog, copy: Path | None) -> None:
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(copy.open("w", encoding="utf-8")) if copy is not None else None
        while line := await stream.readline():
            text = line.decode("utf-8", "replace").rstrip()
            log.feed(text)
            if out is not None:
                out.write(text + "\n")


async def start_replica(name: str, fake: FakeBotApi, workdir: Path, database_url: str, *, schema: str | None,
                        hook_url: str, max_concurrent: int | None, telegram_rate_limit: bool,
                        log_dir: Path | None, timeout: float) -> Replica:
    """One bot process in webhook mode; returns once it has set its webhook and listens."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "WEBHOOK_", "IPBOT_", "DATABASE_URL", "LOG_LEVEL"))}
    env.update({
        "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": fake.base_url,
        "WEBHOOK_URL": hook_url, "WEBHOOK_SECRET": SECRET, "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port), "DATABASE_URL": database_url, "IPBOT_DATA_DIR": str(workdir / "data"),
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
    })
    args = [sys.executable, "-m", "bench.load_bench", "--serve-replica"]
    if schema:
        args += ["--schema", schema]
    if max_concurrent:
        args += ["--max-concurrent", str(max_concurrent)]
    if telegram_rate_limit:
        args += ["--telegram-rate-limit"]
    workdir.mkdir(parents=True, exist_ok=True)
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
    process = await asyncio.create_subprocess_exec(*args, cwd=workdir, env=env, stdin=asyncio.subprocess.DEVNULL,
                                                   stdout=asyncio.subprocess.DEVNULL,
                                                   stderr=asyncio.subprocess.PIPE)
    assert process.stderr is not None
    log = ReplicaLog()
    replica = Replica(name, WebhookPoster(port, HOOK_PATH, SECRET), process, log,
                      asyncio.create_task(_read_log(process.stderr, log,
                                                    log_dir / f"{name}.log" if log_dir else None)))
    try:
        async with asyncio.timeout(timeout):
            await log.started.wait()
            while process.returncode is None:  # serve_webhook starts its server, then sets the webhook
                with contextlib.suppress(OSError):
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                    writer.close()
                    await writer.wait_closed()
                    return replica
                await asyncio.sleep(0.05)
    except TimeoutError:
        pass
    await stop_replica(replica, 5.0)
    raise RuntimeError(f"replica {name} did not start:\n" + "\n".join(log.tail))


async def stop_replica(replica: Replica, timeout: float) -> int | None:
    """SIGTERM (a clean stop), SIGKILL after ``timeout``; returns the exit code."""
    process = replica.process
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(timeout):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(5):
            await replica.reader
    return process.returncode


def serve_replica(schema: str | None, max_concurrent: int | None, *, telegram_rate_limit: bool) -> int:
    """The bot as ``python -m bot`` runs it by webhook (see ``run_telegram``), with a schema for the store.

    Unless ``telegram_rate_limit``, the overall limit of 30 messages/s of PTB's rate limiter is lifted
    (flood-control and network retries stay): the fake Bot API imposes no limit, and the benchmark
    measures the bot, not the limiter. ``build_application`` has no parameter for it, hence the
    change to the built limiter below.
    """
    import logging

    from bot.channels.telegram.app import build_application, configure_logging, serve_webhook, use_fast_event_loop

    settings = Settings()
    if not telegram_rate_limit:
        settings.overall_rate_limit = 0
        settings.chat_rate_limit = 0  # each simulated chat answers faster than a person types
        logging.getLogger("bench.load_bench").info("PTB's overall limit of 30 messages/s lifted for the benchmark")
    configure_logging(settings)
    use_fast_event_loop()
    app = build_application(settings, store_factory=functools.partial(open_store, schema=schema),
                            max_concurrent=max_concurrent, tune_gc=True)
    serve_webhook(app, settings)
    return 0


# -- PostgreSQL -------------------------------------------------------------------------------------

@contextlib.asynccontextmanager
async def pg_schema(url: str, existing: str | None = None) -> AsyncIterator[str]:
    """A fresh schema in the database at ``url``, dropped with everything in it at the end; or the
    ``existing`` one, left as it is (tests bring their own)."""
    if existing is not None:
        yield existing
        return
    name = f"ipbot_load_{uuid.uuid4().hex[:10]}"
    engine = create_async_engine(url, connect_args={"timeout": 5})
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.schema.CreateSchema(name))
        try:
            yield name
        finally:
            async with engine.begin() as conn:
                await conn.execute(sa.schema.DropSchema(name, cascade=True))
    finally:
        await engine.dispose()


# -- the load ---------------------------------------------------------------------------------------

@dataclass
class ChatOutcome:
    index: int
    chat_id: int
    script: Script
    posted: int = 0  # updates posted to the bot
    answered: int = 0  # of those, answered with every reply expected
    first_post: float | None = None
    last_reply: float | None = None
    latencies: list[float] = field(default_factory=list)  # seconds, update posted -> its last reply
    lost: int = 0  # updates whose replies did not all arrive within the timeout
    errors: list[str] = field(default_factory=list)
    update_ids: list[int] = field(default_factory=list)
    query_ids: list[str] = field(default_factory=list)  # callback queries of the answered updates
    replies: list[tuple[int, int]] = field(default_factory=list)  # per answered update: its slice of the chat
    replicas: set[str] = field(default_factory=set)


class Pacer:
    """At most ``rate`` updates per second across all chats, evenly spaced (no bursts); 0: no limit."""

    def __init__(self, rate: float) -> None:
        self.interval = 1 / rate if rate > 0 else 0.0
        self._next = 0.0

    async def turn(self) -> None:
        if not self.interval:
            return
        now = asyncio.get_running_loop().time()
        at = max(now, self._next)
        self._next = at + self.interval
        if at > now:
            await asyncio.sleep(at - now)


class Driver:
    """Plays the users (and, with several replicas, the load balancer in front of them)."""

    def __init__(self, fake: ObservedBotApi, replicas: Sequence[Replica], reply_timeout: float) -> None:
        self.fake = fake
        self.replicas = replicas
        self.reply_timeout = reply_timeout
        self.pacer = Pacer(0)
        self.updates_sent = 0

    async def chat(self, index: int, script: Script) -> ChatOutcome:
        """One person's whole conversation; stops at the first update that goes wrong."""
        chat_id = CHAT_BASE + index
        out = ChatOutcome(index, chat_id, script)
        sent, arrived = self.fake.sent[chat_id], self.fake.arrived[chat_id]
        for k, step in enumerate(script.steps):
            query_id: str | None = None
            if step.kind == "button":
                found = self.fake.button(chat_id, step.label)
                if found is None or found[1] != step.payload:
                    out.errors.append(f"step {k}: the bot shows no button {step.label!r} with data {step.payload!r}"
                                      f" (found {found})")
                    return out
                update = self.fake.press_button(chat_id, found[0], found[1], language_code=USER_LANGUAGE,
                                                enqueue=False)
                query_id = str(update["callback_query"]["id"])
            else:
                update = self.fake.user_message(chat_id, step.payload, language_code=USER_LANGUAGE, enqueue=False)
            out.update_ids.append(int(update["update_id"]))
            target = len(sent) + step.replies
            replica = self.replicas[(index + k) % len(self.replicas)]  # the chat hops replicas every turn
            out.replicas.add(replica.name)
            await self.pacer.turn()
            posted = time.perf_counter()
            out.first_post = out.first_post or posted
            try:
                async with asyncio.timeout(self.reply_timeout):
                    status = await replica.webhook.post(update)
            except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
                out.errors.append(f"step {k}: webhook post failed: {type(exc).__name__}: {exc}")
                return out
            out.posted += 1
            self.updates_sent += 1
            if status != 200:
                out.errors.append(f"step {k}: the webhook answered {status}")
                return out
            try:
                async with asyncio.timeout(self.reply_timeout):
                    while len(sent) < target:
                        arrived.clear()
                        await arrived.wait()
            except TimeoutError:
                out.lost += 1
                out.errors.append(f"step {k}: {target - len(sent)} of {step.replies} replies missing "
                                  f"after {self.reply_timeout:g} s")
                return out
            out.replies.append((target - step.replies, target))
            out.last_reply = sent[target - 1].at
            out.latencies.append(out.last_reply - posted)
            out.answered += 1
            if query_id is not None:
                out.query_ids.append(query_id)
        return out


async def run_load(driver: Driver, jobs: Sequence[tuple[int, Script]], concurrency: int,
                   deadline: float, progress: bool) -> list[ChatOutcome]:
    """Run ``jobs`` (chat index, script) with ``concurrency`` chats in flight; no chat starts after
    ``deadline`` (event-loop time), and chats still running twice ``reply_timeout`` later are abandoned."""
    queue = list(reversed(jobs))
    outcomes: list[ChatOutcome] = []
    loop = asyncio.get_running_loop()
    started = time.perf_counter()

    async def worker() -> None:
        while queue and loop.time() < deadline:
            index, script = queue.pop()
            outcomes.append(await driver.chat(index, script))

    async def report() -> None:
        while True:
            await asyncio.sleep(5)
            sys.stderr.write(f"  {len(outcomes)} chats done, {driver.updates_sent} updates, "
                             f"{driver.updates_sent / (time.perf_counter() - started):.0f} updates/s\n")

    tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
    if progress:
        tasks.append(asyncio.create_task(report()))
    try:
        async with asyncio.timeout_at(deadline + driver.reply_timeout * 2):
            await asyncio.gather(*tasks[:concurrency])
    except TimeoutError:
        pass
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return outcomes


@dataclass(frozen=True)
class CpuUse:
    """CPU seconds spent during the load, by whom (None where /proc cannot tell)."""

    bots: float | None
    driver: float  # this process: the simulated users, the load balancer and the fake Bot API
    postgres: float | None
    machine_busy: float | None  # fraction of all CPUs' time
    others: float | None  # fraction of all CPUs' time used by anything else (other jobs on the machine)


class CpuMeter:
    """Reads CPU time from Linux /proc at the start and at :meth:`stop`."""

    def __init__(self, bot_pids: Sequence[int]) -> None:
        self.bot_pids = list(bot_pids)
        self._start = self._read()

    @staticmethod
    def _process(pid: int) -> tuple[str, float, float] | None:
        """(command name, CPU seconds, CPU seconds of its exited children) of a process."""
        try:
            head, tail = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)
            ticks = [int(f) for f in tail.split()[11:15]]
            hz = os.sysconf("SC_CLK_TCK")
            return head.partition("(")[2], (ticks[0] + ticks[1]) / hz, (ticks[2] + ticks[3]) / hz
        except (OSError, ValueError, IndexError):
            return None

    def _read(self) -> tuple[dict[int, float], dict[int, float], float, tuple[float, float] | None]:
        bots = {pid: p[1] for pid in self.bot_pids if (p := self._process(pid)) is not None}
        postgres: dict[int, float] = {}  # backends that exit pass their time on to the postmaster
        with contextlib.suppress(OSError):
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit() and (p := self._process(int(entry.name))) is not None \
                        and p[0].startswith("postgres"):
                    postgres[int(entry.name)] = p[1] + p[2]
        own = os.times()
        machine: tuple[float, float] | None = None
        with contextlib.suppress(OSError, ValueError, IndexError):
            jiffies = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
            idle = jiffies[3] + jiffies[4]  # idle + iowait
            machine = (sum(jiffies) - idle) / os.sysconf("SC_CLK_TCK"), sum(jiffies) / os.sysconf("SC_CLK_TCK")
        return bots, postgres, own.user + own.system, machine

    def stop(self) -> CpuUse:
        (bots0, pg0, own0, m0), (bots1, pg1, own1, m1) = self._start, self._read()
        bots = sum(bots1[p] - bots0[p] for p in self.bot_pids) if len(bots0) == len(bots1) == len(self.bot_pids) \
            else None
        postgres = sum(t - pg0.get(pid, 0.0) for pid, t in pg1.items()) if pg1 or pg0 else None
        driver = own1 - own0
        busy = others = None
        if m0 and m1 and m1[1] > m0[1]:
            total = m1[1] - m0[1]
            busy = (m1[0] - m0[0]) / total
            if bots is not None:
                others = max(0.0, busy - (bots + driver + (postgres or 0.0)) / total)
        return CpuUse(bots, driver, postgres, busy, others)


# -- checks and numbers -----------------------------------------------------------------------------

def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered), math.ceil(p / 100 * len(ordered))) - 1)]


async def stored_facts(url: str, schema: str | None, keys: Sequence[str], token: str) -> dict[str, Any]:
    """The facts each session holds in the store (None for a missing session), read as the bot does
    (its keys hashed with the id secret it derives from the token)."""
    secret = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=token, IPBOT_ID_SECRET=None).id_secret()  # type: ignore[call-arg]
    store = open_store(url, schema=schema, id_secret=secret)
    try:
        out: dict[str, Any] = {}
        for key in keys:
            session = await store.load(key)
            out[key] = session.state.get("facts") if session is not None else None
        return out
    finally:
        await store.close()


@dataclass
class ConfigResult:
    """Everything one configuration measured; ``verdicts`` holds it against the issue's targets."""

    config: Config
    replicas: int
    max_concurrent: int | None
    telegram_rate_limit: bool
    rate: float  # offered updates/s (0: as fast as the bot answers)
    reply_timeout: float
    concurrency: int
    chats: int
    chats_completed: int
    updates: int  # answered with every expected reply
    seconds: float  # first update posted -> last reply
    updates_per_s: float
    latency_p50_ms: float
    latency_p99_ms: float
    processing_p50_ms: float  # excluding the network: ms= less the Bot API's share (net_ms=)
    processing_p99_ms: float
    with_network_p50_ms: float  # ms= as logged: including the Bot API round trips
    with_network_p99_ms: float
    wait_p50_ms: float
    wait_p99_ms: float
    engine_p50_ms: float
    engine_p99_ms: float
    cpu_ms_per_update: dict[str, float | None]  # bots, driver (+ fake Bot API), postgres
    machine_cpu_busy: float | None
    other_cpu_busy: float | None  # share of the machine used by other jobs during the run
    errors: int
    lost: int
    duplicated: int
    results_right: int
    facts_right: int
    chats_on_both_replicas: int
    warnings: int
    error_samples: list[str]

    def verdicts(self) -> dict[str, bool]:
        return {
            "processing_p99": self.processing_p99_ms < P99_TARGET_MS[self.config],
            # 1% allowance: a paced run ends with the last reply, a few ms after the pacing clock
            "throughput": self.updates_per_s >= THROUGHPUT_TARGET * 0.99,
            "no_error": self.errors == 0,
            "no_lost_reply": self.lost == 0,
            "no_duplicated_reply": self.duplicated == 0,
            "results_right": self.results_right == self.chats,
            "facts_right": self.facts_right == self.chats,
        }


def _prepare(chats: int) -> tuple[list[tuple[int, Script]], list[float]]:
    """The chats' scripts from the dialog core alone, and its handle() times over the same chats."""
    settings = Settings(_env_file=None, IPBOT_KB_DIR=None, IPBOT_POLICY_PUBLISHED_ON=None)
    engine = build_runtime(settings)
    today = china_today()  # the bot's date too (build_application's default)
    profiles = load_profiles(engine)
    scripts = {(i, style): build_script(engine, name, truth, style, FREE_QUESTIONS[i % len(FREE_QUESTIONS)], today)
               for i, (name, truth) in enumerate(profiles) for style in STYLES}
    jobs = [(i, script_for(scripts, len(profiles), i)) for i in range(chats)]
    return jobs, engine_baseline(engine, [s for _, s in jobs], today)


async def run_config(config: Config, *, chats: int, concurrency: int, rate: float, reply_timeout: float,
                     max_seconds: float, pg_url: str, pg_schema_name: str | None, max_concurrent: int | None,
                     telegram_rate_limit: bool, log_dir: Path | None, progress: bool) -> ConfigResult:
    """Start the fake and the bot(s), drive ``chats`` chats, check everything, stop everything."""
    def say(text: str) -> None:
        if progress:
            sys.stderr.write(f"[{config}] {text}\n")

    jobs, engine_times = await asyncio.to_thread(_prepare, chats)
    say(f"{sum(len(s.steps) for _, s in jobs)} updates planned; the dialog core alone takes "
        f"{percentile(engine_times, 50) * 1000:.2f} ms per update (p50)")
    n_replicas = 2 if config == "postgres" else 1
    errors: list[str] = []
    async with contextlib.AsyncExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ipbot-load-")))
        schema: str | None = None
        if config == "postgres":
            schema = await stack.enter_async_context(pg_schema(pg_url, pg_schema_name))
            database_url = pg_url
        else:
            database_url = f"sqlite:///{workdir / 'sessions.db'}"
        fake = await stack.enter_async_context(ObservedBotApi())
        hook_url = f"http://127.0.0.1:{free_port()}/{HOOK_PATH}"  # the balancer's URL (played by the driver)
        replicas = list(await asyncio.gather(*[
            start_replica(f"r{i + 1}", fake, workdir / f"r{i + 1}", database_url, schema=schema, hook_url=hook_url,
                          max_concurrent=max_concurrent, telegram_rate_limit=telegram_rate_limit,
                          log_dir=log_dir / config if log_dir else None, timeout=60)
            for i in range(n_replicas)]))
        try:
            driver = Driver(fake, replicas, reply_timeout)
            # Warm-up, not measured: two chats per replica (first connections, first queries).
            warm = [(chats + i, jobs[i % len(jobs)][1]) for i in range(2 * n_replicas)]
            warmed = await run_load(driver, warm, len(warm), asyncio.get_running_loop().time() + 30, False)
            errors += [f"warm-up chat {o.index}: {e}" for o in warmed for e in o.errors]
            say(f"{n_replicas} bot process(es) up and warm; {chats} chats, {concurrency} in flight, "
                + (f"{rate:g} updates/s offered" if rate else "as fast as the bot answers"))
            driver.updates_sent, driver.pacer = 0, Pacer(rate)
            meter = CpuMeter([r.process.pid for r in replicas])
            outcomes = await run_load(driver, jobs, concurrency, asyncio.get_running_loop().time() + max_seconds,
                                      progress)
            cpu = meter.stop()
            await asyncio.sleep(1.0)  # late (duplicated) replies would arrive now
        finally:
            await asyncio.gather(*[r.webhook.close() for r in replicas])
            codes = await asyncio.gather(*[stop_replica(r, 30) for r in replicas])
        for replica, code in zip(replicas, codes, strict=True):
            if code != 0:
                errors.append(f"{replica.name}: exit code {code}")
            errors += [f"{replica.name}: {line}" for line in replica.log.errors]
        errors += [f"fake Bot API: {line}" for line in fake.refused]
        facts = await stored_facts(database_url, schema, [f"tg:{o.chat_id}" for o in outcomes], fake.token)

    processed: dict[int, tuple[float, float, float]] = {}
    for replica in replicas:
        for update_id, times in replica.log.processed.items():
            if update_id in processed:
                errors.append(f"update {update_id} processed by two replicas")
            processed[update_id] = times
        if replica.log.cancelled:
            errors.append(f"{replica.name}: {replica.log.cancelled} update(s) cancelled by the shutdown")
        if replica.log.processed_twice:
            errors.append(f"{replica.name}: {replica.log.processed_twice} update(s) processed twice")
    lost = duplicated = results_right = facts_right = completed = 0
    latencies: list[float] = []
    for o in outcomes:
        errors += [f"chat {o.index}: {e}" for e in o.errors]
        lost += o.lost + sum(fake.answered[q] == 0 for q in o.query_ids)  # a button's spinner never stopped
        duplicated += sum(max(0, fake.answered[q] - 1) for q in o.query_ids)
        duplicated += max(0, len(fake.sent[o.chat_id]) - sum(s.replies for s in o.script.steps[:o.posted]))
        errors += [f"chat {o.index}: update {u} has no log line" for u in o.update_ids[:o.answered]
                   if u not in processed]
        latencies += o.latencies
        if o.answered == len(o.script.steps):
            completed += 1
            first, end = o.replies[-2]  # the last answer's replies (the free-text question comes after)
            shown = [m.group(1) for s in fake.sent[o.chat_id][first:end] if (m := _TOTAL.search(s.text))]
            results_right += shown == [o.script.total]
            facts_right += facts.get(f"tg:{o.chat_id}") == o.script.facts
    measured = [processed[u] for o in outcomes for u in o.update_ids[:o.answered] if u in processed]
    updates = sum(o.answered for o in outcomes)
    starts = [o.first_post for o in outcomes if o.first_post is not None]
    ends = [o.last_reply for o in outcomes if o.last_reply is not None]
    seconds = max(ends) - min(starts) if starts and ends else 0.0
    return ConfigResult(
        config=config, replicas=n_replicas, max_concurrent=max_concurrent, telegram_rate_limit=telegram_rate_limit,
        rate=rate, reply_timeout=reply_timeout, concurrency=concurrency, chats=chats, chats_completed=completed,
        updates=updates,
        seconds=seconds, updates_per_s=updates / seconds if seconds > 0 else 0.0,
        latency_p50_ms=percentile(latencies, 50) * 1000, latency_p99_ms=percentile(latencies, 99) * 1000,
        processing_p50_ms=percentile([m - n for m, _, n in measured], 50),
        processing_p99_ms=percentile([m - n for m, _, n in measured], 99),
        with_network_p50_ms=percentile([m for m, _, _ in measured], 50),
        with_network_p99_ms=percentile([m for m, _, _ in measured], 99),
        wait_p50_ms=percentile([w for _, w, _ in measured], 50),
        wait_p99_ms=percentile([w for _, w, _ in measured], 99),
        engine_p50_ms=percentile(engine_times, 50) * 1000, engine_p99_ms=percentile(engine_times, 99) * 1000,
        cpu_ms_per_update={k: v / updates * 1000 if v is not None and updates else None for k, v in
                           (("bots", cpu.bots), ("driver", cpu.driver), ("postgres", cpu.postgres))},
        machine_cpu_busy=cpu.machine_busy, other_cpu_busy=cpu.others, errors=len(errors), lost=lost,
        duplicated=duplicated,
        results_right=results_right, facts_right=facts_right,
        chats_on_both_replicas=sum(len(o.replicas) > 1 for o in outcomes),
        warnings=sum(len(r.log.warnings) for r in replicas), error_samples=errors[:10],
    )


# -- the report --------------------------------------------------------------------------------------

def _met(ok: bool) -> str:
    return "met" if ok else "**NOT met**"


def _ms(p50: float, p99: float, digits: int = 1) -> str:
    return f"{p50:.{digits}f} / {p99:.{digits}f} ms"


def markdown(r: ConfigResult) -> str:
    """The README table of one configuration."""
    v = r.verdicts()
    where = "SQLite, one bot process" if r.config == "sqlite" else \
        f"PostgreSQL, {r.replicas} bot processes (replicas, one connection pool each) behind one webhook URL"
    offered = f"{r.rate:g} updates/s offered" if r.rate else "each update sent as soon as the last was answered"
    ratio = r.processing_p50_ms / r.engine_p50_ms if r.engine_p50_ms else float("nan")
    names = {"bots": "bot process" + ("es" if r.replicas > 1 else "") + " {:.1f} ms",
             "driver": "driver and fake Bot API {:.1f} ms",
             "postgres": "PostgreSQL {:.1f} ms"}
    cpu = [names[k].format(v) for k, v in r.cpu_ms_per_update.items()
           if v is not None and (k != "postgres" or r.config == "postgres")]
    busy = f"; all CPUs {r.machine_cpu_busy:.0%} busy" if r.machine_cpu_busy is not None else ""
    if r.other_cpu_busy is not None and r.other_cpu_busy >= 0.05:
        busy += f", {r.other_cpu_busy:.0%} by other jobs"
    lines = [
        f"**{where}**: {r.chats} chats, {r.concurrency} in flight, {offered}; bot `max_concurrent` "
        f"{r.max_concurrent or 'default'}; "
        + ("PTB's 30 messages/s limit on" if r.telegram_rate_limit else "PTB's 30 messages/s limit lifted"),
        "",
        "| measure | value | target | |",
        "|---|---:|---|---|",
        f"| chats completed | {r.chats_completed} / {r.chats} | all | {_met(r.chats_completed == r.chats)} |",
        f"| updates answered per second | {r.updates_per_s:.0f} ({r.updates} in {r.seconds:.1f} s) | "
        f"≥ {THROUGHPUT_TARGET:.0f} | {_met(v['throughput'])} |",
        f"| processing per update, excluding the network (`ms=` − `net_ms=`), p50 / p99 | "
        f"{_ms(r.processing_p50_ms, r.processing_p99_ms)} | "
        f"p99 < {P99_TARGET_MS[r.config]:.0f} ms | {_met(v['processing_p99'])} |",
        f"| the same including the Bot API round trips (`ms=`), p50 / p99 | "
        f"{_ms(r.with_network_p50_ms, r.with_network_p99_ms)} | | |",
        f"| update posted → last reply at the Bot API, p50 / p99 | {_ms(r.latency_p50_ms, r.latency_p99_ms)} | | |",
        f"| waiting for its chat or a slot (`wait_ms=`), p50 / p99 | {_ms(r.wait_p50_ms, r.wait_p99_ms)} | | |",
        f"| baseline: dialog core alone (`Dialog.handle`), p50 / p99 | "
        f"{_ms(r.engine_p50_ms, r.engine_p99_ms, 2)} | | |",
        f"| processing / dialog core alone (p50): transport + store overhead | {ratio:.0f}× | | |",
        f"| errors (bot log, Bot API 4xx/5xx, webhook refusals) | {r.errors} | 0 | {_met(v['no_error'])} |",
        f"| lost replies (none within {r.reply_timeout:g} s, or a button never answered) | {r.lost} | 0 | "
        f"{_met(v['no_lost_reply'])} |",
        f"| duplicated replies | {r.duplicated} | 0 | {_met(v['no_duplicated_reply'])} |",
        f"| final result = `assess` on the profile's facts | {r.results_right} / {r.chats} | all | "
        f"{_met(v['results_right'])} |",
        f"| stored session facts right | {r.facts_right} / {r.chats} | all | {_met(v['facts_right'])} |",
    ]
    if r.replicas > 1:
        lines.append(f"| chats served by both replicas | {r.chats_on_both_replicas} / {r.chats} | | |")
    bots_ms = r.cpu_ms_per_update.get("bots")
    if bots_ms:  # Python runs a process's handlers on one core at a time
        busy += f"; so one bot process at one full core answers ≤ {1000 / bots_ms:.0f} updates/s"
    if cpu:
        lines.append(f"| CPU per update | {'; '.join(cpu)}{busy} | | |")
    if r.warnings:
        lines.append(f"\nwarnings in the bot log: {r.warnings}")
    if r.error_samples:
        lines += ["", "first errors:", *(f"- `{e[:300]}`" for e in r.error_samples)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load_bench",
                                 description="Load benchmark of the Telegram bot against the fake Bot API.")
    ap.add_argument("--chats", type=int, default=1000, help="simulated chats per configuration (default 1000)")
    ap.add_argument("--config", choices=["sqlite", "postgres", "both"], default="both",
                    help="one bot process on SQLite, two replicas on PostgreSQL, or both (default)")
    ap.add_argument("--concurrency", type=int, default=150, help="chats in flight at once (default 150)")
    ap.add_argument("--rate", type=float, default=THROUGHPUT_TARGET,
                    help="updates/s offered across all chats (default: the target, 300); 0: each chat sends its "
                         "next update as soon as the last one is answered")
    ap.add_argument("--max-concurrent", type=int, default=None,
                    help="the bot's max_concurrent (updates processed at once per process); default: the app's")
    ap.add_argument("--reply-timeout", type=float, default=REPLY_TIMEOUT_S,
                    help=f"seconds to wait for the replies to an update (default {REPLY_TIMEOUT_S:g})")
    ap.add_argument("--max-seconds", type=float, default=600.0,
                    help="no chat starts after this many seconds of load (default 600)")
    ap.add_argument("--pg-url", default=os.environ.get("IPBOT_TEST_POSTGRES_URL", PG_URL),
                    help=f"the PostgreSQL database (default {PG_URL}, or IPBOT_TEST_POSTGRES_URL)")
    ap.add_argument("--telegram-rate-limit", action="store_true",
                    help="keep PTB's overall limit of 30 messages/s in the bot, as in production")
    ap.add_argument("--log-dir", type=Path, default=None, help="keep each bot process's log here")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON instead of tables")
    ap.add_argument("--serve-replica", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--schema", default=None,
                    help="an existing PostgreSQL schema to use and keep (default: a fresh one, dropped at the end)")
    args = ap.parse_args(argv)
    if args.serve_replica:
        return serve_replica(args.schema, args.max_concurrent, telegram_rate_limit=args.telegram_rate_limit)
    if args.chats < 1 or args.concurrency < 1 or args.rate < 0:
        ap.error("--chats and --concurrency must be positive, --rate not negative")

    configs: list[Config] = ["sqlite", "postgres"] if args.config == "both" else [args.config]
    results = [asyncio.run(run_config(
        config, chats=args.chats, concurrency=min(args.concurrency, args.chats), rate=args.rate,
        reply_timeout=args.reply_timeout, max_seconds=args.max_seconds, pg_url=args.pg_url, pg_schema_name=args.schema,
        max_concurrent=args.max_concurrent, telegram_rate_limit=args.telegram_rate_limit, log_dir=args.log_dir,
        progress=not args.json)) for config in configs]
    ok = all(all(r.verdicts().values()) for r in results)
    if args.json:
        print(json.dumps([{**asdict(r), "targets_met": r.verdicts()} for r in results], ensure_ascii=False, indent=2))
        return 0
    command = " ".join(["python -m bench.load_bench", *(sys.argv[1:] if argv is None else argv)])
    print(f"`{command}` on {os.cpu_count()} CPUs, {date.today().isoformat()}: the bot as separate processes "
          "(webhook mode), this process playing the users, the load balancer and the Bot API; loopback only.\n")
    print("\n\n".join(markdown(r) for r in results))
    print("\nall targets:", "met" if ok else "NOT met")
    return 0  # a benchmark reports; the smoke test (tests/test_load_smoke.py) is the gate


if __name__ == "__main__":
    raise SystemExit(main())
