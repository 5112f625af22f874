"""The dashboard over real usage: chats with the real bot through the fake Bot API, then the staff page
on the same database shows what the bot counted."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from bot.channels.dashboard.app import Dashboard, DashboardConfig
from bot.present.i18n import Catalog
from bot.storage.factory import open_store
from bot.storage.stats import open_stats
from fakes.telegram_bot import TODAY, Harness
from fakes.users import BY_BUTTONS, answer_by_buttons
from knowledge.models import KnowledgeBase

TOKEN = "dashboard-e2e-token-0123456789"


async def test_the_dashboard_shows_what_the_bot_counted(bot: Harness, kb: KnowledgeBase,
                                                        catalog: Catalog) -> None:
    user = bot.chat(1601)
    await user.send("/assess")
    await answer_by_buttons(user, BY_BUTTONS)
    await user.send("质押贷款贴息最多多少？")
    await user.send("明天会下雨吗")  # outside the policy: not answered
    origin = {"type": "hidden_user", "sender_user_name": "客户", "date": 1_700_000_000}
    await user.send("专利银奖奖励多少钱", forward_origin=origin)

    store = open_store(bot.settings.store_url())
    try:
        dash = Dashboard(DashboardConfig(staff_token=TOKEN, secure_cookie=False), open_stats(store), kb, catalog,
                         today=lambda: TODAY)
        async with TestClient(TestServer(dash.app())) as client:
            assert (await client.post("/login", data={"token": TOKEN}, allow_redirects=False)).status == 303
            html = await (await client.get("/")).text()
            t = catalog.t
            for kind, n in (("question", 3), ("unanswered", 1), ("helpdesk", 1), ("assessment_started", 1),
                            ("assessment_finished", 1)):
                assert f"{t('zh', f'dash.kind.{kind}')}</th><td class=n>{n}<" in html, kind
            assert "（四）1 知识产权质押贷款贴息" in html and "（二） 中国专利奖获奖奖励" in html
            assert str(user.chat_id) not in html
            csv_text = (await (await client.get(f"/export.csv?start={TODAY}&end={TODAY}&what=days")).read())
            assert csv_text.decode("utf-8-sig").splitlines()[1] == f"{TODAY},3,1,1,1,1"
    finally:
        await store.close()
