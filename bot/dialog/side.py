"""Side answers: what the dialog says to a question asked beside the assessment, and to "a person, please".

The free-text answerer (``bot.present.answer``) is given to the dialog as an :data:`Answerer`; its
:class:`SideAnswer` is shown as it is, except inside an assessment, where its "send /assess" hints
are left out (:class:`AssessHints`). :func:`contacts` is the agency's contact, only as the knowledge
base holds it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from bot.dialog.model import Reply
from bot.present.i18n import LANGS, Catalog, text
from eligibility.matcher import detect_lang
from knowledge.models import KnowledgeBase, Lang


@dataclass(frozen=True)
class SideAnswer:
    """What the free-text answerer says to a question: the text shown and what it matched."""

    text: str  # HTML, escaped
    in_scope: bool
    refs: tuple[str, ...] = ()
    benefits: tuple[str, ...] = ()
    confidence: float = 0.0
    depends_on: tuple[str, ...] = ()  # facts the answer depends on that the question did not give
    title: str = ""  # a short plain-text headline (inline cards)
    summary: str = ""  # one plain-text line (inline cards)
    verdict: str | None = None  # the answer's yes / no / maybe, when the question was one


Answerer = Callable[[str, Lang], SideAnswer]

# A sentence of a free-text answer that tells the user to send /assess.
_ASSESS_SENTENCE = re.compile(r"[^。.!?！？]*/assess[^。.!?！？]*[。.!?！？]?")


class AssessHints:
    """"Send /assess ..." in the free-text answers (catalogue keys ask.*): said once the user is in an
    assessment, it would send them back to its start; those sentences are left out there (and in
    inline cards, sent into someone else's chat)."""

    def __init__(self, catalog: Catalog) -> None:
        self.hints = sorted({escape(hint) for lang in LANGS
                             for key, template in catalog.messages[lang].items()
                             if key.startswith("ask.") and "/assess" in template
                             for hint in _ASSESS_SENTENCE.findall(template)
                             if not re.search(r"[{“\"]", hint)}, key=len, reverse=True)

    def strip(self, reply: Reply) -> Reply:
        """``reply`` without its "send /assess" sentences (as it is when it has none)."""
        body = reply.text
        for hint in self.hints:
            body = body.replace(hint, "")
        return reply if body == reply.text else Reply(body.strip() or reply.text, reply.buttons, reply.edit,
                                                      reply.popup)


def lang_of(message: str, default: Lang) -> Lang:
    """The language a free question is written in (answered in kind); the session's when it has no words."""
    if not re.search(r"[\u4e00-\u9fffA-Za-z]", message):
        return default
    return detect_lang(message)


def contacts(kb: KnowledgeBase, catalog: Catalog, lang: Lang) -> str:
    """Only what the knowledge base holds (knowledge/data/contact.yaml); without it, who implements the
    policy according to its text, and that the bot holds no contact details. Never an invented one."""
    if not kb.contacts:
        return catalog.t(lang, "dlg.ld.human_none", agencies=escape(text(kb.policy.implementing_agencies, lang)))
    lines = [catalog.t(lang, "dlg.ld.human_title")]
    for c in kb.contacts:
        lines.append(f"• <b>{escape(text(c.name, lang))}</b>")
        for key, value in (("phone", c.phone), ("hours", c.hours and text(c.hours, lang)),
                           ("address", c.address and text(c.address, lang)), ("url", c.url),
                           ("source", c.source)):
            if value:
                lines.append("  " + catalog.t(lang, f"dlg.ld.contact.{key}", value=escape(value)))
    return "\n".join(lines)
