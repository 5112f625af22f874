"""Shared fixtures: the knowledge base, catalogue and renderer are loaded once per test session.

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

import pytest

from bot.present.i18n import Catalog
from bot.present.report import Renderer
from eligibility.evaluate import policy_validity
from eligibility.results import Validity
from knowledge.loader import load_knowledge_base
from knowledge.models import KnowledgeBase


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
def renderer(kb: KnowledgeBase, catalog: Catalog) -> Renderer:
    return Renderer(kb, catalog)
