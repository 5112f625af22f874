"""Build everything a channel needs from the settings, once: the composition root's ingredients.

Nothing here runs at import time; channels call ``build_services`` in their start-up.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.dialog.core import Answerer, Dialog
from bot.dialog.model import CommandInput, Input, Reply, SessionState
from bot.present.answer import side_answerer
from bot.present.i18n import Catalog
from bot.present.report import Renderer
from bot.settings import Settings
from bot.storage.base import SessionStore, StaleSessionError, StoreUnavailableError
from eligibility.evaluate import policy_validity
from eligibility.results import Validity
from knowledge.loader import load_knowledge_base
from knowledge.models import KnowledgeBase

log = logging.getLogger(__name__)


@dataclass
class PolicyRuntime:
    """The knowledge base and everything derived from it; swapped whole on /reload."""

    kb: KnowledgeBase
    catalog: Catalog
    renderer: Renderer
    validity: Validity
    dialog: Dialog


def build_runtime(settings: Settings, catalog: Catalog | None = None) -> PolicyRuntime:
    kb = load_knowledge_base(settings.kb_dir)
    catalog = catalog or Catalog.load()
    renderer = Renderer(kb, catalog)
    validity = policy_validity(kb, settings.policy_published_on)
    return PolicyRuntime(kb, catalog, renderer, validity, Dialog(kb, renderer, validity, make_answerer(kb, renderer)))


def make_answerer(kb: KnowledgeBase, renderer: Renderer) -> Answerer:
    """The free-text answerer the dialog uses for questions asked in passing."""
    return side_answerer(kb, renderer)


# A dropped database connection, a restarting server, a file locked for a moment: worth another try
# (the stores raise StoreUnavailableError for these). Other errors are bugs, not outages: raised at once.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (StoreUnavailableError, ConnectionError, TimeoutError)


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, TRANSIENT_ERRORS)


@dataclass(frozen=True)
class Turn:
    replies: list[Reply]
    before: dict[str, Any] | None  # the stored session before the input (None: there was none)
    after: dict[str, Any] | None  # and after it (None: deleted)


class Conversations:
    """Load a chat's session, run the dialog, save before replying; retry when another writer won,
    and ride out a dropped database connection (bounded: ``outage_s`` seconds in all)."""

    def __init__(self, engine: PolicyRuntime, store: SessionStore, retries: int = 8, outage_s: float = 20.0) -> None:
        self.engine = engine
        self.store = store
        self.retries = retries
        self.outage_s = outage_s

    async def handle(self, key: str, inp: Input, today: date, *, user_key: str = "",
                     lang_hint: str | None = None, input_id: str | None = None) -> list[Reply]:
        """The replies to one input; the session is saved before they are returned."""
        turn = await self.turn(key, inp, today, user_key=user_key, lang_hint=lang_hint, input_id=input_id)
        return turn.replies

    async def turn(self, key: str, inp: Input, today: date, *, user_key: str = "",
                   lang_hint: str | None = None, input_id: str | None = None) -> Turn:
        """One input, with the session as it was before and after (usage statistics derive from them).

        ``input_id`` (Telegram's update id) makes a redelivered input harmless: it is not applied
        twice, the current question or result is shown again instead."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.outage_s
        delay = 0.05
        while True:
            try:
                return await self._handle_once(key, inp, today, user_key=user_key, lang_hint=lang_hint,
                                               input_id=input_id)
            except TRANSIENT_ERRORS as exc:
                if loop.time() + delay > deadline:
                    raise
                log.warning("session store unavailable (%s); retrying in %.2fs", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def _handle_once(self, key: str, inp: Input, today: date, *, user_key: str,
                           lang_hint: str | None, input_id: str | None) -> Turn:
        if isinstance(inp, CommandInput) and inp.name == "forget":
            stored = await self.store.load(key)
            lang = SessionState.from_json(stored.state, self.engine.kb).lang if stored else "zh"
            await self.store.delete(key)
            if user_key:
                await self.store.delete_user(user_key)
            return Turn([Reply(self.engine.catalog.t(lang, "dlg.forgotten"))], None, None)
        for _ in range(self.retries):
            stored = await self.store.load(key)
            if stored is None:
                state = SessionState()
                if lang_hint is not None:
                    state.lang = "en" if lang_hint.lower().startswith("en") else "zh"
            else:
                state = SessionState.from_json(stored.state, self.engine.kb)
            before = stored.state if stored else None
            if input_id is not None and state.last_input == input_id:
                # Applied already (the reply was lost to a crash or a dropped connection): show where we are.
                return Turn(self.engine.dialog.current_view(state, today), before, before)
            replies, new_state = self.engine.dialog.handle(state, inp, today)
            new_state.last_input = input_id
            after = new_state.to_json()
            try:
                await self.store.save(key, after, stored.version if stored else None, user_key=user_key)
            except StaleSessionError:
                continue
            return Turn(replies, before, after)
        raise StaleSessionError(f"session {key} kept changing under us")

    async def forget(self, user_key: str) -> int:
        return await self.store.delete_user(user_key)
