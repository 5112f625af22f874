"""The web page in a real browser: Debian's Chromium driven by Playwright at a phone's viewport.

A person taps (or types) through the self-assessment as the profile's facts say, and the result on
the page must be what `ipbot assess` says of the same facts on the same day. Screenshots of every
step go to test-artifacts/web/<test>/ (git-ignored); axe-core, injected into the page, must find no
serious or critical accessibility violation.

Without Chromium (or Playwright, or axe-core's npm package) these tests skip on a laptop; CI sets
IPBOT_REQUIRE_BROWSER=1 (.ci/run), which makes a missing browser a failure.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from aiohttp import web

from bot.channels.web.security import sign_init_data
from bot.channels.web.server import WebChannel, WebConfig, build_web_app
from bot.cli import main as ipbot
from bot.dialog.model import ButtonInput, CommandInput
from bot.services import Conversations, PolicyRuntime, build_runtime
from bot.settings import Settings
from bot.storage.factory import open_store

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("IPBOT_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("IPBOT_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "web"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-dev-shm-usage"]
TODAY = date(2025, 3, 1)
TOKEN = "123456:TEST-token-for-the-mini-app"
PHONE = {"width": 390, "height": 844}
PROFILES = yaml.safe_load((ROOT / "bench" / "profiles.yaml").read_text(encoding="utf-8"))


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium; `make test` does it as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    if not AXE.exists():
        return f"axe-core is not installed ({AXE}: npm ci)"
    return None


@pytest.fixture(scope="module", autouse=True)
def _browser_required() -> None:
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("IPBOT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"IPBOT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


# -- the server, in a thread of its own (Playwright's sync API runs in the test's thread) -----------


@dataclass
class Live:
    url: str
    channel: WebChannel
    loop: asyncio.AbstractEventLoop

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)


@pytest.fixture(scope="module")
def engine() -> PolicyRuntime:
    return build_runtime(Settings(_env_file=None))  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def live(engine: PolicyRuntime, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    db = tmp_path_factory.mktemp("web") / "ipbot.db"
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> tuple[WebChannel, web.AppRunner, int]:
        store = open_store(f"sqlite:///{db}")
        await store.__aenter__()
        channel = WebChannel(engine, store, WebConfig(secret=b"k" * 32, bot_token=TOKEN, rate=0),
                             today=lambda: TODAY)
        runner = web.AppRunner(build_web_app(channel), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        return channel, runner, port

    channel, runner, port = asyncio.run_coroutine_threadsafe(start(), loop).result(60)
    yield Live(f"http://127.0.0.1:{port}", channel, loop)

    async def stop() -> None:
        await runner.cleanup()
        await channel.store.close()

    asyncio.run_coroutine_threadsafe(stop(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Phone:
    """One person's phone: a browser context at 390×844, screenshots numbered by step."""

    def __init__(self, browser: Any, live: Live, name: str, *, locale: str = "zh-CN", **context: Any) -> None:
        self.live = live
        self.context = browser.new_context(viewport=PHONE, locale=locale, is_mobile=True, has_touch=True,
                                           device_scale_factor=1, **context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.dir = ARTIFACTS / name
        self.dir.mkdir(parents=True, exist_ok=True)
        for old in self.dir.glob("*.png"):
            old.unlink()
        self.step = 0

    def shot(self, label: str) -> None:
        self.step += 1
        self.page.screenshot(path=str(self.dir / f"{self.step:02d}-{label}.png"), full_page=True)

    def open(self, path: str = "/") -> None:
        self.page.goto(self.live.url + path)

    def press(self, value: str) -> None:
        self.page.locator(f'button[name="b"][value="{value}"]').first.click()
        self.page.wait_for_load_state()

    def command(self, name: str) -> None:
        self.page.locator(f'nav button[name="cmd"][value="{name}"]').click()
        self.page.wait_for_load_state()

    def type(self, text: str) -> None:
        self.page.fill("#text", text)
        self.page.locator("form.ask button").click()
        self.page.wait_for_load_state()

    def question(self) -> list[tuple[str, str]]:
        """The buttons (value, label) of the question card on the page; empty when none."""
        cards = self.page.locator("article.card.q")
        if not cards.count():
            return []
        return [(v, label.strip()) for v, label in cards.last.locator('button[name="b"]').evaluate_all(
            "els => els.map(e => [e.value, e.textContent])")]

    def question_number(self) -> int:
        m = re.search(r"(?:问题|Question) (\d+)", self.page.locator("article.card.q").last.inner_text())
        assert m, self.page.content()[:2000]
        return int(m.group(1))

    def result(self) -> dict[str, tuple[str, int | None, int | None]]:
        rows = self.page.locator("section.result li[data-benefit]").evaluate_all(
            "els => els.map(e => [e.dataset.benefit, e.dataset.status, e.dataset.min, e.dataset.max])")
        return {b: (s, int(lo) if lo is not None else None, int(hi) if hi is not None else None)
                for b, s, lo, hi in rows}

    def total(self) -> tuple[int, int]:
        el = self.page.locator("section.result p.total")
        return int(el.get_attribute("data-min") or -1), int(el.get_attribute("data-max") or -1)

    def axe(self) -> list[dict[str, Any]]:
        """Serious and critical violations axe-core finds on the current page (run through DevTools,
        which the page's CSP does not govern)."""
        self.page.evaluate(AXE.read_text(encoding="utf-8"))
        found = self.page.evaluate("async () => (await axe.run(document)).violations"
                                   ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))")
        return [v for v in found if v["impact"] in ("serious", "critical")]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def phone(browser: Any, live: Live, request: pytest.FixtureRequest) -> Iterator[Phone]:
    p = Phone(browser, live, request.node.name)
    yield p
    p.close()


