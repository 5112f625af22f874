"""Inline mode's answer cards: ``@bot 贴息`` in any chat, answered with cards that insert a short answer.

Built from the knowledge base and the free-text answerer; a card is sent into someone else's chat,
so it never says "send /assess" (that chat's bot may not be this one).
"""

from __future__ import annotations

from html import escape

from bot.dialog.model import InlineCard, Reply
from bot.dialog.side import Answerer, AssessHints
from bot.present.i18n import text
from bot.present.report import Renderer
from eligibility.results import Validity
from knowledge.models import KnowledgeBase, Lang

MAX_QUERY = 256  # Telegram's own limit on an inline query


def inline_cards(kb: KnowledgeBase, renderer: Renderer, validity: Validity, answerer: Answerer | None,
                 hints: AssessHints, query: str, lang: Lang, limit: int = 50) -> list[InlineCard]:
    """The best matches of the query, best first (the channel pages them); every benefit for no query."""
    query = query.strip()[:MAX_QUERY]
    if not query:
        return [InlineCard(f"b{i}", text(b.title, lang), text(b.summary, lang),
                           card_text(kb, renderer, validity, b.id, lang)) for i, b in enumerate(kb.benefits[:limit])]
    if answerer is None:
        return []
    side = answerer(query, lang)
    if not side.in_scope:
        return []
    cards = [InlineCard("a0", side.title or query, side.summary, hints.strip(Reply(side.text)).text)]
    for i, benefit_id in enumerate(side.benefits[1:limit], start=1):
        b = kb.benefit(benefit_id)
        cards.append(InlineCard(f"b{i}", text(b.title, lang), text(b.summary, lang),
                                card_text(kb, renderer, validity, b.id, lang)))
    return cards


def card_text(kb: KnowledgeBase, renderer: Renderer, validity: Validity, benefit_id: str, lang: Lang) -> str:
    """An inline card: title, ref, summary and, for money, the amount line; no command to send."""
    from bot.present.answer import AnswerRenderer  # it imports the dialog's side answers: not at import time

    b = kb.benefit(benefit_id)
    ref = escape(renderer.ref(b.ref, lang))
    head = f"<b>{escape(text(b.title, lang))}</b>　{ref}" if lang == "zh" else \
        f"<b>{escape(text(b.title, lang))}</b> ({ref})"
    lines = [head, escape(text(b.summary, lang))]
    if not b.is_info:
        lines.append(escape(AnswerRenderer(kb, renderer.cat, renderer, validity).amount_rule_line(b, lang)))
    return "\n".join(lines)
