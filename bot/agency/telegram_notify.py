"""The Telegram side of policy-change notices, small on purpose so the channel can wire it in:

- ``optin_button``: the "政策调整时通知我" button for the end of a self-assessment result (a dialog
  :class:`~bot.dialog.model.Button`), whose callback data is :data:`OPTIN_CALLBACK`; ``on_optin`` records
  the subscription (bot.channels.telegram.subscribe does it for a tap);
- ``BotApiSender``: sends one notice with sendMessage (aiohttp, the channel's HTTP library) and says
  whether it went out, was refused for good, or must wait; a short flood-control wait (429) is ridden
  out through the project's one retry helper (:func:`bot.retry.retry`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import aiohttp

from bot.agency.notifier import SendOutcome
from bot.agency.policy_diff import snapshot
from bot.agency.subscriptions import Subscriptions
from bot.dialog.model import Button
from bot.present.i18n import Catalog
from bot.retry import Backoff, retry
from eligibility.evaluate import assess
from eligibility.profile import validate_facts
from eligibility.results import Facts, Validity
from knowledge.models import KnowledgeBase, Lang

OPTIN_CALLBACK = "agency:notify"
STOP_CALLBACK = "agency:stop"
MAX_RETRY_AFTER_S = 5.0  # a longer 429 ends this run; the next run resumes
FLOOD_RETRIES = 2


def optin_button(cat: Catalog, lang: Lang) -> Button:
    """The button to add as a row under the result."""
    return Button(cat.t(lang, "notify.optin"), OPTIN_CALLBACK)


def stop_button(cat: Catalog, lang: Lang) -> Button:
    return Button(cat.t(lang, "notify.stop"), STOP_CALLBACK)


async def on_optin(subs: Subscriptions, kb: KnowledgeBase, validity: Validity, cat: Catalog, version: str,
                   user_key: str, chat_id: int, lang: Lang, facts: Facts, as_of: date) -> tuple[bool, str]:
    """Store the user's facts and current result: whether the subscription is new, and the reply to show
    (a second tap: already subscribed, the stored facts refreshed to these). Raises ProfileError for facts
    the knowledge base refuses."""
    result = snapshot(assess(kb, validate_facts(kb, dict(facts)), as_of, validity))
    new = await subs.subscribe(user_key, chat_id, lang, dict(facts), as_of, result, version)
    return new, cat.t(lang, "notify.optin_done" if new else "notify.optin_already")


class _FloodControl(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"429: retry after {retry_after} s")
        self.retry_after = retry_after


class BotApiSender:
    """sendMessage to ``{base_url}{token}/sendMessage`` (base_url as TELEGRAM_API_BASE_URL, ending in /bot).

    Outcomes: ``sent``; ``refused`` (400 chat not found, 403 blocked: for good); ``later`` (5xx, a dropped
    connection, or flood control asking for more than :data:`MAX_RETRY_AFTER_S`: known not delivered, the
    next run resumes); ``uncertain`` (a timeout: it may have been delivered, so it is never sent again).
    """

    def __init__(self, session: aiohttp.ClientSession, token: str,
                 base_url: str = "https://api.telegram.org/bot", timeout_s: float = 10.0) -> None:
        self._session = session
        self._url = f"{base_url}{token}/sendMessage"
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def _post(self, chat_id: int, text: str) -> SendOutcome:
        try:
            async with self._session.post(self._url, json={"chat_id": chat_id, "text": text},
                                          timeout=self._timeout) as resp:
                body: Any = await resp.json(content_type=None)
                status = resp.status
        except TimeoutError:
            return "uncertain"
        except aiohttp.ClientConnectionError:
            return "later"
        if status == 200 and isinstance(body, dict) and body.get("ok"):
            return "sent"
        if status == 429:
            params = body.get("parameters") if isinstance(body, dict) else None
            wait = float(params.get("retry_after", 1)) if isinstance(params, dict) else 1.0
            raise _FloodControl(wait)
        if status >= 500:
            return "later"
        return "refused"

    async def __call__(self, chat_id: int, text: str) -> SendOutcome:
        try:
            return await retry(
                lambda: self._post(chat_id, text),
                retry_on=lambda e: isinstance(e, _FloodControl) and e.retry_after <= MAX_RETRY_AFTER_S,
                attempts=FLOOD_RETRIES, backoff=Backoff(first_s=1.0, max_s=MAX_RETRY_AFTER_S, jitter=0.0),
                wait_for=lambda e, w: e.retry_after if isinstance(e, _FloodControl) else w)
        except _FloodControl:
            return "later"
