"""Build everything a channel needs from the settings, once: the composition root's ingredients.

Nothing here runs at import time; channels call ``build_services`` in their start-up.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from bot.dialog.core import Answerer, Dialog
from bot.dialog.model import CommandInput, Input, Reply, SessionState
from bot.present.answer import side_answerer
from bot.present.i18n import Catalog
from bot.present.report import Renderer
from bot.retry import Backoff, retry
from bot.settings import Settings
from bot.storage.base import SessionStore, StaleSessionError, StoredSession, StoreUnavailableError
from eligibility.evaluate import policy_validity
from eligibility.results import Validity
from knowledge.loader import load_knowledge_base
from knowledge.models import KnowledgeBase

log = logging.getLogger(__name__)
T = TypeVar("T")


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
OUTAGE_BACKOFF = Backoff(first_s=0.05, factor=2.0, max_s=2.0)


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, TRANSIENT_ERRORS)


def _log_outage(exc: BaseException, retry_no: int, wait_s: float) -> None:
    log.warning("session store unavailable (%s); retrying in %.2fs", type(exc).__name__, wait_s)


async def ride_out_outage(call: Callable[[], Awaitable[T]], outage_s: float) -> T:
    """``call()``, retried through a store outage of up to ``outage_s`` seconds (then raised)."""
    return await retry(call, retry_on=is_transient, deadline_s=outage_s, backoff=OUTAGE_BACKOFF,
                       on_retry=_log_outage)


def input_order(input_id: str | None) -> int | None:
    """Telegram's update ids increase: the number orders a chat's inputs (None: no order known)."""
    if input_id is None or not input_id.isdigit():
        return None
    return int(input_id)


@dataclass(frozen=True)
class Turn:
    replies: list[Reply]
    before: dict[str, Any] | None  # the stored session before the input (None: there was none)
    after: dict[str, Any] | None  # and after it (None: deleted)
    applied: bool = True  # False: a redelivered or replayed input, which changed nothing


class Conversations:
    """Load a chat's session, run the dialog, save before replying; retry when another writer won,
    and ride out a dropped database connection (bounded: ``outage_s`` seconds in all).

    Every input is applied at most once per session, and never out of order: an input whose id
    is at or below the last one applied (a redelivery after a crash, or a replay of an old update)
    changes nothing - a redelivery shows the current question again, an older one is ignored.
    ``/forget`` keeps only that mark (:meth:`SessionStore.set_input_mark`: the key and the id), so an
    old update replayed after it cannot bring anything back either.
    """

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

        ``input_id`` (Telegram's update id) makes a redelivered or replayed input harmless (see the
        class). Raises the store's error when the outage outlasts ``outage_s``: nothing was saved."""
        return await ride_out_outage(
            lambda: self._handle_once(key, inp, today, user_key=user_key, lang_hint=lang_hint, input_id=input_id),
            self.outage_s)

    async def _handle_once(self, key: str, inp: Input, today: date, *, user_key: str,
                           lang_hint: str | None, input_id: str | None) -> Turn:
        order = input_order(input_id)
        for _ in range(self.retries):
            stored = await self.store.load(key)
            if stored is None:
                state = SessionState()
                if lang_hint is not None:
                    state.lang = "en" if lang_hint.lower().startswith("en") else "zh"
                if order is not None:  # deleted by /forget? then its mark still orders the inputs
                    state.last_input = await self.store.input_mark(key)
            else:
                state = SessionState.from_json(stored.state, self.engine.kb)
            before = stored.state if stored else None
            if input_id is not None and state.last_input is not None:
                last = input_order(state.last_input)
                if state.last_input == input_id:
                    # Applied already (the reply was lost to a crash or a dropped connection): show where we are.
                    return Turn(self.engine.dialog.current_view(state, today), before, before, applied=False)
                if order is not None and last is not None and order < last:
                    log.info("ignored an input older than the last one applied (%d < %d)", order, last)
                    return Turn([], before, before, applied=False)
            # /forget, its button, or the button's label typed while the confirmation is on screen
            forget = isinstance(inp, CommandInput) and inp.name == "forget"
            if forget or self.engine.dialog.confirms_forget(state, inp):
                return await self._forget(key, state, stored, user_key=user_key, input_id=input_id)
            replies, new_state = self.engine.dialog.handle(state, inp, today)
            new_state.last_input = input_id
            after = new_state.to_json()
            try:
                await self.store.save(key, after, stored.version if stored else None, user_key=user_key)
            except StaleSessionError:
                continue
            return Turn(replies, before, after)
        raise StaleSessionError(f"session {key} kept changing under us")

    async def _forget(self, key: str, state: SessionState, stored: StoredSession | None, *, user_key: str,
                      input_id: str | None) -> Turn:
        """Delete the session and every session the user owns; keep only their input marks (no owner):
        an older update replayed into any of them is ignored, as in this chat."""
        lang = state.lang
        if input_id is not None:
            await self.store.set_input_mark(key, input_id)
        await self.store.delete(key)
        if user_key:
            await self.store.delete_user(user_key, mark=input_id)
        return Turn([Reply(self.engine.catalog.t(lang, "dlg.forgotten"))], stored.state if stored else None, None)
