"""What a message asks the bot to do (start the assessment, the menu, a person ...), from intents.yaml."""

from __future__ import annotations

from eligibility.language.lexicon import Lexicon
from eligibility.language.polarity import core

_MAX_CONTAINS = 30  # a longer message is about something else, even if it says "测评"


def intent_of(lex: Lexicon, s: str) -> str | None:
    c = core(s)
    found = lex.intents_exact.get(c) or lex.intents_exact.get(s.strip())
    if found is not None:
        return found
    if len(c) <= _MAX_CONTAINS:
        for word, intent in lex.intents_contains:
            if word in c:
                return intent
    return None
