"""The staff dashboard: staff only, the period's usage as charts and tables, CSV export, masked questions."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import time
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.agency.subscriptions import Subscriptions
from bot.channels.dashboard.app import COOKIE, Dashboard, DashboardConfig
from bot.channels.dashboard.auth import check_telegram_login
from bot.channels.dashboard.unanswered import UnansweredLog
from bot.present.i18n import Catalog
from bot.redact import mask_question
from bot.storage.factory import open_store
from bot.storage.stats import Event, open_stats
from knowledge.models import KnowledgeBase

TODAY = date(2025, 6, 30)
STAFF_TOKEN = "staff-token-for-tests-0123456789"
BOT_TOKEN = "123456789:AAFakeTokenForIpbotTests_0123456789"
STAFF_ID, OTHER_ID = 4242, 777


def widget_data(user_id: int, *, auth_date: int | None = None, token: str = BOT_TOKEN) -> dict[str, str]:
    """What the Telegram Login Widget sends, signed as Telegram signs it."""
    data = {"id": str(user_id), "first_name": "Li", "username": "li_staff",
            "auth_date": str(auth_date if auth_date is not None else int(time.time()))}
    check = "\n".join(f"{k}={data[k]}" for k in sorted(data))
    data["hash"] = hmac.new(hashlib.sha256(token.encode()).digest(), check.encode(), hashlib.sha256).hexdigest()
    return data


@pytest.fixture
async def client(tmp_path: Path, kb: KnowledgeBase, catalog: Catalog) -> AsyncIterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'ipbot.db'}"
    store = open_store(url)
    stats = open_stats(store)
    # A month of usage as the channel records it: (day offset, events).
    usage: list[tuple[int, list[Event]]] = [
        (0, [("question", ""), ("question", ""), ("benefit", "pledge_loan_interest"), ("helpdesk", "")]),
        (1, [("question", ""), ("unanswered", ""), ("assessment_started", ""), ("assessment_finished", "")]),
        (3, [("question", ""), ("benefit", "pledge_loan_interest"), ("benefit", "china_patent_award"),
             ("assessment_started", "")]),
        (40, [("question", "")] * 5),  # outside the default 30 days
    ]
    for offset, events in usage:
        await stats.record(TODAY - timedelta(days=offset), events)
    log = UnansweredLog(url)
    await log.record(TODAY - timedelta(days=1), "tg:1", "zh",
                     "我叫王小明，石家庄恒达科技有限公司电话13800138000，风补怎么申请？")
    # Two subscribers; a notice sent to one of them under a new knowledge base.
    subs = Subscriptions(url)
    snap = {"benefits": {}, "eligible": [0, 0], "competitive": [0, 0]}
    for chat in (90001, 90002):
        await subs.subscribe(f"tg:{chat}", chat, "zh", {"in_city": True}, TODAY, snap, "kb-old")
    await subs.add_notice("tg:90001", "kb-new", "政策调整提醒", snap)
    [notice] = await subs.pending("kb-new")
    assert await subs.claim(notice.user_key, "kb-new")
    await subs.finish(notice, "sent")

    async def notice_counts() -> tuple[str, dict[str, int]]:
        return await subs.summary("kb-current")

    dash = Dashboard(DashboardConfig(staff_token=STAFF_TOKEN, bot_token=BOT_TOKEN, staff_ids=frozenset({STAFF_ID}),
                                     secure_cookie=False),
                     stats, kb, catalog, unanswered=log, notice_counts=notice_counts, today=lambda: TODAY)
    async with TestClient(TestServer(dash.app())) as c:
        yield c
    await subs.close()
    await log.close()
    await store.close()


async def sign_in(client: TestClient) -> None:
    resp = await client.post("/login", data={"token": STAFF_TOKEN}, allow_redirects=False)
    assert resp.status == 303


async def test_nobody_else_sees_anything(client: TestClient) -> None:
    resp = await client.get("/", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/login"
    assert (await client.get("/export.csv")).status == 403
    wrong = await client.post("/login", data={"token": "guess"}, allow_redirects=False)
    assert wrong.status == 403 and COOKIE not in wrong.cookies
    forged = await client.get("/", cookies={COOKIE: "token.9999999999.deadbeef"}, allow_redirects=False)
    assert forged.status == 303


async def test_staff_see_the_period_as_charts_and_tables(client: TestClient, catalog: Catalog) -> None:
    await sign_in(client)
    resp = await client.get("/")
    html = await resp.text()
    assert resp.status == 200
    assert "script" not in html and "'unsafe-inline'" not in resp.headers["Content-Security-Policy"]
    assert html.count("<svg") == 3
    assert "（四）1 知识产权质押贷款贴息" in html  # most asked benefit, by its clause
    assert f"{catalog.t('zh', 'dash.kind.question')}</th><td class=n>4<" in html  # 2 + 1 + 1 in 30 days
    assert f"{catalog.t('zh', 'dash.kind.helpdesk')}</th><td class=n>1<" in html
    assert "风补怎么申请" in html and "王小明" not in html and "13800138000" not in html and "tg:1" not in html
    # the policy-change notices: subscribers and the newest version's notices, counts only
    assert f"{catalog.t('zh', 'dash.notices.version')}</th><td>kb-new<" in html
    assert f"{catalog.t('zh', 'dash.notices.subscribers')}</th><td class=n>2<" in html
    assert f"{catalog.t('zh', 'dash.notices.sent')}</th><td class=n>1<" in html
    assert "9000" not in html and "h1:" not in html


async def test_csv_export_matches_the_counts(client: TestClient) -> None:
    await sign_in(client)
    start, end = TODAY - timedelta(days=45), TODAY
    resp = await client.get(f"/export.csv?start={start}&end={end}&what=days")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO((await resp.read()).decode("utf-8-sig"))))
    assert len(rows) == 46
    assert sum(int(r["question"]) for r in rows) == 9
    assert {r["day"]: int(r["assessment_finished"]) for r in rows}[str(TODAY - timedelta(days=1))] == 1
    bens = await client.get(f"/export.csv?start={start}&end={end}&what=benefits")
    ranking = list(csv.DictReader(io.StringIO((await bens.read()).decode("utf-8-sig"))))
    assert [(r["benefit_id"], r["questions"]) for r in ranking] == [("pledge_loan_interest", "2"),
                                                                    ("china_patent_award", "1")]
    un = await client.get(f"/export.csv?start={start}&end={end}&what=unanswered")
    text = (await un.read()).decode("utf-8-sig")
    assert "风补" in text and "王小明" not in text and "tg:1" not in text


async def test_a_period_that_makes_no_sense_is_refused_politely(client: TestClient, catalog: Catalog) -> None:
    await sign_in(client)
    html = await (await client.get(f"/?start={TODAY}&end={TODAY - timedelta(days=3)}")).text()
    assert catalog.t("zh", "dash.bad_period", days=366) in html
    assert (await client.get("/export.csv?start=2025-13-01&end=2025-06-01")).status == 400


async def test_telegram_login_for_staff_only(client: TestClient) -> None:
    ok = await client.get("/auth/telegram", params=widget_data(STAFF_ID), allow_redirects=False)
    assert ok.status == 303 and COOKIE in ok.cookies
    client.session.cookie_jar.clear()
    assert (await client.get("/auth/telegram", params=widget_data(OTHER_ID), allow_redirects=False)).status == 403
    tampered = {**widget_data(OTHER_ID), "id": str(STAFF_ID)}
    assert (await client.get("/auth/telegram", params=tampered, allow_redirects=False)).status == 403


def test_login_widget_data_is_checked_as_telegram_documents() -> None:
    now = time.time()
    staff = {STAFF_ID}
    assert check_telegram_login(widget_data(STAFF_ID), BOT_TOKEN, staff, now) == STAFF_ID
    assert check_telegram_login(widget_data(STAFF_ID, auth_date=int(now) - 2 * 86400), BOT_TOKEN, staff, now) is None
    assert check_telegram_login(widget_data(STAFF_ID, token="1:other"), BOT_TOKEN, staff, now) is None
    assert check_telegram_login({"id": str(STAFF_ID)}, BOT_TOKEN, staff, now) is None


async def test_sign_out_needs_the_form_token(client: TestClient) -> None:
    await sign_in(client)
    assert (await client.post("/logout", data={"csrf": "x"}, allow_redirects=False)).status == 403
    html = await (await client.get("/")).text()
    csrf = html.split('name="csrf" value="')[1].split('"')[0]
    assert (await client.post("/logout", data={"csrf": csrf}, allow_redirects=False)).status == 303


@pytest.mark.parametrize(("text", "kept", "gone"), [
    ("我叫王小明，风补怎么申请？", "风补怎么申请", "王小明"),
    ("石家庄恒达科技有限公司的专利池能补吗", "专利池能补吗", "恒达"),
    ("联系人：李四 电话 138-0013-8000", "电话", "138"),
    ("my name is John Smith, what about patent pools?", "patent pools", "John"),
    ("邮箱 a.b@example.com 网址 https://x.cn/1", "邮箱", "example"),
])
def test_unanswered_text_is_masked(text: str, kept: str, gone: str) -> None:
    masked = mask_question(text)
    assert kept in masked and gone not in masked
    assert not any(ch.isdigit() for ch in masked)


async def test_unanswered_questions_expire_and_are_forgotten(tmp_path: Path) -> None:
    log = UnansweredLog(f"sqlite:///{tmp_path / 'u.db'}", retention_days=90)
    try:
        await log.record(TODAY - timedelta(days=100), "tg:1", "zh", "老问题")
        await log.record(TODAY, "tg:2", "zh", "新问题")  # recording purges what is past the retention
        assert [t for _, _, t in await log.between(TODAY - timedelta(days=365), TODAY)] == ["新问题"]
        await log.record(TODAY, "tg:1", "en", "another one")
        assert await log.forget("tg:1") == 1
        assert [t for _, _, t in await log.between(TODAY, TODAY)] == ["新问题"]
    finally:
        await log.close()
