"""The Telegram side of policy-change notices, small on purpose so the channel can wire it in:

- ``optin_button``: the "政策调整时通知我" button for the end of a self-assessment result (Bot API JSON),
  whose callback data is :data:`OPTIN_CALLBACK`; ``on_optin`` records the subscription;
- ``BotApiSender``: sends one notice with sendMessage (aiohttp, the channel's HTTP library) and says
  whether it went out, was refused for good, or must wait (429 beyond a short retry, 5xx).
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import aiohttp

from bot.agency.notifier import SendOutcome
from bot.agency.policy_diff import snapshot
from bot.agency.subscriptions import Subscriptions
from bot.present.i18n import Catalog
from eligibility.evaluate import assess
from eligibility.profile import validate_facts
from eligibility.results import Facts, Validity
from knowledge.models import KnowledgeBase, Lang

OPTIN_CALLBACK = "agency:notify"
MAX_RETRY_AFTER_S = 5.0  # a longer 429 ends this run; the next run resumes


def optin_button(cat: Catalog, lang: Lang) -> dict[str, str]:
    """One inline-keyboard button (Bot API JSON) to add as a row under the result."""
    return {"text": cat.t(lang, "notify.optin"), "callback_data": OPTIN_CALLBACK}


async def on_optin(subs: Subscriptions, kb: KnowledgeBase, validity: Validity, cat: Catalog, version: str,
                   user_key: str, chat_id: int, lang: Lang, facts: Facts, as_of: date) -> str:
    """Store the user's facts and current result; the reply to show them."""
    result = snapshot(assess(kb, validate_facts(kb, dict(facts)), as_of, validity))
    await subs.subscribe(user_key, chat_id, lang, dict(facts), as_of, result, version)
    return cat.t(lang, "notify.optin_done")


class BotApiSender:
    """sendMessage to ``{base_url}{token}/sendMessage`` (base_url as TELEGRAM_API_BASE_URL, ending in /bot)."""

    def __init__(self, session: aiohttp.ClientSession, token: str,
                 base_url: str = "https://api.telegram.org/bot", timeout_s: float = 10.0) -> None:
        self._session = session
        self._url = f"{base_url}{token}/sendMessage"
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def __call__(self, chat_id: int, text: str) -> SendOutcome:
        for _attempt in range(3):
            try:
                async with self._session.post(self._url, json={"chat_id": chat_id, "text": text},
                                              timeout=self._timeout) as resp:
                    body: Any = await resp.json(content_type=None)
                    status = resp.status
            except TimeoutError:
                return "uncertain"  # it may have been delivered: never sent twice
            except aiohttp.ClientConnectionError:
                return "later"
            if status == 200 and isinstance(body, dict) and body.get("ok"):
                return "sent"
            if status == 429:
                retry = float((body.get("parameters") or {}).get("retry_after", 1)) if isinstance(body, dict) else 1
                if retry > MAX_RETRY_AFTER_S:
                    return "later"
                await asyncio.sleep(retry)
                continue
            if status >= 500:
                return "later"
            return "refused"  # 400 chat not found, 403 blocked by the user
        return "later"