# -- a person who knows the facts ------------------------------------------------------------------


def _money(value: int) -> str:
    return f"{value / 10000:g}万" if value and value % 10000 == 0 else str(value)


def _truthy(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value > 0
    return isinstance(value, list) and any(x > 0 for x in value)


def answer(p: Phone, engine: PolicyRuntime, truth: dict[str, Any], *, typed: bool) -> None:
    """Answer the question on the page as someone who knows ``truth``: taps, or typed words."""
    buttons = p.question()
    toggles = [(v, label) for v, label in buttons if v.startswith("t|")]
    if toggles:
        ticked = [(v, label) for v, label in toggles if _truthy(truth.get(v.split("|")[2]))]
        if typed:
            p.type("、".join(label for _, label in ticked) or "都没有")
            return
        for value, _ in ticked:
            p.press(value)
        qid = toggles[0][0].split("|")[1]
        p.press(f"d|{qid}" if ticked else f"a|{qid}|none")
        return
    qid = next(v.split("|")[1] for v, _ in buttons if v.startswith("a|"))
    fact = engine.kb.facts[qid]
    if qid not in truth:
        p.type("不确定") if typed else p.press(f"n|skip|{qid}")
        return
    value = truth[qid]
    if fact.type == "bool":
        p.type("是的" if value else "没有") if typed else p.press(f"a|{qid}|{'y' if value else 'n'}")
    elif fact.type == "choice":
        label = next(label for v, label in buttons if v == f"a|{qid}|{value}")
        p.type(label) if typed else p.press(f"a|{qid}|{value}")
    elif fact.type == "money":
        p.press(f"a|{qid}|0") if value == 0 and not typed else p.type(_money(value) if value else "没有")
    else:
        p.press(f"a|{qid}|0") if not value and not typed else p.type("，".join(_money(x) for x in value) or "没有")


def assess_like_the_cli(truth: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """`ipbot assess profile.yaml --json`, in process, on the same day as the page."""
    profile = tmp_path / "profile.yaml"
    profile.write_text(yaml.safe_dump({"as_of": TODAY.isoformat(), "facts": truth}, allow_unicode=True),
                       encoding="utf-8")
    out = io.StringIO()
    assert ipbot(["assess", str(profile), "--json"], out=out) == 0
    return dict(json.loads(out.getvalue()))


def finish(p: Phone, engine: PolicyRuntime, truth: dict[str, Any], *, typed: bool) -> None:
    for _ in range(40):
        if p.page.locator("section.result").count():
            return
        assert p.question(), p.page.content()[:3000]
        answer(p, engine, truth, typed=typed)
        p.shot(f"q{p.step}")
    raise AssertionError("no result after 40 answers")


def expected(cli: dict[str, Any]) -> dict[str, tuple[str, int | None, int | None]]:
    return {b["id"]: (b["status"], b["amount"]["min"] if b["amount"] else None,
                      b["amount"]["max"] if b["amount"] else None)
            for b in cli["benefits"] if b["status"] in ("eligible", "competitive", "undetermined")}


# -- the tests -----------------------------------------------------------------------------------


def test_a_full_self_assessment_by_taps_matches_ipbot_assess(
        phone: Phone, engine: PolicyRuntime, tmp_path: Path) -> None:
    truth = PROFILES[0]["facts"]
    phone.open()
    phone.shot("menu")
    assert phone.axe() == []
    phone.press("m|assess")
    phone.shot("first-question")
    assert phone.axe() == []
    finish(phone, engine, truth, typed=False)
    phone.shot("result")
    assert phone.axe() == []
    cli = assess_like_the_cli(truth, tmp_path)
    assert phone.result() == expected(cli)
    assert phone.total() == (cli["totals"]["eligible"]["min"], cli["totals"]["eligible"]["max"])
    assert phone.page.locator("section.result svg.chart rect.bar.eligible").count() >= 1
    assert phone.errors == []


def test_a_full_self_assessment_by_typed_answers_matches_ipbot_assess(
        phone: Phone, engine: PolicyRuntime, tmp_path: Path) -> None:
    truth = PROFILES[14]["facts"]
    phone.open()
    phone.command("assess")
    finish(phone, engine, truth, typed=True)
    phone.shot("result")
    phone.page.locator("section.result").screenshot(path=str(phone.dir / "result-section.png"))  # docs/
    cli = assess_like_the_cli(truth, tmp_path)
    assert phone.result() == expected(cli)
    assert phone.total() == (cli["totals"]["eligible"]["min"], cli["totals"]["eligible"]["max"])


def test_changing_an_answer_shows_the_difference(phone: Phone, engine: PolicyRuntime, tmp_path: Path) -> None:
    truth = dict(PROFILES[0]["facts"])
    phone.open()
    phone.press("m|assess")
    finish(phone, engine, truth, typed=False)
    before = phone.total()
    phone.press("m|answers")
    phone.shot("answers")
    group = engine.dialog.views.fact_group("pledge_loan_interest_paid_yuan")
    if phone.page.locator(f'button[name="b"][value="v|{group}"]').count():  # many answers: by topic first
        phone.press(f"v|{group}")
    phone.press("x|pledge_loan_interest_paid_yuan")
    phone.shot("change")
    phone.type("50万")
    phone.shot("changed")
    truth["pledge_loan_interest_paid_yuan"] = 500000
    cli = assess_like_the_cli(truth, tmp_path)
    after = phone.total()
    assert after == (cli["totals"]["eligible"]["min"], cli["totals"]["eligible"]["max"]) and after != before
    note = phone.page.locator("main article.card").first.inner_text()
    r = engine.renderer
    from eligibility.results import Amount

    assert r.amount(Amount(*before), "zh") in note and r.amount(Amount(*after), "zh") in note


def test_a_side_question_is_answered_in_place_and_the_questionnaire_resumes(phone: Phone) -> None:
    phone.open()
    phone.press("m|assess")
    phone.press("a|entity_type|enterprise")
    number = phone.question_number()
    phone.type("质押贷款贴息上限多少？")
    phone.shot("side-question")
    shown = phone.page.locator("main").inner_text()
    assert "贴息" in shown and "万元" in shown  # the answer, above the question it interrupted
    assert phone.question_number() == number  # the same question again, nothing answered by the side question


def test_reload_and_coming_back_later_resume_the_assessment(phone: Phone, browser: Any, live: Live) -> None:
    phone.open()
    phone.press("m|assess")
    phone.press("a|entity_type|enterprise")
    phone.press("a|in_city|y")
    number = phone.question_number()
    phone.page.reload()
    phone.shot("reloaded")
    assert phone.question_number() == number
    state = phone.context.storage_state()
    cookie = next(c for c in state["cookies"] if c["name"] == "ipbot_sid")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    later = Phone(browser, live, "come-back-later", storage_state=state)  # the browser closed and reopened
    try:
        later.open()
        later.shot("resumed")
        assert later.question_number() == number
    finally:
        later.close()


def test_language_follows_accept_language_and_the_switch(browser: Any, live: Live) -> None:
    p = Phone(browser, live, "language", locale="en-US")
    try:
        p.open()
        assert p.page.locator("html").get_attribute("lang") == "en"
        assert "Self-assessment" in p.page.locator("nav").inner_text()
        p.shot("english")
        p.page.locator("header form.lang button").click()
        p.page.wait_for_load_state()
        p.shot("chinese")
        assert p.page.locator("html").get_attribute("lang") == "zh-CN"
        assert "自助测评" in p.page.locator("nav").inner_text()
        p.command("assess")
        assert "问题 1" in p.page.locator("article.card.q").inner_text()
    finally:
        p.close()


def test_the_clause_browser_groups_clauses_by_topic_and_quotes_them(phone: Phone, engine: PolicyRuntime) -> None:
    phone.open()
    phone.command("clauses")
    phone.shot("clauses")
    topics = phone.page.locator('button[name="b"][value^="k|"]').all_inner_texts()
    assert len(topics) == len({b.topic for b in engine.kb.benefits})  # one button per topic, with its count
    assert all(any(t.startswith(name.zh) for t in topics) for name in engine.kb.policy.topics.values()
               if any(b.topic for b in engine.kb.benefits))
    benefit = next(b for b in engine.kb.benefits if not b.is_info)
    phone.press(f"k|{benefit.topic}")
    phone.shot("topic")
    phone.press(f"c|{benefit.id}")
    phone.shot("clause")
    assert benefit.source[:20] in phone.page.locator("main").inner_text()
    assert phone.axe() == []


def test_the_ask_box_answers_one_question(phone: Phone) -> None:
    phone.open()
    phone.press("m|ask")
    phone.type("获得中国专利银奖奖励多少钱？")
    phone.shot("answer")
    text = phone.page.locator("main article.card").first.inner_text()
    assert "银奖" in text and "万元" in text


def _launch_hash(init_data: str) -> str:
    theme = json.dumps({"bg_color": "#17212b", "text_color": "#f5f5f5", "button_color": "#5288c1",
                        "button_text_color": "#ffffff", "secondary_bg_color": "#232e3c", "hint_color": "#aab4be"})
    return f"#tgWebAppData={quote(init_data)}&tgWebAppVersion=7.0&tgWebAppThemeParams={quote(theme)}"


def _init_data(user_id: int) -> str:
    return sign_init_data({"auth_date": str(int(time.time())), "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
                           "user": json.dumps({"id": user_id, "first_name": "Li", "language_code": "zh-hans"})},
                          TOKEN)


def test_the_mini_app_continues_the_telegram_chat_with_signed_init_data(
        phone: Phone, live: Live) -> None:
    # In the chat the user answered the first question; the Mini App takes over there.
    conv = Conversations(live.channel.engine, live.channel.store)
    live.run(conv.handle("tg:5150", CommandInput("assess"), TODAY, user_key="tg-user:5150"))
    live.run(conv.handle("tg:5150", ButtonInput("a|entity_type|enterprise"), TODAY, user_key="tg-user:5150"))
    phone.page.goto(live.url + "/" + _launch_hash(_init_data(5150)))
    phone.page.wait_for_selector('body[data-tg="ok"]')
    phone.shot("mini-app")
    assert phone.question_number() == 2
    assert phone.page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(23, 33, 43)"
    phone.press("a|in_city|y")
    stored = live.run(live.channel.store.load("tg:5150"))
    assert stored.state["facts"] == {"entity_type": "enterprise", "in_city": True}  # shared with the chat
    assert phone.errors == []


def test_the_mini_app_refuses_forged_init_data(phone: Phone, live: Live) -> None:
    forged = _init_data(5151).replace("5151", "5152")
    phone.page.goto(live.url + "/" + _launch_hash(forged))
    phone.page.wait_for_selector("#tg-refused:not([hidden])")
    phone.shot("refused")
    assert phone.page.locator("body").get_attribute("data-tg") == "refused"
    assert live.run(live.channel.store.load("tg:5152")) is None
    phone.open()  # the page again, outside Telegram: still an ordinary web session, not bound
    assert phone.page.locator("body").get_attribute("data-tg") == "needed"


def test_the_share_link_shows_the_result_and_nothing_of_the_answers(
        phone: Phone, engine: PolicyRuntime, browser: Any, live: Live) -> None:
    truth = PROFILES[3]["facts"]
    phone.open()
    phone.press("m|assess")
    finish(phone, engine, truth, typed=False)
    mine = phone.result()
    link = phone.page.locator("section.result p.share a").get_attribute("href")
    assert link and link.startswith("/r/")
    other = Phone(browser, live, "share-opened-elsewhere")
    try:
        other.open(link)
        other.shot("shared")
        shown = other.result()
        assert shown == {k: v for k, v in mine.items() if v[0] in ("eligible", "competitive", "undetermined")}
        body = other.page.content()
        assert "csrf" not in body and "entity_type" not in body and "<form" not in body
        assert other.axe() == []
    finally:
        other.close()


def test_print_media_gives_a_clean_report(phone: Phone, engine: PolicyRuntime) -> None:
    truth = PROFILES[0]["facts"]
    phone.open()
    phone.press("m|assess")
    finish(phone, engine, truth, typed=False)
    phone.page.emulate_media(media="print")
    phone.shot("print")
    assert not phone.page.locator("nav").is_visible()
    assert not phone.page.locator("form.ask").is_visible()
    assert not phone.page.locator("section.result .buttons, article.card").first.is_visible()
    clause = phone.page.locator("section.result blockquote").first
    assert clause.is_visible()  # the folded clauses are printed
    pdf = phone.page.pdf(format="A4")
    (phone.dir / "result.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
