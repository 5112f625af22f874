"""Shared fixtures: the knowledge base, catalogue and renderer are loaded once per test session.

The shared test harness lives in ``tests/fakes/`` (the fake Bot API, the bot end to end, in process
and as a process, scripted users, stores): test modules import from there, never from each other.

Process-wide settings live here, once, before any test module imports python-telegram-bot:
``PTB_TIMEDELTA`` makes PTB 22 give ``retry_after`` as a timedelta instead of warning while it builds
``RetryAfter`` (the suite turns warnings into errors).
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "true")
# The fake Bot API imposes no sending limits: without this each test chat would be held to
# Telegram's one message a second. Tests of the per-chat limit set it explicitly.
os.environ.setdefault("IPBOT_CHAT_RATE_LIMIT", "0")

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.present.answer import AnswerRenderer
from bot.present.i18n import Catalog
from bot.present.report import Renderer
from eligibility.evaluate import policy_validity
from eligibility.matcher import Matcher
from eligibility.questionnaire import Question, question_by_id
from eligibility.results import Validity
from fakes.reading import AS_OF, Asker
from knowledge.loader import load_knowledge_base
from knowledge.models import KnowledgeBase

if TYPE_CHECKING:
    from fakes.telegram_bot import Harness


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="session")
def validity(kb: KnowledgeBase) -> Validity:
    return policy_validity(kb)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.fixture(scope="session")
def ask(kb: KnowledgeBase, validity: Validity) -> Asker:
    """The question the bot has just asked, by id (``ask("pledge_loan_interest_paid_yuan")``), as the language
    tests read an answer against it."""
    def question(question_id: str) -> Question:
        q = question_by_id(kb, question_id, {}, AS_OF, validity)
        assert q is not None, question_id
        return q
    return question


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)


@pytest.fixture(scope="session")
def answers(kb: KnowledgeBase, catalog: Catalog) -> AnswerRenderer:
    """The free-text answer cards, as `ipbot ask` and the chat render them."""
    return AnswerRenderer(kb, catalog)


@pytest.fixture(scope="session")
def renderer(kb: KnowledgeBase, catalog: Catalog) -> Renderer:
    return Renderer(kb, catalog)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot end to end, started on a fresh fake Bot API and SQLite file (``tests/fakes/telegram_bot.py``).

    Modules that test the bot in process define a ``bot`` of their own (``fakes.in_process.InProcessBot``).
    """
    from fakes.telegram_bot import bot_harness  # imported here: most tests never start a bot

    async with bot_harness(tmp_path) as harness:
        await harness.start()
        yield harness
