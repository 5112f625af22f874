"""The web page's own parts: replies to HTML, the result section, and the server's guards
(CSRF, initData, share links, rate limit, size limit, headers, logs), through aiohttp's test client."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.web.render import Bar, FormContext, bar_chart, render_reply, sanitize
from bot.channels.web.result import from_assessment, render_result
from bot.channels.web.security import (
    INIT_DATA_MAX_AGE_S,
    InitDataError,
    RateLimiter,
    ShareError,
    Signer,
    sign_init_data,
    validate_init_data,
)
from bot.channels.web.server import WebChannel, WebConfig, build_web_app
from bot.dialog.model import Button, CommandInput, Reply
from bot.present.i18n import Catalog
from bot.present.report import Renderer
from bot.services import Conversations, PolicyRuntime, build_runtime
from bot.settings import Settings
from bot.storage.memory import MemorySessionStore
from eligibility.evaluate import assess
from eligibility.results import Validity
from knowledge.models import KnowledgeBase

TODAY = date(2025, 3, 1)
TOKEN = "123456:TEST-token-for-the-mini-app"
SECRET = b"s" * 32
FORM = FormContext(csrf="tok", turn="turn1")


# -- the renderer ---------------------------------------------------------------------------------


def test_sanitize_keeps_telegram_tags_and_escapes_everything_else() -> None:
    html = sanitize('<b>问题 1</b>：<script>alert(1)</script> <a href="javascript:x">x</a> <i onclick="y">i</i>')
    assert "<b>问题 1</b>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<a " not in html and "<i onclick" not in html  # attributes never pass


def test_sanitize_balances_tags_and_escapes_bare_ampersands() -> None:
    assert sanitize("<b>open") == "<b>open</b>"
    assert sanitize("x</i>y") == "xy"
    assert sanitize("R&D &amp; 专利 &#x4e00;") == "R&amp;D &amp; 专利 &#x4e00;"


def test_reply_text_from_a_user_is_shown_as_text() -> None:
    # The core escapes user text; a stray tag that got through is shown, never run.
    out = render_reply(Reply("您说：&lt;img src=x onerror=alert(1)&gt; 和 <img src=x>"), FORM).html
    assert "<img" not in out
    assert out.count("&lt;img") == 2


def test_buttons_become_one_form_with_the_csrf_token_and_escaped_labels() -> None:
    reply = Reply("<b>问题 2</b>：是否在石家庄？", (
        (Button("是", "a|in_city|y"), Button('否 "<x>"', "a|in_city|n")),
        (Button("« 上一题", "n|back"), Button("不确定", "n|skip|in_city"), Button("重新开始", "n|restart")),
    ))
    out = render_reply(reply, FORM)
    assert out.is_question
    assert out.html.count("<form") == 1
    assert 'name="csrf" value="tok"' in out.html and 'name="i" value="turn1"' in out.html
    assert 'value="a|in_city|y">是</button>' in out.html
    assert "否 &quot;&lt;x&gt;&quot;" in out.html
    # the navigation row comes after the answers, styled apart
    assert out.html.index('value="a|in_city|n"') < out.html.index('class="row nav"') < out.html.index("n|restart")
    assert 'class="btn nav" name="b" value="n|back"' in out.html


def test_ticked_options_are_pressed_toggle_buttons() -> None:
    reply = Reply("tick", ((Button("✅ 马德里商标国际注册", "t|group:x|a"),), (Button("▫️ 驰名商标", "t|group:x|b"),)))
    out = render_reply(reply, FORM).html
    assert 'aria-pressed="true">马德里商标国际注册<' in out
    assert 'aria-pressed="false">驰名商标<' in out


def test_clause_buttons_are_grouped_under_their_topic() -> None:
    reply = Reply("条款", ((Button("第一条", "c|a"),), (Button("第二条", "c|b"),), (Button("第三条", "c|c"),)))
    topics = {"c|a": "奖励", "c|b": "奖励", "c|c": "金融"}
    out = render_reply(reply, FORM, group_of=lambda b: topics[b.data]).html
    assert out.count("<h3>") == 2
    assert out.index("<h3>奖励</h3>") < out.index("第二条") < out.index("<h3>金融</h3>") < out.index("第三条")


def test_bar_chart_draws_one_bar_per_benefit_with_escaped_labels() -> None:
    svg = bar_chart([Bar("<奖励>", 500000, 500000, "50万元", "eligible"),
                     Bar("择优", 300000, 0, "不超过30万元", "competitive")], "金额", {"eligible": "符合"})
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert svg.count('class="bar eligible"') == 2  # the bar and the legend key
    assert svg.count('class="bar competitive"') == 1
    assert "&lt;奖励&gt;" in svg and "<奖励>" not in svg
    assert "style=" not in svg  # the CSP allows no inline style
    assert bar_chart([], "金额", {}) == ""


@pytest.fixture(scope="module")
def engine() -> PolicyRuntime:
    return build_runtime(Settings(_env_file=None))  # type: ignore[call-arg]


def test_result_section_folds_the_assumptions_the_ineligible_and_every_clause(
        kb: KnowledgeBase, validity: Validity, renderer: Renderer, catalog: Catalog) -> None:
    facts = {"entity_type": "enterprise", "in_city": True, "china_patent_award_last_year": "silver",
             "pledge_loan_interest_paid_yuan": 800000}
    a = assess(kb, facts, TODAY, validity)
    html = render_result(from_assessment(a, None), renderer, "zh", lambda k, **p: catalog.t("zh", k, **p),
                         lambda k, **p: catalog.t("zh", k, **p), share_url="/r/x", share_until="2025-03-31")
    eligible = [r for r in a.results if r.status == "eligible"]
    assert eligible
    for r in eligible:
        assert f'data-benefit="{r.benefit.id}" data-status="eligible"' in html
        assert f'data-min="{r.amount.min}" data-max="{r.amount.max}"' in html  # type: ignore[union-attr]
    # every listed benefit quotes its clause, folded
    listed = html.count("<li data-benefit=")
    assert html.count('<details><summary>政策原文</summary><blockquote lang="zh-CN">') == listed
    assert "测算依据的理解</summary>" in html
    assert re.search(r"<details class=\"inel\"><summary>不符合的 \d+ 项及原因</summary>", html)
    assert f'data-min="{a.eligible_total.min}" data-max="{a.eligible_total.max}"' in html
    assert "<svg" in html and 'href="/r/x"' in html


# -- initData, signatures, rate limit -------------------------------------------------------------


def _init_data(user_id: int = 4242, auth_date: int | None = None, token: str = TOKEN) -> str:
    fields = {"auth_date": str(auth_date if auth_date is not None else int(time.time())),
              "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
              "user": f'{{"id":{user_id},"first_name":"Wang","language_code":"zh-hans"}}'}
    return sign_init_data(fields, token)


def test_init_data_signed_with_the_bot_token_is_accepted() -> None:
    now = time.time()
    user = validate_init_data(_init_data(auth_date=int(now) - 60), TOKEN, now)
    assert user.id == 4242 and user.language_code == "zh-hans"


@pytest.mark.parametrize("forge", ["other token", "changed user", "no hash", "too old", "far future"])
def test_forged_or_stale_init_data_is_refused(forge: str) -> None:
    now = time.time()
    data = {
        "other token": _init_data(token="999:other"),
        "changed user": _init_data().replace("4242", "4243"),
        "no hash": re.sub(r"&?hash=[0-9a-f]+", "", _init_data()),
        "too old": _init_data(auth_date=int(now) - INIT_DATA_MAX_AGE_S - 1),
        "far future": _init_data(auth_date=int(now) + 3600),
    }[forge]
    with pytest.raises(InitDataError):
        validate_init_data(data, TOKEN, now)


def test_csrf_token_is_bound_to_the_session() -> None:
    s = Signer(SECRET)
    assert s.check_csrf("sid-a", s.csrf_token("sid-a"))
    assert not s.check_csrf("sid-b", s.csrf_token("sid-a"))
    assert not s.check_csrf("sid-a", "")
    assert not Signer(b"t" * 32).check_csrf("sid-a", s.csrf_token("sid-a"))


def test_share_token_round_trips_and_refuses_tampering_and_expiry() -> None:
    s = Signer(SECRET)
    token = s.share_token({"r": [["b1", "e", 1, 2]]}, expires_at=2000)
    assert s.read_share(token, now=1999)["r"] == [["b1", "e", 1, 2]]
    with pytest.raises(ShareError, match="expired"):
        s.read_share(token, now=2001)
    body, sig = token.split(".")
    forged = s.share_token({"r": [["b1", "e", 1, 9]]}, expires_at=2000).split(".")[0]
    with pytest.raises(ShareError, match="signature"):
        s.read_share(f"{forged}.{sig}", now=0)
    with pytest.raises(ShareError):
        s.read_share(body, now=0)


def test_rate_limiter_allows_a_burst_then_refills() -> None:
    limiter = RateLimiter(rate=1.0, burst=3)
    assert [limiter.allow("a", 0.0) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b", 0.0)  # another client has its own bucket
    assert limiter.allow("a", 1.0) and not limiter.allow("a", 1.0)


def test_rate_limiter_table_is_bounded() -> None:
    limiter = RateLimiter(rate=1.0, burst=1, max_clients=10)
    for i in range(100):
        limiter.allow(f"10.0.0.{i}", 0.0)
    assert len(limiter._buckets) == 10


# -- the server -----------------------------------------------------------------------------------


@pytest.fixture
async def web(engine: PolicyRuntime) -> AsyncIterator[tuple[TestClient, WebChannel]]:
    store = MemorySessionStore()
    channel = WebChannel(engine, store, WebConfig(secret=SECRET, bot_token=TOKEN, rate=0), today=lambda: TODAY)
    async with TestClient(TestServer(build_web_app(channel))) as client:
        yield client, channel


def _csrf(page: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    assert m, page[:500]
    return m.group(1)


async def test_first_visit_sets_an_httponly_samesite_session_cookie_and_a_strict_csp(
        web: tuple[TestClient, WebChannel]) -> None:
    client, _ = web
    resp = await client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert resp.status == 200
    cookie = resp.headers["Set-Cookie"]
    assert "ipbot_sid=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    page = await resp.text()
    assert '<html lang="en">' in page and "Self-assessment" in page
    assert "<script>" not in page and " style=" not in page  # nothing inline


async def test_a_post_without_the_sessions_csrf_token_is_refused(web: tuple[TestClient, WebChannel]) -> None:
    client, channel = web
    page = await (await client.get("/")).text()
    assert (await client.post("/turn", data={"cmd": "assess"})).status == 403
    other = channel.signer.csrf_token("another-session-id-of-32-chars__")
    assert (await client.post("/turn", data={"cmd": "assess", "csrf": other})).status == 403
    assert (await client.post("/forget", data={"csrf": "x"})).status == 403
    ok = await client.post("/turn", data={"cmd": "assess", "csrf": _csrf(page), "i": "t1"})
    assert ok.status == 200 and 'class="card q"' in await ok.text()


async def test_a_session_resumes_after_reload_and_forget_deletes_it(web: tuple[TestClient, WebChannel]) -> None:
    client, channel = web
    page = await (await client.get("/")).text()
    page = await (await client.post("/turn", data={"cmd": "assess", "csrf": _csrf(page), "i": "t1"})).text()
    page = await (await client.post("/turn", data={"b": "a|entity_type|enterprise", "csrf": _csrf(page),
                                                   "i": "t2"})).text()
    question = re.search(r"<b>问题 (\d+)</b>", page)
    assert question and question.group(1) == "2"
    again = await (await client.get("/")).text()
    assert "<b>问题 2</b>" in again  # reload: the same question, nothing lost
    keys = [k for k in channel.store._rows]  # type: ignore[attr-defined]
    assert len(keys) == 1 and keys[0].startswith("web:")
    gone = await client.post("/forget", data={"csrf": _csrf(again)})
    assert gone.status == 200 and "已删除" in await gone.text()
    assert not channel.store._rows  # type: ignore[attr-defined]


async def test_a_repeated_post_is_not_applied_twice(web: tuple[TestClient, WebChannel]) -> None:
    client, channel = web
    page = await (await client.get("/")).text()
    page = await (await client.post("/turn", data={"cmd": "assess", "csrf": _csrf(page), "i": "t1"})).text()
    form = {"b": "a|entity_type|enterprise", "csrf": _csrf(page), "i": "t2"}
    await client.post("/turn", data=form)
    again = await (await client.post("/turn", data=form)).text()  # the browser's reload of a POST
    assert "<b>问题 2</b>" in again
    stored = await channel.store.load(next(iter(channel.store._rows)))  # type: ignore[attr-defined]
    assert stored is not None and len(stored.state["history"]) == 1


async def test_oversized_bodies_and_unknown_commands_are_refused(web: tuple[TestClient, WebChannel]) -> None:
    client, _ = web
    page = await (await client.get("/")).text()
    big = await client.post("/turn", data={"text": "专" * 20000, "csrf": _csrf(page)})
    assert big.status == 413
    bad = await client.post("/turn", data={"cmd": "reload", "csrf": _csrf(page)})
    assert bad.status == 400


async def test_the_rate_limit_answers_429_per_client(engine: PolicyRuntime) -> None:
    channel = WebChannel(engine, MemorySessionStore(), WebConfig(secret=SECRET, rate=0.001, burst=3),
                         today=lambda: TODAY)
    async with TestClient(TestServer(build_web_app(channel))) as client:
        statuses = [(await client.get("/")).status for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        assert (await client.get(f"/static/app.css?v={channel.asset_version}")).status == 200  # assets are not counted


async def test_mini_app_launch_uses_the_telegram_session_and_forged_data_is_refused(
        web: tuple[TestClient, WebChannel]) -> None:
    client, channel = web
    # The user started in the chat: the private chat's session is tg:<user id>.
    conv = Conversations(channel.engine, channel.store)
    await conv.handle("tg:4242", CommandInput("assess"), TODAY, user_key="tg-user:4242")
    page = await (await client.get("/")).text()
    assert 'data-tg="needed"' in page
    forged = _init_data().replace("4242", "4243")
    refused = await client.post("/tg/auth", data={"initData": forged, "csrf": _csrf(page)})
    assert refused.status == 403
    assert 'data-tg="needed"' in await (await client.get("/")).text()
    ok = await client.post("/tg/auth", data={"initData": _init_data(), "csrf": _csrf(page)})
    assert ok.status == 200 and "HttpOnly" in ok.headers["Set-Cookie"]
    shared = await (await client.get("/")).text()
    assert 'data-tg="ok"' in shared and "<b>问题 1</b>" in shared  # where the chat was
    await client.post("/turn", data={"b": "a|entity_type|enterprise", "csrf": _csrf(shared), "i": "m1"})
    stored = await channel.store.load("tg:4242")
    assert stored is not None and stored.state["facts"] == {"entity_type": "enterprise"}


async def test_share_link_shows_the_result_without_the_answers(web: tuple[TestClient, WebChannel]) -> None:
    client, channel = web
    page = await (await client.get("/")).text()
    page = await (await client.post("/turn", data={"cmd": "assess", "csrf": _csrf(page), "i": "t1"})).text()
    for data in ("a|entity_type|enterprise", "a|in_city|n"):
        page = await (await client.post("/turn", data={"b": data, "csrf": _csrf(page), "i": data})).text()
    link = re.search(r'href="(/r/[^"]+)"', page)
    assert link, page
    shared = await client.get(link.group(1))
    text = await shared.text()
    assert shared.status == 200 and "测评结果" in text
    assert "entity_type" not in text and "in_city" not in text and "csrf" not in text
    tampered = link.group(1)[:-3] + ("AAA" if not link.group(1).endswith("AAA") else "BBB")
    assert (await client.get(tampered)).status == 404
    channel.clock = lambda: time.time() + 400 * 86400
    assert (await client.get(link.group(1))).status == 410


async def test_logs_carry_no_answer_and_no_id(web: tuple[TestClient, WebChannel],
                                             caplog: pytest.LogCaptureFixture) -> None:
    client, _ = web
    caplog.set_level(logging.DEBUG)
    page = await (await client.get("/")).text()
    typed = "我们公司叫秘密科技，去年质押贷款付了80万利息"
    await client.post("/turn", data={"text": typed, "csrf": _csrf(page), "i": "x"})
    await client.post("/tg/auth", data={"initData": _init_data(user_id=987654321), "csrf": _csrf(page)})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "web POST /turn status=200" in logged
    for secret in ("秘密科技", "80万", "987654321", "Wang", quote("987654321")):
        assert secret not in logged


async def test_another_button_on_an_older_page_is_a_new_input(web: tuple[TestClient, WebChannel]) -> None:
    client, channel = web
    page = await (await client.get("/")).text()
    page = await (await client.post("/turn", data={"cmd": "assess", "csrf": _csrf(page), "i": "p1"})).text()
    await client.post("/turn", data={"b": "a|entity_type|enterprise", "csrf": _csrf(page), "i": "p2"})
    # The browser's back button: the first question's page again, and the user taps "back" on it.
    again = await (await client.post("/turn", data={"b": "n|back", "csrf": _csrf(page), "i": "p2"})).text()
    assert "<b>问题 1</b>" in again
    stored = await channel.store.load(next(iter(channel.store._rows)))  # type: ignore[attr-defined]
    assert stored is not None and stored.state["facts"] == {}


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_the_page_keeps_its_session_in_the_bots_store(engine: PolicyRuntime, tmp_path: Path,
                                                            backend: str) -> None:
    from bot.storage.factory import open_store
    from pg import PG_URL, create_pg_schema, drop_pg_schema

    schema = await create_pg_schema() if backend == "postgres" else None
    store = open_store(PG_URL, schema=schema) if schema else open_store(f"sqlite:///{tmp_path / 'web.db'}")
    try:
        async with store:
            channel = WebChannel(engine, store, WebConfig(secret=SECRET, rate=0), today=lambda: TODAY)
            async with TestClient(TestServer(build_web_app(channel))) as client:
                page = await (await client.get("/")).text()
                page = await (await client.post("/turn", data={"cmd": "assess", "csrf": _csrf(page), "i": "1"})).text()
                await client.post("/turn", data={"b": "a|entity_type|university", "csrf": _csrf(page), "i": "2"})
                sid = next(c.value for c in client.session.cookie_jar if c.key == "ipbot_sid")
                stored = await store.load(f"web:{sid}")
                assert stored is not None and stored.state["facts"] == {"entity_type": "university"}
                await client.post("/forget", data={"csrf": _csrf(page)})
                assert await store.load(f"web:{sid}") is None
    finally:
        if schema is not None:
            await drop_pg_schema(schema)


@pytest.mark.slow
@pytest.mark.parametrize("command", ["web", "run"])
async def test_ipbot_web_serves_the_page_and_stops_on_sigterm(tmp_path: Path, command: str) -> None:
    """`ipbot web --port N`, and `ipbot run` with WEB_PORT and no token: the page alone."""
    import asyncio
    import os
    import signal
    import socket
    import sys

    import aiohttp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "IPBOT_DATA_DIR": str(tmp_path), "TELEGRAM_BOT_TOKEN": "", "DATABASE_URL": "",
           "LOG_LEVEL": "INFO", "WEB_LISTEN": "127.0.0.1", "WEB_PORT": str(port)}
    args = ["web", "--port", str(port)] if command == "web" else ["run"]
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", *args, env=env, cwd=tmp_path,
                                                stdin=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/") as resp:
                        assert resp.status == 200 and "自助测评" in await resp.text()
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("ipbot web did not start")
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 20) == 0
        assert (tmp_path / "web-secret").exists() and (tmp_path / "web-secret").stat().st_mode & 0o077 == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def test_an_expandable_quote_folds_and_a_plain_one_quotes() -> None:
    folded = sanitize("总计<blockquote expandable>依据 <b>原文</b></blockquote>")
    assert folded == ('总计<details class="fold"><summary>展开 / More</summary><blockquote>依据 <b>原文</b>'
                      "</blockquote></details>")
    assert sanitize('<blockquote onclick="x()">q</blockquote>') == "<blockquote>q</blockquote>"  # no attribute kept
    assert sanitize("<blockquote expandable>open").endswith("</blockquote></details>")  # balanced
