"""Build everything a channel needs from the settings, once: the composition root's ingredients.

Nothing here runs at import time; channels call ``build_services`` in their start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.dialog.core import Answerer, Dialog
from bot.dialog.model import CommandInput, Input, Reply, SessionState
from bot.i18n import Catalog
from bot.report import Renderer
from bot.settings import Settings
from bot.store import SessionStore, StaleSessionError
from eligibility.evaluate import policy_validity
from eligibility.results import Validity
from knowledge.loader import load_knowledge_base
from knowledge.models import KnowledgeBase


@dataclass
class Engine:
    """The knowledge base and everything derived from it; swapped whole on /reload."""

    kb: KnowledgeBase
    catalog: Catalog
    renderer: Renderer
    validity: Validity
    dialog: Dialog


def build_engine(settings: Settings, catalog: Catalog | None = None) -> Engine:
    kb = load_knowledge_base(settings.kb_dir)
    catalog = catalog or Catalog.load()
    renderer = Renderer(kb, catalog)
    validity = policy_validity(kb, settings.policy_published_on)
    return Engine(kb, catalog, renderer, validity, Dialog(kb, renderer, validity, make_answerer(kb, renderer)))


def make_answerer(kb: KnowledgeBase, renderer: Renderer) -> Answerer | None:
    """The free-text answerer, when its module is present."""
    try:
        from bot.answer import side_answerer
    except ImportError:  # pragma: no cover - the answerer ships with the package
        return None
    return side_answerer(kb, renderer)


class Conversations:
    """Load a chat's session, run the dialog, save before replying; retry when another writer won."""

    def __init__(self, engine: Engine, store: SessionStore, retries: int = 8) -> None:
        self.engine = engine
        self.store = store
        self.retries = retries

    async def handle(self, key: str, inp: Input, today: date, *, user_key: str = "",
                     lang_hint: str | None = None) -> list[Reply]:
        if isinstance(inp, CommandInput) and inp.name == "forget":
            stored = await self.store.load(key)
            lang = SessionState.from_json(stored.state, self.engine.kb).lang if stored else "zh"
            await self.store.delete(key)
            if user_key:
                await self.store.delete_user(user_key)
            return [Reply(self.engine.catalog.t(lang, "dlg.forgotten"))]
        for _ in range(self.retries):
            stored = await self.store.load(key)
            if stored is None:
                state = SessionState()
                if lang_hint is not None:
                    state.lang = "en" if lang_hint.lower().startswith("en") else "zh"
            else:
                state = SessionState.from_json(stored.state, self.engine.kb)
            replies, new_state = self.engine.dialog.handle(state, inp, today)
            try:
                await self.store.save(key, new_state.to_json(), stored.version if stored else None,
                                      user_key=user_key)
            except StaleSessionError:
                continue
            return replies
        raise StaleSessionError(f"session {key} kept changing under us")

    async def forget(self, user_key: str) -> int:
        return await self.store.delete_user(user_key)
