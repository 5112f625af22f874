"""`python -m bot.channels.dashboard`: the staff dashboard on IPBOT_DASHBOARD_LISTEN:IPBOT_DASHBOARD_PORT."""

from __future__ import annotations

import sys

from aiohttp import web

from bot.agency.kb_version import kb_version
from bot.agency.subscriptions import Subscriptions
from bot.channels.dashboard.app import Dashboard, DashboardConfig
from bot.channels.dashboard.unanswered import UnansweredLog
from bot.present.i18n import Catalog
from bot.settings import Settings
from bot.storage.factory import open_settings_store
from bot.storage.stats import open_stats
from knowledge.loader import load_knowledge_base


def main() -> int:
    s = Settings()
    token = s.dashboard_token.get_secret_value() if s.dashboard_token else ""
    bot_token = s.telegram_bot_token.get_secret_value() if s.telegram_bot_token else ""
    if not token and not (bot_token and s.staff_user_ids):
        sys.stderr.write("ipbot dashboard: set IPBOT_DASHBOARD_TOKEN, or TELEGRAM_BOT_TOKEN and IPBOT_STAFF_USER_IDS\n")
        return 2
    url = s.store_url()
    store = open_settings_store(s)
    subs = Subscriptions(url, id_secret=s.id_secret())

    async def notice_counts() -> tuple[str, dict[str, int]]:
        """The newest version notified (the bot may have reloaded since this page started) and its counts."""
        return await subs.summary(kb_version(s.kb_dir))

    config = DashboardConfig(staff_token=token, bot_token=bot_token, staff_ids=frozenset(s.staff_user_ids),
                             bot_username=s.dashboard_bot_username,
                             secure_cookie=s.dashboard_listen not in ("127.0.0.1", "localhost"))
    dash = Dashboard(config, open_stats(store), load_knowledge_base(s.kb_dir), Catalog.load(),
                     unanswered=UnansweredLog(url, id_secret=s.id_secret(), retention_days=s.unanswered_retention_days),
                     notice_counts=notice_counts)
    web.run_app(dash.app(), host=s.dashboard_listen, port=s.dashboard_port, print=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
