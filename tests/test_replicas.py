"""Several bot replicas share one session store: updates for the same chat arriving at two replicas at
once lose no answer, because every save is a version-checked compare-and-set retried on conflict."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.dialog.model import CommandInput, TextInput
from bot.services import Conversations, PolicyRuntime, build_runtime
from bot.settings import Settings
from bot.storage.base import SessionStore
from bot.storage.factory import open_store
from dialog_helpers import TODAY
from pg import PG_URL, create_pg_schema, drop_pg_schema


@pytest.fixture(scope="module")
def engine() -> PolicyRuntime:
    return build_runtime(Settings())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def stores(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[SessionStore, SessionStore]]:
    """Two store objects with their own connection pools over one database: two replicas."""
    schema = None
    if request.param == "postgres":
        schema = await create_pg_schema()
        a, b = open_store(PG_URL, schema=schema), open_store(PG_URL, schema=schema)
    else:
        url = f"sqlite:///{tmp_path / 'shared.db'}"
        a, b = open_store(url), open_store(url)
    try:
        yield a, b
    finally:
        await a.close()
        await b.close()
        if schema is not None:
            await drop_pg_schema(schema)


async def test_two_replicas_answering_the_same_chat_at_once_lose_nothing(
        engine: PolicyRuntime, stores: tuple[SessionStore, SessionStore]) -> None:
    one, two = Conversations(engine, stores[0]), Conversations(engine, stores[1])
    key = "tg:42"
    await one.handle(key, CommandInput("assess"), TODAY, user_key="tg-user:42")
    await two.handle(key, TextInput("企业"), TODAY, user_key="tg-user:42")
    statements = ["我们拿了马德里注册", "我们是出口企业", "我们有驰名商标", "去年获评国家知识产权示范企业",
                  "我们有商标品牌指导站", "我们做了专利导航"]
    await asyncio.gather(*[(one if i % 2 else two).handle(key, TextInput(text), TODAY, user_key="tg-user:42")
                           for i, text in enumerate(statements)])
    stored = await stores[0].load(key)
    assert stored is not None
    facts = stored.state["facts"]
    for fact in ("new_madrid_registration", "is_exporter", "new_well_known_trademark",
                 "new_national_ip_demo_enterprise", "patent_navigation_project"):
        assert facts.get(fact) is True, facts
    assert facts["entity_type"] == "enterprise"
    assert stored.version == 2 + len(statements)


async def test_forget_on_one_replica_removes_the_session_for_both(
        engine: PolicyRuntime, stores: tuple[SessionStore, SessionStore]) -> None:
    one, two = Conversations(engine, stores[0]), Conversations(engine, stores[1])
    await one.handle("tg:7", CommandInput("assess"), TODAY, user_key="tg-user:7")
    await one.handle("tg:7", TextInput("高校"), TODAY, user_key="tg-user:7")
    replies = await two.handle("tg:7", CommandInput("forget"), TODAY, user_key="tg-user:7")
    assert "删除" in replies[0].text
    assert await stores[0].load("tg:7") is None


async def test_a_redelivered_input_is_not_applied_twice(engine: PolicyRuntime,
                                                        stores: tuple[SessionStore, SessionStore]) -> None:
    """Telegram redelivers an update whose handling was cut short; the answer must not land on the next question."""
    one = Conversations(engine, stores[0])
    await one.handle("tg:9", CommandInput("assess"), TODAY, input_id="100")
    await one.handle("tg:9", TextInput("企业"), TODAY, input_id="101")
    again = await one.handle("tg:9", TextInput("企业"), TODAY, input_id="101")
    assert "石家庄" in again[-1].text
    stored = await stores[0].load("tg:9")
    assert stored is not None and stored.version == 2
    assert stored.state["facts"] == {"entity_type": "enterprise"}
